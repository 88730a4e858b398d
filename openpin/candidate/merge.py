"""Building a candidate from clean values, and merging a duplicate into an existing one.

Merging never loses data and never overwrites: it adds what is new (emails, phones, roles,
education, skills, links) and fills fields that are empty.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from openpin.candidate.normalise import CleanCandidate, dedupe_keep_order
from openpin.candidate.schemas import EducationIn, ExperienceIn
from openpin.models import (
    Candidate,
    CandidateEducation,
    CandidateEmail,
    CandidateExperience,
    CandidatePhone,
)
from openpin.models.base import utcnow

SCALAR_FIELDS = ("first_name", "last_name", "headline", "summary", "source")


def experience_row(item: ExperienceIn, position: int) -> CandidateExperience:
    return CandidateExperience(
        title=item.title,
        company=item.company,
        start_date=item.start_date,
        end_date=item.end_date,
        is_current=item.is_current,
        description=item.description,
        position=position,
    )


def education_row(item: EducationIn, position: int) -> CandidateEducation:
    return CandidateEducation(
        school=item.school,
        degree=item.degree,
        field_of_study=item.field_of_study,
        start_date=item.start_date,
        end_date=item.end_date,
        position=position,
    )


def candidate_row(workspace_id: int, clean: CleanCandidate) -> dict[str, Any]:
    """Column values of a new candidate, for a bulk insert."""
    now = utcnow()
    search_text, skill_keys = search_fields(
        [clean.full_name, clean.headline, clean.location.city, clean.location.country_name],
        clean.emails,
        [(e.title, e.company) for e in clean.experiences],
        clean.skills,
    )
    return {
        "workspace_id": workspace_id,
        "full_name": clean.full_name,
        "first_name": clean.first_name,
        "last_name": clean.last_name,
        "headline": clean.headline,
        "summary": clean.summary,
        "linkedin_url": clean.linkedin_url,
        "links": clean.links,
        "city": clean.location.city,
        "region": clean.location.region,
        "country_code": clean.location.country_code,
        "country_name": clean.location.country_name,
        "skills": clean.skills,
        "source": clean.source,
        "owner_id": clean.owner_id,
        "search_text": search_text,
        "skill_keys": skill_keys,
        "created_at": now,
        "updated_at": now,
    }


@dataclass
class ChildRows:
    """A new candidate's emails, phones, roles and schools, gathered for bulk inserts."""

    emails: list[dict[str, Any]] = field(default_factory=list)
    phones: list[dict[str, Any]] = field(default_factory=list)
    experiences: list[dict[str, Any]] = field(default_factory=list)
    educations: list[dict[str, Any]] = field(default_factory=list)

    def add(self, workspace_id: int, candidate_id: int, clean: CleanCandidate) -> None:
        owner = {"candidate_id": candidate_id}
        self.emails += [
            {**owner, "workspace_id": workspace_id, "email": email, "position": i}
            for i, email in enumerate(clean.emails)
        ]
        self.phones += [
            {**owner, "number": number, "position": i} for i, number in enumerate(clean.phones)
        ]
        self.experiences += [
            {**owner, **item.model_dump(), "position": i}
            for i, item in enumerate(clean.experiences)
        ]
        self.educations += [
            {**owner, **item.model_dump(), "position": i} for i, item in enumerate(clean.educations)
        ]

    def insert(self, session: Session) -> None:
        for model, rows in (
            (CandidateEmail, self.emails),
            (CandidatePhone, self.phones),
            (CandidateExperience, self.experiences),
            (CandidateEducation, self.educations),
        ):
            if rows:
                session.execute(insert(model), rows)


def _experience_key(title: str, company: str, start: Any) -> tuple[str, str, Any]:
    return (title.casefold(), company.casefold(), start)


def _merge_experiences(candidate: Candidate, items: list[ExperienceIn]) -> int:
    known = {_experience_key(e.title, e.company, e.start_date) for e in candidate.experiences}
    added = 0
    for item in items:
        key = _experience_key(item.title, item.company, item.start_date)
        if key in known:
            continue
        known.add(key)
        candidate.experiences.append(experience_row(item, len(candidate.experiences)))
        added += 1
    return added


def _merge_educations(candidate: Candidate, items: list[EducationIn]) -> int:
    known = {(e.school.casefold(), e.degree.casefold()) for e in candidate.educations}
    added = 0
    for item in items:
        key = (item.school.casefold(), item.degree.casefold())
        if key in known:
            continue
        known.add(key)
        candidate.educations.append(education_row(item, len(candidate.educations)))
        added += 1
    return added


def _merge_location(candidate: Candidate, clean: CleanCandidate) -> bool:
    if candidate.city or candidate.region or candidate.country_code:
        return False
    location = clean.location
    if not (location.city or location.region or location.country_code):
        return False
    candidate.city, candidate.region = location.city, location.region
    candidate.country_code, candidate.country_name = location.country_code, location.country_name
    return True


def _fill_empty_scalars(candidate: Candidate, clean: CleanCandidate) -> list[str]:
    filled = []
    for name in SCALAR_FIELDS:
        new_value = getattr(clean, name)
        if new_value and not getattr(candidate, name):
            setattr(candidate, name, new_value)
            filled.append(name)
    return filled


def merge_into(
    candidate: Candidate, clean: CleanCandidate, emails: list[str], linkedin_url: str | None
) -> dict[str, Any]:
    """Add what `clean` knows and `candidate` lacks. `emails`/`linkedin_url` are the identity
    values the caller has checked belong to no other candidate. Returns what was added."""
    have_emails = {e.email for e in candidate.emails}
    new_emails = [e for e in emails if e not in have_emails]
    for email in new_emails:
        candidate.emails.append(
            CandidateEmail(
                workspace_id=candidate.workspace_id, email=email, position=len(candidate.emails)
            )
        )
    have_phones = {p.number for p in candidate.phones}
    new_phones = [p for p in clean.phones if p not in have_phones]
    for number in new_phones:
        candidate.phones.append(CandidatePhone(number=number, position=len(candidate.phones)))
    added: dict[str, Any] = {
        "emails": new_emails,
        "phones": new_phones,
        "experiences": _merge_experiences(candidate, clean.experiences),
        "educations": _merge_educations(candidate, clean.educations),
        "filled": _fill_empty_scalars(candidate, clean),
    }
    if linkedin_url and not candidate.linkedin_url:
        candidate.linkedin_url = linkedin_url
        added["filled"].append("linkedin_url")
    if _merge_location(candidate, clean):
        added["filled"].append("location")
    new_skills = dedupe_keep_order([*candidate.skills, *clean.skills], key="casefold")
    added["skills"] = new_skills[len(candidate.skills) :]
    candidate.skills = new_skills
    candidate.links = dedupe_keep_order([*candidate.links, *clean.links])
    refresh_search_fields(candidate)
    return {key: value for key, value in added.items() if value}


def search_fields(
    texts: list[str], emails: list[str], roles: list[tuple[str, str]], skills: list[str]
) -> tuple[str, str]:
    """The list search's haystack and the skill filter's `|skill|` string."""
    words = [*texts, *emails, *(f"{title} {company}" for title, company in roles), *skills]
    search_text = " ".join(word for word in words if word).lower()
    return search_text, "|" + "|".join(skill.lower() for skill in skills) + "|"


def refresh_search_fields(candidate: Candidate) -> None:
    candidate.search_text, candidate.skill_keys = search_fields(
        [candidate.full_name, candidate.headline, candidate.city, candidate.country_name],
        [e.email for e in candidate.emails],
        [(e.title, e.company) for e in candidate.experiences],
        candidate.skills,
    )
