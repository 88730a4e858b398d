"""Cursor pagination and incremental sync, as Ashby's list endpoints do them.

Items are listed in the order of their last change (`change_seq`), so an item written while a
client pages through moves behind the cursor and is listed again rather than missed. The
`syncToken` handed out with the last page is the organisation's change counter at that moment:
a later sync with it lists exactly the items written since. Cursors and tokens are opaque to
clients, carry the list they belong to, and expire when the sandbox is reset.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from openpin.sandboxes.ashby.envelope import AshbyError, Page, invalid_input
from openpin.sandboxes.ashby.records import Organization

MAX_PAGE_SIZE = 100
T = TypeVar("T")


@dataclass(frozen=True)
class PageRequest:
    cursor: str | None = None
    sync_token: str | None = None
    limit: float | None = None
    created_after_ms: int | None = None


@dataclass(frozen=True)
class _Position:
    after_seq: int
    since_seq: int
    created_after_ms: int | None


def paginate(
    items: Iterable[T],
    request: PageRequest,
    *,
    list_name: str,
    org: Organization,
    change_seq: Callable[[T], int],
    created_at: Callable[[T], datetime] | None,
    render: Callable[[T], dict[str, Any]],
    sync_tokens_expired: bool = False,
) -> Page:
    position = _start_position(request, list_name, org, sync_tokens_expired)
    selected = sorted(
        (
            item
            for item in items
            if change_seq(item) > max(position.after_seq, position.since_seq)
            and _created_after(item, created_at, position.created_after_ms)
        ),
        key=change_seq,
    )
    size = page_size(request.limit)
    page, more = selected[:size], len(selected) > size
    if more:
        next_position = _Position(
            change_seq(page[-1]), position.since_seq, position.created_after_ms
        )
        return Page(
            [render(item) for item in page], True, _encode_cursor(list_name, org, next_position)
        )
    sync_token = _encode({"list": list_name, "epoch": org.epoch, "seq": org.change_seq})
    return Page([render(item) for item in page], False, sync_token=sync_token)


def page_size(limit: float | None) -> int:
    """Ashby's `limit` is a number whose maximum and default is 100; larger values are capped."""
    if limit is None:
        return MAX_PAGE_SIZE
    if limit != int(limit) or limit < 1:
        raise invalid_input(f"limit must be a whole number between 1 and {MAX_PAGE_SIZE}")
    return min(int(limit), MAX_PAGE_SIZE)


def _start_position(
    request: PageRequest, list_name: str, org: Organization, sync_tokens_expired: bool
) -> _Position:
    if request.cursor is not None:
        # A cursor carries the whole listing (sync start and filters); other fields are ignored.
        return _decode_cursor(request.cursor, list_name, org)
    since = 0
    if request.sync_token is not None:
        since = _decode_sync_token(request.sync_token, list_name, org, sync_tokens_expired)
    return _Position(after_seq=0, since_seq=since, created_after_ms=request.created_after_ms)


def _created_after(
    item: Any, created_at: Callable[[Any], datetime] | None, after_ms: int | None
) -> bool:
    if after_ms is None or created_at is None:
        return True
    return created_at(item).timestamp() * 1000 > after_ms


def _encode_cursor(list_name: str, org: Organization, position: _Position) -> str:
    return _encode(
        {
            "list": list_name,
            "epoch": org.epoch,
            "after": position.after_seq,
            "since": position.since_seq,
            "createdAfter": position.created_after_ms,
        }
    )


def _decode_cursor(cursor: str, list_name: str, org: Organization) -> _Position:
    fields = _decode(cursor)
    if fields is None or fields.get("list") != list_name or fields.get("epoch") != org.epoch:
        raise invalid_input("cursor is not valid for this list; start again without a cursor")
    try:
        return _Position(int(fields["after"]), int(fields["since"]), fields.get("createdAfter"))
    except (KeyError, TypeError, ValueError) as error:
        raise invalid_input("cursor is malformed; start again without a cursor") from error


def _decode_sync_token(token: str, list_name: str, org: Organization, expired: bool) -> int:
    fields = _decode(token)
    if fields is None or fields.get("list") != list_name or not isinstance(fields.get("seq"), int):
        raise invalid_input("syncToken is not valid for this list")
    if expired or fields.get("epoch") != org.epoch:
        raise AshbyError(
            "sync_token_expired", "The sync token has expired; run a full sync without it"
        )
    return int(fields["seq"])


def _encode(fields: dict[str, Any]) -> str:
    raw = json.dumps(fields, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(text: str) -> dict[str, Any] | None:
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        fields = json.loads(raw)
    except (binascii.Error, ValueError):
        return None
    return fields if isinstance(fields, dict) else None
