"""One candidate's profile turned into what search reads: keyword fields, model text and facts."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from openpin.models import Candidate
from openpin.sourcing.facts import experience_months, fold, level_of_title, skill_keys

# Role descriptions are the longest free text; beyond this they crowd out the rest of the
# profile in the model's 256-token window.
DESCRIPTION_CHARS = 160
MAX_ROLES_IN_TEXT = 4


@dataclass
class ProfileDocument:
    titles: str
    skills_text: str
    body: str
    embed_text: str
    facts: dict[str, Any] = field(default_factory=dict)

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(self.embed_text.encode()).hexdigest()

    def row(self, workspace_id: int, candidate_id: int) -> dict[str, Any]:
        """Column values of the `sourcing_profile` row, embedding columns excluded."""
        facts = self.facts
        return {
            "candidate_id": candidate_id,
            "workspace_id": workspace_id,
            "titles": self.titles,
            "skills_text": self.skills_text,
            "body": self.body,
            "embed_text": self.embed_text,
            "match_text": fold(f"{self.titles}\n{self.skills_text}\n{self.body}"),
            "content_hash": self.content_hash,
            "facts": facts,
            "current_title": facts["current_title"][:300],
            "years": facts["years"],
            "level": facts["level"],
            "city": facts["city"][:150],
            "country_code": facts["country_code"],
            "skill_keys": "|" + "|".join(facts["skills"]) + "|" if facts["skills"] else "",
            "stale": False,
        }


def _roles(candidate: Candidate, today: date) -> list[dict[str, Any]]:
    roles = []
    for role in candidate.experiences:
        end = role.end_date or (today if role.is_current or role.start_date else None)
        months = 0
        if role.start_date and end:
            months = max(
                0, (end.year - role.start_date.year) * 12 + end.month - role.start_date.month
            )
        roles.append(
            {
                "title": role.title,
                "company": role.company,
                "current": bool(role.is_current or (role.start_date and not role.end_date)),
                "months": months,
                "start": role.start_date.isoformat() if role.start_date else None,
            }
        )
    return roles


def _years(candidate: Candidate, today: date) -> float:
    spans = [
        (role.start_date, role.end_date or today)
        for role in candidate.experiences
        if role.start_date and (role.end_date or today) >= role.start_date
    ]
    return round(experience_months(spans) / 12, 1)


def _current_title(candidate: Candidate, roles: list[dict[str, Any]]) -> str:
    current = next((r for r in roles if r["current"]), roles[0] if roles else None)
    if current and current["title"]:
        return str(current["title"])
    # No roles: the headline usually reads "Title at Company".
    return candidate.headline.split(" at ")[0].strip()


def build_facts(candidate: Candidate, today: date) -> dict[str, Any]:
    roles = _roles(candidate, today)
    current_title = _current_title(candidate, roles)
    return {
        "name": candidate.full_name,
        "headline": candidate.headline,
        "current_title": current_title,
        "level": level_of_title(current_title),
        "years": _years(candidate, today),
        "skills": skill_keys(candidate.skills),
        "skill_names": list(candidate.skills),
        "roles": roles,
        "city": candidate.city,
        "region": candidate.region,
        "country_code": candidate.country_code,
        "country_name": candidate.country_name,
    }


def _location(candidate: Candidate) -> str:
    return ", ".join(p for p in (candidate.city, candidate.region, candidate.country_name) if p)


def _role_line(role: Any) -> str:
    line = " at ".join(p for p in (role.title, role.company) if p)
    if role.description:
        line += f": {role.description[:DESCRIPTION_CHARS]}"
    return line


def _education_line(school: Any) -> str:
    study = " ".join(p for p in (school.degree, school.field_of_study) if p)
    return ", ".join(p for p in (study, school.school) if p)


def build_document(candidate: Candidate, today: date) -> ProfileDocument:
    """Needs the candidate's experiences and educations loaded."""
    role_lines = [_role_line(r) for r in candidate.experiences]
    schools = [_education_line(s) for s in candidate.educations]
    location = _location(candidate)
    titles = " \n".join([candidate.headline, *(r.title for r in candidate.experiences)])
    skills = ", ".join(candidate.skills)
    body = "\n".join(
        [
            candidate.summary,
            *role_lines,
            *(r.company for r in candidate.experiences),
            *schools,
            location,
        ]
    )
    parts = [
        candidate.headline,
        "Experience: " + "; ".join(role_lines[:MAX_ROLES_IN_TEXT]) if role_lines else "",
        f"Skills: {skills}" if skills else "",
        candidate.summary,
        "Education: " + "; ".join(schools) if schools else "",
        f"Location: {location}" if location else "",
    ]
    embed_text = ". ".join(p.strip().rstrip(".") for p in parts if p.strip()) + "."
    return ProfileDocument(
        titles=titles,
        skills_text=skills,
        body=body,
        embed_text=embed_text,
        facts=build_facts(candidate, today),
    )
