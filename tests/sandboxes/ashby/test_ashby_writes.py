"""Writes: candidates, notes, tags, applications; logical errors answer 200 with errorInfo."""

from __future__ import annotations

import httpx
import pytest

from tests.sandboxes.ashby.helpers import (
    create_candidate,
    first_open_job,
    logical_error,
    results,
)

MISSING_ID = "00000000-0000-4000-8000-000000000000"


def test_candidate_create_with_every_documented_field(client: httpx.Client) -> None:
    source = results(client, "source.list")[0]
    user = results(client, "user.list")[0]
    created = create_candidate(
        client,
        phoneNumber="+442000000000",
        linkedInUrl="https://www.linkedin.com/in/ada-lovelace",
        githubUrl="https://github.com/ada",
        website="https://ada.dev",
        alternateEmailAddresses=["ada@work.example"],
        sourceId=source["id"],
        creditedToUserId=user["id"],
        location={"city": "London", "region": "England", "country": "United Kingdom"},
        createdAt="2024-01-02T03:04:05.000Z",
    )
    assert created["primaryEmailAddress"] == {
        "value": "ada.lovelace@example.com",
        "type": "Personal",
        "isPrimary": True,
    }
    assert [e["value"] for e in created["emailAddresses"]] == [
        "ada.lovelace@example.com",
        "ada@work.example",
    ]
    assert created["primaryPhoneNumber"]["value"] == "+442000000000"
    assert {link["type"] for link in created["socialLinks"]} == {"LinkedIn", "GitHub", "Website"}
    assert created["source"]["id"] == source["id"]
    assert created["creditedToUser"]["id"] == user["id"]
    assert created["location"]["locationSummary"] == "London, England, United Kingdom"
    assert created["createdAt"] == "2024-01-02T03:04:05.000Z"
    assert results(client, "candidate.info", {"id": created["id"]}) == created


def test_candidate_create_never_deduplicates(client: httpx.Client) -> None:
    first = create_candidate(client)
    second = create_candidate(client)
    assert first["id"] != second["id"]
    found = results(client, "candidate.search", {"email": "ada.lovelace@example.com"})
    assert {c["id"] for c in found} == {first["id"], second["id"]}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "name"),
        ({"name": "  "}, "name"),
        ({"name": "A", "email": "not-an-email"}, "email"),
        ({"name": "A", "linkedInUrl": "linkedin.com/in/a"}, "linkedInUrl"),
        ({"name": "A", "createdAt": "yesterday"}, "createdAt"),
        ({"name": 42}, "name"),
    ],
)
def test_candidate_create_rejects_invalid_input(
    client: httpx.Client, body: dict[str, object], field: str
) -> None:
    error = logical_error(client, "candidate.create", body)
    assert error["code"] == "invalid_input"
    assert field in error["message"]


def test_candidate_create_with_unknown_source_or_user(client: httpx.Client) -> None:
    error = logical_error(client, "candidate.create", {"name": "A", "sourceId": MISSING_ID})
    assert error["code"] == "source_not_found"
    error = logical_error(client, "candidate.create", {"name": "A", "creditedToUserId": MISSING_ID})
    assert error["code"] == "user_not_found"


def test_candidate_update_fields_and_social_links(client: httpx.Client) -> None:
    created = create_candidate(client, githubUrl="https://github.com/ada")
    updated = results(
        client,
        "candidate.update",
        {
            "candidateId": created["id"],
            "name": "Augusta Ada King",
            "email": "ada@new.example",
            "alternateEmail": "ada@alt.example",
            "websiteUrl": "https://ada.example",
            "location": {"city": "Paris", "country": "France"},
        },
    )
    assert updated["name"] == "Augusta Ada King"
    assert updated["primaryEmailAddress"]["value"] == "ada@new.example"
    assert {e["value"] for e in updated["emailAddresses"]} == {
        "ada@new.example",
        "ada.lovelace@example.com",
        "ada@alt.example",
    }
    assert {link["type"] for link in updated["socialLinks"]} == {"GitHub", "Website"}
    assert updated["location"]["locationSummary"] == "Paris, France"
    replaced = results(
        client,
        "candidate.update",
        {
            "candidateId": created["id"],
            "socialLinks": [{"type": "LinkedIn", "url": "https://www.linkedin.com/in/ada"}],
        },
    )
    assert replaced["socialLinks"] == [
        {"type": "LinkedIn", "url": "https://www.linkedin.com/in/ada"}
    ]
    assert replaced["updatedAt"] >= created["updatedAt"]


def test_candidate_update_errors(client: httpx.Client) -> None:
    error = logical_error(client, "candidate.update", {"candidateId": MISSING_ID, "name": "X"})
    assert error["code"] == "candidate_not_found"
    assert logical_error(client, "candidate.update", {"name": "X"})["code"] == "invalid_input"
    created = create_candidate(client)
    bad_link = {
        "candidateId": created["id"],
        "socialLinks": [{"type": "MySpace", "url": "https://a.b"}],
    }
    assert logical_error(client, "candidate.update", bad_link)["code"] == "invalid_input"


def test_create_note_plain_and_html(client: httpx.Client, ashby: object) -> None:
    candidate = create_candidate(client)
    plain = results(
        client, "candidate.createNote", {"candidateId": candidate["id"], "note": "Hi <b>"}
    )
    assert plain["content"] == "Hi <b>"
    assert plain["isPrivate"] is False and plain["author"]["firstName"] == "Maya"
    html = results(
        client,
        "candidate.createNote",
        {
            "candidateId": candidate["id"],
            "note": {
                "type": "text/html",
                "value": "<p>Roles:</p><ul><li><b>CTO</b></li></ul><script>x()</script>"
                '<a href="javascript:x()">bad</a><a href="https://ok.example">ok</a>',
            },
            "isPrivate": True,
        },
    )
    assert html["content"] == (
        'Roles:<ul><li><b>CTO</b></li></ul><a>bad</a><a href="https://ok.example">ok</a>'
    )
    assert html["isPrivate"] is True
    page = httpx.get(candidate["profileUrl"]).text
    assert "Hi &lt;b&gt;" in page and "<li><b>CTO</b></li>" in page


def test_create_note_errors(client: httpx.Client) -> None:
    candidate = create_candidate(client)
    missing = logical_error(
        client, "candidate.createNote", {"candidateId": MISSING_ID, "note": "x"}
    )
    assert missing["code"] == "candidate_not_found"
    no_note = logical_error(client, "candidate.createNote", {"candidateId": candidate["id"]})
    assert no_note["code"] == "invalid_input" and "note" in no_note["message"]
    wrong_type = {"candidateId": candidate["id"], "note": {"type": "text/markdown", "value": "x"}}
    assert logical_error(client, "candidate.createNote", wrong_type)["code"] == "invalid_input"


def test_candidate_tag_create_is_idempotent_by_title(client: httpx.Client) -> None:
    made = results(client, "candidateTag.create", {"title": "Sourced by OpenPin"})
    again = results(client, "candidateTag.create", {"title": "sourced by openpin"})
    assert again == made
    existing = results(client, "candidateTag.create", {"title": "Senior"})
    assert existing["id"] in {tag["id"] for tag in results(client, "candidateTag.list")}
    assert logical_error(client, "candidateTag.create", {})["code"] == "invalid_input"


def test_add_tag_is_idempotent_and_checks_ids(client: httpx.Client) -> None:
    candidate = create_candidate(client)
    tag = results(client, "candidateTag.create", {"title": "OpenPin"})
    body = {"candidateId": candidate["id"], "tagId": tag["id"]}
    tagged = results(client, "candidate.addTag", body)
    assert tagged["tags"] == [tag]
    assert results(client, "candidate.addTag", body)["tags"] == [tag]
    error = logical_error(client, "candidate.addTag", {**body, "tagId": MISSING_ID})
    assert error["code"] == "tag_not_found"
    error = logical_error(client, "candidate.addTag", {**body, "candidateId": MISSING_ID})
    assert error["code"] == "candidate_not_found"


def test_application_create_puts_the_candidate_in_the_first_stage(client: httpx.Client) -> None:
    candidate = create_candidate(client)
    job = first_open_job(client)
    application = results(
        client, "application.create", {"candidateId": candidate["id"], "jobId": job["id"]}
    )
    assert application["job"]["id"] == job["id"]
    assert application["candidate"]["id"] == candidate["id"]
    assert application["status"] == "Lead"
    stage = application["currentInterviewStage"]
    assert stage["orderInInterviewPlan"] == 0
    assert stage["interviewPlanId"] == job["defaultInterviewPlanId"]
    refreshed = results(client, "candidate.info", {"id": candidate["id"]})
    assert refreshed["applicationIds"] == [application["id"]]


def test_application_create_with_history_sets_the_stage(client: httpx.Client) -> None:
    candidate = create_candidate(client)
    job = first_open_job(client)
    first = results(
        client, "application.create", {"candidateId": candidate["id"], "jobId": job["id"]}
    )
    stage_id = first["currentInterviewStage"]["id"]
    other = create_candidate(client, email="other@example.com")
    body = {
        "candidateId": other["id"],
        "jobId": job["id"],
        "interviewPlanId": job["defaultInterviewPlanId"],
        "applicationHistory": [
            {"stageId": stage_id, "stageNumber": 0, "enteredStageAt": "2024-05-01T00:00:00Z"}
        ],
    }
    application = results(client, "application.create", body)
    assert application["currentInterviewStage"]["id"] == stage_id


def test_application_create_errors(client: httpx.Client) -> None:
    candidate = create_candidate(client)
    job = first_open_job(client)
    body = {"candidateId": candidate["id"], "jobId": job["id"]}
    results(client, "application.create", body)
    duplicate = logical_error(client, "application.create", body)
    assert (
        duplicate["code"] == "invalid_input"
        and "already has an application" in duplicate["message"]
    )
    closed = results(client, "job.list", {"status": ["Closed"]})[0]
    error = logical_error(client, "application.create", {**body, "jobId": closed["id"]})
    assert error["code"] == "invalid_input" and "Closed" in error["message"]
    error = logical_error(client, "application.create", {**body, "jobId": MISSING_ID})
    assert error["code"] == "job_not_found"
    other = create_candidate(client, email="x@example.com")
    bad_plan = {"candidateId": other["id"], "jobId": job["id"], "interviewPlanId": MISSING_ID}
    assert (
        logical_error(client, "application.create", bad_plan)["code"] == "interview_plan_not_found"
    )
    bad_stage = {"candidateId": other["id"], "jobId": job["id"], "interviewStageId": MISSING_ID}
    assert (
        logical_error(client, "application.create", bad_stage)["code"]
        == "interview_stage_not_found"
    )
    assert (
        logical_error(client, "application.create", {"jobId": job["id"]})["code"] == "invalid_input"
    )
