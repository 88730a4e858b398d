"""Workspace isolation: walk every API route as a user of workspace B against A's records.

Every answer must be 404 (or a 422 for a body the route refuses before looking anything up),
never A's data and never 403, so even existence does not leak; A's records stay unchanged.
"""

from __future__ import annotations

import re

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.fixtures.app import ApiUser

ID_PARAM = re.compile(r"\{(\w+)\}")


def _seed_workspace_a(client: TestClient, alice: ApiUser) -> dict[str, int]:
    candidate = client.post(
        "/api/v1/candidates",
        json={"full_name": "Ada Lovelace", "emails": ["ada@acme.example"]},
        headers=alice.headers,
    ).json()["candidate"]
    job = client.post("/api/v1/jobs", json={"title": "Analyst"}, headers=alice.headers).json()
    return {"candidate_id": candidate["id"], "job_id": job["id"]}


def _routes_with_ids(app: FastAPI) -> list[tuple[str, str]]:
    """Every documented API operation whose path names a record (walked from OpenAPI)."""
    paths = app.openapi()["paths"]
    return [
        (method.upper(), path)
        for path, operations in paths.items()
        if path.startswith("/api/v1") and ID_PARAM.search(path)
        for method in operations
    ]


def test_every_id_route_answers_404_across_workspaces(
    app: FastAPI, client: TestClient, alice: ApiUser, bob: ApiUser
) -> None:
    ids = _seed_workspace_a(client, alice)
    routes = _routes_with_ids(app)
    assert len(routes) >= 6  # candidates and jobs at least; later domains add theirs
    for method, path in routes:
        url = ID_PARAM.sub(lambda m: str(ids.get(m.group(1), 1)), path)
        response = client.request(method, url, json={}, headers=bob.headers)
        assert response.status_code in (404, 422), f"{method} {url}: {response.status_code}"
        assert "Ada" not in response.text
    still_there = client.get(f"/api/v1/candidates/{ids['candidate_id']}", headers=alice.headers)
    assert still_there.status_code == 200
    assert still_there.json()["full_name"] == "Ada Lovelace"


def test_lists_and_searches_show_only_own_workspace(
    client: TestClient, alice: ApiUser, bob: ApiUser
) -> None:
    _seed_workspace_a(client, alice)
    for url in ("/api/v1/candidates", "/api/v1/candidates?q=ada", "/api/v1/jobs", "/api/v1/users"):
        body = client.get(url, headers=bob.headers).json()
        items = body["items"] if isinstance(body, dict) else body
        assert all("ada" not in str(item).lower() for item in items), url
        assert "alice" not in str(items)


def test_same_email_in_two_workspaces_is_two_candidates(
    client: TestClient, alice: ApiUser, bob: ApiUser
) -> None:
    body = {"full_name": "Grace Hopper", "emails": ["grace@navy.example"]}
    a = client.post("/api/v1/candidates", json=body, headers=alice.headers).json()
    b = client.post("/api/v1/candidates", json=body, headers=bob.headers).json()
    assert a["merged"] is False and b["merged"] is False
    assert a["candidate"]["id"] != b["candidate"]["id"]


def test_recruiters_cannot_add_users(client: TestClient, alice: ApiUser, session_factory) -> None:  # type: ignore[no-untyped-def]
    from openpin.models import Role
    from tests.fixtures.app import make_api_user

    recruiter = make_api_user(session_factory, "rita@acme.example", "Acme", Role.RECRUITER)
    new_user = {"email": "new@acme.example", "password": "long enough pw"}
    denied = client.post("/api/v1/users", json=new_user, headers=recruiter.headers)
    assert denied.status_code == 403
    allowed = client.post("/api/v1/users", json=new_user, headers=alice.headers)
    assert allowed.status_code == 201
    assert allowed.json()["role"] == "recruiter"
