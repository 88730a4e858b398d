"""What a task handler raises to steer its own retry; anything else retries with backoff."""

from __future__ import annotations


class RetryLater(Exception):
    """Run again after exactly `retry_after_seconds` (e.g. an upstream's Retry-After).

    It does not consume an attempt: waiting out a rate limit is not a failure.
    """

    def __init__(self, retry_after_seconds: float, reason: str = "") -> None:
        if retry_after_seconds < 0:
            raise ValueError("retry_after_seconds must be zero or more")
        super().__init__(reason or f"retry after {retry_after_seconds:g}s")
        self.retry_after_seconds = float(retry_after_seconds)
        self.reason = reason


class PermanentError(Exception):
    """Retrying cannot help: mark the task failed with `reason`, kept for a person to retry."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
