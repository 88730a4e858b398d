"""Turn a `CandidateCreate` (raw user text) into clean values, or say which field is wrong."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from openpin.candidate.schemas import CandidateCreate, EducationIn, ExperienceIn, LocationIn
from openpin.errors import ValidationFailed
from openpin.kit.normalise import (
    NormalisationError,
    normalise_country,
    normalise_email,
    normalise_linkedin_url,
    normalise_phone,
    split_full_name,
)


@dataclass
class CleanLocation:
    city: str = ""
    region: str = ""
    country_code: str = ""
    country_name: str = ""


@dataclass
class CleanCandidate:
    full_name: str
    first_name: str
    last_name: str
    emails: list[str]
    phones: list[str]
    linkedin_url: str | None
    links: list[str]
    location: CleanLocation
    headline: str
    summary: str
    skills: list[str]
    experiences: list[ExperienceIn] = field(default_factory=list)
    educations: list[EducationIn] = field(default_factory=list)
    source: str = ""
    owner_id: int | None = None

    @property
    def identity_keys(self) -> list[str]:
        """The values that make two records the same person: emails and the LinkedIn URL."""
        keys = [f"email:{email}" for email in self.emails]
        if self.linkedin_url:
            keys.append(f"linkedin:{self.linkedin_url}")
        return keys


def _field_error(field_name: str, exc: NormalisationError) -> ValidationFailed:
    return ValidationFailed(f"{field_name}: {exc}", field=field_name)


def dedupe_keep_order(values: list[str], key: str = "exact") -> list[str]:
    seen: set[str] = set()
    result = []
    for value in values:
        marker = value.casefold() if key == "casefold" else value
        if value and marker not in seen:
            seen.add(marker)
            result.append(value)
    return result


def clean_names(data: CandidateCreate) -> tuple[str, str, str]:
    full = " ".join(data.full_name.split())
    first, last = data.first_name.strip(), data.last_name.strip()
    if not full:
        full = " ".join(part for part in (first, last) if part)
    if full and not (first or last):
        first, last = split_full_name(full)
    return full, first, last


def clean_emails(raw: list[str]) -> list[str]:
    emails = []
    for index, value in enumerate(raw):
        if not value.strip():
            continue
        try:
            emails.append(normalise_email(value))
        except NormalisationError as exc:
            raise _field_error(f"emails[{index}]", exc) from exc
    return dedupe_keep_order(emails)


def clean_phones(raw: list[str], default_region: str) -> list[str]:
    phones = []
    for index, value in enumerate(raw):
        if not value.strip():
            continue
        try:
            phones.append(normalise_phone(value, default_region))
        except NormalisationError as exc:
            raise _field_error(f"phones[{index}]", exc) from exc
    return dedupe_keep_order(phones)


def clean_linkedin(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    try:
        return normalise_linkedin_url(value)
    except NormalisationError as exc:
        raise _field_error("linkedin_url", exc) from exc


def clean_location(location: LocationIn) -> CleanLocation:
    clean = CleanLocation(city=location.city.strip(), region=location.region.strip())
    if location.country.strip():
        try:
            country = normalise_country(location.country)
        except NormalisationError as exc:
            raise _field_error("location.country", exc) from exc
        clean.country_code, clean.country_name = country.code, country.name
    return clean


def _check_dates(start: date | None, end: date | None, field_name: str) -> None:
    if start and end and end < start:
        raise ValidationFailed(
            f"{field_name}: the end date {end} is before the start date {start}.",
            "Swap the dates or correct the one that is wrong.",
            field=field_name,
        )


def clean_experiences(items: list[ExperienceIn]) -> list[ExperienceIn]:
    result = []
    for index, item in enumerate(items):
        if not (item.title.strip() or item.company.strip()):
            continue
        _check_dates(item.start_date, item.end_date, f"experiences[{index}]")
        is_current = item.is_current or (item.end_date is None and item.start_date is not None)
        result.append(
            item.model_copy(
                update={
                    "title": item.title.strip(),
                    "company": item.company.strip(),
                    "is_current": is_current and item.end_date is None,
                }
            )
        )
    return result


def clean_educations(items: list[EducationIn]) -> list[EducationIn]:
    result = []
    for index, item in enumerate(items):
        if not (item.school.strip() or item.degree.strip() or item.field_of_study.strip()):
            continue
        _check_dates(item.start_date, item.end_date, f"educations[{index}]")
        result.append(item.model_copy(update={"school": item.school.strip()}))
    return result


def split_links(links: list[str], linkedin_url: str | None) -> tuple[list[str], str | None]:
    """Keep other links; a LinkedIn profile found among them fills an empty LinkedIn field."""
    kept = []
    for link in (value.strip() for value in links):
        if not link:
            continue
        if "linkedin.com" in link.lower():
            try:
                profile = normalise_linkedin_url(link)
            except NormalisationError:
                kept.append(link)
                continue
            linkedin_url = linkedin_url or profile
            continue
        kept.append(link)
    return dedupe_keep_order(kept), linkedin_url


def clean_candidate(data: CandidateCreate, default_region: str) -> CleanCandidate:
    full, first, last = clean_names(data)
    emails = clean_emails(data.emails)
    links, linkedin_url = split_links(data.links, clean_linkedin(data.linkedin_url))
    if not (full or emails or linkedin_url):
        raise ValidationFailed(
            "A candidate needs at least a name, an email or a LinkedIn URL.",
            "Fill in the name, or an email address, or the LinkedIn profile URL.",
            field="full_name",
        )
    return CleanCandidate(
        full_name=full or (emails[0] if emails else linkedin_url or ""),
        first_name=first,
        last_name=last,
        emails=emails,
        phones=clean_phones(data.phones, default_region),
        linkedin_url=linkedin_url,
        links=links,
        location=clean_location(data.location),
        headline=data.headline.strip(),
        summary=data.summary.strip(),
        skills=dedupe_keep_order([s.strip() for s in data.skills], key="casefold"),
        experiences=clean_experiences(data.experiences),
        educations=clean_educations(data.educations),
        source=data.source.strip(),
        owner_id=data.owner_id,
    )
