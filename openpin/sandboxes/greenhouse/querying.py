"""Harvest v3 list semantics: query filters, `fields`, and cursor pagination.

Pages are ordered by id, descending. The first request carries the filters and `per_page`; the
`Link: <...?cursor=...>; rel="next"` URL carries them on, and a request with `cursor` must carry no
other parameter. The cursor is opaque to clients: it encodes the path, the original query and the
last id served, so pages stay stable while records are added.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from openpin.sandboxes.greenhouse.errors import ErrorEntry, unprocessable
from openpin.sandboxes.greenhouse.state import Record

MAX_PER_PAGE = 500
DEFAULT_PER_PAGE = 100
MAX_IDS = 50
DATE_OPERATORS = {
    "gte": lambda value, bound: value >= bound,
    "lte": lambda value, bound: value <= bound,
    "gt": lambda value, bound: value > bound,
    "lt": lambda value, bound: value < bound,
}
# Greenhouse rejects these together; an incremental sync must pick one watermark field.
EXCLUSIVE_DATE_FILTERS = frozenset({"created_at", "updated_at"})


class ParamError(ValueError):
    """A query parameter value the endpoint rejects; the message names what is wrong."""


@dataclass(frozen=True)
class Filter:
    parse: Callable[[str], Any]
    matches: Callable[[Record, Any], bool]
    default: str | None = None
    """Applied when the parameter is absent (e.g. service users stay hidden unless asked for)."""


@dataclass(frozen=True)
class ListSpec:
    collection: str
    filters: Mapping[str, Filter]
    visible: Callable[[Record], bool] = lambda record: True
    present: Callable[[Record], Record] = lambda record: record


@dataclass(frozen=True)
class Page:
    records: list[Record]
    next_cursor: str | None


@dataclass
class ListQuery:
    params: list[tuple[str, str]]
    per_page: int = DEFAULT_PER_PAGE
    after_id: int | None = None
    parsed_filters: dict[str, Any] = field(default_factory=dict)
    fields: list[str] | None = None


# --- parsers -------------------------------------------------------------------------------------


def parse_int(raw: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise ParamError(f"`{raw}` is not a valid integer") from None


def parse_bool(raw: str) -> bool:
    if raw.lower() in {"true", "false"}:
        return raw.lower() == "true"
    raise ParamError(f"`{raw}` is not a valid boolean")


def parse_ids(raw: str) -> frozenset[int]:
    values = [part.strip() for part in raw.split(",") if part.strip()]
    if len(values) > MAX_IDS:
        raise ParamError(f"accepts at most {MAX_IDS} ids")
    return frozenset(parse_int(value) for value in values)


def parse_text(raw: str) -> str:
    return raw


def parse_timestamp(raw: str) -> datetime:
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise ParamError(f"`{raw}` is not a valid ISO-8601 timestamp") from None
    if moment.tzinfo is None:
        raise ParamError(f"`{raw}` needs a time zone")
    return moment


def parse_date_filter(raw: str) -> list[tuple[str, datetime]]:
    """`gte|2026-01-01T00:00:00Z|lte|...`: operator/value pairs, joined by pipes."""
    parts = raw.split("|")
    if len(parts) % 2 or not parts[0]:
        raise ParamError("use operator|timestamp pairs, e.g. gte|2026-01-01T00:00:00Z")
    bounds = []
    for operator, value in zip(parts[::2], parts[1::2], strict=True):
        if operator not in DATE_OPERATORS:
            raise ParamError(f"`{operator}` is not one of: gte, lte, gt, lt")
        bounds.append((operator, parse_timestamp(value)))
    return bounds


def enum_parser(*allowed: str) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        if raw not in allowed:
            raise ParamError(f"`{raw}` is not one of: {', '.join(allowed)}")
        return raw

    return parse


# --- filters -------------------------------------------------------------------------------------


def ids_filter(key: str = "id") -> Filter:
    return Filter(parse_ids, lambda record, ids: record.get(key) in ids)


def date_filter(key: str) -> Filter:
    def matches(record: Record, bounds: list[tuple[str, datetime]]) -> bool:
        if record.get(key) is None:
            return False
        value = parse_timestamp(record[key])
        return all(DATE_OPERATORS[operator](value, bound) for operator, bound in bounds)

    return Filter(parse_date_filter, matches)


def equals_filter(key: str, parse: Callable[[str], Any] = parse_text) -> Filter:
    return Filter(parse, lambda record, value: record.get(key) == value)


def casefold_filter(key: str) -> Filter:
    return Filter(
        parse_text, lambda record, value: str(record.get(key, "")).lower() == value.lower()
    )


# --- the request ---------------------------------------------------------------------------------


def parse_list_query(path: str, params: list[tuple[str, str]], spec: ListSpec) -> ListQuery:
    names = [name for name, _ in params]
    if "cursor" in names:
        if len(params) > 1:
            raise unprocessable(["When passing a cursor, do not include other query params."])
        return _query_from_cursor(path, params[0][1], spec)
    return _query_from_params(params, spec)


def _query_from_params(params: list[tuple[str, str]], spec: ListSpec) -> ListQuery:
    allowed = set(spec.filters) | {"per_page", "fields"}
    unknown = sorted({name for name, _ in params} - allowed)
    if unknown:
        raise unprocessable([f"Invalid query params: {', '.join(unknown)}"])
    values = dict(params)
    if values.keys() >= EXCLUSIVE_DATE_FILTERS:
        raise unprocessable(["Do not combine created_at and updated_at filters in one request."])
    query = ListQuery(params=params)
    errors: list[ErrorEntry] = []
    query.per_page = _parse_per_page(values.get("per_page"), errors)
    query.fields = _parse_fields(values.get("fields"), errors)
    for name, spec_filter in spec.filters.items():
        raw = values.get(name, spec_filter.default)
        if raw is None:
            continue
        try:
            query.parsed_filters[name] = spec_filter.parse(raw)
        except ParamError as error:
            errors.append({name: str(error)})
    if errors:
        raise unprocessable(errors)
    return query


def _parse_per_page(raw: str | None, errors: list[ErrorEntry]) -> int:
    if raw is None:
        return DEFAULT_PER_PAGE
    try:
        value = parse_int(raw)
    except ParamError as error:
        errors.append({"per_page": str(error)})
        return DEFAULT_PER_PAGE
    if value > MAX_PER_PAGE:
        errors.append({"per_page": f"`{value}` number is greater than: {MAX_PER_PAGE}"})
    elif value < 1:
        errors.append({"per_page": f"`{value}` number is less than: 1"})
    return value


def _parse_fields(raw: str | None, errors: list[ErrorEntry]) -> list[str] | None:
    if raw is None:
        return None
    names = [name.strip() for name in raw.split(",") if name.strip()]
    if not names or len(names) > MAX_IDS:
        errors.append({"fields": f"name between 1 and {MAX_IDS} fields"})
    return names


def _query_from_cursor(path: str, cursor: str, spec: ListSpec) -> ListQuery:
    try:
        state = json.loads(base64.urlsafe_b64decode(cursor.encode() + b"=" * (-len(cursor) % 4)))
        params = [(str(name), str(value)) for name, value in state["q"]]
        cursor_path, after_id = str(state["p"]), int(state["a"])
    except (binascii.Error, ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise unprocessable(["Invalid cursor."]) from None
    if cursor_path != path:
        raise unprocessable(["Invalid cursor."])
    query = _query_from_params(params, spec)
    query.after_id = after_id
    return query


def encode_cursor(path: str, params: list[tuple[str, str]], after_id: int) -> str:
    document = json.dumps({"p": path, "q": params, "a": after_id}, separators=(",", ":"))
    return base64.urlsafe_b64encode(document.encode()).decode().rstrip("=")


def select_page(path: str, query: ListQuery, spec: ListSpec, records: list[Record]) -> Page:
    matching = sorted(
        (record for record in records if spec.visible(record) and _matches(record, query, spec)),
        key=lambda record: record["id"],
        reverse=True,
    )
    if query.after_id is not None:
        matching = [record for record in matching if record["id"] < query.after_id]
    page = matching[: query.per_page]
    more = len(matching) > query.per_page
    next_cursor = encode_cursor(path, query.params, page[-1]["id"]) if more else None
    return Page([_project(spec.present(record), query.fields) for record in page], next_cursor)


def _matches(record: Record, query: ListQuery, spec: ListSpec) -> bool:
    return all(
        spec.filters[name].matches(record, value) for name, value in query.parsed_filters.items()
    )


def _project(record: Record, fields: list[str] | None) -> Record:
    if fields is None:
        return record
    return {name: record[name] for name in fields if name in record}


def next_link(base_url: str, path: str, cursor: str) -> str:
    return f'<{base_url}{path}?{urlencode({"cursor": cursor})}>; rel="next"'
