"""Settings: the hub, users (admins add them) and API tokens (shown once, revocable)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from openpin.models import Role
from tests.fixtures.app import ApiUser, make_api_user
from tests.web.conftest import web_login


def test_hub_links_every_section(client: TestClient, alice: ApiUser) -> None:
    web_login(client, alice)
    page = client.get("/settings").text
    for path in ("/settings/users", "/settings/tokens", "/settings/mailboxes", "/settings/ats"):
        assert f'href="{path}"' in page
    assert "Not built yet" not in page


def test_admin_adds_a_user_who_can_sign_in(client: TestClient, alice: ApiUser) -> None:
    token = web_login(client, alice)
    form = {
        "csrf_token": token,
        "email": "Sam@Acme.example",
        "full_name": "Sam",
        "role": "recruiter",
    }
    short = client.post("/settings/users", data={**form, "password": "short"})
    assert short.status_code == 422 and "at least 8 characters" in short.text
    added = client.post("/settings/users", data={**form, "password": "long-enough-pw"})
    assert added.status_code == 200 and "sam@acme.example can now sign in" in added.text
    client.post("/logout", data={"csrf_token": token})
    login_page = client.get("/login")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', login_page.text)
    assert csrf is not None
    response = client.post(
        "/login",
        data={
            "csrf_token": csrf.group(1),
            "email": "sam@acme.example",
            "password": "long-enough-pw",
        },
    )
    assert response.status_code == 200 and "Sign in" not in response.text


def test_recruiters_cannot_add_users(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    rita = make_api_user(session_factory, "rita@acme.example", "Acme", Role.RECRUITER)
    token = web_login(client, rita)
    assert "Only admins can add users" in client.get("/settings/users").text
    response = client.post(
        "/settings/users",
        data={"csrf_token": token, "email": "x@acme.example", "password": "long-enough-pw"},
    )
    assert response.status_code == 403


def test_token_is_shown_once_works_and_can_be_revoked(client: TestClient, alice: ApiUser) -> None:
    token = web_login(client, alice)
    created = client.post("/settings/tokens", data={"csrf_token": token, "name": "zapier"})
    match = re.search(r"<code>(op_[A-Za-z0-9_\-]+)</code>", created.text)
    assert match is not None
    api_token = match.group(1)
    headers = {"Authorization": f"Bearer {api_token}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    listing = client.get("/settings/tokens").text
    assert api_token not in listing and "zapier" in listing
    token_id = re.findall(r"/settings/tokens/(\d+)/revoke", listing)[0]
    client.post(f"/settings/tokens/{token_id}/revoke", data={"csrf_token": token})
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_tokens_of_another_user_cannot_be_revoked(
    client: TestClient, alice: ApiUser, bob: ApiUser
) -> None:
    token = web_login(client, bob)
    response = client.post("/settings/tokens/1/revoke", data={"csrf_token": token})
    assert response.status_code == 404
    assert client.get("/api/v1/me", headers=alice.headers).status_code == 200
