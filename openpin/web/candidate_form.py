"""The add/edit candidate form: raw form values <-> the service's schemas.

Form values stay strings (what the person typed) so a form with errors comes back exactly as sent.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from starlette.datastructures import FormData

from openpin.candidate.schemas import EducationIn, ExperienceIn, LocationIn
from openpin.models import Candidate
from openpin.web.forms import comma_list, lines, month_date, row_indexes, text

EXPERIENCE_FIELDS = ("title", "company", "start", "end", "current", "description")
EDUCATION_FIELDS = ("school", "degree", "field_of_study", "start", "end")
_ROW_KEYS = ("experiences", "educations")


def _month(value: date | None) -> str:
    return value.strftime("%Y-%m") if value else ""


def blank_experience() -> dict[str, str]:
    return dict.fromkeys(EXPERIENCE_FIELDS, "")


def blank_education() -> dict[str, str]:
    return dict.fromkeys(EDUCATION_FIELDS, "")


def empty_values() -> dict[str, Any]:
    values: dict[str, Any] = dict.fromkeys(
        ("full_name", "headline", "emails", "phones", "linkedin_url", "links", "city", "region"),
        "",
    )
    values.update(country="", summary="", skills="", source="")
    values.update(experiences=[blank_experience()], educations=[blank_education()])
    return values


def values_from_candidate(candidate: Candidate) -> dict[str, Any]:
    experiences = [
        {
            "title": e.title,
            "company": e.company,
            "start": _month(e.start_date),
            "end": _month(e.end_date),
            "current": "on" if e.is_current else "",
            "description": e.description,
        }
        for e in candidate.experiences
    ]
    educations = [
        {
            "school": e.school,
            "degree": e.degree,
            "field_of_study": e.field_of_study,
            "start": _month(e.start_date),
            "end": _month(e.end_date),
        }
        for e in candidate.educations
    ]
    return {
        "full_name": candidate.full_name,
        "headline": candidate.headline,
        "emails": "\n".join(e.email for e in candidate.emails),
        "phones": "\n".join(p.number for p in candidate.phones),
        "linkedin_url": candidate.linkedin_url or "",
        "links": "\n".join(candidate.links),
        "city": candidate.city,
        "region": candidate.region,
        "country": candidate.country_name or candidate.country_code,
        "summary": candidate.summary,
        "skills": ", ".join(candidate.skills),
        "source": candidate.source,
        "experiences": [*experiences, blank_experience()],
        "educations": [*educations, blank_education()],
    }


def _rows(form: FormData, prefix: str, names: tuple[str, ...]) -> list[dict[str, str]]:
    return [
        {name: text(form, f"{prefix}-{index}-{name}") for name in names}
        for index in row_indexes(form, prefix)
    ]


def values_from_form(form: FormData) -> dict[str, Any]:
    """The submitted form as typed, for showing it again with errors or an extra row."""
    values: dict[str, Any] = {
        key: text(form, key) for key in empty_values() if key not in _ROW_KEYS
    }
    values["experiences"] = _rows(form, "exp", EXPERIENCE_FIELDS) or [blank_experience()]
    values["educations"] = _rows(form, "edu", EDUCATION_FIELDS) or [blank_education()]
    return values


def _experiences(form: FormData) -> list[ExperienceIn]:
    items = []
    for i in row_indexes(form, "exp"):
        title, company = text(form, f"exp-{i}-title"), text(form, f"exp-{i}-company")
        if not (title or company):
            continue  # the blank row offered for adding one more role
        items.append(
            ExperienceIn(
                title=title,
                company=company,
                start_date=month_date(form, f"exp-{i}-start"),
                end_date=month_date(form, f"exp-{i}-end"),
                is_current=bool(text(form, f"exp-{i}-current")),
                description=text(form, f"exp-{i}-description"),
            )
        )
    return items


def _educations(form: FormData) -> list[EducationIn]:
    items = []
    for i in row_indexes(form, "edu"):
        school, degree = text(form, f"edu-{i}-school"), text(form, f"edu-{i}-degree")
        field_of_study = text(form, f"edu-{i}-field_of_study")
        if not (school or degree or field_of_study):
            continue
        items.append(
            EducationIn(
                school=school,
                degree=degree,
                field_of_study=field_of_study,
                start_date=month_date(form, f"edu-{i}-start"),
                end_date=month_date(form, f"edu-{i}-end"),
            )
        )
    return items


def fields_from_form(form: FormData) -> dict[str, Any]:
    """Keyword arguments for `CandidateCreate` or `CandidateUpdate` (the form is always whole)."""
    return {
        "full_name": text(form, "full_name"),
        "headline": text(form, "headline"),
        "emails": lines(form, "emails"),
        "phones": lines(form, "phones"),
        "linkedin_url": text(form, "linkedin_url"),
        "links": lines(form, "links"),
        "location": LocationIn(
            city=text(form, "city"), region=text(form, "region"), country=text(form, "country")
        ),
        "summary": text(form, "summary"),
        "skills": comma_list(form, "skills"),
        "source": text(form, "source"),
        "experiences": _experiences(form),
        "educations": _educations(form),
    }
