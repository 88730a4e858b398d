"""Harvest v3 error answers, in the documented body shape.

`{"message": "<status text>", "errors": [...]}` where each entry is a string or a single-key
`{field: message}` object; 404 bodies carry only the message.
"""

from __future__ import annotations

import secrets
from typing import Any

from starlette.responses import JSONResponse

ErrorEntry = str | dict[str, str]


class HarvestError(Exception):
    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(f"{status}: {body}")
        self.status = status
        self.body = body

    def response(self) -> JSONResponse:
        return JSONResponse(self.body, status_code=self.status)


def unprocessable(errors: list[ErrorEntry]) -> HarvestError:
    return HarvestError(422, {"message": "Unprocessable Content", "errors": errors})


def not_found() -> HarvestError:
    return HarvestError(404, {"message": "Resource not found"})


def bad_request(errors: list[ErrorEntry]) -> HarvestError:
    return HarvestError(400, {"message": "Bad Request", "errors": errors})


def unauthorized(reason: str) -> HarvestError:
    return HarvestError(401, {"message": "Unauthorized", "errors": [reason]})


def forbidden(reason: str) -> HarvestError:
    return HarvestError(403, {"message": "Forbidden", "errors": [reason]})


def token_unauthorized() -> HarvestError:
    """What the token endpoint says when no client credential came at all (seen live)."""
    return HarvestError(401, {"message": "Unauthorized", "errorId": f"err-{secrets.token_hex(8)}"})


def token_invalid_client() -> HarvestError:
    return HarvestError(401, {"error": "invalid_client"})


def token_bad_request(message: str) -> HarvestError:
    return HarvestError(400, {"message": message, "errorId": f"err-{secrets.token_hex(8)}"})
