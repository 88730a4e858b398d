"""Open and click tracking, per mailbox and off by default.

When a mailbox tracks opens or clicks, each email gains a text/html alternative built from the
plain-text body (the text part is sent unchanged). Opens: a 1x1 GIF at `/t/o/{token}.gif`.
Clicks: every http(s) link of the HTML part goes through `/t/c/{token}?u={url}` first.

Tokens are HMAC-signed (itsdangerous) with a key derived from the server secret, one salt per
kind. A click token signs the message id AND the target URL, so the redirect only ever goes to a
URL that was in an email we sent: it cannot be abused as an open redirect. The unsubscribe link
and the List-Unsubscribe header are never rewritten (one-click unsubscribe must work untouched).

Each message records `message.opened` once (later opens are ignored) and `message.clicked` once
per link. Opens are a weak signal: some mail clients fetch images for privacy or security when the
mail arrives, and many block images; replies remain the signal that matters.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Callable
from email.message import EmailMessage
from typing import Any
from urllib.parse import quote

from itsdangerous import BadSignature, Signer, URLSafeSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session

from openpin.activity.service import record_event
from openpin.kit.crypto import SecretBox
from openpin.models import ActivityEvent
from openpin.models.sequence import Enrollment, Mailbox, Message

_OPEN_SALT = "openpin.tracking.open.v1"
_CLICK_SALT = "openpin.tracking.click.v1"
# http(s) URLs in plain text, without the punctuation that usually ends a sentence after one.
_URL = re.compile(r"https?://[^\s<>\"']+")
_TRAILING = ".,;:!?)]}"
# The smallest transparent GIF: 1x1, one transparent colour.
PIXEL_GIF = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00"
    b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)


class InvalidTrackingLink(Exception):
    """A tracking token that is malformed, tampered with, or names no message."""


# --- tokens -----------------------------------------------------------------------------------


def _open_serializer(secrets: SecretBox) -> URLSafeSerializer:
    return URLSafeSerializer(secrets.session_secret, salt=_OPEN_SALT)


def _click_signer(secrets: SecretBox) -> Signer:
    return Signer(secrets.session_secret, salt=_CLICK_SALT, digest_method=hashlib.sha256)


def _click_payload(message_id: int, url: str) -> str:
    return f"{message_id}\n{url}"


def open_token(secrets: SecretBox, message_id: int) -> str:
    return str(_open_serializer(secrets).dumps(message_id))


def click_token(secrets: SecretBox, message_id: int, url: str) -> str:
    signature = _click_signer(secrets).get_signature(_click_payload(message_id, url))
    return f"{message_id}.{signature.decode()}"


def open_pixel_url(base_url: str, secrets: SecretBox, message_id: int) -> str:
    return f"{base_url.rstrip('/')}/t/o/{open_token(secrets, message_id)}.gif"


def click_url(base_url: str, secrets: SecretBox, message_id: int, url: str) -> str:
    token = click_token(secrets, message_id, url)
    return f"{base_url.rstrip('/')}/t/c/{token}?u={quote(url, safe='')}"


def message_id_for_open(secrets: SecretBox, token: str) -> int:
    try:
        message_id = _open_serializer(secrets).loads(token)
    except BadSignature as exc:
        raise InvalidTrackingLink("bad open token") from exc
    if not isinstance(message_id, int):
        raise InvalidTrackingLink("bad open token")
    return message_id


def message_id_for_click(secrets: SecretBox, token: str, url: str) -> int:
    """The message id, if the token signs exactly this message and this URL."""
    raw_id, _, signature = token.partition(".")
    if not raw_id.isdigit() or not signature or not _URL.fullmatch(url):
        raise InvalidTrackingLink("bad click token")
    payload = _click_payload(int(raw_id), url)
    if not _click_signer(secrets).verify_signature(payload, signature):
        raise InvalidTrackingLink("bad click token")
    return int(raw_id)


# --- the HTML part ----------------------------------------------------------------------------


def _split_url(match: str) -> tuple[str, str]:
    """A matched URL less trailing sentence punctuation, and that punctuation."""
    url = match.rstrip(_TRAILING)
    return url, match[len(url) :]


def _linkify_line(line: str, href_for: Callable[[str], str]) -> str:
    out, last = [], 0
    for found in _URL.finditer(line):
        url, tail = _split_url(found.group())
        out.append(html.escape(line[last : found.start()]))
        out.append(f'<a href="{html.escape(href_for(url))}">{html.escape(url)}</a>')
        out.append(html.escape(tail))
        last = found.end()
    out.append(html.escape(line[last:]))
    return "".join(out)


def text_to_html(text: str, href_for: Callable[[str], str], pixel_url: str | None) -> str:
    """Escaped paragraphs and line breaks, links made clickable through `href_for(url)`."""
    paragraphs = [p for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    blocks = [
        "<p>" + "<br>\n".join(_linkify_line(line, href_for) for line in p.split("\n")) + "</p>"
        for p in paragraphs
    ]
    if pixel_url:
        blocks.append(
            f'<img src="{html.escape(pixel_url)}" width="1" height="1" alt="" '
            'style="display:block;border:0;width:1px;height:1px">'
        )
    body = "\n".join(blocks)
    return f'<!DOCTYPE html>\n<html><body style="font-family:sans-serif">\n{body}\n</body></html>\n'


def add_tracking(
    email: EmailMessage,
    message_id: int,
    mailbox: Mailbox,
    secrets: SecretBox,
    base_url: str,
    unsubscribe_url: str,
) -> None:
    """Add the HTML alternative with the pixel and/or tracked links the mailbox asks for."""
    if not (mailbox.track_opens or mailbox.track_clicks):
        return
    text = email.get_content().replace("\r\n", "\n")

    def href_for(url: str) -> str:
        if not mailbox.track_clicks or url == unsubscribe_url:
            return url
        return click_url(base_url, secrets, message_id, url)

    pixel = open_pixel_url(base_url, secrets, message_id) if mailbox.track_opens else None
    email.add_alternative(text_to_html(text, href_for, pixel), subtype="html")


# --- recording --------------------------------------------------------------------------------


def _already_recorded(session: Session, message: Message, type_: str, **match: Any) -> bool:
    events = session.scalars(
        select(ActivityEvent.data).where(
            ActivityEvent.workspace_id == message.workspace_id,
            ActivityEvent.candidate_id == message.candidate_id,
            ActivityEvent.type == type_,
        )
    )
    wanted = {"message_id": message.id, **match}
    return any(all(data.get(k) == v for k, v in wanted.items()) for data in events)


def _record_once(session: Session, message_id: int, type_: str, **data: Any) -> None:
    # The row lock (PostgreSQL) makes two simultaneous fetches of one link record one event.
    message = session.scalars(
        select(Message).where(Message.id == message_id).with_for_update()
    ).one_or_none()
    if message is None:
        raise InvalidTrackingLink("no such message")
    if _already_recorded(session, message, type_, **data):
        return
    enrollment = session.get(Enrollment, message.enrollment_id)
    record_event(
        session,
        message.workspace_id,
        type_,
        candidate_id=message.candidate_id,
        job_id=enrollment.job_id if enrollment else None,
        data={
            "message_id": message.id,
            "enrollment_id": message.enrollment_id,
            "sequence_id": enrollment.sequence_id if enrollment else None,
            "step": message.step_position,
            **data,
        },
    )


def record_open(session: Session, secrets: SecretBox, token: str) -> None:
    """`message.opened`, the first time only; raises InvalidTrackingLink for a bad token."""
    _record_once(session, message_id_for_open(secrets, token), "message.opened")


def record_click(session: Session, secrets: SecretBox, token: str, url: str) -> str:
    """`message.clicked` (once per link) and the verified URL to redirect to."""
    _record_once(session, message_id_for_click(secrets, token, url), "message.clicked", url=url)
    return url
