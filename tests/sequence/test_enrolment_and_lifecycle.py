"""Enrolment skips with reasons, events exactly once, stopping and suppression, and the API."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from openpin.activity.service import subscribe
from openpin.db import transaction
from openpin.kit.crypto import SecretBox
from openpin.models import ActivityEvent
from openpin.models.sequence import Enrollment, EnrollmentStatus, Message, MessageStatus, StopReason
from openpin.sequence import schemas
from openpin.sequence.service import (
    SequenceService,
    enroll_candidates,
    find_active_enrollment_for_email,
    find_message_by_message_ids,
    list_mailboxes_for_polling,
    mailbox_imap_settings,
    mark_address_bounced,
    stop_enrollment,
    unsubscribe_address,
)
from tests.fixtures.app import ApiUser
from tests.fixtures.database import both_backends
from tests.fixtures.smtp import SmtpServer
from tests.sequence.conftest import MONDAY_10, THREE_STEPS, Outreach, events, make_outreach

SEEN: list[tuple[int, bool]] = []
RECORDING: list[bool] = []  # subscribers stay registered: only this module's tests record


def _remember(session: Session, event: ActivityEvent) -> None:
    # Runs inside the enrolment's transaction: the enrolment row is already visible here.
    if not RECORDING:
        return
    enrollment_id = event.data["enrollment_id"]
    SEEN.append((enrollment_id, session.get(Enrollment, enrollment_id) is not None))


@both_backends
def test_skips_say_why_and_events_fire_once(
    outreach: Outreach, session_factory: sessionmaker[Session]
) -> None:
    SEEN.clear()
    subscribe("candidate.added_to_sequence", _remember)
    RECORDING.append(True)
    try:
        _enrol_and_check_skips(outreach, session_factory)
    finally:
        RECORDING.clear()
    assert len(SEEN) == 1 and SEEN[0][1] is True


def _enrol_and_check_skips(outreach: Outreach, session_factory: sessionmaker[Session]) -> None:
    ada = outreach.candidate()
    nomail = outreach.candidate(full_name="No Mail", emails=[])
    gone = outreach.candidate(full_name="Gone", emails=["gone@example.org"])
    bounced = outreach.candidate(full_name="Bounced", emails=["bounce@example.org"])
    with transaction(session_factory) as session:
        unsubscribe_address(session, outreach.user.workspace_id, "GONE@example.org", "reply")
        mark_address_bounced(
            session, outreach.user.workspace_id, "bounce@example.org", "550 5.1.1 no such user"
        )
    results = outreach.enroll(ada, nomail, gone, bounced, 999_999, ada)
    assert [(r.candidate_id, r.enrolled, r.reason) for r in results] == [
        (ada, True, None),
        (nomail, False, "No email address on the profile."),
        (gone, False, "gone@example.org unsubscribed."),
        (bounced, False, "bounce@example.org bounced earlier (550 5.1.1 no such user)."),
        (999_999, False, "No candidate with this id in the workspace."),
    ]
    again = outreach.enroll(ada)
    assert again[0].reason == "Already active in this sequence for this job."
    # Another sequence of the same job refuses too.
    with transaction(session_factory) as session:
        other = SequenceService(session, outreach.user.workspace_id).create(
            schemas.SequenceCreate(
                job_id=outreach.job_id,
                name="Second",
                mailbox_id=outreach.mailbox_id,
                steps=THREE_STEPS,
            )
        )
        result = enroll_candidates(
            session, outreach.user.workspace_id, other.sequence.id, [ada], None, now=MONDAY_10
        )
    assert result[0].reason == "Already active in the sequence 'Data engineers' for this job."
    assert events(session_factory, "candidate.added_to_sequence") == 1


@both_backends
def test_stop_is_idempotent_and_cancels_what_has_not_gone(
    outreach: Outreach, session_factory: sessionmaker[Session]
) -> None:
    [result] = outreach.enroll(outreach.candidate())
    assert result.enrollment_id is not None
    with transaction(session_factory) as session:
        stop_enrollment(session, result.enrollment_id, StopReason.REPLIED)
        stop_enrollment(session, result.enrollment_id, "replied")
        stop_enrollment(session, result.enrollment_id, StopReason.MANUAL)
    with transaction(session_factory) as session:
        enrollment = session.get(Enrollment, result.enrollment_id)
        assert enrollment is not None
        assert (enrollment.status, enrollment.stop_reason) == (
            EnrollmentStatus.STOPPED,
            StopReason.REPLIED,
        )
        assert session.scalars(select(Message.status)).one() == MessageStatus.CANCELLED
        assert (
            find_active_enrollment_for_email(session, outreach.user.workspace_id, "ADA@example.org")
            is None
        )
    assert events(session_factory, "candidate.sequence_stopped") == 1


def test_reply_matching_helpers(
    outreach: Outreach, smtp_server: SmtpServer, session_factory: sessionmaker[Session]
) -> None:
    outreach.enroll(outreach.candidate())
    outreach.sender().run_pass(MONDAY_10)
    sent_id = smtp_server.received[0].message["Message-ID"]
    with transaction(session_factory) as session:
        found = find_message_by_message_ids(session, ["<nope@x>", sent_id.strip("<>")])
        assert found is not None and found.message_id_header == sent_id
        assert find_message_by_message_ids(session, ["", "<other@x>"]) is None
        active = find_active_enrollment_for_email(
            session, outreach.user.workspace_id, " Ada@Example.org "
        )
        assert active is not None and active.id == found.enrollment_id
        assert list_mailboxes_for_polling(session) == []


def test_imap_settings_are_decrypted_for_polling(
    session_factory: sessionmaker[Session], secrets: SecretBox, smtp_server: SmtpServer
) -> None:
    outreach = make_outreach(
        session_factory,
        secrets,
        smtp_server,
        imap_host="127.0.0.1",
        imap_port=1143,
        imap_ssl=False,
        imap_username="rita",
        imap_password="imap-pw",
    )
    with transaction(session_factory) as session:
        assert list_mailboxes_for_polling(session) == [
            (outreach.user.workspace_id, outreach.mailbox_id)
        ]
        settings = mailbox_imap_settings(session, outreach.mailbox_id, secrets)
    assert (settings.host, settings.port, settings.ssl, settings.password) == (
        "127.0.0.1",
        1143,
        False,
        "imap-pw",
    )
    assert "imap-pw" not in repr(settings)


def test_api_crud_enrol_and_messages(
    client: TestClient, alice: ApiUser, bob: ApiUser, smtp_server: SmtpServer
) -> None:
    job = client.post(
        "/api/v1/jobs", json={"title": "SRE", "must_have_skills": ["Go"]}, headers=alice.headers
    ).json()
    box = client.post(
        "/api/v1/mailboxes",
        headers=alice.headers,
        json={
            "from_name": "Alice",
            "from_address": "alice@acme.example",
            "smtp_host": smtp_server.host,
            "smtp_port": smtp_server.port,
            "smtp_security": "none",
            "smtp_password": "s3cret-pass",
        },
    ).json()
    assert (
        box["smtp_password"] == "••••••••pass"
        and box["daily_cap"] == 100
        and box["min_gap_seconds"] == 60
    )
    bad = client.post(
        "/api/v1/sequences",
        headers=alice.headers,
        json={
            "job_id": job["id"],
            "name": "S",
            "mailbox_id": box["id"],
            "steps": [{"subject": "Hi", "body": "Hello {{ nickname }}"}],
        },
    )
    assert bad.status_code == 422 and "nickname" in bad.json()["message"]
    seq = client.post(
        "/api/v1/sequences",
        headers=alice.headers,
        json={
            "job_id": job["id"],
            "name": "S",
            "mailbox_id": box["id"],
            "steps": [
                {
                    "subject": "Hi {{ first_name }}",
                    "body": "Hello {{ first_name }}",
                    "variants": [
                        {"label": "B", "subject": "Hey {{ first_name }}", "body": "Hey there"}
                    ],
                },
                {"delay_days": 2, "body": "Following up"},
            ],
        },
    ).json()
    assert [s["position"] for s in seq["steps"]] == [1, 2] and seq["steps"][0]["variants"][0][
        "label"
    ] == "B"
    people = [
        client.post("/api/v1/candidates", headers=alice.headers, json=body).json()["candidate"][
            "id"
        ]
        for body in ({"full_name": "Ann Lee", "emails": ["ann@example.org"]}, {"full_name": "Bo"})
    ]
    answer = client.post(
        f"/api/v1/sequences/{seq['id']}/enrollments",
        headers=alice.headers,
        json={"candidate_ids": people},
    ).json()
    assert answer["enrolled"] == 1 and answer["skipped"] == 1
    assert answer["results"][1] == {
        "candidate_id": people[1],
        "enrolled": False,
        "reason": "No email address on the profile.",
        "enrollment_id": None,
    }
    listed = client.get("/api/v1/messages?status=scheduled", headers=alice.headers).json()["items"]
    assert len(listed) == 1 and listed[0]["to_address"] == "ann@example.org"
    edited = client.patch(
        f"/api/v1/messages/{listed[0]['id']}", headers=alice.headers, json={"subject": "Edited"}
    )
    assert edited.json()["subject"] == "Edited" and edited.json()["edited"] is True
    assert client.get("/api/v1/messages?status=sent", headers=alice.headers).json()["items"] == []
    # Workspace B sees none of it.
    assert client.get(f"/api/v1/sequences/{seq['id']}", headers=bob.headers).status_code == 404
    assert (
        client.post(
            f"/api/v1/sequences/{seq['id']}/enrollments",
            headers=bob.headers,
            json={"candidate_ids": people},
        ).status_code
        == 404
    )
    assert client.get("/api/v1/messages", headers=bob.headers).json()["items"] == []
    assert client.get("/api/v1/mailboxes", headers=bob.headers).json() == []
    stopped = client.post(
        f"/api/v1/enrollments/{answer['results'][0]['enrollment_id']}/stop",
        headers=alice.headers,
        json={},
    )
    assert stopped.json()["stop_reason"] == "manual"
