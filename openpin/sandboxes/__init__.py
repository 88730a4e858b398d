"""ATS sandbox servers: our own peers for the Greenhouse and Ashby protocols.

`faults` and `common` hold what every sandbox shares (fault injection, rate limiting, request log,
serving over real HTTP); each vendor lives in its own package.
"""
