"""Small helpers for talking to the Ashby sandbox the way a client written from the docs would."""

from __future__ import annotations

from typing import Any

import httpx


def call(client: httpx.Client, method: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    """POST /<method>; asserts HTTP 200 and `success: true`; returns the whole body."""
    response = client.post(f"/{method}", json=body if body is not None else {})
    assert response.status_code == 200, response.text
    document: dict[str, Any] = response.json()
    assert document["success"] is True, document
    return document


def results(client: httpx.Client, method: str, body: dict[str, Any] | None = None) -> Any:
    return call(client, method, body)["results"]


def logical_error(
    client: httpx.Client, method: str, body: dict[str, Any] | None = None
) -> dict[str, Any]:
    """POST /<method> expecting a logical error: HTTP 200, `success: false`; returns errorInfo."""
    response = client.post(f"/{method}", json=body if body is not None else {})
    assert response.status_code == 200, response.text
    document = response.json()
    assert document["success"] is False, document
    assert document["errors"] == [document["errorInfo"]["code"]]
    info: dict[str, Any] = document["errorInfo"]
    return info


def list_all(
    client: httpx.Client, method: str, body: dict[str, Any] | None = None
) -> tuple[list[Any], str]:
    """Every page of a list, following nextCursor; returns the items and the final syncToken."""
    request = dict(body or {})
    items: list[Any] = []
    while True:
        page = call(client, method, request)
        items.extend(page["results"])
        if not page["moreDataAvailable"]:
            return items, page["syncToken"]
        request = {**request, "cursor": page["nextCursor"]}


def first_open_job(client: httpx.Client) -> dict[str, Any]:
    jobs = results(client, "job.list", {"status": ["Open"]})
    return jobs[0]


def create_candidate(client: httpx.Client, **fields: Any) -> dict[str, Any]:
    body = {"name": "Ada Lovelace", "email": "ada.lovelace@example.com", **fields}
    created: dict[str, Any] = results(client, "candidate.create", body)
    return created
