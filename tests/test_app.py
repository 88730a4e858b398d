"""App-level behaviour: OpenAPI docs, metrics, health, the resume PDF over the API."""

from __future__ import annotations

import io

from fastapi.testclient import TestClient
from pypdf import PdfReader

from tests.fixtures.app import ApiUser


def test_openapi_documents_the_api(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert "/api/v1/candidates" in spec["paths"]
    assert "/api/v1/candidates/import" in spec["paths"]
    assert "/api/v1/jobs/{job_id}" in spec["paths"]
    docs = client.get("/docs")
    assert docs.status_code == 200 and "swagger" in docs.text.lower()


def test_metrics_expose_the_task_queue(client: TestClient) -> None:
    body = client.get("/metrics").text
    assert 'openpin_tasks{status="queued"}' in body
    assert "openpin_task_oldest_due_seconds" in body


def test_health(client: TestClient) -> None:
    assert client.get("/healthz").json()["status"] == "ok"


def test_resume_pdf_over_the_api(client: TestClient, alice: ApiUser) -> None:
    candidate = client.post(
        "/api/v1/candidates",
        json={
            "full_name": "Zoë Müller",
            "emails": ["zoe@example.de"],
            "linkedin_url": "linkedin.com/in/zoe-mueller",
            "location": {"city": "Berlin", "country": "DE"},
            "skills": ["Kotlin", "Android"],
            "experiences": [
                {"title": "Android Lead", "company": "N26", "start_date": "2020-05-01"}
            ],
            "educations": [{"school": "TU München", "degree": "MSc", "field_of_study": "CS"}],
        },
        headers=alice.headers,
    ).json()["candidate"]
    response = client.get(f"/api/v1/candidates/{candidate['id']}/resume.pdf", headers=alice.headers)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert "Zoe-Muller-resume.pdf" in response.headers["content-disposition"]
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    for expected in ("Zoë Müller", "zoe@example.de", "Android Lead", "N26", "TU München", "Kotlin"):
        assert expected in text
