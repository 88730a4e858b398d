"""Faults from the sandboxes: lost answers, 5xx, 429, revoked credentials; Ashby webhooks."""

from __future__ import annotations

import json
from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from openpin.ats.webhooks import ashby_signature
from openpin.config import Settings
from openpin.db import transaction
from openpin.kit.crypto import SecretBox
from openpin.models.ats import AtsConnection, ExportStatus
from openpin.worker import Worker
from tests.ats.conftest import Sandbox, connect
from tests.ats.helpers import TEST_SECRET, exports
from tests.ats.readback import reader_for
from tests.ats.test_export import FRESH, add_person, open_jobs
from tests.fixtures.app import ApiUser


def _export(client: TestClient, user: ApiUser, candidate_ids: list[int], ats_job: str) -> None:
    body = {"candidate_ids": candidate_ids, "ats_job_id": ats_job}
    response = client.post("/api/v1/ats/exports", json=body, headers=user.headers)
    assert response.status_code == 202, response.text


def _ats_status(client: TestClient, user: ApiUser, candidate_id: int) -> dict:
    return dict(
        client.get(f"/api/v1/candidates/{candidate_id}", headers=user.headers).json()["ats"]
    )


def test_a_lost_answer_to_a_create_never_yields_a_duplicate(
    sandbox: Sandbox,
    client: TestClient,
    alice: ApiUser,
    session_factory: sessionmaker[Session],
    worker_settings: Settings,
    drain: Callable[..., None],
) -> None:
    connect(sandbox, client, alice)
    drain()  # the first index read, before any fault
    reader = reader_for(sandbox)
    before = set(reader.all_ids())
    ats_job = open_jobs(client, alice)[0]
    with_email = add_person(client, alice, FRESH + 2)
    linkedin_only = client.post(
        "/api/v1/candidates",
        json={"full_name": "Nadia Quill", "linkedin_url": "linkedin.com/in/nadia-quill-test"},
        headers=alice.headers,
    ).json()["candidate"]
    _export(client, alice, [with_email["id"], linkedin_only["id"]], ats_job)
    sandbox.faults(drop_after_write_rate=1.0)
    worker = Worker(session_factory, worker_settings, worker_id="w-drop")
    assert worker.run_once() == 1 and worker.run_once() == 1  # both creates applied, answers lost
    sandbox.faults(drop_after_write_rate=0.0)
    drain()

    assert len(set(reader.all_ids()) - before) == 2  # two people, each created once
    for candidate in (with_email, linkedin_only):
        status = _ats_status(client, alice, candidate["id"])
        assert status["status"] == "exported", status
        person = reader.person(status["ats_candidate_id"])
        assert person.application_job_ids == [ats_job]
        assert len(person.resume_names) == 1
    assert len(reader.find_by_email(with_email["emails"][0])) == 1
    reader.close()


def test_server_errors_and_rate_limits_are_retried_and_waited_out(
    sandbox: Sandbox,
    client: TestClient,
    alice: ApiUser,
    session_factory: sessionmaker[Session],
    drain: Callable[..., None],
) -> None:
    connect(sandbox, client, alice)
    drain()
    ats_job = open_jobs(client, alice)[2]
    ids = [add_person(client, alice, FRESH + 10 + n)["id"] for n in range(3)]
    _export(client, alice, ids, ats_job)
    sandbox.faults(error_rate=0.1, burst_429=3, burst_retry_after=1, seed=7)
    drain(timeout=90)
    sandbox.faults(error_rate=0.0, burst_429=0)
    assert {e.status for e in exports(session_factory)} == {ExportStatus.EXPORTED}
    reader = reader_for(sandbox)
    for candidate_id in ids:
        person = reader.person(_ats_status(client, alice, candidate_id)["ats_candidate_id"])
        assert person.application_job_ids == [ats_job] and len(person.resume_names) == 1
    health = client.get("/api/v1/ats/health", headers=alice.headers).json()
    assert health["rate_limited"]["times"] >= 1
    assert health["exports_by_status"] == {"exported": 3}
    reader.close()


def test_refused_credentials_park_exports_until_reconnected(
    ashby: Sandbox,
    client: TestClient,
    alice: ApiUser,
    session_factory: sessionmaker[Session],
    drain: Callable[..., None],
) -> None:
    connect(ashby, client, alice)
    drain()
    ats_job = open_jobs(client, alice)[0]
    candidate = add_person(client, alice, FRESH + 20)
    key = ashby.served.api_key
    ashby.admin.patch(f"/credentials/{key}", json={"is_active": False}).raise_for_status()
    _export(client, alice, [candidate["id"]], ats_job)
    drain()
    connection = client.get("/api/v1/ats/connection", headers=alice.headers).json()
    assert connection["status"] == "needs_reconnecting" and connection["status_reason"]
    (export,) = exports(session_factory)
    assert export.status == ExportStatus.WAITING_RECONNECT and export.attempts == 1
    assert _ats_status(client, alice, candidate["id"])["status"] == "waiting_reconnect"

    ashby.admin.patch(f"/credentials/{key}", json={"is_active": True}).raise_for_status()
    connect(ashby, client, alice)  # reconnect: same account, parked exports run again
    drain()
    assert _ats_status(client, alice, candidate["id"])["status"] == "exported"


def test_ashby_merge_and_delete_webhooks_repoint_and_clear_the_stored_id(
    ashby: Sandbox,
    client: TestClient,
    alice: ApiUser,
    session_factory: sessionmaker[Session],
    drain: Callable[..., None],
) -> None:
    connection = connect(ashby, client, alice)
    secret = connection["webhook_secret"]
    assert secret and connection["webhook_url"].endswith(
        f"/api/v1/ats/webhooks/ashby/{_token(session_factory)}"
    )
    ats_job = open_jobs(client, alice)[0]
    candidate = add_person(client, alice, FRESH + 30)
    _export(client, alice, [candidate["id"]], ats_job)
    drain()
    old = _ats_status(client, alice, candidate["id"])["ats_candidate_id"]
    url = f"/api/v1/ats/webhooks/ashby/{_token(session_factory)}"

    merge = {
        "action": "candidateMerge",
        "data": {"deletedCandidate": {"id": old}, "mergedCandidate": {"id": "kept-1"}},
    }
    body = json.dumps(merge).encode()
    forged = client.post(url, content=body, headers={"Ashby-Signature": "sha256=00"})
    assert forged.status_code == 401
    signed = client.post(
        url, content=body, headers={"Ashby-Signature": ashby_signature(secret, body)}
    )
    assert signed.status_code == 200 and signed.json()["changed"] == 1
    assert _ats_status(client, alice, candidate["id"])["ats_candidate_id"] == "kept-1"

    delete = json.dumps(
        {"action": "candidateDelete", "data": {"candidate": {"id": "kept-1"}}}
    ).encode()
    client.post(url, content=delete, headers={"Ashby-Signature": ashby_signature(secret, delete)})
    answer = client.get(f"/api/v1/candidates/{candidate['id']}", headers=alice.headers).json()
    assert answer["ats"] is None  # gone from the ATS: it may be exported again
    _export(client, alice, [candidate["id"]], ats_job)


def _token(factory: sessionmaker[Session]) -> str:
    with transaction(factory) as session:
        connection = session.query(AtsConnection).one()
        assert SecretBox(TEST_SECRET).decrypt(connection.webhook_secret_encrypted)
        return connection.webhook_token
