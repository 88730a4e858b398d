"""Greenhouse writes: candidates, applications, attachments, notes, education, employment, merge."""

from __future__ import annotations

import base64
import time

import httpx
import pytest

from openpin.sandboxes.greenhouse import GreenhouseSandboxConfig
from openpin.sandboxes.testing import RunningGreenhouse, running_greenhouse

ADA = {
    "first_name": "Ada",
    "last_name": "Lovelace",
    "company": "Analytical Engines",
    "email_addresses": [{"value": "ada@example.com", "type": "personal"}],
    "social_media_addresses": [{"value": "https://www.linkedin.com/in/ada"}],
    "tags": ["sourced-by-openpin"],
}


def _open_job(gh: httpx.Client) -> dict:
    return gh.get("/v3/jobs", params={"status": "open", "per_page": 1}).json()[0]


def _create(gh: httpx.Client, **extra: object) -> dict:
    response = gh.post("/v3/candidates", json={**ADA, **extra})
    assert response.status_code == 201, response.text
    return response.json()


def test_create_candidate_with_nested_application(gh: httpx.Client) -> None:
    job = _open_job(gh)
    source = gh.get("/v3/sources").json()[0]
    created = _create(gh, application={"job_id": job["id"], "source_id": source["id"]})
    candidate, application = created["candidate"], created["application"]
    assert candidate["email_addresses"] == ADA["email_addresses"]
    assert application["candidate_id"] == candidate["id"] and application["job_id"] == job["id"]
    assert application["status"] == "in_process" and application["source_id"] == source["id"]
    stages = gh.get("/v3/job_interview_stages", params={"job_ids": str(job["id"])}).json()
    assert application["current_stage_id"] == min(stages, key=lambda s: s["priority"])["id"]
    assert [
        c["id"] for c in gh.get("/v3/candidates", params={"email": "ADA@example.com"}).json()
    ] == [candidate["id"]]


def test_create_candidate_without_or_with_prospect_application(gh: httpx.Client) -> None:
    assert _create(gh)["application"] is None
    prospect = _create(gh, application={"prospect": True, "job_ids": []})["application"]
    assert prospect["prospect"] is True and prospect["job_id"] is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"last_name": "X"}, "first_name"),
        (
            {**ADA, "email_addresses": [{"value": "ada@example.com", "type": "home"}]},
            "email_addresses",
        ),
        (
            {**ADA, "email_addresses": [{"value": "not-an-email", "type": "work"}]},
            "email_addresses",
        ),
        (
            {**ADA, "social_media_addresses": [{"value": "x", "type": "linkedin"}]},
            "social_media_addresses",
        ),
        ({**ADA, "educations": []}, "educations"),
        ({**ADA, "application": {"job_id": 1}}, "application.job_id"),
        ({**ADA, "application": {"job_ids": [1]}}, "application.job_ids"),
    ],
)
def test_create_candidate_validation(gh: httpx.Client, body: dict, field: str) -> None:
    response = gh.post("/v3/candidates", json=body)
    assert response.status_code == 422
    assert response.json()["message"] == "Unprocessable Content"
    assert any(field in entry for entry in response.json()["errors"])
    assert gh.get("/v3/candidates", params={"email": "ada@example.com"}).json() == []


def test_closed_job_and_bad_json_are_rejected(gh: httpx.Client) -> None:
    closed = gh.get("/v3/jobs", params={"status": "closed"}).json()[0]
    response = gh.post("/v3/candidates", json={**ADA, "application": {"job_id": closed["id"]}})
    assert response.status_code == 422
    broken = gh.post("/v3/candidates", content=b"{", headers={"Content-Type": "application/json"})
    assert broken.status_code == 400 and broken.json()["message"] == "Bad Request"


def test_new_candidate_is_not_found_for_a_while() -> None:
    config = GreenhouseSandboxConfig(not_found_after_create_seconds=0.4)
    with running_greenhouse(config) as greenhouse, greenhouse.client() as gh:
        candidate_id = _create(gh)["candidate"]["id"]
        assert gh.get("/v3/candidates", params={"ids": str(candidate_id)}).json() == []
        assert gh.patch(f"/v3/candidates/{candidate_id}", json={"title": "X"}).status_code == 404
        time.sleep(0.45)
        assert [
            c["id"] for c in gh.get("/v3/candidates", params={"ids": str(candidate_id)}).json()
        ] == [candidate_id]


def test_patch_replaces_arrays_and_validates(gh: httpx.Client) -> None:
    candidate = _create(gh)["candidate"]
    patched = gh.patch(
        f"/v3/candidates/{candidate['id']}",
        json={"title": "Countess", "email_addresses": [], "tags": ["a", "b"]},
    )
    assert patched.status_code == 200
    assert patched.json()["email_addresses"] == [] and patched.json()["tags"] == ["a", "b"]
    assert patched.json()["company"] == "Analytical Engines", "fields not sent are kept"
    assert patched.json()["updated_at"] >= candidate["updated_at"]
    assert gh.patch(f"/v3/candidates/{candidate['id']}", json={"first_name": ""}).status_code == 422
    assert gh.patch("/v3/candidates/1", json={"title": "X"}).json() == {
        "message": "Resource not found"
    }


def test_create_application_both_arms(gh: httpx.Client) -> None:
    candidate_id = _create(gh)["candidate"]["id"]
    job = _open_job(gh)
    first = gh.post("/v3/applications", json={"candidate_id": candidate_id, "job_id": job["id"]})
    assert first.status_code == 201 and first.json()["job_id"] == job["id"]
    again = gh.post("/v3/applications", json={"candidate_id": candidate_id, "job_id": job["id"]})
    assert again.status_code == 422
    prospect = gh.post(
        "/v3/applications",
        json={"candidate_id": candidate_id, "prospect": True, "job_ids": [job["id"]]},
    )
    assert prospect.status_code == 201 and prospect.json()["prospect"] is True
    wrong_arm = gh.post(
        "/v3/applications", json={"candidate_id": candidate_id, "job_id": job["id"], "job_ids": [1]}
    )
    assert wrong_arm.status_code == 422
    assert (
        gh.post("/v3/applications", json={"candidate_id": 1, "job_id": job["id"]}).status_code
        == 422
    )
    listed = gh.get("/v3/applications", params={"candidate_ids": str(candidate_id)}).json()
    assert {a["id"] for a in listed} == {first.json()["id"], prospect.json()["id"]}


def test_attachments_content_url_listing_and_download(
    greenhouse: RunningGreenhouse, gh: httpx.Client
) -> None:
    candidate_id = _create(gh)["candidate"]["id"]
    pdf = b"%PDF-1.4 sandbox resume"
    body = {"candidate_id": candidate_id, "filename": "cv.pdf", "type": "resume"}
    first = gh.post(
        "/v3/attachments",
        json={**body, "content": base64.b64encode(pdf).decode(), "content_type": "application/pdf"},
    )
    assert first.status_code == 201, first.text
    assert httpx.get(first.json()["url"]).content == pdf
    second = gh.post("/v3/attachments", json={**body, "url": "https://files.example/cv2.pdf"})
    assert second.status_code == 201
    resumes = gh.get(
        "/v3/attachments", params={"candidate_ids": str(candidate_id), "type": "resume"}
    ).json()
    assert [a["id"] for a in resumes] == [second.json()["id"]], "a new resume replaces the old one"
    for bad in (
        {**body, "content": "!!!", "content_type": "application/pdf"},
        {**body, "content": "aGk=", "content_type": "application/x-evil"},
        {**body, "content": "aGk="},
        {**body, "url": "ftp://x"},
        {**body, "type": "selfie", "url": "https://x.example/a"},
        {**body, "content": "aGk=", "content_type": "text/plain", "url": "https://x.example/a"},
        {**body, "candidate_id": 1, "url": "https://x.example/a"},
    ):
        assert gh.post("/v3/attachments", json=bad).status_code == 422, bad


def test_notes(gh: httpx.Client) -> None:
    candidate_id = _create(gh)["candidate"]["id"]
    note = gh.post(
        "/v3/notes",
        json={
            "candidate_id": candidate_id,
            "body": "Hi",
            "visibility": "private",
            "note_type": "NOTE",
        },
    )
    assert note.status_code == 201
    assert note.json()["visibility"] == "privately_visible" and note.json()["type"] == "NOTE"
    lower = gh.post(
        "/v3/notes",
        json={
            "candidate_id": candidate_id,
            "body": "x",
            "visibility": "public",
            "note_type": "note",
        },
    )
    assert lower.status_code == 422 and lower.json()["errors"] == [
        {"note_type": "Must be one of: note, activity, email"}
    ]
    read_spelling = gh.post(
        "/v3/notes",
        json={"candidate_id": candidate_id, "body": "x", "visibility": "privately_visible"},
    )
    assert read_spelling.status_code == 422
    email = {
        "candidate_id": candidate_id,
        "body": "x",
        "visibility": "public",
        "note_type": "EMAIL",
        "subject": "Hello",
        "email_from": ["a@b.example"],
        "email_to": ["c@d.example"],
    }
    assert gh.post("/v3/notes", json=email).status_code == 422, "email_cc must be present"
    assert gh.post("/v3/notes", json={**email, "email_cc": []}).status_code == 201
    orphan = gh.post("/v3/notes", json={"candidate_id": 1, "body": "x", "visibility": "public"})
    assert orphan.status_code == 201, "Greenhouse does not check the candidate"
    listed = gh.get("/v3/notes", params={"candidate_ids": str(candidate_id)}).json()
    assert len(listed) == 2


def test_educations_and_employments(gh: httpx.Client) -> None:
    candidate_id = _create(gh)["candidate"]["id"]

    def option(key: str) -> dict:
        return gh.get("/v3/custom_field_options", params={"custom_field_key": key}).json()[0]

    school, degree, discipline = option("school_name"), option("degree"), option("discipline")
    education = gh.post(
        "/v3/candidate_educations",
        json={
            "candidate_id": candidate_id,
            "school_id": school["id"],
            "degree_id": degree["id"],
            "discipline_id": discipline["id"],
            "start_date": "2010-09-01",
            "end_date": "2014-06-30",
        },
    )
    assert education.status_code == 201, education.text
    assert education.json()["school_name"] == school["name"]
    wrong_key = gh.post(
        "/v3/candidate_educations", json={"candidate_id": candidate_id, "school_id": degree["id"]}
    )
    assert wrong_key.status_code == 422
    employment = gh.post(
        "/v3/candidate_employments",
        json={
            "candidate_id": candidate_id,
            "company_name": "Engines",
            "title": "Analyst",
            "start_date": "2020-01-01T00:00:00Z",
        },
    )
    assert employment.status_code == 201 and employment.json()["end_date"] is None
    missing = gh.post(
        "/v3/candidate_employments", json={"candidate_id": candidate_id, "company_name": "E"}
    )
    assert {next(iter(e)) for e in missing.json()["errors"]} == {"title", "start_date"}
    for path in ("/v3/candidate_educations", "/v3/candidate_employments"):
        assert len(gh.get(path, params={"candidate_ids": str(candidate_id)}).json()) == 1


def test_merge_moves_everything_to_the_primary(gh: httpx.Client) -> None:
    job = _open_job(gh)
    primary = _create(gh)["candidate"]
    duplicate = _create(
        gh,
        email_addresses=[{"value": "ada@work.example", "type": "work"}],
        application={"job_id": job["id"]},
    )
    duplicate_id = duplicate["candidate"]["id"]
    merged = gh.post(
        f"/v3/candidates/{primary['id']}/merge", json={"duplicate_candidate_id": duplicate_id}
    )
    assert merged.status_code == 200
    assert {e["value"] for e in merged.json()["email_addresses"]} == {
        "ada@example.com",
        "ada@work.example",
    }
    assert gh.get("/v3/candidates", params={"ids": str(duplicate_id)}).json() == []
    moved = gh.get("/v3/applications", params={"candidate_ids": str(primary["id"])}).json()
    assert [a["id"] for a in moved] == [duplicate["application"]["id"]]
    again = gh.post(
        f"/v3/candidates/{primary['id']}/merge", json={"duplicate_candidate_id": duplicate_id}
    )
    assert again.status_code == 422
