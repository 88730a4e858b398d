"""Reading incoming mail: the newest text, threading ids, bounces and automatic answers."""

from __future__ import annotations

import pytest

from openpin.errors import ValidationFailed
from openpin.inbox.autoreply import auto_reply_reason
from openpin.inbox.bounces import detect_bounce
from openpin.inbox.parsing import parse_email
from tests.inbox.mail import dsn_bounce, exim_bounce, reply_email

OUTLOOK_REPLY = b"""From: "Okafor, Samuel" <sam@corp.example>\r
To: rita@acme.example\r
Subject: RE: Data Engineer role\r
Message-ID: <AM0PR01MB1234@corp.example>\r
In-Reply-To: <step2@acme.example>\r
References: <step1@acme.example> <step2@acme.example>\r
Content-Type: text/plain; charset="windows-1252"\r
Content-Transfer-Encoding: quoted-printable\r
\r
Thanks Rita =96 I'm open to a call next week.\r
\r
Samuel\r
\r
From: Rita Recruiter <rita@acme.example>\r
Sent: Monday, March 2, 2026 10:00 AM\r
To: Okafor, Samuel <sam@corp.example>\r
Subject: Data Engineer role\r
\r
Hi Samuel, would you fancy a chat?\r
"""

HTML_REPLY = b"""From: lea@mail.example\r
To: rita@acme.example\r
Subject: Re: Role\r
Message-ID: <html-1@mail.example>\r
Content-Type: text/html; charset=utf-8\r
\r
<div dir="ltr">Ja, gerne! Mittwoch passt.<br></div><br><div class="gmail_quote">\r
<div class="gmail_attr">Am Mo., 2. M\xc3\xa4rz 2026 um 10:00 schrieb Rita:<br></div>\r
<blockquote class="gmail_quote">Hi Lea, Lust auf ein Gespr\xc3\xa4ch?</blockquote></div>\r
"""


def test_outlook_reply_keeps_only_the_new_text_and_orders_thread_ids() -> None:
    parsed = parse_email(OUTLOOK_REPLY)
    assert parsed.reply_text.startswith("Thanks Rita \u2013 I'm open to a call next week.")
    assert "Hi Samuel" not in parsed.reply_text
    assert parsed.from_address == "sam@corp.example"
    assert parsed.from_name == "Okafor, Samuel"
    # The directly answered message first, then older ones.
    assert parsed.thread_ids == ["<step2@acme.example>", "<step1@acme.example>"]


def test_html_reply_drops_the_quoted_blockquote() -> None:
    parsed = parse_email(HTML_REPLY)
    assert parsed.reply_text == "Ja, gerne! Mittwoch passt."


def test_gmail_plain_reply_drops_the_wrote_line_and_quote() -> None:
    raw = reply_email(from_addr="ada@example.org", to_addr="r@acme.example", body="Yes please!")
    assert parse_email(raw).reply_text == "Yes please!"


def test_a_message_without_message_id_gets_a_stable_one() -> None:
    raw = b"From: a@example.org\r\nSubject: hi\r\n\r\nhello\r\n"
    assert parse_email(raw).message_id == parse_email(raw).message_id
    assert parse_email(raw).message_id.endswith("@no-message-id.openpin>")


@pytest.mark.parametrize("raw", [b"", b"   \r\n", b"hello there, this is not an email"])
def test_non_emails_are_refused_with_a_reason(raw: bytes) -> None:
    with pytest.raises(ValidationFailed):
        parse_email(raw)


def test_standard_dsn_names_the_address_status_and_original() -> None:
    original = reply_email(
        from_addr="r@acme.example",
        to_addr="x@example.org",
        body="hi",
        message_id="<m1@acme.example>",
    )
    parsed = parse_email(
        dsn_bounce(original=original, recipient="x@example.org", to_addr="r@acme.example")
    )
    report = detect_bounce(parsed.message, parsed.from_address, parsed.subject)
    assert report is not None and report.is_failure
    assert report.failed_recipients == ["x@example.org"]
    assert report.status == "5.1.1"
    assert report.original_message_ids == ["<m1@acme.example>"]


def test_a_delayed_dsn_is_not_a_failure() -> None:
    original = reply_email(from_addr="r@acme.example", to_addr="x@example.org", body="hi")
    raw = dsn_bounce(
        original=original, recipient="x@example.org", to_addr="r@acme.example", status="4.4.1"
    )
    raw = raw.replace(b"Action: failed", b"Action: delayed")
    parsed = parse_email(raw)
    report = detect_bounce(parsed.message, parsed.from_address, parsed.subject)
    assert report is not None and not report.is_failure


def test_plain_bounces_are_recognised_and_ordinary_mail_is_not() -> None:
    raw = exim_bounce(
        recipient="gone@example.net", to_addr="r@acme.example", original_message_id="<o@acme>"
    )
    parsed = parse_email(raw)
    report = detect_bounce(parsed.message, parsed.from_address, parsed.subject)
    assert report is not None
    assert report.failed_recipients == ["gone@example.net"]
    assert "550 5.1.1" in report.diagnostic
    assert report.original_message_ids == ["<o@acme>"]
    normal = parse_email(
        reply_email(
            from_addr="a@b.example",
            to_addr="r@acme.example",
            body="The mail could not be delivered?",
        )
    )
    assert detect_bounce(normal.message, normal.from_address, normal.subject) is None


@pytest.mark.parametrize(
    ("headers", "subject", "automatic"),
    [
        ({"Auto-Submitted": "auto-replied"}, "Re: Role", True),
        ({"Auto-Submitted": "no"}, "Re: Role", False),
        ({"X-Autoreply": "yes"}, "Re: Role", True),
        ({"Precedence": "bulk"}, "Re: Role", True),
        ({"Precedence": "auto_reply"}, "Re: Role", True),
        ({}, "Automatic reply: Role", True),
        ({}, "RE: Out of Office: Role", True),
        ({}, "Abwesenheitsnotiz: Role", True),
        ({}, "Re: Role - out of office next week?", False),
        ({}, "Re: Role", False),
    ],
)
def test_automatic_answers_are_told_apart(
    headers: dict[str, str], subject: str, automatic: bool
) -> None:
    assert bool(auto_reply_reason(headers, subject)) is automatic
