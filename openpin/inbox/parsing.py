"""Reading an incoming email: headers, the newest text without the quoted history, threading ids.

Parsing is with the stdlib `email` package; the reply text is cut from the body with
`mail-parser-reply`, which knows the "On <date>, <person> wrote:" and "From: ... Sent: ..." lines
of the common mail clients in several languages.
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage, Message
from email.utils import getaddresses, parsedate_to_datetime
from html.parser import HTMLParser

from mailparser_reply import EmailReplyParser

from openpin.errors import ValidationFailed

# Headers kept on the reply: they decided its kind and matching, and explain it later.
KEPT_HEADERS = (
    "Date",
    "Auto-Submitted",
    "X-Autoreply",
    "X-Autorespond",
    "X-Auto-Response-Suppress",
    "Precedence",
    "Content-Type",
    "Return-Path",
    "Reply-To",
    "X-Failed-Recipients",
    "List-Id",
)
REPLY_LANGUAGES = ["en", "de", "fr", "es", "it", "nl", "sv", "da", "pl"]
MESSAGE_ID = re.compile(r"<[^<>\s]+>")
MAX_TEXT_CHARS = 20_000


@dataclass
class ParsedEmail:
    raw: bytes
    message: EmailMessage
    message_id: str  # with angle brackets; synthesised from the content when missing
    in_reply_to: list[str]
    references: list[str]
    from_address: str
    from_name: str
    to_address: str
    subject: str
    sent_at: datetime | None
    headers: dict[str, str] = field(default_factory=dict)
    body_text: str = ""
    reply_text: str = ""

    @property
    def thread_ids(self) -> list[str]:
        """Ids of earlier messages this one answers: In-Reply-To first, then References newest
        first (the last entry of References is the message directly answered)."""
        ordered = [*self.in_reply_to, *reversed(self.references)]
        return list(dict.fromkeys(ordered))


def parse_email(raw: bytes) -> ParsedEmail:
    """Parse raw RFC 5322 bytes; a clear error when they are not an email at all.

    A message the stdlib cannot read (broken MIME) is refused with a ValidationFailed too, so one
    malformed message never blocks the mail behind it.
    """
    try:
        return _parse(raw)
    except (ValueError, TypeError, AttributeError, LookupError, IndexError) as exc:
        raise ValidationFailed(
            f"The message could not be read as an email ({type(exc).__name__}: {exc}).",
            "Send the message exactly as it was received, without re-encoding it.",
        ) from exc


def _parse(raw: bytes) -> ParsedEmail:
    message = _parse_bytes(raw)
    from_name, from_address = _first_address(message, "From")
    _, to_address = _first_address(message, "Delivered-To") or ("", "")
    if not to_address:
        _, to_address = _first_address(message, "To")
    body = body_text(message)
    return ParsedEmail(
        raw=raw,
        message=message,
        message_id=_message_id(message, raw),
        in_reply_to=message_ids_in(_header(message, "In-Reply-To")),
        references=message_ids_in(_header(message, "References")),
        from_address=from_address,
        from_name=from_name,
        to_address=to_address,
        subject=_header(message, "Subject"),
        sent_at=_date(message),
        headers={name: _header(message, name) for name in KEPT_HEADERS if message[name]},
        body_text=body,
        reply_text=latest_reply(body),
    )


def _parse_bytes(raw: bytes) -> EmailMessage:
    if not raw.strip():
        raise ValidationFailed(
            "The message is empty.", "Send the whole raw email (RFC 5322), headers and body."
        )
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    if not message.keys() or not (message["From"] or message["Message-ID"]):
        raise ValidationFailed(
            "This is not a raw email: no From or Message-ID header was found.",
            "Send the full MIME message as the provider received it (headers, blank line, body).",
        )
    return message


def _header(message: Message, name: str) -> str:
    """A header as one line of text; a malformed value is kept as its raw text."""
    try:
        value = message.get(name)
    except (ValueError, TypeError, IndexError):
        value = message.get_all(name, [""])[0] if hasattr(message, "get_all") else ""
    return " ".join(str(value or "").split())


def message_ids_in(value: str) -> list[str]:
    return [found for found in MESSAGE_ID.findall(value or "")]


def normalise_message_id(value: str) -> str:
    value = value.strip()
    if not value:
        return ""
    return value if value.startswith("<") else f"<{value.strip('<>')}>"


def _message_id(message: Message, raw: bytes) -> str:
    found = message_ids_in(_header(message, "Message-ID"))
    if found:
        return found[0][:998]
    # No Message-ID (rare, some bounce generators): the content itself identifies the message.
    return f"<sha256-{hashlib.sha256(raw).hexdigest()}@no-message-id.openpin>"


def _first_address(message: Message, name: str) -> tuple[str, str]:
    value = _header(message, name)
    for display, address in getaddresses([value]):
        if "@" in address:
            return display.strip(), address.strip().lower()
    return "", ""


def _date(message: Message) -> datetime | None:
    value = _header(message, "Date")
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def body_text(message: EmailMessage) -> str:
    """The readable body: the text/plain part, else the HTML part as text."""
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    text = part_text(part)
    if part.get_content_type() == "text/html":
        text = html_to_text(text)
    return text[:MAX_TEXT_CHARS].strip()


def part_text(part: Message) -> str:
    """A text part decoded, even with an unknown or wrong charset (nothing is dropped)."""
    try:
        content = part.get_content()  # type: ignore[attr-defined]
        if isinstance(content, str):
            return content
    except (LookupError, UnicodeDecodeError, KeyError, AttributeError, ValueError):
        pass
    payload = part.get_payload(decode=True)
    if isinstance(payload, bytes):
        return payload.decode(part.get_content_charset() or "utf-8", errors="replace")
    return str(part.get_payload() or "")


def latest_reply(text: str) -> str:
    """The newest message only: quoted history, "wrote:" lines and the signature cut off."""
    if not text.strip():
        return ""
    parsed = EmailReplyParser(languages=REPLY_LANGUAGES).read(text)
    newest = parsed.replies[0] if parsed.replies else None
    reply = (newest.body if newest else "") or (newest.full_body if newest else "")
    reply = _drop_quoted_lines(reply)
    return reply.strip() or text.strip()


def _drop_quoted_lines(text: str) -> str:
    # Clients that quote with ">" but no "wrote:" line still leave the history in the reply.
    lines = [line for line in text.splitlines() if not line.lstrip().startswith(">")]
    return "\n".join(lines)


class _TextFromHtml(HTMLParser):
    BLOCKS = frozenset({"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "table"})
    SKIPPED = frozenset({"style", "script", "head", "title"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0
        self._quote_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIPPED:
            self._skipping += 1
        elif tag == "blockquote":
            # Quoted history in HTML replies (Gmail, Outlook on the web); the reply is outside it.
            self._quote_depth += 1
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIPPED:
            self._skipping = max(0, self._skipping - 1)
        elif tag == "blockquote" and self._quote_depth:
            self._quote_depth -= 1
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping and not self._quote_depth:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    parser = _TextFromHtml()
    parser.feed(html)
    parser.close()
    text = "".join(parser.parts)
    text = re.sub(r"[ \t\xa0]+", " ", text)
    return re.sub(r"\n\s*\n+", "\n\n", text).strip()
