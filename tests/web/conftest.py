"""Web UI fixtures: the real app over a fresh database, and helpers to sign in through the form."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from httpx import Response

from tests.fixtures.app import ApiUser, alice, app, bob, client, settings

__all__ = ["alice", "app", "bob", "client", "settings"]

_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_from(response: Response) -> str:
    match = _TOKEN.search(response.text)
    assert match, "the page has no CSRF field"
    return match.group(1)


def web_login(client: TestClient, user: ApiUser) -> str:
    """Sign in through the login form; returns the session's CSRF token for later posts."""
    token = csrf_from(client.get("/login"))
    response = client.post(
        "/login",
        data={"email": user.email, "password": user.password, "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return csrf_from(client.get("/candidates"))
