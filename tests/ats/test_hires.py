"""Hire status read back from both sandboxes over real HTTP.

People are exported through the real pipeline (an export rule on the outreach job, fired by their
enrolment), their applications are hired or rejected through the sandbox's admin routes, and hires
are checked by running the periodic fan-out `ats.check_all_hires` as the scheduler would. Outcomes
are read from the database (events, enrolments, exports), the candidate API and the request log.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from openpin.ats.hires import HIRED_EVENT
from openpin.config import Settings
from openpin.db import transaction
from openpin.integrations.base import CandidateExport
from openpin.integrations.registry import build_provider
from openpin.kit.crypto import SecretBox
from openpin.models import ActivityEvent, Task
from openpin.models.ats import AtsExport, AtsHireSyncState
from openpin.models.sequence import Enrollment
from openpin.worker import Worker
from openpin.worker.enqueue import enqueue_task
from tests.ats.conftest import Sandbox, connect, connection_body
from tests.ats.helpers import TEST_SECRET, exports
from tests.ats.test_export import FRESH, add_person, enable_rule, open_jobs
from tests.fixtures.app import ApiUser
from tests.fixtures.smtp import SmtpServer, smtp_server
from tests.sequence.conftest import Outreach, make_outreach

__all__ = ["smtp_server"]

# Where each sandbox's vendor API answers the reads a hires check makes.
LISTING = {"greenhouse": "/v3/applications", "ashby": "/application.list"}
DIRECT = {"greenhouse": "/v3/applications", "ashby": "/application.info"}
APPLICATION_READS = {*LISTING.values(), *DIRECT.values()}


@pytest.fixture
def outreach(
    session_factory: sessionmaker[Session], alice: ApiUser, smtp_server: SmtpServer
) -> Outreach:
    return make_outreach(session_factory, SecretBox(TEST_SECRET), smtp_server, user=alice)


def _exported_on_enrolment(
    sandbox: Sandbox,
    client: TestClient,
    alice: ApiUser,
    outreach: Outreach,
    drain: Callable[..., None],
    people: list[int],
    ats_job: str | None = None,
) -> dict[int, AtsExport]:
    """Connect, export the outreach job's enrolments to an ATS job, enrol `people`, export."""
    if ats_job is None:
        connect(sandbox, client, alice)
        drain()
        ats_job = open_jobs(client, alice)[0]
        enable_rule(client, alice, outreach.job_id, ats_job, trigger="added_to_sequence")
    outreach.enroll(*people)
    drain()
    done = {e.candidate_id: e for e in exports(outreach.factory)}
    assert all(done[person].status == "exported" for person in people)
    return done


def _check_hires(factory: sessionmaker[Session], drain: Callable[..., None]) -> None:
    """What the scheduler does every 10 minutes: fan out one `ats.check_hires` per connection."""
    with transaction(factory) as session:
        enqueue_task(session, "ats.check_all_hires", args={})
    drain()


def _one_failing_check(factory: sessionmaker[Session], settings: Settings) -> None:
    """The fan-out, then one attempt of `ats.check_hires`; its retry is left queued."""
    with transaction(factory) as session:
        enqueue_task(session, "ats.check_all_hires", args={})
    worker = Worker(factory, settings, worker_id="w-once")
    for _ in range(20):  # other due tasks (the outreach's) may come first
        worker.run_once()
        with factory() as session:
            query = select(Task.attempts).where(Task.name == "ats.check_hires")
            if session.scalar(query.order_by(Task.id.desc()).limit(1)):
                return
    raise AssertionError("ats.check_hires did not run")


def _hires_health(client: TestClient, user: ApiUser) -> dict[str, Any]:
    answer = client.get("/api/v1/ats/health", headers=user.headers)
    assert answer.status_code == 200, answer.text
    hires: dict[str, Any] = answer.json()["hires"]
    return hires


def _hired_events(factory: sessionmaker[Session]) -> list[ActivityEvent]:
    with factory() as session:
        query = select(ActivityEvent).where(ActivityEvent.type == HIRED_EVENT)
        return list(session.scalars(query.order_by(ActivityEvent.id)))


def _enrolments(factory: sessionmaker[Session]) -> dict[int, tuple[str, str | None]]:
    with factory() as session:
        rows = session.scalars(select(Enrollment))
        return {
            e.candidate_id: (e.status.value, e.stop_reason and e.stop_reason.value) for e in rows
        }


def _reads(sandbox: Sandbox, before: int) -> list[str]:
    """Paths of the vendor requests made since the log held `before` entries (oldest first)."""
    log = sandbox.requests()
    return [entry["path"] for entry in reversed(log[: len(log) - before])]


def _ats_status(client: TestClient, user: ApiUser, candidate_id: int) -> dict[str, Any]:
    answer = client.get(f"/api/v1/candidates/{candidate_id}", headers=user.headers)
    assert answer.status_code == 200, answer.text
    status: dict[str, Any] = answer.json()["ats"]
    return status


def test_a_hire_is_recorded_once_and_stops_the_sequence_and_a_rejection_is_not(
    sandbox: Sandbox,
    client: TestClient,
    alice: ApiUser,
    session_factory: sessionmaker[Session],
    drain: Callable[..., None],
    outreach: Outreach,
) -> None:
    people = [add_person(client, alice, FRESH + n)["id"] for n in range(3)]
    hired, rejected, waiting = people
    done = _exported_on_enrolment(sandbox, client, alice, outreach, drain, people)
    _check_hires(session_factory, drain)  # the first read is a full one: nobody of ours hired
    assert _hired_events(session_factory) == []

    for person, outcome in ((hired, "hire"), (rejected, "reject")):
        moved = sandbox.admin.post(f"/applications/{done[person].ats_application_id}/{outcome}")
        assert moved.status_code == 200, moved.text
    sandbox.faults(burst_429=1, burst_retry_after=1)  # a 429 on the way is waited out
    before = len(sandbox.requests())
    _check_hires(session_factory, drain)

    (event,) = _hired_events(session_factory)
    assert (event.candidate_id, event.job_id) == (hired, outreach.job_id)
    assert event.data["ats_application_id"] == done[hired].ats_application_id
    assert event.data["ats_job_id"] == done[hired].ats_job_id
    assert event.data["connection_id"] == done[hired].connection_id
    assert event.data["provider"] == sandbox.provider
    assert _enrolments(session_factory) == {
        hired: ("stopped", "exported_hired"),
        rejected: ("active", None),
        waiting: ("active", None),
    }
    after = {e.candidate_id: e for e in exports(session_factory)}
    assert after[hired].hired_at is not None
    assert after[rejected].hired_at is None and after[waiting].hired_at is None
    # One listing of what changed: no per-application reads (each export was checked once).
    assert [path for path in _reads(sandbox, before) if path in APPLICATION_READS] == [
        LISTING[sandbox.provider]
    ] * 2  # the 429'd request and its retry
    status = _ats_status(client, alice, hired)
    assert status["hired_at"] and status["hired_for"] == done[hired].ats_job_name
    assert _ats_status(client, alice, waiting)["hired_at"] is None

    _check_hires(session_factory, drain)
    assert len(_hired_events(session_factory)) == 1


def test_a_person_linked_with_an_application_hired_earlier_is_found_by_the_direct_check(
    sandbox: Sandbox,
    client: TestClient,
    alice: ApiUser,
    session_factory: sessionmaker[Session],
    drain: Callable[..., None],
    outreach: Outreach,
) -> None:
    first = add_person(client, alice, FRESH + 5)["id"]
    done = _exported_on_enrolment(sandbox, client, alice, outreach, drain, [first])
    ats_job = done[first].ats_job_id
    person = add_person(client, alice, FRESH + 6)
    if sandbox.provider == "greenhouse":  # found by email at once, not after Greenhouse's delay
        quirks = {"not_found_after_create_seconds": 0}
        sandbox.admin.put("/quirks", json=quirks).raise_for_status()
    # The person is already in the ATS with an application to the job, hired weeks ago.
    application_id = _apply_in_the_ats(sandbox, client, alice, person, ats_job)
    weeks_ago = (datetime.now(UTC) - timedelta(days=40)).replace(microsecond=0)
    moved = sandbox.admin.post(
        f"/applications/{application_id}/hire", json={"at": weeks_ago.isoformat()}
    )
    assert moved.status_code == 200, moved.text
    _check_hires(session_factory, drain)  # the watermark is now later than that hire

    _exported_on_enrolment(sandbox, client, alice, outreach, drain, [person["id"]], ats_job)
    before = len(sandbox.requests())
    _check_hires(session_factory, drain)

    (event,) = _hired_events(session_factory)
    assert event.candidate_id == person["id"]
    assert event.data["ats_application_id"] == application_id
    export = next(e for e in exports(session_factory) if e.candidate_id == person["id"])
    assert export.outcome == "linked" and export.ats_application_id == application_id
    assert export.hired_at == weeks_ago and export.hire_checked_at is not None
    assert _enrolments(session_factory)[person["id"]] == ("stopped", "exported_hired")
    reads = [path for path in _reads(sandbox, before) if path in APPLICATION_READS]
    # The listing, then the direct read: Greenhouse by id; Ashby, which did not say which
    # application the repeated apply found, through the person's applications.
    expected = {"greenhouse": ["/v3/applications"] * 2, "ashby": ["/application.list"]}
    assert reads[: len(expected[sandbox.provider])] == expected[sandbox.provider]
    assert DIRECT[sandbox.provider] in reads


def _apply_in_the_ats(
    sandbox: Sandbox, client: TestClient, alice: ApiUser, person: dict[str, Any], ats_job: str
) -> str:
    body = connection_body(sandbox, client, alice)
    options = {"on_behalf_of_user_id": body["acting_user_id"]} if "acting_user_id" in body else {}
    provider = build_provider(sandbox.provider, body["credentials"], sandbox.base_url, options)
    try:
        export = CandidateExport(person["first_name"], person["last_name"], tuple(person["emails"]))
        created = provider.create_candidate(export, ats_job)
    finally:
        provider.close()
    assert created.application_id is not None
    return created.application_id


def test_refused_credentials_mark_the_connection_and_record_nothing(
    sandbox: Sandbox,
    client: TestClient,
    alice: ApiUser,
    session_factory: sessionmaker[Session],
    drain: Callable[..., None],
    outreach: Outreach,
) -> None:
    person = add_person(client, alice, FRESH + 8)["id"]
    done = _exported_on_enrolment(sandbox, client, alice, outreach, drain, [person])
    sandbox.admin.post(f"/applications/{done[person].ats_application_id}/hire")
    _revoke(sandbox)

    _check_hires(session_factory, drain)

    connection = client.get("/api/v1/ats/connection", headers=alice.headers).json()
    assert connection["status"] == "needs_reconnecting" and connection["status_reason"]
    assert _hired_events(session_factory) == []
    assert _enrolments(session_factory)[person] == ("active", None)


def _revoke(sandbox: Sandbox) -> str:
    """Deactivate the Ashby key, or take every scope from the Greenhouse credential; returns
    the secret (which must never be shown)."""
    if sandbox.provider == "ashby":
        secret: str = sandbox.served.api_key
        revoke = sandbox.admin.patch(f"/credentials/{secret}", json={"is_active": False})
    else:
        client_id, secret = sandbox.served.client_auth
        revoke = sandbox.admin.patch(f"/credentials/{client_id}", json={"scopes": []})
    revoke.raise_for_status()
    return secret


def test_an_expired_ashby_sync_token_means_a_full_read_and_still_one_event(
    ashby: Sandbox,
    client: TestClient,
    alice: ApiUser,
    session_factory: sessionmaker[Session],
    drain: Callable[..., None],
    outreach: Outreach,
) -> None:
    person = add_person(client, alice, FRESH + 9)["id"]
    done = _exported_on_enrolment(ashby, client, alice, outreach, drain, [person])
    _check_hires(session_factory, drain)
    ashby.admin.post(f"/applications/{done[person].ats_application_id}/hire").raise_for_status()
    ashby.faults(expire_tokens=True)

    _check_hires(session_factory, drain)

    assert [e.candidate_id for e in _hired_events(session_factory)] == [person]
    with session_factory() as session:
        (state,) = session.scalars(select(AtsHireSyncState))
        assert state.watermark and state.hires_recorded == 1 and state.read_checkpoint is None


def test_the_health_shows_the_hires_read_a_failed_run_s_reason_and_its_recovery(
    sandbox: Sandbox,
    client: TestClient,
    alice: ApiUser,
    session_factory: sessionmaker[Session],
    drain: Callable[..., None],
    outreach: Outreach,
    worker_settings: Settings,
) -> None:
    first, second = (add_person(client, alice, FRESH + n)["id"] for n in (10, 11))
    done = _exported_on_enrolment(sandbox, client, alice, outreach, drain, [first])
    assert _hires_health(client, alice) == {
        "status": "not_run",
        "message": "Not run yet — runs every 10 minutes.",
        "last_success_at": None,
        "hires_recorded": 0,
        "exports_watched": 1,
        "awaiting_first_check": 1,
        "reading": False,
        "last_error": "",
        "runs_every_seconds": 600,
    }

    sandbox.admin.post(f"/applications/{done[first].ats_application_id}/hire").raise_for_status()
    _check_hires(session_factory, drain)
    worked = _hires_health(client, alice)
    assert (worked["status"], worked["message"]) == ("ok", "Working: runs every 10 minutes.")
    assert (worked["hires_recorded"], worked["exports_watched"]) == (1, 0)
    assert worked["awaiting_first_check"] == 0 and worked["last_success_at"]

    # The ATS fails every request: the run stores why, worded for the admin; the last success
    # stays where it was; the new export still waits for its first check.
    _exported_on_enrolment(
        sandbox, client, alice, outreach, drain, [second], done[first].ats_job_id
    )
    sandbox.faults(error_rate=1.0)
    _one_failing_check(session_factory, worker_settings)
    failed = _hires_health(client, alice)
    provider = {"greenhouse": "Greenhouse", "ashby": "Ashby"}[sandbox.provider]
    assert failed["status"] == "failed" and failed["message"] == failed["last_error"]
    assert re.fullmatch(
        rf"{provider} answered 50[0-3]; it may be having trouble\. OpenPin retries by itself\. "
        rf"If this lasts, check that {provider} is up and the base URL under Settings > ATS "
        r"integrations\.",
        failed["last_error"],
    ), failed["last_error"]
    assert failed["last_success_at"] == worked["last_success_at"]
    assert (failed["exports_watched"], failed["awaiting_first_check"]) == (1, 1)

    sandbox.faults(error_rate=0.0)
    drain()  # the queued retry succeeds, and clears the error
    recovered = _hires_health(client, alice)
    assert (recovered["status"], recovered["last_error"]) == ("ok", "")
    assert recovered["last_success_at"] > worked["last_success_at"]
    assert (recovered["exports_watched"], recovered["awaiting_first_check"]) == (1, 0)

    # Revoked credentials: the reason says to reconnect, and no secret is shown.
    secret = _revoke(sandbox)
    _check_hires(session_factory, drain)
    answer = client.get("/api/v1/ats/health", headers=alice.headers)
    refused = answer.json()["hires"]
    assert refused["status"] == "failed" and answer.json()["status"] == "needs_reconnecting"
    assert "reconnect" in refused["last_error"].lower(), refused["last_error"]
    assert refused["last_error"].endswith("Hires are not read back until then.")
    assert secret not in answer.text
