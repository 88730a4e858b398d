"""Typed errors worded for the user: what is wrong and what to do.

One handler (see `openpin.app`) renders them as JSON under `/api` and as an HTML page elsewhere.
"""

from __future__ import annotations

from typing import Any


class OpenPinError(Exception):
    status_code = 400
    code = "bad_request"

    def __init__(self, message: str, hint: str = "", **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.details = details

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.hint:
            body["hint"] = self.hint
        if self.details:
            body["details"] = self.details
        return body


class NotFound(OpenPinError):
    # Also used for another workspace's rows, so existence never leaks across workspaces.
    status_code = 404
    code = "not_found"


class ValidationFailed(OpenPinError):
    status_code = 422
    code = "validation_failed"

    def __init__(self, message: str, hint: str = "", field: str | None = None) -> None:
        super().__init__(message, hint, **({"field": field} if field else {}))
        self.field = field


class Conflict(OpenPinError):
    status_code = 409
    code = "conflict"


class AuthenticationRequired(OpenPinError):
    status_code = 401
    code = "authentication_required"


class PermissionDenied(OpenPinError):
    status_code = 403
    code = "permission_denied"
