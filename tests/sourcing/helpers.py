"""Building a small, known pool for sourcing tests."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from openpin.candidate.schemas import CandidateCreate
from openpin.candidate.service import CandidateService
from openpin.db import transaction
from openpin.job.schemas import JobCreate
from openpin.job.service import JobService
from openpin.sourcing import rebuild
from tests.fixtures.app import ApiUser


def person(
    name: str,
    title: str,
    skills: list[str],
    *,
    city: str = "Berlin",
    country: str = "DE",
    years: int = 5,
    summary: str = "",
    company: str = "Acme",
) -> dict[str, Any]:
    start = date(2025 - years, 1, 1)
    slug = name.lower().replace(" ", ".")
    return {
        "full_name": name,
        "emails": [f"{slug}@example.com"],
        "headline": f"{title} at {company}",
        "summary": summary,
        "skills": skills,
        "location": {"city": city, "country": country},
        "experiences": [
            {
                "title": title,
                "company": company,
                "start_date": start.isoformat(),
                "is_current": True,
            }
        ],
    }


def add_people(
    factory: sessionmaker[Session], user: ApiUser, people: list[dict[str, Any]]
) -> dict[str, int]:
    """Create the people; returns their ids by name."""
    ids = {}
    with transaction(factory) as session:
        service = CandidateService(session, user.workspace_id, user.user_id)
        for data in people:
            result = service.create(CandidateCreate.model_validate(data))
            ids[data["full_name"]] = result.candidate.id
    return ids


def add_job(factory: sessionmaker[Session], user: ApiUser, **fields: Any) -> int:
    with transaction(factory) as session:
        job = JobService(session, user.workspace_id, user.user_id).create(JobCreate(**fields))
        return job.id


def index_everything(factory: sessionmaker[Session]) -> None:
    rebuild.run_indexing(factory)


BACKEND_JOB = {
    "title": "Senior Backend Engineer",
    "description": "Build Python services and REST APIs on PostgreSQL.",
    "locations": ["Berlin, Germany"],
    "must_have_skills": ["Python", "PostgreSQL"],
    "nice_to_have_skills": ["Kubernetes"],
    "seniority": "senior",
}

POOL = [
    person(
        "Ana Backend", "Senior Backend Engineer", ["Python", "PostgreSQL", "Kubernetes"], years=7
    ),
    person(
        "Ben Backend", "Backend Developer", ["Python", "Django", "Postgres"], years=6, city="Munich"
    ),
    person("Cleo Frontend", "Frontend Engineer", ["React", "TypeScript", "CSS"], years=5),
    person("Dan Nurse", "Registered Nurse", ["Patient Care", "ICU", "ACLS"], years=8),
    person(
        "Eve Junior",
        "Junior Backend Engineer",
        ["Python", "PostgreSQL"],
        years=1,
        city="Paris",
        country="FR",
    ),
    person("Finn Sales", "Account Executive", ["Salesforce", "Negotiation"], years=4),
]
