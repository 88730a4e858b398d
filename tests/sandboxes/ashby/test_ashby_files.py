"""Resumes and files: the presigned handle flow (storage URL served by the sandbox) and the
deprecated multipart form of candidate.uploadResume / candidate.uploadFile."""

from __future__ import annotations

from typing import Any

import httpx

from tests.sandboxes.ashby.helpers import create_candidate, logical_error, results
from tests.sandboxes.ashby.openapi_spec import AshbySpec

RESUME = b"%PDF-1.4 sandbox resume\n" * 40


def upload_handle(client: httpx.Client, context: str, data: bytes = RESUME) -> dict[str, Any]:
    handle: dict[str, Any] = results(
        client,
        "file.createFileUploadHandle",
        {
            "fileUploadContext": context,
            "filename": "ada.pdf",
            "contentType": "application/pdf",
            "contentLength": len(data),
        },
    )
    return handle


def post_to_storage(handle: dict[str, Any], data: bytes = RESUME) -> httpx.Response:
    # As the docs say: every entry of `fields`, then the file last, under `file`.
    return httpx.post(
        handle["url"],
        data=handle["fields"],
        files={"file": ("ada.pdf", data, "application/pdf")},
    )


def test_resume_through_an_upload_handle(client: httpx.Client, ashby_spec: AshbySpec) -> None:
    candidate = create_candidate(client)
    handle = upload_handle(client, "CandidateResume")
    assert handle["url"].endswith("/storage/upload")
    assert post_to_storage(handle).status_code == 204
    updated = results(
        client,
        "candidate.uploadResume",
        {"candidateId": candidate["id"], "resumeHandle": handle["handle"]},
    )
    assert updated["resumeFileHandle"]["handle"] == handle["handle"]
    assert updated["resumeFileHandle"]["name"] == "ada.pdf"


def test_file_through_an_upload_handle_is_added_once(client: httpx.Client) -> None:
    candidate = create_candidate(client)
    handle = upload_handle(client, "CandidateFiles")
    assert post_to_storage(handle).status_code == 204
    body = {"candidateId": candidate["id"], "fileHandle": handle["handle"]}
    assert len(results(client, "candidate.uploadFile", body)["fileHandles"]) == 1
    assert len(results(client, "candidate.uploadFile", body)["fileHandles"]) == 1


def test_handle_must_be_uploaded_and_of_the_right_context(client: httpx.Client) -> None:
    candidate = create_candidate(client)
    handle = upload_handle(client, "CandidateResume")
    body = {"candidateId": candidate["id"], "resumeHandle": handle["handle"]}
    error = logical_error(client, "candidate.uploadResume", body)
    assert error["code"] == "invalid_input" and "not been uploaded" in error["message"]
    post_to_storage(handle)
    wrong = {"candidateId": candidate["id"], "fileHandle": handle["handle"]}
    assert logical_error(client, "candidate.uploadFile", wrong)["code"] == "invalid_input"
    unknown = {"candidateId": candidate["id"], "resumeHandle": "no-such-handle"}
    assert logical_error(client, "candidate.uploadResume", unknown)["code"] == "file_not_found"


def test_storage_refuses_a_bad_policy_or_a_wrong_size(client: httpx.Client) -> None:
    handle = upload_handle(client, "CandidateResume")
    forged = {**handle, "fields": {**handle["fields"], "policy": "forged"}}
    refused = post_to_storage(forged)
    assert refused.status_code == 403 and "<Code>AccessDenied</Code>" in refused.text
    too_big = post_to_storage(handle, RESUME + b"x")
    assert too_big.status_code == 400 and "EntityTooLarge" in too_big.text
    assert post_to_storage(handle).status_code == 204


def test_upload_handle_validation(client: httpx.Client) -> None:
    body = {"fileUploadContext": "CandidateResume", "filename": "a.pdf", "contentType": "x/y"}
    error = logical_error(client, "file.createFileUploadHandle", {**body, "contentLength": 0})
    assert error["code"] == "invalid_input"
    error = logical_error(
        client,
        "file.createFileUploadHandle",
        {**body, "contentLength": 1, "fileUploadContext": "Avatar"},
    )
    assert error["code"] == "invalid_input"


def test_multipart_resume_and_file(client: httpx.Client, ashby_spec: AshbySpec) -> None:
    candidate = create_candidate(client)
    form = {"candidateId": candidate["id"]}
    ashby_spec.check_request(
        "candidate.uploadResume", {**form, "resume": "<binary>"}, "multipart/form-data"
    )
    response = client.post(
        "/candidate.uploadResume",
        data=form,
        files={"resume": ("cv.pdf", RESUME, "application/pdf")},
    )
    assert response.status_code == 200 and response.json()["success"] is True
    assert response.json()["results"]["resumeFileHandle"]["name"] == "cv.pdf"
    ashby_spec.check_request(
        "candidate.uploadFile", {**form, "file": "<binary>"}, "multipart/form-data"
    )
    response = client.post(
        "/candidate.uploadFile", data=form, files={"file": ("notes.txt", b"hello", "text/plain")}
    )
    assert [f["name"] for f in response.json()["results"]["fileHandles"]] == ["notes.txt"]


def test_multipart_without_the_file_is_invalid_input(client: httpx.Client) -> None:
    candidate = create_candidate(client)
    response = client.post(
        "/candidate.uploadResume",
        data={"candidateId": candidate["id"]},
        files={"other": ("x", b"x")},
    )
    assert response.status_code == 200
    assert response.json()["errorInfo"]["code"] == "invalid_input"
