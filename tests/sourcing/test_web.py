"""The Source tab over HTTP: empty pool, bad filters explained, feedback forms, other workspaces."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from tests.fixtures.app import ApiUser
from tests.sourcing.helpers import BACKEND_JOB, POOL, add_job, add_people, index_everything
from tests.web.conftest import web_login


def test_empty_pool_points_to_import(
    client: TestClient, session_factory: sessionmaker[Session], alice: ApiUser
) -> None:
    web_login(client, alice)
    job_id = add_job(session_factory, alice, **BACKEND_JOB)
    page = client.get(f"/jobs/{job_id}/source").text
    assert "No candidates in your pool yet" in page and 'href="/import"' in page
    assert f'href="/jobs/{job_id}/source"' in client.get(f"/jobs/{job_id}").text


def test_bad_filter_is_explained_and_feedback_posts(
    client: TestClient, session_factory: sessionmaker[Session], alice: ApiUser, bob: ApiUser
) -> None:
    csrf = web_login(client, alice)
    ids = add_people(session_factory, alice, POOL)
    job_id = add_job(session_factory, alice, **BACKEND_JOB)
    index_everything(session_factory)
    page = client.get(f"/jobs/{job_id}/source?min_years=lots").text
    assert "is not a number of years" in page and "Ana Backend" in page
    form = {
        "csrf_token": csrf,
        "candidate_id": str(ids["Ana Backend"]),
        "decision": "decline",
        "reason": "wrong_location",
        "back": f"/jobs/{job_id}/source?ask=x",
    }
    answer = client.post(f"/jobs/{job_id}/source/feedback", data=form, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"].endswith("?ask=x")
    after = client.get(answer.headers["location"]).text
    assert "Declined (wrong location)" in after and "Location counts more" in after
    assert f'id="match-{ids["Ana Backend"]}"' not in after
    # Off-site "back" values are ignored.
    form["back"] = "https://evil.example/"
    form["decision"] = "accept"
    form.pop("reason")
    answer = client.post(f"/jobs/{job_id}/source/feedback", data=form, follow_redirects=False)
    assert answer.headers["location"] == f"/jobs/{job_id}/source"
    nothing = {"csrf_token": csrf, "back": f"/jobs/{job_id}/source"}
    empty = client.post(f"/jobs/{job_id}/source/enroll", data=nothing, follow_redirects=True)
    assert "Select at least one candidate first" in empty.text


def test_another_workspace_gets_404(
    client: TestClient, session_factory: sessionmaker[Session], alice: ApiUser, bob: ApiUser
) -> None:
    job_id = add_job(session_factory, alice, **BACKEND_JOB)
    web_login(client, bob)
    assert client.get(f"/jobs/{job_id}/source").status_code == 404
