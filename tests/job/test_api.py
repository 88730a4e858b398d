"""Jobs through the REST API."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.fixtures.app import ApiUser

JOB = {
    "title": "  Senior Backend Engineer ",
    "description": "Build the payments platform.",
    "locations": ["Berlin, Germany", "Remote (EU)"],
    "must_have_skills": ["Python", "PostgreSQL", "python"],
    "nice_to_have_skills": ["Kafka"],
    "seniority": "senior",
}


def test_job_crud(client: TestClient, alice: ApiUser) -> None:
    response = client.post("/api/v1/jobs", json=JOB, headers=alice.headers)
    assert response.status_code == 201, response.text
    job = response.json()
    assert job["title"] == "Senior Backend Engineer"
    assert job["must_have_skills"] == ["Python", "PostgreSQL"]
    assert job["status"] == "open" and job["owner_id"] == alice.user_id
    url = f"/api/v1/jobs/{job['id']}"
    patched = client.patch(url, json={"status": "on_hold"}, headers=alice.headers).json()
    assert patched["status"] == "on_hold" and patched["title"] == job["title"]
    listing = client.get("/api/v1/jobs?status=on_hold", headers=alice.headers).json()
    assert [j["id"] for j in listing["items"]] == [job["id"]]
    assert client.get("/api/v1/jobs?status=open", headers=alice.headers).json()["items"] == []
    assert client.delete(url, headers=alice.headers).status_code == 204
    assert client.get(url, headers=alice.headers).status_code == 404


def test_job_validation_names_the_field(client: TestClient, alice: ApiUser) -> None:
    response = client.post(
        "/api/v1/jobs", json={"title": "", "seniority": "wizard"}, headers=alice.headers
    )
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["details"]["errors"]}
    assert fields == {"title", "seniority"}
