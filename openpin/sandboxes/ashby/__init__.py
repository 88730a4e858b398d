"""The Ashby sandbox: Ashby's public API (RPC-style POST, Basic auth) served from memory.

`create_app(AshbySandboxConfig(...))` builds the ASGI app; `openpin sandbox ashby` runs it and
`openpin.sandboxes.ashby.testing.serve_ashby_sandbox` serves it on a free loopback port for tests.
"""

from openpin.sandboxes.ashby.app import create_app
from openpin.sandboxes.ashby.config import AshbySandboxConfig

__all__ = ["AshbySandboxConfig", "create_app"]
