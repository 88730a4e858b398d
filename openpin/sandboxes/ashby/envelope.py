"""Ashby's response envelope: `{success, results}` or `{success: false, errors, errorInfo}`.

Logical errors (bad input, unknown ids) are answered with HTTP 200 and `success: false`; only
transport-level conditions (401, 403, 404, 429, 5xx) use other statuses, with the same error body.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from starlette.responses import JSONResponse

# Ashby's request ids look like ULIDs (`01JSJ8FDK5ZN4XQBZP7DBKK7ZC`): Crockford base32, 26 chars.
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


class AshbyError(Exception):
    """A failure answered in Ashby's error envelope; HTTP 200 unless it is transport-level."""

    def __init__(
        self,
        code: str,
        message: str,
        *,
        http_status: int = 200,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.http_status = http_status
        self.headers = headers or {}


def invalid_input(message: str) -> AshbyError:
    return AshbyError("invalid_input", message)


def not_found(kind: str, identifier: str) -> AshbyError:
    return AshbyError(f"{kind}_not_found", f"No {kind.replace('_', ' ')} with id {identifier}")


@dataclass
class Page:
    """One page of a paginated list: rendered as `results` plus the pagination fields."""

    results: list[dict[str, Any]]
    more_data_available: bool
    next_cursor: str | None = None
    sync_token: str | None = None


def new_request_id() -> str:
    return "".join(secrets.choice(_CROCKFORD) for _ in range(26))


def success_body(results: Any) -> dict[str, Any]:
    if isinstance(results, Page):
        body: dict[str, Any] = {"success": True, "results": results.results}
        body["moreDataAvailable"] = results.more_data_available
        if results.next_cursor is not None:
            body["nextCursor"] = results.next_cursor
        if results.sync_token is not None:
            body["syncToken"] = results.sync_token
        return body
    return {"success": True, "results": results}


def error_body(code: str, message: str) -> dict[str, Any]:
    return {
        "success": False,
        "errors": [code],
        "errorInfo": {"code": code, "message": message, "requestId": new_request_id()},
    }


def error_response(error: AshbyError) -> JSONResponse:
    return JSONResponse(
        error_body(error.code, error.message),
        status_code=error.http_status,
        headers=error.headers,
    )
