"""Applications after their creation: application.list (filters, pages, syncToken),
application.info, application.changeStage, and the admin routes that hire or archive one."""

from __future__ import annotations

from typing import Any

import httpx

from openpin.sandboxes.ashby.testing import ServedAshbySandbox
from tests.sandboxes.ashby.helpers import (
    call,
    create_candidate,
    first_open_job,
    list_all,
    logical_error,
    results,
)


def _apply(client: httpx.Client, email: str = "ada.lovelace@example.com") -> dict[str, Any]:
    candidate = create_candidate(client, email=email)
    job = first_open_job(client)
    body = {"candidateId": candidate["id"], "jobId": job["id"]}
    application: dict[str, Any] = results(client, "application.create", body)
    return application


def _stage_ids(ashby: ServedAshbySandbox, application: dict[str, Any]) -> dict[str, str]:
    """Stage type -> stage id in the application's plan (`interviewStage.list` is not served,
    so they come from the sandbox's state)."""
    plan_id = application["currentInterviewStage"]["interviewPlanId"]
    plan = ashby.sandbox.state.org.interview_plans[plan_id]
    return {stage.type: stage.id for stage in reversed(plan.stages)}


def test_list_filters_by_status_and_job_and_pages_everything(client: httpx.Client) -> None:
    every, _ = list_all(client, "application.list", {"limit": 50})
    assert len(every) >= 250 and len({a["id"] for a in every}) == len(every)
    hired, _ = list_all(client, "application.list", {"status": "Hired", "limit": 5})
    assert hired and all(a["status"] == "Hired" for a in hired)
    assert len(hired) == sum(a["status"] == "Hired" for a in every)
    job_id = every[0]["job"]["id"]
    for_job = results(client, "application.list", {"jobId": job_id})
    assert for_job and all(a["job"]["id"] == job_id for a in for_job)
    assert logical_error(client, "application.list", {"status": "Won"})["code"] == "invalid_input"


def test_info_answers_one_application_or_not_found(client: httpx.Client) -> None:
    application = _apply(client)
    info = results(client, "application.info", {"applicationId": application["id"]})
    assert info["id"] == application["id"] and info["status"] in ("Lead", "Active")
    assert info["candidate"]["id"] == application["candidate"]["id"]
    missing = "00000000-0000-4000-8000-000000000000"
    error = logical_error(client, "application.info", {"applicationId": missing})
    assert error["code"] == "application_not_found"
    assert logical_error(client, "application.info", {})["code"] == "invalid_input"


def test_hiring_shows_through_the_sync_token_with_the_status_filter(
    client: httpx.Client, admin: httpx.Client
) -> None:
    application = _apply(client)
    _, token = list_all(client, "application.list", {"status": "Hired"})
    assert results(client, "application.list", {"status": "Hired", "syncToken": token}) == []

    hired = admin.post(f"/applications/{application['id']}/hire")
    assert hired.status_code == 200, hired.text
    changed = call(client, "application.list", {"status": "Hired", "syncToken": token})

    assert [a["id"] for a in changed["results"]] == [application["id"]]
    assert changed["results"][0]["status"] == "Hired"
    assert changed["results"][0]["updatedAt"] > application["updatedAt"]
    assert changed["syncToken"] != token


def test_archiving_is_not_a_hire(client: httpx.Client, admin: httpx.Client) -> None:
    application = _apply(client)
    _, token = list_all(client, "application.list", {"status": "Hired"})
    assert admin.post(f"/applications/{application['id']}/reject").json()["status"] == "Archived"
    assert results(client, "application.list", {"status": "Hired", "syncToken": token}) == []
    changed = results(client, "application.list", {"syncToken": token})
    assert [(a["id"], a["status"]) for a in changed] == [(application["id"], "Archived")]
    assert admin.post("/applications/nope/hire").status_code == 404
    assert (
        admin.post(f"/applications/{application['id']}/hire", json={"at": "x"}).status_code == 400
    )


def test_change_stage_moves_to_a_hired_stage_and_guards_archiving(
    client: httpx.Client, ashby: ServedAshbySandbox
) -> None:
    application = _apply(client)
    stages = _stage_ids(ashby, application)
    body = {"applicationId": application["id"], "interviewStageId": stages["Hired"]}
    moved = results(client, "application.changeStage", body)
    assert moved["status"] == "Hired" and moved["currentInterviewStage"]["type"] == "Hired"

    archive = {**body, "interviewStageId": stages["Archived"]}
    assert logical_error(client, "application.changeStage", archive)["code"] == "invalid_input"
    reason = "00000000-0000-4000-8000-000000000000"
    error = logical_error(client, "application.changeStage", {**archive, "archiveReasonId": reason})
    assert error["code"] == "archive_reason_not_found"
    misplaced = {**body, "archiveReasonId": reason}
    assert logical_error(client, "application.changeStage", misplaced)["code"] == "invalid_input"
    elsewhere = {**body, "interviewStageId": reason}
    error = logical_error(client, "application.changeStage", elsewhere)
    assert error["code"] == "interview_stage_not_found"
