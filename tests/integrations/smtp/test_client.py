"""The SMTP client against aiosmtpd on loopback: delivery and every failure class."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from openpin.integrations.smtp.client import (
    SmtpAuthError,
    SmtpClient,
    SmtpConfig,
    SmtpOutcomeUnknown,
    SmtpPermanentError,
    SmtpRecipientRejected,
    SmtpTemporaryError,
    says_recipient_is_bad,
)
from tests.fixtures.smtp import SmtpServer, free_port, smtp_server

__all__ = ["smtp_server"]


def _email() -> EmailMessage:
    email = EmailMessage()
    email["From"] = "Rita <rita@acme.example>"
    email["To"] = "ada@example.org"
    email["Subject"] = "Hello"
    email["Message-ID"] = "<fixed-1@acme.example>"
    email.set_content("Hi Ada")
    return email


def _client(server: SmtpServer, **options: object) -> SmtpClient:
    return SmtpClient(
        SmtpConfig(
            host=server.host, port=server.port, security="none", timeout_seconds=5, **options
        )
    )  # type: ignore[arg-type]


def test_delivers_with_headers_intact(smtp_server: SmtpServer) -> None:
    reply = _client(smtp_server).send(_email())
    assert reply.startswith("250")
    [got] = smtp_server.received
    assert got.mail_from == "rita@acme.example" and got.rcpt_tos == ["ada@example.org"]
    assert got.message["Message-ID"] == "<fixed-1@acme.example>"


def test_4xx_is_temporary_with_the_servers_words(smtp_server: SmtpServer) -> None:
    smtp_server.refuse_next("452 4.2.2 Mailbox full, try again later")
    with pytest.raises(
        SmtpTemporaryError, match=r"452 4\.2\.2 Mailbox full, try again later"
    ) as caught:
        _client(smtp_server).send(_email())
    assert caught.value.status_code == 452 and smtp_server.received == []


def test_5xx_is_permanent_with_the_servers_words(smtp_server: SmtpServer) -> None:
    smtp_server.refuse_next("550 5.1.1 User unknown")
    with pytest.raises(
        SmtpPermanentError, match=r"RCPT TO ada@example\.org.*550 5\.1\.1 User unknown"
    ):
        _client(smtp_server).send(_email())


def test_an_unknown_recipient_is_told_apart_from_other_refusals(smtp_server: SmtpServer) -> None:
    smtp_server.refuse_recipient("ada@example.org", "550 5.1.1 <ada@example.org>: user unknown")
    with pytest.raises(SmtpRecipientRejected) as caught:
        _client(smtp_server).send(_email())
    assert caught.value.recipient == "ada@example.org"
    assert caught.value.reply == "550 5.1.1 <ada@example.org>: user unknown"
    smtp_server.clear()
    smtp_server.refuse_next("554 5.7.1 <ada@example.org>: Relay access denied")
    with pytest.raises(SmtpPermanentError) as relay:
        _client(smtp_server).send(_email())
    assert not isinstance(relay.value, SmtpRecipientRejected)
    smtp_server.refuse_next_data("554 5.7.1 Message content rejected")
    with pytest.raises(SmtpPermanentError, match=r"end of DATA.*content rejected") as content:
        _client(smtp_server).send(_email())
    assert not isinstance(content.value, SmtpRecipientRejected)
    assert smtp_server.received == []


@pytest.mark.parametrize(
    ("code", "words", "bad"),
    [
        (550, "550 5.1.1 The email account that you tried to reach does not exist.", True),
        (550, "550 5.2.1 The email account that you tried to reach is disabled.", True),
        (550, "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found", True),
        (550, "550 No such user here", True),
        (553, "553 sorry, that domain isn't in my list of allowed rcpthosts", False),
        (554, "554 5.7.1 Service unavailable; Client host blocked using zen.spamhaus.org", False),
        (553, "553 5.7.1 <rita@acme.example>: Sender address rejected: not owned by user", False),
        (550, "550 Sender does not exist", False),
        (552, "552 5.2.2 Mailbox full", False),
        (450, "450 4.1.1 user unknown, try again", False),
    ],
)
def test_which_refusals_mean_the_address_is_bad(code: int, words: str, bad: bool) -> None:
    assert says_recipient_is_bad(code, words) is bad


def test_no_server_is_temporary() -> None:
    client = SmtpClient(
        SmtpConfig(host="127.0.0.1", port=free_port(), security="none", timeout_seconds=2)
    )
    with pytest.raises(SmtpTemporaryError, match="Could not connect to the mail server"):
        client.send(_email())


def test_a_lost_reply_after_data_is_unknown(smtp_server: SmtpServer) -> None:
    smtp_server.drop_connection_after_next_data()
    with pytest.raises(SmtpOutcomeUnknown, match="may have been delivered"):
        _client(smtp_server).send(_email())
    assert len(smtp_server.received) == 1  # it did arrive: exactly why it must not be retried


def test_login_against_a_server_without_auth_says_so(smtp_server: SmtpServer) -> None:
    with pytest.raises(SmtpAuthError, match="does not offer a login"):
        _client(smtp_server, username="rita", password="pw").send(_email())
