"""Realistic incoming emails for the inbox tests: replies, DSN bounces, auto-replies."""

from __future__ import annotations

from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid


def reply_email(
    *,
    from_addr: str,
    to_addr: str,
    body: str,
    in_reply_to: str | None = None,
    subject: str = "Re: Staff Data Engineer at Acme",
    message_id: str | None = None,
    quoted: str = "Hi Ada,\n\nWould you fancy a chat about a role?\n\nRita",
    headers: dict[str, str] | None = None,
) -> bytes:
    """A plain-text reply as Gmail writes it: new text, then the quoted original."""
    message = EmailMessage()
    message["From"] = from_addr
    message["To"] = to_addr
    message["Subject"] = subject
    message["Date"] = format_datetime(datetime(2026, 3, 3, 9, 30, tzinfo=UTC))
    message["Message-ID"] = message_id or make_msgid(domain="mail.example.org")
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
        message["References"] = in_reply_to
    for name, value in (headers or {}).items():
        message[name] = value
    quote = "\n".join(f"> {line}" for line in quoted.splitlines())
    message.set_content(
        f"{body}\n\nOn Mon, 2 Mar 2026 at 10:00, Rita <{to_addr}> wrote:\n{quote}\n"
    )
    return message.as_bytes()


def dsn_bounce(*, original: bytes, recipient: str, to_addr: str, status: str = "5.1.1") -> bytes:
    """An RFC 3464 delivery status notification, byte for byte as Postfix writes one."""
    headers_only = original.replace(b"\r\n", b"\n").split(b"\n\n", 1)[0].decode()
    boundary = "B1A2C3D4E5.1772445601/mx.example.org"
    text = f"""From: MAILER-DAEMON@mx.example.org (Mail Delivery System)
Subject: Undelivered Mail Returned to Sender
To: {to_addr}
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
\tboundary="{boundary}"
Message-Id: <20260302100001.B1A2C3D4E5@mx.example.org>
Date: Mon,  2 Mar 2026 10:00:01 +0000 (UTC)

This is a MIME-encapsulated message.

--{boundary}
Content-Description: Notification
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mx.example.org.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients.

<{recipient}>: host mx.example.org[192.0.2.25] said: 550 {status}
    <{recipient}>: Recipient address rejected: User unknown in virtual mailbox
    table (in reply to RCPT TO command)

--{boundary}
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.org
X-Postfix-Queue-ID: B1A2C3D4E5
Arrival-Date: Mon,  2 Mar 2026 10:00:00 +0000 (UTC)

Final-Recipient: rfc822; {recipient}
Original-Recipient: rfc822;{recipient}
Action: failed
Status: {status}
Remote-MTA: dns; mx.example.org
Diagnostic-Code: smtp; 550 {status} <{recipient}>: Recipient address rejected:
    User unknown in virtual mailbox table

--{boundary}
Content-Description: Undelivered Message Headers
Content-Type: text/rfc822-headers

{headers_only}

--{boundary}--
"""
    return text.replace("\n", "\r\n").encode()


def exim_bounce(*, recipient: str, to_addr: str, original_message_id: str) -> bytes:
    """A non-standard bounce: Exim's plain-text "Mail delivery failed" with the original quoted."""
    return (
        f"From: Mail Delivery System <Mailer-Daemon@mx2.example.net>\r\n"
        f"To: {to_addr}\r\n"
        f"Subject: Mail delivery failed: returning message to sender\r\n"
        f"Message-ID: {make_msgid(domain='mx2.example.net')}\r\n"
        f"X-Failed-Recipients: {recipient}\r\n"
        f"Auto-Submitted: auto-replied\r\n"
        f"Date: Mon, 02 Mar 2026 10:05:00 +0000\r\n"
        f"\r\n"
        f"This message was created automatically by mail delivery software.\r\n\r\n"
        f"A message that you sent could not be delivered to one or more of its\r\n"
        f"recipients. This is a permanent error. The following address(es) failed:\r\n\r\n"
        f"  {recipient}\r\n"
        f"    host mx2.example.net [192.0.2.7]\r\n"
        f"    SMTP error from remote mail server after RCPT TO:<{recipient}>:\r\n"
        f"    550 5.1.1 No such user here\r\n\r\n"
        f"------ This is a copy of the message, including all the headers. ------\r\n\r\n"
        f"Message-ID: {original_message_id}\r\n"
        f"From: Rita Recruiter <{to_addr}>\r\n"
        f"To: {recipient}\r\n"
        f"Subject: Staff Data Engineer at Acme\r\n\r\n"
        f"Hi there\r\n"
    ).encode()


def out_of_office(*, from_addr: str, to_addr: str, in_reply_to: str | None = None) -> bytes:
    """An Exchange-style automatic reply with Auto-Submitted and X-Auto-Response-Suppress."""
    headers = {"Auto-Submitted": "auto-replied", "X-Auto-Response-Suppress": "All"}
    return reply_email(
        from_addr=from_addr,
        to_addr=to_addr,
        body="I am out of the office until 16 March with limited access to email.",
        in_reply_to=in_reply_to,
        subject="Automatic reply: Staff Data Engineer at Acme",
        headers=headers,
        quoted="",
    )
