"""A mail server that refuses the recipient while we send (a 5xx to RCPT TO such as "550 5.1.1
user unknown") is a hard bounce, exactly as a bounce report in the inbox is; a 5xx for any other
reason (the content, at the end of DATA) fails the message but leaves the address alone."""

from __future__ import annotations

import html

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from openpin.db import transaction
from openpin.kit.crypto import SecretBox
from openpin.models.sequence import (
    Enrollment,
    EnrollmentStatus,
    Message,
    MessageStatus,
    StopReason,
    Suppression,
    SuppressionReason,
)
from tests.fixtures.app import ApiUser
from tests.fixtures.database import both_backends
from tests.fixtures.smtp import SmtpServer
from tests.sequence.conftest import MONDAY_10, Outreach, events, make_outreach
from tests.web.conftest import web_login

GONE = "gone@example.org"
USER_UNKNOWN = "550 5.1.1 <gone@example.org>: Recipient address rejected: User unknown"


def _messages(factory: sessionmaker[Session]) -> list[Message]:
    with transaction(factory) as session:
        return list(session.scalars(select(Message).order_by(Message.id)))


def _enrollments(factory: sessionmaker[Session]) -> list[Enrollment]:
    with transaction(factory) as session:
        return list(session.scalars(select(Enrollment).order_by(Enrollment.id)))


def _suppressions(factory: sessionmaker[Session]) -> list[tuple[str, SuppressionReason, str]]:
    with transaction(factory) as session:
        return [(s.email, s.reason, s.detail) for s in session.scalars(select(Suppression))]


@both_backends
def test_a_refused_recipient_is_suppressed_stopped_and_skipped_next_time(
    client: TestClient,
    alice: ApiUser,
    session_factory: sessionmaker[Session],
    secrets: SecretBox,
    smtp_server: SmtpServer,
) -> None:
    outreach = make_outreach(session_factory, secrets, smtp_server, user=alice)
    gone = outreach.candidate(full_name="Gone Away", emails=[GONE])
    smtp_server.refuse_recipient(GONE, USER_UNKNOWN)
    outreach.enroll(gone)

    report = outreach.sender().run_pass(MONDAY_10)

    assert (report.sent, report.failed, report.retrying) == (0, 1, 0)
    assert smtp_server.received == []
    [message] = _messages(session_factory)
    assert message.status == MessageStatus.FAILED
    assert USER_UNKNOWN in message.error  # the server's own words
    assert "marked as bounced" in message.error
    [enrollment] = _enrollments(session_factory)
    assert (enrollment.status, enrollment.stop_reason) == (
        EnrollmentStatus.STOPPED,
        StopReason.BOUNCED,
    )
    assert _suppressions(session_factory) == [(GONE, SuppressionReason.BOUNCED, USER_UNKNOWN)]
    assert events(session_factory, "email.bounced") == 1
    assert events(session_factory, "candidate.sequence_stopped") == 1
    assert events(session_factory, "message.sent") == 0

    # The next enrolment skips them with the reason, in the UI as in the service.
    csrf = web_login(client, alice)
    page = client.post(
        "/sequences/enrol",
        data={
            "csrf_token": csrf,
            "sequence_id": str(outreach.sequence_id),
            "candidate_ids": str(gone),
        },
    )
    assert "0 enrolled, 1 skipped" in page.text and "Nobody was added" in page.text
    assert f"{GONE} bounced earlier ({USER_UNKNOWN})." in html.unescape(page.text)
    profile = client.get(f"/candidates/{gone}/outreach").text
    assert "Stopped: Bounced" in profile and "Recipient address rejected: User unknown" in profile
    assert len(_enrollments(session_factory)) == 1


@both_backends
def test_a_refused_recipient_stops_their_other_sequences_too(
    alice: ApiUser,
    session_factory: sessionmaker[Session],
    secrets: SecretBox,
    smtp_server: SmtpServer,
) -> None:
    first = make_outreach(session_factory, secrets, smtp_server, user=alice)
    other = make_outreach(session_factory, secrets, smtp_server, user=alice)
    gone = first.candidate(full_name="Gone Away", emails=[GONE])
    first.enroll(gone)
    other.enroll(gone)
    smtp_server.refuse_recipient(GONE, "550 5.1.1 user unknown")

    report = first.sender().run_pass(MONDAY_10)

    assert (report.sent, report.failed) == (0, 1)
    statuses = sorted(m.status.value for m in _messages(session_factory))
    assert statuses == ["cancelled", "failed"]  # the other one never went out
    assert {e.stop_reason for e in _enrollments(session_factory)} == {StopReason.BOUNCED}
    assert events(session_factory, "email.bounced") == 1


@both_backends
def test_a_content_refusal_at_data_fails_the_message_but_not_the_address(
    outreach: Outreach, smtp_server: SmtpServer
) -> None:
    ada = outreach.candidate()
    outreach.enroll(ada)
    smtp_server.refuse_next_data("554 5.7.1 Message rejected: content looks like spam")

    report = outreach.sender().run_pass(MONDAY_10)

    assert (report.sent, report.failed) == (0, 1)
    [message] = _messages(outreach.factory)
    assert message.status == MessageStatus.FAILED
    assert "554 5.7.1 Message rejected: content looks like spam" in message.error
    assert "bounced" not in message.error
    [enrollment] = _enrollments(outreach.factory)
    assert enrollment.stop_reason == StopReason.SEND_FAILED
    assert _suppressions(outreach.factory) == []
    assert events(outreach.factory, "email.bounced") == 0
    # Once the content is fixed the same address can be enrolled again.
    [result] = outreach.enroll(ada)
    assert result.enrolled, result.reason
