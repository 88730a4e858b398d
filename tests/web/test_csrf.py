"""CSRF: every unsafe web request must carry the session's token, in the form or a header."""

from __future__ import annotations

from fastapi.testclient import TestClient

from openpin.web.csrf import tokens_match
from tests.fixtures.app import ApiUser
from tests.web.conftest import web_login


def test_tokens_match_only_equal_non_empty_strings() -> None:
    assert tokens_match("abc", "abc")
    assert not tokens_match("abc", "abd")
    assert not tokens_match("", "")
    assert not tokens_match(None, "abc")
    assert not tokens_match("abc", None)


def test_post_without_token_is_refused_in_plain_words(client: TestClient, alice: ApiUser) -> None:
    web_login(client, alice)
    response = client.post("/candidates/new", data={"full_name": "Forged Person"})
    assert response.status_code == 403
    assert "security token is missing or out of date" in response.text
    assert "reload the page" in response.text
    assert "Forged Person" not in client.get("/candidates").text


def test_post_with_wrong_token_is_refused(client: TestClient, alice: ApiUser) -> None:
    web_login(client, alice)
    data = {"full_name": "Forged Person", "csrf_token": "not-the-token"}
    response = client.post("/candidates/new", data=data)
    assert response.status_code == 403
    assert "Forged Person" not in client.get("/candidates").text


def test_post_with_token_in_form_or_header_is_accepted(client: TestClient, alice: ApiUser) -> None:
    token = web_login(client, alice)
    response = client.post("/candidates/new", data={"full_name": "Ada", "csrf_token": token})
    assert response.status_code == 200
    response = client.post(
        "/candidates/new", data={"full_name": "Grace"}, headers={"X-CSRF-Token": token}
    )
    assert response.status_code == 200
    listing = client.get("/candidates").text
    assert "Ada" in listing and "Grace" in listing


def test_login_form_needs_the_token_too(client: TestClient, alice: ApiUser) -> None:
    client.get("/login")
    data = {"email": alice.email, "password": alice.password}
    response = client.post("/login", data=data, follow_redirects=False)
    assert response.status_code == 403


def test_logout_needs_the_token(client: TestClient, alice: ApiUser) -> None:
    token = web_login(client, alice)
    assert client.post("/logout", follow_redirects=False).status_code == 403
    response = client.post("/logout", data={"csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303
    assert client.get("/candidates", follow_redirects=False).status_code == 303


def test_token_changes_at_login(client: TestClient, alice: ApiUser) -> None:
    from tests.web.conftest import csrf_from

    before = csrf_from(client.get("/login"))
    after = web_login(client, alice)
    assert before != after
    response = client.post("/candidates/new", data={"full_name": "X", "csrf_token": before})
    assert response.status_code == 403
