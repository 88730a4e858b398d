"""Reading HTML forms into the plain values the services take, and errors back onto fields."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from pydantic import ValidationError
from starlette.datastructures import FormData
from starlette.requests import Request

from openpin.errors import OpenPinError

# Service messages start with the field path ("emails[1]: ..."), which the form shows by the field.
_FIELD_PREFIX = re.compile(r"^(?P<field>[a-z_]+(?:\[\d+\])?(?:\.[a-z_]+)?): (?P<message>.+)$", re.S)


class FormInvalid(Exception):
    """A form value the page itself could not read (before any service sees it)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


async def form_data(request: Request) -> FormData:
    """Dependency: the parsed form, so route handlers can stay plain `def`."""
    return await request.form()


def text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def lines(form: FormData, name: str) -> list[str]:
    """One value per line (emails, phones, links): the easiest shape to paste into."""
    return [line.strip() for line in text(form, name).splitlines() if line.strip()]


def comma_list(form: FormData, name: str) -> list[str]:
    """Skills and similar short words, separated by commas or new lines."""
    parts = re.split(r"[,\n]", text(form, name))
    seen: dict[str, str] = {}
    for part in (p.strip() for p in parts):
        if part and part.lower() not in seen:
            seen[part.lower()] = part
    return list(seen.values())


def month_date(form: FormData, name: str) -> date | None:
    """`<input type=month>` sends YYYY-MM; a typed YYYY or YYYY-MM-DD is accepted too."""
    raw = text(form, name)
    if not raw:
        return None
    match = re.fullmatch(r"(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?", raw)
    try:
        if match is None:
            raise ValueError(raw)
        year, month, day = (int(part) if part else 1 for part in match.groups())
        return date(year, month, day)
    except ValueError:
        raise FormInvalid(
            name, f"“{raw}” is not a date. Use the form YYYY-MM, like 2021-03."
        ) from None


def row_indexes(form: FormData, prefix: str) -> list[int]:
    """Indexes of repeated rows (`exp-0-title`, `exp-1-title`, ...) in the order they appear."""
    found: list[int] = []
    for key in form:
        match = re.fullmatch(rf"{prefix}-(\d+)-\w+", key)
        if match and int(match.group(1)) not in found:
            found.append(int(match.group(1)))
    return found


def field_of(location: str) -> str:
    """A service field path (`emails[1]`, `location.country`) as the form's field name."""
    head = re.split(r"[.\[]", location, maxsplit=1)[0]
    if head == "location":
        tail = location.split(".", 1)[1] if "." in location else "country"
        return tail.split(".")[0]
    return head


def split_field(message: str) -> tuple[str | None, str]:
    match = _FIELD_PREFIX.match(message)
    if match is None:
        return None, message
    return match.group("field"), match.group("message")


def _service_error(exc: OpenPinError) -> dict[str, str]:
    prefixed, message = split_field(exc.message)
    field = exc.details.get("field") or prefixed
    if exc.hint:
        message = f"{message} {exc.hint}"
    return {field_of(field) if isinstance(field, str) else "_form": message}


def errors_from(exc: OpenPinError | ValidationError | FormInvalid) -> dict[str, str]:
    """Field name -> a plain sentence, for showing next to the field; `_form` if no field."""
    if isinstance(exc, FormInvalid):
        return {exc.field: exc.message}
    if isinstance(exc, OpenPinError):
        return _service_error(exc)
    errors: dict[str, str] = {}
    for error in exc.errors():
        location = ".".join(str(part) for part in error["loc"])
        errors.setdefault(field_of(location) if location else "_form", _plain(error))
    return errors


def _plain(error: Any) -> str:
    context = error.get("ctx") or {}
    if error.get("type") == "string_too_long" and context.get("max_length"):
        return f"This is too long: keep it to {context['max_length']} characters or fewer."
    if error.get("type") == "string_too_short" and context.get("min_length") == 1:
        return "This is required: please fill it in."
    return str(error.get("msg", "This value is not valid.")).removeprefix("Value error, ")
