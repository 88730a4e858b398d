"""Replies, bounces and auto-replies served by a real IMAP server (Dovecot) on loopback."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select

from openpin.db import transaction
from openpin.inbox.tasks import POLL_TASK, enqueue_poll
from openpin.models.inbox import ImapCheckpoint, ReplyKind, ReplyLabel
from openpin.models.sequence import (
    EnrollmentStatus,
    Message,
    MessageStatus,
    StopReason,
    Suppression,
)
from openpin.worker.enqueue import enqueue_task
from tests.fixtures.database import both_backends
from tests.fixtures.imap import ImapAccount, ImapServer
from tests.inbox.conftest import (
    CANDIDATE_EMAIL,
    MAILBOX_ADDRESS,
    SentOutreach,
    count_events,
    enrollment,
    replies,
)
from tests.inbox.mail import dsn_bounce, exim_bounce, out_of_office, reply_email


def poll(sent: SentOutreach, drain: Callable[..., None]) -> None:
    with transaction(sent.factory) as session:
        enqueue_poll(session, sent.workspace_id, sent.outreach.mailbox_id)
    drain()


def checkpoint(sent: SentOutreach) -> ImapCheckpoint:
    with transaction(sent.factory) as session:
        found = session.scalars(select(ImapCheckpoint)).one()
        return found


@both_backends
def test_a_reply_stops_the_sequence_and_fires_events_exactly_once(
    sent: SentOutreach,
    imap_account: ImapAccount,
    imap_server: ImapServer,
    drain: Callable[..., None],
) -> None:
    answer = reply_email(
        from_addr=f"Ada Lovelace <{CANDIDATE_EMAIL}>",
        to_addr=MAILBOX_ADDRESS,
        body="Hi Rita, yes I'd love to chat. Are you free Thursday afternoon?",
        in_reply_to=sent.sent_message_id,
    )
    imap_server.deliver(imap_account, answer)
    poll(sent, drain)

    [reply] = replies(sent.factory)
    assert reply.kind == ReplyKind.REPLY
    assert reply.matched_by == "headers"
    assert reply.candidate_id == sent.candidate_id
    assert reply.enrollment_id == sent.enrollment_id
    assert reply.text == "Hi Rita, yes I'd love to chat. Are you free Thursday afternoon?"
    assert reply.label == ReplyLabel.INTERESTED
    stopped = enrollment(sent.factory, sent.enrollment_id)
    assert stopped.status == EnrollmentStatus.STOPPED
    assert stopped.stop_reason == StopReason.REPLIED
    with transaction(sent.factory) as session:
        statuses = set(session.scalars(select(Message.status)))
    assert MessageStatus.SCHEDULED not in statuses  # follow-ups were cancelled
    assert count_events(sent.factory, "candidate.replied") == 1
    assert count_events(sent.factory, "candidate.replied_interested") == 1

    # Polling again (and the same message arriving twice) stores and fires nothing new.
    imap_server.deliver(imap_account, answer)
    poll(sent, drain)
    poll(sent, drain)
    assert len(replies(sent.factory)) == 1
    assert count_events(sent.factory, "candidate.replied") == 1
    assert count_events(sent.factory, "candidate.replied_interested") == 1
    assert checkpoint(sent).last_uid == 2


@both_backends
def test_a_dsn_bounce_marks_the_address_bad_and_stops_the_sequence(
    sent: SentOutreach,
    imap_account: ImapAccount,
    imap_server: ImapServer,
    drain: Callable[..., None],
) -> None:
    bounce = dsn_bounce(original=sent.sent_raw, recipient=CANDIDATE_EMAIL, to_addr=MAILBOX_ADDRESS)
    imap_server.deliver(imap_account, bounce)
    poll(sent, drain)

    [reply] = replies(sent.factory)
    assert reply.kind == ReplyKind.BOUNCE
    assert reply.label is None
    assert reply.matched_by == "headers"  # via the returned message's Message-ID
    assert reply.bounced_address == CANDIDATE_EMAIL
    assert reply.bounce_status == "5.1.1"
    assert "User unknown" in reply.bounce_diagnostic
    stopped = enrollment(sent.factory, sent.enrollment_id)
    assert stopped.stop_reason == StopReason.BOUNCED
    with transaction(sent.factory) as session:
        [suppressed] = session.scalars(select(Suppression)).all()
    assert suppressed.email == CANDIDATE_EMAIL
    assert count_events(sent.factory, "candidate.replied") == 0
    assert count_events(sent.factory, "email.bounced") == 1


def test_a_plain_text_bounce_without_a_dsn_is_understood(
    sent: SentOutreach,
    imap_account: ImapAccount,
    imap_server: ImapServer,
    drain: Callable[..., None],
) -> None:
    bounce = exim_bounce(
        recipient=CANDIDATE_EMAIL, to_addr=MAILBOX_ADDRESS, original_message_id=sent.sent_message_id
    )
    imap_server.deliver(imap_account, bounce)
    poll(sent, drain)
    [reply] = replies(sent.factory)
    assert reply.kind == ReplyKind.BOUNCE
    assert reply.bounce_status == "5.1.1"
    assert enrollment(sent.factory, sent.enrollment_id).stop_reason == StopReason.BOUNCED


@both_backends
def test_an_auto_reply_is_recorded_but_does_not_count_as_a_reply(
    sent: SentOutreach,
    imap_account: ImapAccount,
    imap_server: ImapServer,
    drain: Callable[..., None],
) -> None:
    auto = out_of_office(
        from_addr=CANDIDATE_EMAIL, to_addr=MAILBOX_ADDRESS, in_reply_to=sent.sent_message_id
    )
    imap_server.deliver(imap_account, auto)
    poll(sent, drain)
    [reply] = replies(sent.factory)
    assert reply.kind == ReplyKind.AUTO_REPLY
    assert reply.label == ReplyLabel.OUT_OF_OFFICE
    assert reply.headers["X-OpenPin-Automatic"] == "Auto-Submitted: auto-replied"
    assert enrollment(sent.factory, sent.enrollment_id).status == EnrollmentStatus.ACTIVE
    assert count_events(sent.factory, "candidate.replied") == 0


def test_a_reply_without_threading_headers_is_matched_by_sender(
    sent: SentOutreach,
    imap_account: ImapAccount,
    imap_server: ImapServer,
    drain: Callable[..., None],
) -> None:
    fresh = reply_email(
        from_addr=CANDIDATE_EMAIL,
        to_addr=MAILBOX_ADDRESS,
        body="Not right now, I just started a new job. Could you ping me again in Q3?",
        subject="Your email",
        quoted="",
    )
    imap_server.deliver(imap_account, fresh)
    poll(sent, drain)
    [reply] = replies(sent.factory)
    assert reply.matched_by == "sender"
    assert reply.enrollment_id == sent.enrollment_id
    assert reply.label == ReplyLabel.NOT_NOW
    assert enrollment(sent.factory, sent.enrollment_id).stop_reason == StopReason.REPLIED
    assert count_events(sent.factory, "candidate.replied") == 1
    assert count_events(sent.factory, "candidate.replied_interested") == 0


def test_personal_mail_in_the_mailbox_is_left_alone(
    sent: SentOutreach,
    imap_account: ImapAccount,
    imap_server: ImapServer,
    drain: Callable[..., None],
) -> None:
    newsletter = reply_email(
        from_addr="friend@elsewhere.example",
        to_addr=MAILBOX_ADDRESS,
        body="Lunch on Friday?",
        subject="Lunch",
        quoted="",
    )
    imap_server.deliver(imap_account, newsletter)
    poll(sent, drain)
    assert replies(sent.factory) == []
    assert checkpoint(sent).last_uid == 1  # read, and not read again
    with imap_server.client(imap_account) as client:
        client.select_folder("INBOX", readonly=True)
        assert client.search(["UNSEEN"]) == [1]  # polling never marks mail as read


def test_a_new_uidvalidity_reads_the_folder_again_without_duplicates(
    sent: SentOutreach,
    imap_account: ImapAccount,
    imap_server: ImapServer,
    drain: Callable[..., None],
) -> None:
    sent.outreach.update_mailbox(imap_folder="Replies")
    answer = reply_email(
        from_addr=CANDIDATE_EMAIL,
        to_addr=MAILBOX_ADDRESS,
        body="Sounds great, let's talk.",
        in_reply_to=sent.sent_message_id,
    )
    imap_server.deliver(imap_account, answer, folder="Replies")
    poll(sent, drain)
    first_validity = checkpoint(sent).uidvalidity
    # The folder is rebuilt: a new UIDVALIDITY, the old message plus a new one.
    with imap_server.client(imap_account) as client:
        client.delete_folder("Replies")
    later = reply_email(
        from_addr=CANDIDATE_EMAIL,
        to_addr=MAILBOX_ADDRESS,
        body="Also, is it remote?",
        in_reply_to=sent.sent_message_id,
    )
    imap_server.deliver(imap_account, answer, folder="Replies")
    imap_server.deliver(imap_account, later, folder="Replies")
    poll(sent, drain)
    assert checkpoint(sent).uidvalidity != first_validity
    assert [r.text for r in replies(sent.factory)] == [
        "Sounds great, let's talk.",
        "Also, is it remote?",
    ]
    assert count_events(sent.factory, "candidate.replied") == 2


def test_a_failing_login_is_shown_on_the_checkpoint_and_retried_next_time(
    sent: SentOutreach,
    imap_account: ImapAccount,
    imap_server: ImapServer,
    drain: Callable[..., None],
) -> None:
    sent.outreach.update_mailbox(imap_password="wrong password")
    poll(sent, drain)
    assert "Authentication failed" in checkpoint(sent).last_error
    sent.outreach.update_mailbox(imap_password=imap_account.password)
    poll(sent, drain)
    assert checkpoint(sent).last_error == ""


def test_the_periodic_task_polls_every_mailbox_with_imap(
    sent: SentOutreach,
    imap_account: ImapAccount,
    imap_server: ImapServer,
    drain: Callable[..., None],
) -> None:
    imap_server.deliver(
        imap_account,
        reply_email(
            from_addr=CANDIDATE_EMAIL,
            to_addr=MAILBOX_ADDRESS,
            body="Interested!",
            in_reply_to=sent.sent_message_id,
        ),
    )
    with transaction(sent.factory) as session:
        enqueue_task(session, "inbox.poll_mailboxes", args={})
    drain()
    assert len(replies(sent.factory)) == 1
    assert POLL_TASK == "inbox.poll_mailbox"
