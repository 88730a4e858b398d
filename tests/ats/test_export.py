"""Exports over real HTTP to both sandboxes, checked on the ATS's own state read back."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from openpin.demo.people import generate_people
from openpin.demo.seed import person_to_candidate
from tests.ats.conftest import Sandbox, connect
from tests.ats.helpers import emit, exports, make_job
from tests.ats.readback import reader_for
from tests.fixtures.app import ApiUser

PEOPLE = generate_people(200, seed=42)
# Which demo people each sandbox's seed already holds (docs/sandboxes.md): even share the email,
# odd only the LinkedIn URL.
SEEDED = {"greenhouse": range(0, 40), "ashby": range(40, 80)}
FRESH = 150  # people from here on are in neither sandbox


def add_person(client: TestClient, user: ApiUser, index: int) -> dict[str, Any]:
    data = person_to_candidate(PEOPLE[index], source="test").model_dump(mode="json")
    response = client.post("/api/v1/candidates", json=data, headers=user.headers)
    assert response.status_code == 201, response.text
    return dict(response.json()["candidate"])


def open_jobs(client: TestClient, user: ApiUser) -> list[str]:
    response = client.get("/api/v1/ats/jobs", headers=user.headers)
    assert response.status_code == 200, response.text
    return [job["id"] for job in response.json()["items"]]


def enable_rule(
    client: TestClient, user: ApiUser, job_id: int, ats_job_id: str, trigger: str = "replied"
) -> None:
    body = {"ats_job_id": ats_job_id, "trigger": trigger, "enabled": True}
    response = client.put(f"/api/v1/jobs/{job_id}/ats-export-rule", json=body, headers=user.headers)
    assert response.status_code == 200, response.text


def test_connecting_verifies_masks_the_secret_and_caches_the_jobs(
    sandbox: Sandbox, client: TestClient, alice: ApiUser
) -> None:
    connection = connect(sandbox, client, alice)
    assert connection["status"] == "connected" and connection["permissions_ok"]
    assert all(check["granted"] for check in connection["permissions"] if check["required"])
    secret = (
        "openpin-sandbox-secret" if sandbox.provider == "greenhouse" else sandbox.served.api_key
    )
    shown = client.get("/api/v1/ats/connection", headers=alice.headers)
    assert secret not in shown.text and secret not in str(connection)
    assert shown.json()["webhook_secret"] is None
    assert all("•" in value for value in shown.json()["credentials"].values())
    assert len(open_jobs(client, alice)) >= 10


def test_a_trigger_exports_a_new_person_with_everything(
    sandbox: Sandbox,
    client: TestClient,
    alice: ApiUser,
    session_factory: sessionmaker[Session],
    drain: Callable[..., None],
) -> None:
    connect(sandbox, client, alice)
    ats_job = open_jobs(client, alice)[0]
    job_id = make_job(client, alice)
    enable_rule(client, alice, job_id, ats_job)
    candidate = add_person(client, alice, FRESH)
    emit(session_factory, alice.workspace_id, "candidate.replied", candidate["id"], job_id)
    drain()

    reader = reader_for(sandbox)
    (ats_id,) = reader.find_by_email(candidate["emails"][0])
    person = reader.person(ats_id)
    assert (person.first_name, person.last_name) == (
        candidate["first_name"],
        candidate["last_name"],
    )
    assert person.emails == candidate["emails"]
    assert person.linkedin_urls == [candidate["linkedin_url"]]
    assert person.application_job_ids == [ats_job]
    assert person.resume_names and person.resume_names[0].endswith(".pdf")
    assert any(f"/candidates/{candidate['id']}" in note for note in person.notes)
    assert candidate["location"]["city"] in person.location
    answer = client.get(f"/api/v1/candidates/{candidate['id']}", headers=alice.headers).json()
    assert answer["ats"]["status"] == "exported"
    assert answer["ats"]["ats_candidate_id"] == ats_id
    assert answer["ats"]["profile_url"].endswith(ats_id)
    reader.close()


def _export_by_hand(client: TestClient, user: ApiUser, candidate_id: int, ats_job: str) -> None:
    body = {"candidate_ids": [candidate_id], "ats_job_id": ats_job}
    response = client.post("/api/v1/ats/exports", json=body, headers=user.headers)
    assert response.status_code == 202 and response.json()["queued"] == 1, response.text


def test_people_already_in_the_ats_are_linked_by_email_or_linkedin_never_created(
    sandbox: Sandbox, client: TestClient, alice: ApiUser, drain: Callable[..., None]
) -> None:
    connect(sandbox, client, alice)
    ats_job = open_jobs(client, alice)[1]
    reader = reader_for(sandbox)
    before = set(reader.all_ids())
    by_email, by_linkedin = SEEDED[sandbox.provider][2], SEEDED[sandbox.provider][3]
    ids = [add_person(client, alice, index)["id"] for index in (by_email, by_linkedin)]
    for candidate_id in ids:
        _export_by_hand(client, alice, candidate_id, ats_job)
    drain()

    assert set(reader.all_ids()) == before  # nobody new in the ATS
    for candidate_id in ids:
        status = client.get(f"/api/v1/candidates/{candidate_id}", headers=alice.headers).json()[
            "ats"
        ]
        assert status["status"] == "exported" and status["ats_candidate_id"] in before
        person = reader.person(status["ats_candidate_id"])
        assert person.application_job_ids.count(ats_job) == 1
        # Linked, not overwritten: no OpenPin resume or note on someone else's record.
        assert not any("/candidates/" in note and "OpenPin" in note for note in person.notes)
    reader.close()


def test_after_the_first_export_other_jobs_only_add_applications(
    sandbox: Sandbox,
    client: TestClient,
    alice: ApiUser,
    session_factory: sessionmaker[Session],
    drain: Callable[..., None],
) -> None:
    connect(sandbox, client, alice)
    first, second = open_jobs(client, alice)[:2]
    job_a, job_b = make_job(client, alice, "A"), make_job(client, alice, "B")
    enable_rule(client, alice, job_a, first, "added_to_sequence")
    enable_rule(client, alice, job_b, second, "replied_interested")
    candidate = add_person(client, alice, FRESH + 1)
    emit(session_factory, alice.workspace_id, "candidate.added_to_sequence", candidate["id"], job_a)
    drain()
    patch = {"emails": ["changed@example.org"], "full_name": "Someone Else"}
    client.patch(f"/api/v1/candidates/{candidate['id']}", json=patch, headers=alice.headers)
    emit(
        session_factory, alice.workspace_id, "candidate.replied_interested", candidate["id"], job_b
    )
    emit(
        session_factory, alice.workspace_id, "candidate.replied_interested", candidate["id"], job_b
    )
    drain()

    reader = reader_for(sandbox)
    (ats_id,) = reader.find_by_email(candidate["emails"][0])
    person = reader.person(ats_id)
    assert sorted(person.application_job_ids) == sorted([first, second])
    assert person.emails == candidate["emails"] and person.first_name == candidate["first_name"]
    assert reader.find_by_email("changed@example.org") == []
    assert len(person.resume_names) == 1
    assert [e.outcome for e in exports(session_factory)] == ["created", "linked"]
    manual = client.post(
        "/api/v1/ats/exports",
        json={"candidate_ids": [candidate["id"]], "ats_job_id": second},
        headers=alice.headers,
    )
    assert manual.status_code == 409
    reader.close()
