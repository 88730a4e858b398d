"""Crash recovery with IMAP: a message left in `sending` is looked up in the real Sent folder
(Dovecot on loopback) before anyone decides; it is never sent again by the sender itself."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from openpin.db import transaction
from openpin.kit.crypto import SecretBox
from openpin.models.sequence import Message, MessageStatus
from openpin.sequence.tasks import imap_sent_folder_check
from tests.fixtures.imap import ImapServer, imap_server
from tests.fixtures.smtp import SmtpServer
from tests.sequence.conftest import MONDAY_10, events, make_outreach

__all__ = ["imap_server"]


def _crash_mid_send(factory: sessionmaker[Session], sender, message_id: int, at: datetime) -> bytes:  # type: ignore[no-untyped-def]
    """The first half of a send (the claim), then the worker "dies"; returns what it would send."""
    with transaction(factory) as session:
        claimed = sender._claim(session, message_id, at)
        assert claimed is not None
        return bytes(claimed.email)


def test_found_in_the_sent_folder_is_recorded_as_sent(
    session_factory: sessionmaker[Session],
    secrets: SecretBox,
    smtp_server: SmtpServer,
    imap_server: ImapServer,
) -> None:
    account = imap_server.add_account("rita@acme.example")
    outreach = make_outreach(
        session_factory,
        secrets,
        smtp_server,
        imap_host=imap_server.host,
        imap_port=imap_server.port,
        imap_ssl=False,
        imap_username=account.username,
        imap_password=account.password,
    )
    found_id, missing_id = (
        r.enrollment_id
        for r in outreach.enroll(
            outreach.candidate(), outreach.candidate(full_name="Bo Li", emails=["bo@example.org"])
        )
    )
    with transaction(session_factory) as session:
        found, missing = (
            session.scalars(select(Message.id).where(Message.enrollment_id == e)).one()
            for e in (found_id, missing_id)
        )
    sender = outreach.sender(sent_folder_check=imap_sent_folder_check(secrets))
    raw = _crash_mid_send(session_factory, sender, found, MONDAY_10)
    _crash_mid_send(session_factory, sender, missing, MONDAY_10 + timedelta(minutes=2))
    # The server filed the first (as Gmail does): it is in Sent under its Message-ID.
    imap_server.deliver(account, raw, folder="Sent")
    report = sender.run_pass(MONDAY_10 + timedelta(minutes=20))
    assert (report.recovered, report.unknown, report.sent) == (2, 1, 0)
    with transaction(session_factory) as session:
        found_message = session.get(Message, found)
        missing_message = session.get(Message, missing)
        assert found_message is not None and missing_message is not None
        assert found_message.status == MessageStatus.SENT
        assert found_message.sent_at == MONDAY_10
        # Not in Sent: a person decides; nothing is resent.
        assert missing_message.status == MessageStatus.UNKNOWN
        assert "not in the mailbox's Sent folder" in missing_message.error
    assert events(session_factory, "message.sent") == 1
    assert smtp_server.received == []
