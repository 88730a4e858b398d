"""Reading and checking JSON request bodies; every problem becomes a `{field: message}` entry.

All problems in a body are collected before answering, so one 422 lists everything that is wrong,
as Greenhouse's validation errors do.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from starlette.requests import Request

from openpin.sandboxes.greenhouse.errors import ErrorEntry, bad_request, unprocessable
from openpin.sandboxes.greenhouse.querying import ParamError, parse_timestamp
from openpin.sandboxes.greenhouse.state import Record

EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
EMAIL_TYPES = ("personal", "work", "other")
PHONE_TYPES = ("home", "work", "mobile", "skype", "other")
ADDRESS_TYPES = ("home", "work", "other")
WEBSITE_TYPES = ("personal", "company", "portfolio", "blog", "other")
MAX_TEXT = 255


async def read_json_object(request: Request) -> dict[str, Any]:
    raw = await request.body()
    try:
        body = json.loads(raw or b"null")
    except (ValueError, UnicodeDecodeError):
        raise bad_request(["The request body is not valid JSON."]) from None
    if not isinstance(body, dict):
        raise bad_request(["The request body must be a JSON object."])
    return body


class BodyReader:
    """Typed access to a JSON object's fields; unknown fields are an error, not silently dropped."""

    def __init__(self, body: dict[str, Any], allowed: Iterable[str], prefix: str = "") -> None:
        self.body = body
        self.prefix = prefix
        self.errors: list[ErrorEntry] = []
        for key in sorted(set(body) - set(allowed)):
            self.fail(key, "is not a permitted field")

    def fail(self, key: str, message: str) -> None:
        self.errors.append({f"{self.prefix}{key}": message})

    def has(self, key: str) -> bool:
        return key in self.body

    def raise_if_invalid(self) -> None:
        if self.errors:
            raise unprocessable(self.errors)

    def _value(self, key: str, required: bool) -> Any:
        value = self.body.get(key)
        if value is None and required:
            self.fail(key, "is required")
        return value

    def string(self, key: str, *, required: bool = False, max_length: int = MAX_TEXT) -> str | None:
        value = self._value(key, required)
        if value is None:
            return None
        if not isinstance(value, str):
            self.fail(key, "must be a string")
            return None
        if required and not value.strip():
            self.fail(key, "must not be blank")
        if len(value) > max_length:
            self.fail(key, f"must be at most {max_length} characters")
        return value

    def integer(self, key: str, *, required: bool = False) -> int | None:
        value = self._value(key, required)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(key, "must be an integer")
            return None
        return value

    def boolean(self, key: str) -> bool | None:
        value = self._value(key, False)
        if value is not None and not isinstance(value, bool):
            self.fail(key, "must be a boolean")
            return None
        return value

    def choice(
        self, key: str, allowed: tuple[str, ...], *, required: bool = False, listed: str = ""
    ) -> str | None:
        value = self.string(key, required=required)
        if value is not None and value not in allowed:
            self.fail(key, f"Must be one of: {listed or ', '.join(allowed)}")
            return None
        return value

    def strings(self, key: str, *, required: bool = False) -> list[str] | None:
        value = self._value(key, required)
        if value is None:
            return None
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            self.fail(key, "must be an array of strings")
            return None
        return value

    def integers(self, key: str) -> list[int] | None:
        value = self._value(key, False)
        if value is None:
            return None
        valid = isinstance(value, list) and all(
            isinstance(item, int) and not isinstance(item, bool) for item in value
        )
        if not valid:
            self.fail(key, "must be an array of integers")
            return None
        return value

    def timestamp(self, key: str, *, required: bool = False) -> str | None:
        value = self.string(key, required=required)
        if value is None:
            return None
        try:
            parse_timestamp(value if "T" in value else f"{value}T00:00:00Z")
        except ParamError as error:
            self.fail(key, str(error))
            return None
        return value

    def contacts(self, key: str, types: tuple[str, ...] | None) -> list[Record] | None:
        """`[{value, type}]`, or `[{value}]` when `types` is None (social media has no type)."""
        value = self._value(key, False)
        if value is None:
            return None
        if not isinstance(value, list):
            self.fail(key, "must be an array")
            return None
        entries = [self._contact(key, item, types) for item in value]
        return [entry for entry in entries if entry is not None]

    def _contact(self, key: str, item: Any, types: tuple[str, ...] | None) -> Record | None:
        allowed = {"value"} if types is None else {"value", "type"}
        if not isinstance(item, dict) or set(item) - allowed:
            self.fail(key, f"entries must be objects with only: {', '.join(sorted(allowed))}")
            return None
        text = item.get("value")
        if not isinstance(text, str) or not text.strip():
            self.fail(key, "every entry needs a non-blank string value")
            return None
        if key == "email_addresses" and not EMAIL_PATTERN.match(text):
            self.fail(key, f"`{text}` is not a valid email address")
            return None
        if types is None:
            return {"value": text}
        if item.get("type") not in types:
            self.fail(key, f"type must be one of: {', '.join(types)}")
            return None
        return {"value": text, "type": item["type"]}
