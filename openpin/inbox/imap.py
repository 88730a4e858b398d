"""Reading new messages from a mailbox over IMAP, from a checkpoint (UIDVALIDITY, last UID).

UIDs only grow within one UIDVALIDITY; when the server changes it (the folder was rebuilt), every
UID is new, so the folder is read again from the first-sync date and the Message-ID dedupe keeps
already-stored replies from coming in twice. The folder is opened read-only and bodies are
fetched with BODY.PEEK, so polling never marks the recruiter's mail as read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from imapclient import IMAPClient

from openpin.sequence.lifecycle import ImapSettings
from openpin.sequence.mailboxes import open_imap

FETCH_CHUNK = 25


@dataclass(frozen=True)
class FetchedMessage:
    uid: int
    raw: bytes
    internal_date: datetime | None


@dataclass(frozen=True)
class FetchResult:
    uidvalidity: int
    messages: list[FetchedMessage]
    highest_uid: int  # the new checkpoint: the last UID read, even if nothing was fetched
    more: bool  # more new messages wait than this run took


def fetch_new_messages(
    settings: ImapSettings,
    *,
    uidvalidity: int,
    last_uid: int,
    since: date,
    limit: int,
) -> FetchResult:
    client = open_imap(settings)
    try:
        info = client.select_folder(settings.folder, readonly=True)
        current_validity = int(info[b"UIDVALIDITY"])
        if current_validity != uidvalidity:
            last_uid = 0  # a new UID space: nothing of the old checkpoint applies
        uids = _new_uids(client, last_uid, since)
        batch = uids[:limit]
        messages = _fetch(client, batch)
    finally:
        _logout(client)
    highest = batch[-1] if batch else last_uid
    return FetchResult(current_validity, messages, highest, more=len(uids) > limit)


def _new_uids(client: IMAPClient, last_uid: int, since: date) -> list[int]:
    if last_uid == 0:
        found = client.search(["SINCE", since])
    else:
        # "N:*" always matches the highest UID, even when it is below N: filter below.
        found = client.search(["UID", f"{last_uid + 1}:*"])
    return sorted(uid for uid in found if uid > last_uid)


def _fetch(client: IMAPClient, uids: list[int]) -> list[FetchedMessage]:
    messages = []
    for start in range(0, len(uids), FETCH_CHUNK):
        chunk = uids[start : start + FETCH_CHUNK]
        data = client.fetch(chunk, ["BODY.PEEK[]", "INTERNALDATE"])
        for uid in chunk:
            item = data.get(uid)
            if item is None or b"BODY[]" not in item:
                continue  # expunged between SEARCH and FETCH: gone from the folder
            messages.append(FetchedMessage(uid, bytes(item[b"BODY[]"]), _utc(item)))
    return messages


def _utc(item: dict[bytes, object]) -> datetime | None:
    value = item.get(b"INTERNALDATE")
    if not isinstance(value, datetime):
        return None
    # imapclient gives naive local time unless told otherwise; make it explicit UTC.
    return value.astimezone(UTC) if value.tzinfo else value.astimezone().astimezone(UTC)


def _logout(client: IMAPClient) -> None:
    try:
        client.logout()
    except Exception:  # the server may already have gone; the socket is closed either way
        client.shutdown()
