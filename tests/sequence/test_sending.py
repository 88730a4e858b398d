"""Sending over a real SMTP server on loopback, with time controlled by the test."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from openpin.db import transaction
from openpin.models.sequence import (
    Enrollment,
    EnrollmentStatus,
    Message,
    MessageStatus,
    StopReason,
)
from openpin.sequence.sending import PassReport
from openpin.sequence.unsubscribe import unsubscribe_token
from tests.fixtures.database import both_backends
from tests.fixtures.smtp import SmtpServer
from tests.sequence.conftest import BASE_URL, MONDAY_10, Outreach, events


def messages(factory: sessionmaker[Session]) -> list[Message]:
    with transaction(factory) as session:
        return list(session.scalars(select(Message).order_by(Message.id)))


@both_backends
def test_first_email_carries_headers_unsubscribe_and_personal_line(
    outreach: Outreach, smtp_server: SmtpServer
) -> None:
    candidate = outreach.candidate()
    outreach.enroll(candidate)
    report = outreach.sender().run_pass(MONDAY_10)
    assert report.sent == 1
    [received] = smtp_server.received
    email = received.message
    [stored] = [m for m in messages(outreach.factory) if m.status == MessageStatus.SENT]
    assert email["Message-ID"] == stored.message_id_header
    assert email["Subject"] == "Staff Data Engineer at Acme"
    assert email["From"] == "Rita Recruiter <rita@acme.example>"
    assert email["To"] == "ada@example.org"
    assert email["In-Reply-To"] is None
    token = unsubscribe_token(outreach.secrets, stored.id)
    assert email["List-Unsubscribe"] == (
        f"<{BASE_URL}/u/{token}>, <mailto:rita@acme.example?subject=unsubscribe>"
    )
    assert email["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    body = email.get_content().replace("\r\n", "\n")
    assert "Hi Ada," in body
    assert "Senior Data Engineer at Engines Ltd" in body  # the personal line, from the profile
    assert "Rita\nAcme Talent" in body  # the signature
    assert f"{BASE_URL}/u/{token}" in body
    assert events(outreach.factory, "message.sent") == 1


@both_backends
def test_follow_ups_wait_business_days_and_reply_in_the_thread(
    outreach: Outreach, smtp_server: SmtpServer
) -> None:
    outreach.enroll(outreach.candidate())
    sender = outreach.sender()
    sender.run_pass(MONDAY_10)
    # Step 2 is due two business days later: Wednesday 10:00, not a minute earlier.
    assert sender.run_pass(datetime(2026, 3, 4, 9, 59, tzinfo=UTC)).sent == 0
    assert sender.run_pass(datetime(2026, 3, 4, 10, 0, tzinfo=UTC)).sent == 1
    # Step 3: three business days after Wednesday skips the weekend: Monday 9 March.
    assert sender.run_pass(datetime(2026, 3, 6, 16, 0, tzinfo=UTC)).sent == 0
    assert sender.run_pass(datetime(2026, 3, 9, 10, 0, tzinfo=UTC)).sent == 1
    first, second, third = (r.message for r in smtp_server.received)
    assert second["Subject"] == third["Subject"] == "Re: Staff Data Engineer at Acme"
    assert second["In-Reply-To"] == first["Message-ID"]
    assert second["References"] == first["Message-ID"]
    assert third["In-Reply-To"] == second["Message-ID"]
    assert third["References"] == f"{first['Message-ID']} {second['Message-ID']}"
    with transaction(outreach.factory) as session:
        enrollment = session.scalars(select(Enrollment)).one()
        assert enrollment.status == EnrollmentStatus.COMPLETED
        assert enrollment.current_step == 3
    assert events(outreach.factory, "message.sent") == 3
    # Nothing more to send, and running again sends nothing twice.
    assert sender.run_pass(datetime(2026, 3, 20, 10, 0, tzinfo=UTC)).sent == 0
    assert len(smtp_server.received) == 3


def test_daily_cap_and_minimum_gap(outreach: Outreach, smtp_server: SmtpServer) -> None:
    outreach.update_mailbox(
        daily_cap=2, min_gap_seconds=60, window_start="09:00", window_end="23:00"
    )
    ids = [outreach.candidate(full_name=f"P {i}", emails=[f"p{i}@example.org"]) for i in range(4)]
    outreach.enroll(*ids)
    sender = outreach.sender()
    t0 = datetime(2026, 3, 2, 22, 0, tzinfo=UTC)  # 1 h left, cap 2: spread gap 30 min
    assert sender.run_pass(t0).sent == 1
    assert sender.run_pass(t0 + timedelta(minutes=29)).sent == 0
    assert sender.run_pass(t0 + timedelta(minutes=31)).sent == 1
    # The cap is reached for Monday, whatever the gap.
    assert sender.run_pass(t0 + timedelta(minutes=59)).sent == 0
    # Tuesday: a new day, a new allowance; then the minimum gap of 60 s holds.
    tuesday = datetime(2026, 3, 3, 22, 59, tzinfo=UTC)
    assert sender.run_pass(tuesday - timedelta(minutes=1)).sent == 1
    assert sender.run_pass(tuesday - timedelta(seconds=1)).sent == 0
    assert sender.run_pass(tuesday).sent == 1
    assert len(smtp_server.received) == 4


def test_min_gap_is_exact(outreach: Outreach, smtp_server: SmtpServer) -> None:
    outreach.update_mailbox(daily_cap=5000, min_gap_seconds=90)
    outreach.enroll(
        *[outreach.candidate(full_name=f"P {i}", emails=[f"g{i}@example.org"]) for i in range(3)]
    )
    sender = outreach.sender()
    assert sender.run_pass(MONDAY_10).sent == 1
    assert sender.run_pass(MONDAY_10 + timedelta(seconds=89)).sent == 0
    assert sender.run_pass(MONDAY_10 + timedelta(seconds=90)).sent == 1


def test_window_weekends_holidays_and_pause_dates(
    outreach: Outreach, smtp_server: SmtpServer
) -> None:
    outreach.update_mailbox(
        timezone="Europe/Berlin",
        window_start="09:00",
        window_end="17:00",
        holiday_country="DE",
        pause_dates=["2026-04-07"],
    )
    outreach.enroll(outreach.candidate())
    sender = outreach.sender()
    # Friday 3 April 2026 is Good Friday in Germany, then the weekend, then Easter Monday,
    # then Tuesday 7 April is a pause date: the first send is Wednesday 8 April 09:00 Berlin.
    for moment in [
        datetime(2026, 4, 2, 15, 0, tzinfo=UTC),  # Thursday 17:00 Berlin (CEST): window closed
        datetime(2026, 4, 3, 10, 0, tzinfo=UTC),
        datetime(2026, 4, 4, 10, 0, tzinfo=UTC),
        datetime(2026, 4, 6, 10, 0, tzinfo=UTC),
        datetime(2026, 4, 7, 10, 0, tzinfo=UTC),
        datetime(2026, 4, 8, 6, 59, tzinfo=UTC),  # 08:59 Berlin
    ]:
        assert sender.run_pass(moment).sent == 0, moment
    assert sender.run_pass(datetime(2026, 4, 8, 7, 0, tzinfo=UTC)).sent == 1


def test_temporary_failure_is_retried_with_the_servers_words(
    outreach: Outreach, smtp_server: SmtpServer
) -> None:
    outreach.enroll(outreach.candidate())
    smtp_server.refuse_next("451 4.7.1 Greylisted, please try again later")
    sender = outreach.sender()
    report = sender.run_pass(MONDAY_10)
    assert (report.sent, report.retrying) == (0, 1)
    [message] = messages(outreach.factory)
    assert message.status == MessageStatus.SCHEDULED
    assert "451 4.7.1 Greylisted, please try again later" in message.error
    assert message.scheduled_at == MONDAY_10 + timedelta(minutes=5)
    assert sender.run_pass(MONDAY_10 + timedelta(minutes=4)).sent == 0
    assert sender.run_pass(MONDAY_10 + timedelta(minutes=5)).sent == 1
    [sent] = [m for m in messages(outreach.factory) if m.status == MessageStatus.SENT]
    assert sent.id == message.id and sent.attempts == 2
    assert len(smtp_server.received) == 1
    # The refused attempt did not count against the cap.
    assert events(outreach.factory, "message.sent") == 1


def test_permanent_failure_marks_failed_and_stops(
    outreach: Outreach, smtp_server: SmtpServer
) -> None:
    outreach.enroll(outreach.candidate())
    # A 5xx to RCPT TO about the relay, not the address (see test_send_time_bounces for that).
    smtp_server.refuse_next("554 5.7.1 <ada@example.org>: Relay access denied")
    report = outreach.sender().run_pass(MONDAY_10)
    assert report.failed == 1
    [message] = messages(outreach.factory)
    assert message.status == MessageStatus.FAILED
    assert "554 5.7.1 <ada@example.org>: Relay access denied" in message.error
    with transaction(outreach.factory) as session:
        enrollment = session.scalars(select(Enrollment)).one()
        assert enrollment.stop_reason == StopReason.SEND_FAILED
    assert smtp_server.received == []
    assert events(outreach.factory, "message.sent") == 0


def test_a_worker_dying_mid_send_never_sends_twice(
    outreach: Outreach, smtp_server: SmtpServer
) -> None:
    outreach.enroll(outreach.candidate())
    sender = outreach.sender()
    # The first half of a send, as a worker would do it, then the worker "dies".
    [message] = messages(outreach.factory)
    with transaction(outreach.factory) as session:
        assert sender._claim(session, message.id, MONDAY_10) is not None
    # Later passes leave it alone while it might still be going out...
    assert sender.run_pass(MONDAY_10 + timedelta(minutes=5)).sent == 0
    assert messages(outreach.factory)[0].status == MessageStatus.SENDING
    # ...and once it is clearly stuck, ask a person instead of sending again.
    report = sender.run_pass(MONDAY_10 + timedelta(minutes=20))
    assert (report.sent, report.unknown) == (0, 1)
    [stuck] = messages(outreach.factory)
    assert stuck.status == MessageStatus.UNKNOWN
    assert "may or may not have been delivered" in stuck.error
    assert smtp_server.received == []
    assert sender.run_pass(MONDAY_10 + timedelta(hours=2)).sent == 0
    assert smtp_server.received == []


def test_a_lost_final_reply_is_unknown_not_retried(
    outreach: Outreach, smtp_server: SmtpServer
) -> None:
    outreach.enroll(outreach.candidate())
    smtp_server.drop_connection_after_next_data()
    sender = outreach.sender()
    report: PassReport = sender.run_pass(MONDAY_10)
    assert report.unknown == 1
    assert messages(outreach.factory)[0].status == MessageStatus.UNKNOWN
    sender.run_pass(MONDAY_10 + timedelta(hours=1))
    assert len(smtp_server.received) == 1
