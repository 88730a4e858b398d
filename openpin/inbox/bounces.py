"""Delivery failure reports (bounces), standard and not.

Standard: RFC 3464 DSNs, `multipart/report; report-type=delivery-status`, with a
`message/delivery-status` part (per-recipient Final-Recipient, Action, Status, Diagnostic-Code)
and the original message or its headers attached. Not standard but common: a plain-text notice
from MAILER-DAEMON or postmaster (qmail's "failure notice", Exim's "Mail delivery failed",
Exchange's "Undeliverable:") whose body names the address and the SMTP reply.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from email import message_from_string
from email.message import EmailMessage, Message
from email.utils import getaddresses

from openpin.inbox.parsing import message_ids_in, part_text

BOUNCE_SENDERS = re.compile(r"^(mailer-daemon|postmaster|mail-daemon|bounce[s]?)[@+]", re.I)
BOUNCE_SUBJECTS = re.compile(
    r"undeliver|delivery status notification|returned mail|mail delivery (failed|failure|system)"
    r"|failure notice|delivery failure|could not be delivered|unzustellbar|non remis"
    r"|message not delivered|address not found",
    re.I,
)
FAILURE_PHRASES = re.compile(
    r"(could not be delivered|permanent(ly)? (error|fatal|failure)|address(es)? failed"
    r"|user unknown|no such user|does not exist|mailbox unavailable|recipient address rejected"
    r"|no mailbox here|unknown user|address not found|undeliverable|delivery has failed"
    r"|message was not delivered|couldn't be delivered)",
    re.I,
)
ENHANCED_STATUS = re.compile(r"\b([245]\.\d{1,3}\.\d{1,3})\b")
SMTP_REPLY = re.compile(r"\b(5[0-5]\d)[ -]")
EMAIL_IN_TEXT = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+", re.U)


@dataclass
class BounceReport:
    failed_recipients: list[str] = field(default_factory=list)
    status: str = ""  # enhanced status code, e.g. "5.1.1"
    diagnostic: str = ""  # the receiving server's own words
    original_message_ids: list[str] = field(default_factory=list)
    # False for "delayed" reports: the server is still trying, nothing has failed yet.
    is_failure: bool = True


def detect_bounce(message: EmailMessage, from_address: str, subject: str) -> BounceReport | None:
    """A report when this message is a delivery failure notice; None for anything else."""
    if _is_dsn(message):
        return _read_dsn(message)
    if _looks_like_plain_bounce(message, from_address, subject):
        return _read_plain_bounce(message, from_address)
    return None


def _is_dsn(message: Message) -> bool:
    return (
        message.get_content_type() == "multipart/report"
        and str(message.get_param("report-type") or "").lower() == "delivery-status"
    )


def _read_dsn(message: Message) -> BounceReport:
    report = BounceReport()
    actions: list[str] = []
    for part in message.walk():
        content_type = part.get_content_type()
        if content_type == "message/delivery-status":
            actions += _read_status_blocks(part, report)
        elif content_type in ("message/rfc822", "text/rfc822-headers"):
            report.original_message_ids += _original_ids(part)
    # Only "delayed", "delivered", "relayed" or "expanded": a notice, not a failure.
    report.is_failure = not actions or "failed" in actions
    _fill_missing_from_text(message, report)
    return report


def _read_status_blocks(part: Message, report: BounceReport) -> list[str]:
    """Per-recipient fields of a message/delivery-status part; returns the actions seen."""
    actions = []
    for block in _status_blocks(part):
        action = (block.get("Action") or "").strip().lower()
        recipient = _address_field(block.get("Final-Recipient") or block.get("Original-Recipient"))
        if action:
            actions.append(action)
        if recipient and action in ("failed", ""):
            report.failed_recipients.append(recipient)
        status = ENHANCED_STATUS.search(block.get("Status") or "")
        if status and not report.status:
            report.status = status.group(1)
        diagnostic = " ".join(str(block.get("Diagnostic-Code") or "").split())
        if diagnostic and not report.diagnostic:
            report.diagnostic = diagnostic.split(";", 1)[-1].strip()
    return actions


def _status_blocks(part: Message) -> list[Message]:
    payload = part.get_payload()
    if isinstance(payload, list):
        return [block for block in payload if isinstance(block, Message)]
    # Some generators encode the part so the parser leaves it as text: read the blocks ourselves.
    text = part_text(part)
    return [message_from_string(chunk + "\n") for chunk in re.split(r"\n\s*\n", text) if chunk]


def _address_field(value: object) -> str:
    """'rfc822; ada@example.com' -> 'ada@example.com'."""
    text = str(value or "").split(";", 1)[-1].strip()
    for _, address in getaddresses([text]):
        if "@" in address:
            return address.lower()
    return ""


def _original_ids(part: Message) -> list[str]:
    if part.get_content_type() == "message/rfc822":
        payload = part.get_payload()
        inner = payload[0] if isinstance(payload, list) and payload else None
        if isinstance(inner, Message):
            return message_ids_in(str(inner.get("Message-ID") or ""))
    headers = message_from_string(part_text(part))
    return message_ids_in(str(headers.get("Message-ID") or ""))


def _looks_like_plain_bounce(message: Message, from_address: str, subject: str) -> bool:
    from_daemon = bool(BOUNCE_SENDERS.match(from_address))
    if message.get("X-Failed-Recipients"):
        return True
    if not (from_daemon or BOUNCE_SUBJECTS.search(subject)):
        return False
    return bool(FAILURE_PHRASES.search(_all_text(message)))


def _read_plain_bounce(message: Message, from_address: str) -> BounceReport:
    report = BounceReport()
    failed_header = str(message.get("X-Failed-Recipients") or "")
    report.failed_recipients = [a.lower() for _, a in getaddresses([failed_header]) if "@" in a]
    for part in message.walk():
        if part.get_content_type() in ("message/rfc822", "text/rfc822-headers"):
            report.original_message_ids += _original_ids(part)
    _fill_missing_from_text(message, report, exclude=from_address)
    return report


def _fill_missing_from_text(message: Message, report: BounceReport, exclude: str = "") -> None:
    """What the structured fields did not say, read from the human-readable notice."""
    text = _notice_text(message)
    if not report.status:
        found = ENHANCED_STATUS.search(text)
        report.status = found.group(1) if found else _status_from_smtp_code(text)
    if not report.diagnostic:
        report.diagnostic = _diagnostic_line(text)
    if not report.original_message_ids:
        report.original_message_ids = _ids_after_message_id_label(text)
    if not report.failed_recipients:
        report.failed_recipients = _addresses_in_notice(text, exclude)


def _status_from_smtp_code(text: str) -> str:
    found = SMTP_REPLY.search(text)
    return f"{found.group(1)[0]}.0.0" if found else ""


def _diagnostic_line(text: str) -> str:
    """The receiving server's reply if the notice quotes it, else its sentence about failing."""
    lines = text.splitlines()
    for pattern in (SMTP_REPLY, FAILURE_PHRASES):
        for line in lines:
            if pattern.search(line):
                return " ".join(line.split())[:500]
    return ""


def _ids_after_message_id_label(text: str) -> list[str]:
    found = re.findall(r"^\s*Message-ID:\s*(<[^<>\s]+>)", text, re.I | re.M)
    return found


def _addresses_in_notice(text: str, exclude: str) -> list[str]:
    # The notice names the failed address before any quoted original, so the first ones count.
    head = re.split(r"^-{2,}.*(original|returned|headers).*$", text, maxsplit=1, flags=re.I | re.M)[
        0
    ]
    seen: list[str] = []
    for address in EMAIL_IN_TEXT.findall(head):
        address = address.lower().strip(".'")
        if address != exclude and not BOUNCE_SENDERS.match(address) and address not in seen:
            seen.append(address)
    return seen[:1]


def _notice_text(message: Message) -> str:
    """The human-readable part(s) of the notice, without the returned original message."""
    texts = []
    for part in message.walk():
        if part.get_content_type() in ("message/rfc822", "text/rfc822-headers"):
            break
        if part.get_content_type() == "text/plain":
            texts.append(part_text(part))
    return "\n".join(texts)


def _all_text(message: Message) -> str:
    return "\n".join(
        part_text(part) for part in message.walk() if part.get_content_maintype() == "text"
    )
