"""Every failure of an outside system, classified once, in the client that saw it.

Callers decide from the class alone (ARCHITECTURE Convention 6):

- `AuthError`: the credentials are wrong, revoked or lack a permission. Retrying cannot help; the
  user must fix the connection (the message says how). `MissingPermission` names the permission.
- `RateLimited(retry_after)`: wait that many seconds, then try again. Not a failure of the work.
- `TransientError`: the ATS or the network failed (5xx, timeout, connection reset). Retry with
  backoff. `ambiguous=True` means a write may have been applied before the failure: look the
  record up before writing again.
- `RejectedError(field_errors)`: the ATS refused the request as invalid; its own words are kept
  so the user sees the ATS's reason. `NotFoundInAts` is the refusal "that record does not exist".
- `SyncExpired`: an incremental read's token or cursor is no longer valid; start a full read.

`ats_candidate_id` is set when the failure happened after the ATS created the person (a later
step of the same operation failed), so the caller can record the id and never create again.
"""

from __future__ import annotations


class IntegrationError(Exception):
    """Base of every classified outside failure; `message` is worded for the user."""

    retryable = False

    def __init__(self, message: str, *, provider: str = "", ats_candidate_id: str | None = None):
        super().__init__(message)
        self.message = message
        self.provider = provider
        self.ats_candidate_id = ats_candidate_id


class AuthError(IntegrationError):
    """The connection must be fixed by a person (reconnect, new key, more permissions)."""


class MissingPermission(AuthError):
    """The credentials work but lack `permission` (the ATS's own name for it)."""

    def __init__(self, message: str, *, permission: str, provider: str = "") -> None:
        super().__init__(message, provider=provider)
        self.permission = permission


class RateLimited(IntegrationError):
    """The ATS asked us to wait `retry_after` seconds before the next request."""

    retryable = True

    def __init__(self, message: str, *, retry_after: float, provider: str = "") -> None:
        super().__init__(message, provider=provider)
        self.retry_after = max(0.0, float(retry_after))


class TransientError(IntegrationError):
    """A failure that may pass: server error, timeout, dropped connection.

    `ambiguous` is True when the request was a write whose outcome is unknown (the ATS may have
    applied it): the caller must look the record up before writing again.
    """

    retryable = True

    def __init__(
        self,
        message: str,
        *,
        ambiguous: bool = False,
        status_code: int | None = None,
        provider: str = "",
    ) -> None:
        super().__init__(message, provider=provider)
        self.ambiguous = ambiguous
        self.status_code = status_code


class RejectedError(IntegrationError):
    """The ATS refused the request; `field_errors` maps a field (or "" when none) to its words."""

    def __init__(
        self,
        message: str,
        *,
        field_errors: dict[str, str] | None = None,
        code: str | None = None,
        status_code: int | None = None,
        provider: str = "",
    ) -> None:
        super().__init__(message, provider=provider)
        self.field_errors = dict(field_errors or {})
        self.code = code
        self.status_code = status_code


class NotFoundInAts(RejectedError):
    """The record the request names does not exist in the ATS (or is not visible yet)."""


class SyncExpired(IntegrationError):
    """An incremental read can no longer continue: discard its checkpoint and read in full."""


def with_candidate_id(error: IntegrationError, ats_candidate_id: str) -> IntegrationError:
    """Mark `error` as having happened after the ATS created `ats_candidate_id`."""
    error.ats_candidate_id = ats_candidate_id
    return error
