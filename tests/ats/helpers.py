"""Helpers for the ATS tests: seed rows, emit trigger events, read tables."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from openpin.activity.service import record_event
from openpin.db import transaction
from openpin.kit.crypto import SecretBox, new_token
from openpin.models import Task
from openpin.models.ats import (
    AtsConnection,
    AtsExport,
    AtsJob,
    AtsProviderName,
    ConnectionStatus,
)
from openpin.models.base import utcnow
from tests.fixtures.app import ApiUser

TEST_SECRET = "test-secret-key-for-openpin-tests"


def seed_connection(
    factory: sessionmaker[Session],
    workspace_id: int,
    *,
    provider: str = "greenhouse",
    jobs: tuple[tuple[str, str], ...] = (("101", "Backend Engineer"), ("102", "Data Analyst")),
) -> int:
    """A stored connection with cached ATS jobs, as if verified earlier (no ATS needed)."""
    box = SecretBox(TEST_SECRET)
    with transaction(factory) as session:
        connection = AtsConnection(
            workspace_id=workspace_id,
            provider=AtsProviderName(provider),
            base_url="http://127.0.0.1:9",
            credentials_encrypted=box.encrypt('{"api_key": "unused"}'),
            credentials_masked={"api_key": "••••••••used"},
            status=ConnectionStatus.CONNECTED,
            webhook_token=new_token("wh_"),
            webhook_secret_encrypted=box.encrypt("hook-secret"),
            permissions={"ok": True, "permissions": [], "warnings": []},
        )
        session.add(connection)
        session.flush()
        for external_id, name in jobs:
            session.add(
                AtsJob(
                    workspace_id=workspace_id,
                    connection_id=connection.id,
                    external_id=external_id,
                    name=name,
                    refreshed_at=utcnow(),
                )
            )
        return connection.id


def make_candidate(client: TestClient, user: ApiUser, name: str, email: str) -> int:
    body = {"full_name": name, "emails": [email]}
    response = client.post("/api/v1/candidates", json=body, headers=user.headers)
    assert response.status_code == 201, response.text
    return int(response.json()["candidate"]["id"])


def make_job(client: TestClient, user: ApiUser, title: str = "Backend Engineer") -> int:
    response = client.post("/api/v1/jobs", json={"title": title}, headers=user.headers)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def emit(
    factory: sessionmaker[Session],
    workspace_id: int,
    event_type: str,
    candidate_id: int,
    job_id: int,
) -> None:
    """Record a trigger event the way outreach does: its own committed transaction."""
    with transaction(factory) as session:
        record_event(session, workspace_id, event_type, candidate_id=candidate_id, job_id=job_id)


def exports(factory: sessionmaker[Session], **where: Any) -> list[AtsExport]:
    with factory() as session:
        query = select(AtsExport).filter_by(**where).order_by(AtsExport.id)
        return list(session.scalars(query))


def task_count(factory: sessionmaker[Session], name: str = "ats.export_candidate") -> int:
    with factory() as session:
        return int(session.scalar(select(func.count()).where(Task.name == name)) or 0)
