"""Web pages over the real app: login, redirects, forms, errors and workspace isolation."""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.fixtures.app import ApiUser
from tests.web.conftest import csrf_from, web_login

PROTECTED_PAGES = [
    "/candidates",
    "/candidates/new",
    "/jobs",
    "/jobs/new",
    "/import",
    "/sequences",
    "/inbox",
    "/analytics",
    "/automation",
    "/settings",
]


@pytest.mark.parametrize("path", PROTECTED_PAGES)
def test_pages_need_login_and_come_back_after(
    client: TestClient, alice: ApiUser, path: str
) -> None:
    response = client.get(path, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=")
    login_page = client.get(response.headers["location"])
    data = {
        "email": alice.email,
        "password": alice.password,
        "csrf_token": csrf_from(login_page),
        "next": path,
    }
    response = client.post("/login", data=data, follow_redirects=False)
    assert response.headers["location"] == path
    assert client.get(path).status_code == 200


def test_htmx_requests_get_a_full_page_redirect_to_login(client: TestClient) -> None:
    response = client.get("/candidates", headers={"HX-Request": "true"}, follow_redirects=False)
    assert response.headers["HX-Redirect"].startswith("/login")


def test_bad_password_says_so_in_plain_words(client: TestClient, alice: ApiUser) -> None:
    token = csrf_from(client.get("/login"))
    data = {"email": alice.email, "password": "wrong password", "csrf_token": token}
    response = client.post("/login", data=data)
    assert response.status_code == 401
    assert "do not match an account" in response.text
    assert alice.email in response.text  # the email stays filled in


def test_next_never_leaves_the_site(client: TestClient, alice: ApiUser) -> None:
    token = csrf_from(client.get("/login"))
    data = {
        "email": alice.email,
        "password": alice.password,
        "csrf_token": token,
        "next": "//evil.example/",
    }
    response = client.post("/login", data=data, follow_redirects=False)
    assert response.headers["location"] == "/candidates"


def test_header_shows_user_and_workspace(client: TestClient, alice: ApiUser) -> None:
    web_login(client, alice)
    page = client.get("/candidates").text
    assert alice.email in page and "Acme" in page and "Log out" in page


def test_unbuilt_areas_say_so_plainly(client: TestClient, alice: ApiUser) -> None:
    web_login(client, alice)
    from openpin.web.routes.placeholders import AREAS

    for path in [f"/{slug}" for slug in AREAS]:
        assert "not built yet" in client.get(path).text


def test_unknown_page_is_a_friendly_404(client: TestClient, alice: ApiUser) -> None:
    web_login(client, alice)
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "We could not find that page" in response.text


def _add_candidate(client: TestClient, token: str, **fields: str) -> int:
    response = client.post("/candidates/new", data={"csrf_token": token, **fields})
    assert response.status_code == 200, response.text
    match = re.search(r"/candidates/(\d+)$", str(response.url))
    assert match, response.url
    return int(match.group(1))


def test_add_edit_and_delete_a_candidate(client: TestClient, alice: ApiUser) -> None:
    token = web_login(client, alice)
    fields = {
        "full_name": "Ada Lovelace",
        "emails": "ADA@Example.com\nada.l@example.org",
        "phones": "+44 20 7946 0958",
        "linkedin_url": "https://uk.linkedin.com/in/ada-lovelace/",
        "city": "London",
        "country": "GB",
        "skills": "Mathematics, Python",
        "exp-0-title": "Analyst",
        "exp-0-company": "Analytical Engines",
        "exp-0-start": "2019-03",
        "exp-0-current": "on",
        "edu-0-school": "University of London",
    }
    candidate_id = _add_candidate(client, token, **fields)
    profile = client.get(f"/candidates/{candidate_id}").text
    for text in (
        "ada@example.com",
        "United Kingdom",
        "Analytical Engines",
        "Mathematics",
        "https://www.linkedin.com/in/ada-lovelace",
        "Added to OpenPin",
    ):
        assert text in profile, text

    edit = client.post(
        f"/candidates/{candidate_id}/edit",
        data={**fields, "csrf_token": token, "headline": "Countess and analyst"},
    )
    assert edit.status_code == 200 and "Countess and analyst" in edit.text
    assert "Profile updated" in edit.text

    confirm = client.get(f"/candidates/{candidate_id}/delete")
    assert "cannot be undone" in confirm.text
    client.post(f"/candidates/{candidate_id}/delete", data={"csrf_token": token})
    assert client.get(f"/candidates/{candidate_id}").status_code == 404


def test_validation_errors_show_next_to_the_field(client: TestClient, alice: ApiUser) -> None:
    token = web_login(client, alice)
    data = {"csrf_token": token, "full_name": "Bad Email", "emails": "not-an-email"}
    response = client.post("/candidates/new", data=data)
    assert response.status_code == 422
    assert 'id="err-emails"' in response.text
    assert "not-an-email" in response.text  # what was typed is kept

    data = {"csrf_token": token, "full_name": "X", "exp-0-title": "CTO", "exp-0-start": "March"}
    response = client.post("/candidates/new", data=data)
    assert response.status_code == 422
    assert "is not a date" in response.text and 'id="err-exp-0-start"' in response.text

    response = client.post("/candidates/new", data={"csrf_token": token})
    assert response.status_code == 422
    assert "at least a name, an email or a LinkedIn URL" in response.text


def test_adding_a_known_person_says_merged(client: TestClient, alice: ApiUser) -> None:
    token = web_login(client, alice)
    first = _add_candidate(client, token, full_name="Grace Hopper", emails="grace@navy.example")
    response = client.post(
        "/candidates/new",
        data={"csrf_token": token, "full_name": "G. Hopper", "emails": "GRACE@navy.example"},
    )
    assert str(response.url).endswith(f"/candidates/{first}")
    assert "Merged into existing candidate Grace Hopper" in response.text


def test_add_row_button_keeps_what_was_typed(client: TestClient, alice: ApiUser) -> None:
    token = web_login(client, alice)
    data = {
        "csrf_token": token,
        "full_name": "Draft",
        "exp-0-title": "CTO",
        "add_row": "experience",
    }
    response = client.post("/candidates/new", data=data)
    assert 'name="exp-1-title"' in response.text and 'value="CTO"' in response.text
    assert "Draft" not in client.get("/candidates").text  # nothing saved yet


def test_list_search_filters_and_pages(client: TestClient, alice: ApiUser) -> None:
    token = web_login(client, alice)
    for index in range(30):
        country = "DE" if index % 2 else "FR"
        _add_candidate(client, token, full_name=f"Person {index:02d}", country=country)
    first = client.get("/candidates")
    assert "30 candidates" in first.text and "Load more" in first.text
    more = re.search(r'href="(/candidates\?cursor=[^"]+)"', first.text)
    assert more
    second = client.get(more.group(1).replace("&amp;", "&"))
    assert "Person 00" in second.text and "Person 29" not in second.text
    fragment = client.get(more.group(1).replace("&amp;", "&") + "&fragment=rows")
    assert "<html" not in fragment.text and "Person 00" in fragment.text
    germany = client.get("/candidates?country=DE")
    assert "15 candidates match" in germany.text and "Person 02" not in germany.text
    search = client.get("/candidates?q=person+07")
    assert "Person 07" in search.text and "Person 08" not in search.text


def test_empty_list_points_to_import_and_add(client: TestClient, alice: ApiUser) -> None:
    web_login(client, alice)
    page = client.get("/candidates").text
    assert "No candidates yet" in page and 'href="/import"' in page
    assert 'href="/candidates/new"' in page


def test_resume_pdf_downloads(client: TestClient, alice: ApiUser) -> None:
    token = web_login(client, alice)
    candidate_id = _add_candidate(client, token, full_name="Alan Turing", emails="alan@example.com")
    response = client.get(f"/candidates/{candidate_id}/resume.pdf")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_import_reports_bad_rows_by_line(client: TestClient, alice: ApiUser) -> None:
    token = web_login(client, alice)
    csv = (
        "name,email\nAda Lovelace,ada@example.com\nBroken Row,not-an-email\nAlan,alan@example.com\n"
    )
    files = {"file": ("people.csv", csv.encode(), "text/csv")}
    response = client.post("/import", data={"csrf_token": token}, files=files)
    assert response.status_code == 200
    assert re.search(r'id="stat-created">2<', response.text)
    errors = re.search(
        r'<table class="table table-compact" id="import-errors">(.*?)</table>', response.text, re.S
    )
    assert errors and ">3</td>" in errors.group(1)
    again = client.post("/import", data={"csrf_token": token}, files=files)
    assert re.search(r'id="stat-merged">2<', again.text)


def test_import_without_a_file_explains(client: TestClient, alice: ApiUser) -> None:
    token = web_login(client, alice)
    response = client.post("/import", data={"csrf_token": token}, files={"x": ("", b"")})
    assert response.status_code == 422
    assert "Choose a file first" in response.text


def test_jobs_create_view_edit_delete(client: TestClient, alice: ApiUser) -> None:
    token = web_login(client, alice)
    empty = client.post("/jobs/new", data={"csrf_token": token, "title": ""})
    assert empty.status_code == 422 and "This is required" in empty.text
    data = {
        "csrf_token": token,
        "title": "Staff engineer",
        "description": "Own the platform.",
        "locations": "Berlin\nRemote (EU)",
        "must_have_skills": "Python, PostgreSQL",
        "nice_to_have_skills": "Go",
        "seniority": "lead",
        "status": "open",
    }
    created = client.post("/jobs/new", data=data)
    assert created.status_code == 200 and "Staff engineer" in created.text
    job_path = str(created.url).removeprefix("http://testserver")
    assert "Remote (EU)" in created.text and "PostgreSQL" in created.text
    edited = client.post(f"{job_path}/edit", data={**data, "status": "on_hold"})
    assert "On hold" in edited.text
    assert "Staff engineer" in client.get("/jobs").text
    client.post(f"{job_path}/delete", data={"csrf_token": token})
    assert client.get(job_path).status_code == 404


def test_other_workspace_gets_404_everywhere(
    client: TestClient, alice: ApiUser, bob: ApiUser
) -> None:
    token = web_login(client, alice)
    candidate_id = _add_candidate(client, token, full_name="Secret Candidate")
    job = client.post("/jobs/new", data={"csrf_token": token, "title": "Secret Job"})
    job_path = str(job.url).removeprefix("http://testserver")
    client.cookies.clear()

    bob_token = web_login(client, bob)
    for path in (
        f"/candidates/{candidate_id}",
        f"/candidates/{candidate_id}/edit",
        f"/candidates/{candidate_id}/delete",
        f"/candidates/{candidate_id}/resume.pdf",
        job_path,
        f"{job_path}/edit",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "Secret" not in response.text
    for path in (f"/candidates/{candidate_id}/delete", f"{job_path}/delete"):
        assert client.post(path, data={"csrf_token": bob_token}).status_code == 404
    edit = {"csrf_token": bob_token, "full_name": "Hijacked"}
    assert client.post(f"/candidates/{candidate_id}/edit", data=edit).status_code == 404
    assert "Secret Candidate" not in client.get("/candidates").text

    client.cookies.clear()
    web_login(client, alice)
    assert "Secret Candidate" in client.get(f"/candidates/{candidate_id}").text


def test_unexpected_errors_show_a_calm_page(app: FastAPI, alice: ApiUser) -> None:
    def boom() -> None:
        raise RuntimeError("secret internals")

    app.add_api_route("/boom", boom)
    with TestClient(app, raise_server_exceptions=False) as client:
        web_login(client, alice)
        response = client.get("/boom")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.text
    assert "secret internals" not in response.text
