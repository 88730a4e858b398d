"""The sourcing API: matches with cursor and filters, feedback, and the ranked candidate search."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from tests.fixtures.app import ApiUser
from tests.fixtures.database import both_backends
from tests.sourcing.helpers import BACKEND_JOB, POOL, add_job, add_people, index_everything

pytestmark = both_backends


def test_matches_feedback_and_paging(
    client: TestClient, session_factory: sessionmaker[Session], alice: ApiUser, bob: ApiUser
) -> None:
    ids = add_people(session_factory, alice, POOL)
    job_id = add_job(session_factory, alice, **BACKEND_JOB)
    index_everything(session_factory)
    url = f"/api/v1/jobs/{job_id}/matches"
    first = client.get(url, params={"limit": 2}, headers=alice.headers).json()
    top = first["items"][0]
    assert top["full_name"] == "Ana Backend"
    assert 0 < top["score"] <= 100 and top["explanation"]["matched_skills"]
    assert "skills" in top["explanation"]["summary"] and first["index"]["complete"]
    second = client.get(
        url, params={"limit": 2, "cursor": first["next_cursor"]}, headers=alice.headers
    ).json()
    assert {m["candidate_id"] for m in second["items"]}.isdisjoint(
        {m["candidate_id"] for m in first["items"]}
    )
    french = client.get(url, params={"country": "FR"}, headers=alice.headers).json()
    assert [m["full_name"] for m in french["items"]] == ["Eve Junior"]

    feedback = f"/api/v1/jobs/{job_id}/feedback"
    body = {"candidate_id": ids["Ana Backend"], "decision": "decline", "reason": "too_senior"}
    answer = client.post(feedback, json=body, headers=alice.headers)
    assert answer.status_code == 201 and answer.json()["reason"] == "too_senior"
    after = client.get(url, headers=alice.headers).json()
    assert ids["Ana Backend"] not in {m["candidate_id"] for m in after["items"]}
    assert after["learned_from"] == 1

    bad = client.post(
        feedback,
        json={"candidate_id": ids["Ben Backend"], "decision": "maybe"},
        headers=alice.headers,
    )
    assert bad.status_code == 422
    assert client.get(url, headers=bob.headers).status_code == 404
    stranger = {"candidate_id": ids["Ben Backend"], "decision": "accept"}
    assert client.post(feedback, json=stranger, headers=bob.headers).status_code == 404


def test_candidate_search_is_ranked(
    client: TestClient, session_factory: sessionmaker[Session], alice: ApiUser
) -> None:
    add_people(session_factory, alice, POOL)
    index_everything(session_factory)
    found = client.get(
        "/api/v1/candidates", params={"q": "python postgresql"}, headers=alice.headers
    ).json()
    names = [c["full_name"] for c in found["items"]]
    assert set(names[:2]) == {"Ana Backend", "Eve Junior"}  # both words on the profile
    assert "Dan Nurse" not in names and "Finn Sales" not in names
    # The list's filters and cursor keep working on a ranked search.
    in_france = client.get(
        "/api/v1/candidates", params={"q": "python", "country": "FR"}, headers=alice.headers
    ).json()
    assert [c["full_name"] for c in in_france["items"]] == ["Eve Junior"]
    seen, cursor = [], None
    while True:
        params: dict[str, str | int] = {"q": "python", "limit": 1}
        if cursor:
            params["cursor"] = cursor
        page = client.get("/api/v1/candidates", params=params, headers=alice.headers).json()
        seen += [c["full_name"] for c in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen)) == page["total"] >= 3
