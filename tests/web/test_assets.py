"""htmx comes from node_modules (npm ci), is served at one URL, and pages work without it."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from openpin.app import create_app
from openpin.config import Settings
from openpin.web.assets import DEFAULT_HTMX_PATH, HTMX_URL
from tests.fixtures.app import ApiUser
from tests.web.conftest import web_login


def test_css_is_served(client: TestClient) -> None:
    response = client.get("/static/app.css")
    assert response.status_code == 200 and "text/css" in response.headers["content-type"]


@pytest.mark.skipif(not DEFAULT_HTMX_PATH.is_file(), reason="htmx not installed: run `npm ci`")
def test_htmx_is_served_from_node_modules(client: TestClient, alice: ApiUser) -> None:
    response = client.get(HTMX_URL)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert response.content == DEFAULT_HTMX_PATH.read_bytes()
    web_login(client, alice)
    assert f'<script src="{HTMX_URL}"' in client.get("/candidates").text


def test_missing_htmx_is_logged_and_pages_still_work(
    settings: Settings,
    engine: Engine,
    alice: ApiUser,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    settings.web.htmx_path = tmp_path / "nowhere" / "htmx.min.js"
    app = create_app(settings, engine)
    captured = capsys.readouterr()
    assert "web.htmx_missing" in captured.out + captured.err
    with TestClient(app) as client:
        assert client.get(HTMX_URL).status_code == 404
        token = web_login(client, alice)
        page = client.get("/candidates").text
        assert HTMX_URL not in page
        response = client.post("/candidates/new", data={"csrf_token": token, "full_name": "Ada"})
        assert response.status_code == 200 and "Ada was added" in response.text
