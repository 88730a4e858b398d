"""Outreach fixtures: a workspace with a job, candidates, a mailbox on the loopback SMTP server."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from openpin.candidate.schemas import CandidateCreate
from openpin.candidate.service import CandidateService
from openpin.db import transaction
from openpin.job.schemas import JobCreate
from openpin.job.service import JobService
from openpin.kit.crypto import SecretBox
from openpin.models import ActivityEvent
from openpin.sequence import schemas
from openpin.sequence.mailboxes import MailboxService
from openpin.sequence.sending import OutboxSender
from openpin.sequence.service import SequenceService
from tests.fixtures.app import ApiUser, make_api_user
from tests.fixtures.smtp import SmtpServer, smtp_server

__all__ = ["smtp_server"]

SECRET = "test-secret-key-for-openpin-tests"
BASE_URL = "https://openpin.example"
# Monday 2026-03-02 10:00 UTC: inside a 09:00-17:00 UTC window.
MONDAY_10 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def next_monday_10() -> datetime:
    """For things enrolled at the real current time (through the web UI or the API)."""
    today = datetime.now(UTC).replace(hour=10, minute=0, second=0, microsecond=0)
    return today + timedelta(days=7 - today.weekday())


@pytest.fixture
def secrets() -> SecretBox:
    return SecretBox(SECRET)


def add_candidate(factory: sessionmaker[Session], user: ApiUser, **fields: Any) -> int:
    data = {
        "full_name": "Ada Lovelace",
        "emails": ["ada@example.org"],
        "skills": ["Python", "SQL", "Airflow"],
        "experiences": [
            {"title": "Senior Data Engineer", "company": "Engines Ltd", "is_current": True},
            {"title": "Data Engineer", "company": "Looms plc", "description": "Airflow pipelines"},
        ],
        "location": {"city": "London", "country": "GB"},
        **fields,
    }
    with transaction(factory) as session:
        service = CandidateService(session, user.workspace_id, user.user_id)
        return service.create(CandidateCreate.model_validate(data)).candidate.id


def events(factory: sessionmaker[Session], type_: str) -> int:
    with transaction(factory) as session:
        return session.scalar(select(func.count()).where(ActivityEvent.type == type_)) or 0


@dataclass
class Outreach:
    factory: sessionmaker[Session]
    user: ApiUser
    secrets: SecretBox
    job_id: int
    mailbox_id: int
    sequence_id: int

    def sender(self, **options: Any) -> OutboxSender:
        return OutboxSender(self.factory, self.secrets, BASE_URL, **options)

    def enroll(self, *candidate_ids: int, now: datetime = MONDAY_10) -> list[Any]:
        with transaction(self.factory) as session:
            service = SequenceService(session, self.user.workspace_id, self.user.user_id)
            return service.enroll(self.sequence_id, list(candidate_ids), now=now)

    def update_mailbox(self, **fields: Any) -> None:
        with transaction(self.factory) as session:
            service = MailboxService(session, self.user.workspace_id, self.secrets)
            service.update(self.mailbox_id, schemas.MailboxUpdate(**fields))

    def candidate(self, **fields: Any) -> int:
        return add_candidate(self.factory, self.user, **fields)


THREE_STEPS = [
    schemas.StepIn(
        subject="{{ job_title }} at {{ hiring_company }}",
        body="Hi {{ first_name }},\n\n{{ personal_line }}\n\nFancy a chat?\n{{ recruiter_name }}",
    ),
    schemas.StepIn(delay_days=2, body="Hi {{ first_name }}, just bumping this up."),
    schemas.StepIn(delay_days=3, body="Last note from me, {{ first_name }}."),
]


def make_outreach(
    factory: sessionmaker[Session],
    secrets: SecretBox,
    smtp: SmtpServer,
    user: ApiUser | None = None,
    steps: list[schemas.StepIn] | None = None,
    **mailbox: Any,
) -> Outreach:
    user = user or make_api_user(factory, "rita@acme.example", "Acme")
    with transaction(factory) as session:
        job = JobService(session, user.workspace_id, user.user_id).create(
            JobCreate(
                title="Staff Data Engineer",
                locations=["London"],
                must_have_skills=["Python", "Airflow"],
                nice_to_have_skills=["dbt", "SQL"],
            )
        )
        box = MailboxService(session, user.workspace_id, secrets, user.user_id).create(
            schemas.MailboxCreate(
                from_name="Rita Recruiter",
                from_address="rita@acme.example",
                smtp_host=smtp.host,
                smtp_port=smtp.port,
                smtp_security="none",
                signature="Rita\nAcme Talent",
                timezone="UTC",
                daily_cap=5000,
                min_gap_seconds=60,
                **mailbox,
            )
        )
        view = SequenceService(session, user.workspace_id, user.user_id).create(
            schemas.SequenceCreate(
                job_id=job.id, name="Data engineers", mailbox_id=box.id, steps=steps or THREE_STEPS
            )
        )
        return Outreach(factory, user, secrets, job.id, box.id, view.sequence.id)


@pytest.fixture
def outreach(
    session_factory: sessionmaker[Session], secrets: SecretBox, smtp_server: SmtpServer
) -> Outreach:
    return make_outreach(session_factory, secrets, smtp_server)
