"""The demo workspace: a recruiter login, realistic candidates and open jobs.

Idempotent: running it again adds nothing (candidates dedupe on email and LinkedIn URL).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from openpin.auth.service import create_user
from openpin.candidate.schemas import CandidateCreate, EducationIn, ExperienceIn, LocationIn
from openpin.candidate.service import CandidateService
from openpin.demo.people import DEMO_JOBS, Person, generate_people
from openpin.job.schemas import JobCreate
from openpin.job.service import JobService
from openpin.models import Job, Role, User

DEMO_WORKSPACE = "Acme Talent (demo)"
DEMO_EMAIL = "demo@openpin.dev"
DEMO_PASSWORD = "openpin-demo"
DEMO_PEOPLE = 200
DEMO_SEED = 42


@dataclass
class DemoLogin:
    email: str
    password: str
    created: bool


def person_to_candidate(person: Person, source: str = "demo") -> CandidateCreate:
    return CandidateCreate(
        full_name=person.full_name,
        first_name=person.first_name,
        last_name=person.last_name,
        emails=[person.email],
        phones=[person.phone],
        linkedin_url=person.linkedin_url,
        location=LocationIn(city=person.city, region=person.region, country=person.country_code),
        headline=person.headline,
        summary=person.summary,
        skills=list(person.skills),
        experiences=[
            ExperienceIn(
                title=role.title,
                company=role.company,
                start_date=role.start,
                end_date=role.end,
                is_current=role.end is None,
            )
            for role in person.roles
        ],
        educations=[
            EducationIn(
                school=edu.school,
                degree=edu.degree,
                field_of_study=edu.field,
                start_date=date(edu.start_year, 9, 1),
                end_date=date(edu.end_year, 6, 30),
            )
            for edu in person.educations
        ],
        source=source,
    )


def ensure_demo_user(session: Session) -> tuple[User, bool]:
    user = session.scalar(select(User).where(User.email == DEMO_EMAIL))
    if user is not None:
        return user, False
    user = create_user(
        session,
        email=DEMO_EMAIL,
        password=DEMO_PASSWORD,
        workspace_name=DEMO_WORKSPACE,
        role=Role.ADMIN,
        full_name="Dana Demo",
    )
    return user, True


def seed_demo_workspace(session: Session, people: int = DEMO_PEOPLE) -> DemoLogin:
    user, created = ensure_demo_user(session)
    if created:
        service = CandidateService(session, user.workspace_id, user.id)
        rows = [
            (i + 1, person_to_candidate(p))
            for i, p in enumerate(generate_people(people, DEMO_SEED))
        ]
        service.write_many(rows, via="demo")
        _seed_jobs(session, user)
    return DemoLogin(DEMO_EMAIL, DEMO_PASSWORD, created)


def _seed_jobs(session: Session, user: User) -> None:
    existing = set(session.scalars(select(Job.title).where(Job.workspace_id == user.workspace_id)))
    service = JobService(session, user.workspace_id, user.id)
    for job in DEMO_JOBS:
        if job.title not in existing:
            service.create(
                JobCreate(
                    title=job.title,
                    description=job.description,
                    locations=list(job.locations),
                    must_have_skills=list(job.must_have_skills),
                    nice_to_have_skills=list(job.nice_to_have_skills),
                    seniority=job.seniority,
                )
            )
