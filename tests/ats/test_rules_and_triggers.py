"""Export rules, the trigger pipeline, manual export and backfill: everything up to the task.

These need no ATS: the connection and its cached jobs are stored rows. The export itself is
tested against the sandboxes in test_export_*.py.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from openpin.activity.service import record_event
from openpin.db import transaction
from openpin.models import ActivityEvent, Task
from openpin.models.ats import AtsExport, ExportStatus
from tests.ats.helpers import emit, exports, make_candidate, make_job, seed_connection, task_count
from tests.fixtures.app import ApiUser
from tests.fixtures.database import both_backends

pytestmark = both_backends

RULE = {"ats_job_id": "101", "trigger": "replied", "enabled": True}


@pytest.fixture
def setup(
    client: TestClient, alice: ApiUser, session_factory: sessionmaker[Session]
) -> dict[str, int]:
    connection_id = seed_connection(session_factory, alice.workspace_id)
    job_id = make_job(client, alice)
    ada = make_candidate(client, alice, "Ada Lovelace", "ada@example.com")
    return {"connection_id": connection_id, "job_id": job_id, "ada": ada}


def _put_rule(client: TestClient, user: ApiUser, job_id: int, **changes: object) -> dict:
    response = client.put(
        f"/api/v1/jobs/{job_id}/ats-export-rule", json={**RULE, **changes}, headers=user.headers
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_a_rule_is_stored_and_its_changes_are_in_the_activity_log(
    client: TestClient, alice: ApiUser, setup: dict[str, int], session_factory: sessionmaker
) -> None:
    rule = _put_rule(client, alice, setup["job_id"])
    assert rule["ats_job_name"] == "Backend Engineer"
    assert rule["enabled"] and rule["active"] and rule["enabled_at"]
    _put_rule(client, alice, setup["job_id"], enabled=False)
    got = client.get(f"/api/v1/jobs/{setup['job_id']}/ats-export-rule", headers=alice.headers)
    assert got.json()["enabled"] is False
    with session_factory() as session:
        types = session.scalars(
            select(ActivityEvent.type)
            .where(ActivityEvent.job_id == setup["job_id"], ActivityEvent.type.like("ats.%"))
            .order_by(ActivityEvent.id)
        ).all()
    assert types == ["ats.export_rule_enabled", "ats.export_rule_disabled"]


def test_a_rule_must_name_an_open_ats_job(
    client: TestClient, alice: ApiUser, setup: dict[str, int]
) -> None:
    response = client.put(
        f"/api/v1/jobs/{setup['job_id']}/ats-export-rule",
        json={**RULE, "ats_job_id": "999"},
        headers=alice.headers,
    )
    assert response.status_code == 422
    assert "not an open job" in response.json()["message"]
    bad_trigger = client.put(
        f"/api/v1/jobs/{setup['job_id']}/ats-export-rule",
        json={**RULE, "trigger": "hired"},
        headers=alice.headers,
    )
    assert bad_trigger.status_code == 422


def test_a_trigger_event_queues_one_export_and_a_repeat_adds_nothing(
    client: TestClient, alice: ApiUser, setup: dict[str, int], session_factory: sessionmaker
) -> None:
    _put_rule(client, alice, setup["job_id"])
    for _ in range(3):
        emit(
            session_factory, alice.workspace_id, "candidate.replied", setup["ada"], setup["job_id"]
        )
    (export,) = exports(session_factory)
    assert (export.candidate_id, export.ats_job_id, export.trigger) == (
        setup["ada"],
        "101",
        "replied",
    )
    assert export.status == ExportStatus.PENDING and export.event_id is not None
    assert task_count(session_factory) == 1
    body = client.get(f"/api/v1/candidates/{setup['ada']}", headers=alice.headers).json()
    assert body["ats"]["status"] == "pending" and body["ats"]["provider"] == "greenhouse"


def test_other_triggers_other_jobs_and_disabled_rules_export_nothing(
    client: TestClient, alice: ApiUser, setup: dict[str, int], session_factory: sessionmaker
) -> None:
    other_job = make_job(client, alice, "Other")
    _put_rule(client, alice, setup["job_id"], trigger="replied_interested")
    emit(session_factory, alice.workspace_id, "candidate.replied", setup["ada"], setup["job_id"])
    emit(
        session_factory,
        alice.workspace_id,
        "candidate.added_to_sequence",
        setup["ada"],
        setup["job_id"],
    )
    emit(
        session_factory, alice.workspace_id, "candidate.replied_interested", setup["ada"], other_job
    )
    _put_rule(client, alice, setup["job_id"], trigger="replied_interested", enabled=False)
    emit(
        session_factory,
        alice.workspace_id,
        "candidate.replied_interested",
        setup["ada"],
        setup["job_id"],
    )
    assert exports(session_factory) == [] and task_count(session_factory) == 0
    body = client.get(f"/api/v1/candidates/{setup['ada']}", headers=alice.headers).json()
    assert body["ats"] is None


def test_the_event_and_its_export_roll_back_together(
    alice: ApiUser, setup: dict[str, int], client: TestClient, session_factory: sessionmaker
) -> None:
    _put_rule(client, alice, setup["job_id"])
    with pytest.raises(RuntimeError), transaction(session_factory) as session:
        record_event(
            session,
            alice.workspace_id,
            "candidate.replied",
            candidate_id=setup["ada"],
            job_id=setup["job_id"],
        )
        assert session.scalar(select(Task.id)) is not None  # enqueued in this transaction
        raise RuntimeError("the reply could not be stored")
    assert exports(session_factory) == [] and task_count(session_factory) == 0


def test_no_retroactive_export_but_an_opt_in_backfill_with_the_count_first(
    client: TestClient, alice: ApiUser, setup: dict[str, int], session_factory: sessionmaker
) -> None:
    grace = make_candidate(client, alice, "Grace Hopper", "grace@example.com")
    for candidate in (setup["ada"], grace):
        emit(session_factory, alice.workspace_id, "candidate.replied", candidate, setup["job_id"])
    _put_rule(client, alice, setup["job_id"])
    assert exports(session_factory) == []  # the rule came after the replies
    url = f"/api/v1/jobs/{setup['job_id']}/ats-export-rule/backfill"
    preview = client.get(url, headers=alice.headers).json()
    assert preview["count"] == 2
    stale = client.post(url, json={"expected_count": 5}, headers=alice.headers)
    assert stale.status_code == 409 and "changed from 5 to 2" in stale.json()["message"]
    assert client.post(url, json={"expected_count": 2}, headers=alice.headers).json() == {
        "queued": 2
    }
    assert {e.trigger for e in exports(session_factory)} == {"backfill"}
    assert client.get(url, headers=alice.headers).json()["count"] == 0


def test_manual_export_answers_per_candidate_and_409_when_already_in_the_ats(
    client: TestClient, alice: ApiUser, setup: dict[str, int], session_factory: sessionmaker
) -> None:
    grace = make_candidate(client, alice, "Grace Hopper", "grace@example.com")
    body = {"candidate_ids": [setup["ada"], grace, 987654], "ats_job_id": "102"}
    answer = client.post("/api/v1/ats/exports", json=body, headers=alice.headers)
    assert answer.status_code == 202
    result = answer.json()
    assert (result["queued"], result["refused"]) == (2, 1)
    assert result["results"][2]["reason_code"] == "not_found"
    again = client.post(
        "/api/v1/ats/exports",
        json={"candidate_ids": [grace], "ats_job_id": "101"},
        headers=alice.headers,
    )
    assert again.status_code == 202
    assert again.json()["results"][0]["reason_code"] == "export_pending"
    with transaction(session_factory) as session:
        for export in session.scalars(select(AtsExport)):  # as if the worker had run
            export.status = ExportStatus.EXPORTED
    done = client.post(
        "/api/v1/ats/exports",
        json={"candidate_ids": [grace], "ats_job_id": "101"},
        headers=alice.headers,
    )
    assert done.status_code == 409
    assert done.json()["message"].startswith("Already exported to Greenhouse")


def test_manual_export_needs_a_connection_and_an_open_ats_job(
    client: TestClient, alice: ApiUser, bob: ApiUser, setup: dict[str, int]
) -> None:
    body = {"candidate_ids": [setup["ada"]], "ats_job_id": "nope"}
    assert client.post("/api/v1/ats/exports", json=body, headers=alice.headers).status_code == 422
    not_connected = client.post("/api/v1/ats/exports", json=body, headers=bob.headers)
    assert not_connected.status_code == 409
    assert "not connected" in not_connected.json()["message"]
