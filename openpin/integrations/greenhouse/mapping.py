"""Pure translations between OpenPin's export data and Harvest v3 bodies and records. No I/O.

What Greenhouse allows, field by field:
- name, `company`/`title` (the current role), emails, phones, the location as a typed address,
  the LinkedIn URL under `social_media_addresses`, and the first application (job and source)
  in one `POST /v3/candidates`;
- educations: `POST /v3/candidate_educations` with school, degree and discipline as custom field
  option ids, matched by name (a value with no option is left out and reported);
- employments: one `POST /v3/candidate_employments` per role (a start date is required);
- the note: plain text linking back to OpenPin.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from openpin.integrations.base import (
    AtsApplication,
    AtsCandidate,
    AtsJob,
    AtsUser,
    CandidateExport,
    Role,
    Schooling,
    SourceChoice,
    normalised_emails,
    normalised_linkedin_urls,
)
from openpin.integrations.greenhouse.schemas import (
    GhApplication,
    GhCandidate,
    GhCustomFieldOption,
    GhJob,
    GhSource,
    GhUser,
)

OPENPIN_SOURCE_NAME = "OpenPin"
MAX_TEXT = 255
EDUCATION_KEYS = {"school": "school_name", "degree": "degree", "field_of_study": "discipline"}
# When no source is named for OpenPin: Greenhouse's API cannot create one, so credit the
# candidate to the closest generic source the org has, in this order of preference.
FALLBACK_SOURCE_NAMES = ("other", "prospecting", "sourced")
FALLBACK_SOURCE_TYPES = ("prospecting", "other", "candidate_search")
NOTE_MARKER = "Sourced by OpenPin"
# Application rows say `hired` (the filter spelling too); only `active` differs (`in_process`).
HIRED_STATUS = "hired"
Record = dict[str, Any]


# --- users and jobs ------------------------------------------------------------------------------


def to_user(record: Record) -> AtsUser:
    user = GhUser.model_validate(record)
    why_not = "" if user.site_admin else "not a Site Admin: Greenhouse v3 reads need one"
    return AtsUser(
        id=str(user.id),
        name=user.display_name,
        email=user.primary_email or "",
        is_admin=user.site_admin,
        can_act_as=user.site_admin and not user.deactivated,
        why_not=why_not,
    )


def to_job(record: Record, departments: dict[int, str], offices: dict[int, str]) -> AtsJob:
    job = GhJob.model_validate(record)
    office_names = [offices[i] for i in job.office_ids if i in offices]
    department = departments.get(job.department_id) if job.department_id is not None else None
    return AtsJob(
        id=str(job.id),
        name=job.name,
        status=job.status,
        location=", ".join(office_names),
        department=department or "",
    )


def names_by_id(records: Iterable[Record]) -> dict[int, str]:
    return {int(r["id"]): str(r.get("name") or "") for r in records if "id" in r}


# --- candidates read back ------------------------------------------------------------------------


def app_url_for(base_url: str) -> str:
    """Greenhouse's web app host for an API host (`harvest[.eu].greenhouse.io` → `app[.eu]...`)."""
    parts = urlsplit(base_url)
    host = parts.hostname or ""
    if host.startswith("harvest.") and host.endswith("greenhouse.io"):
        return f"https://app.{host.removeprefix('harvest.')}"
    return base_url.rstrip("/")


def candidate_profile_url(app_url: str, candidate_id: str | int) -> str:
    return f"{app_url.rstrip('/')}/people/{candidate_id}"


def to_candidate(record: Record, app_url: str) -> AtsCandidate:
    candidate = GhCandidate.model_validate(record)
    links = [entry.value for entry in candidate.social_media_addresses]
    links += [entry.value for entry in candidate.website_addresses]
    name = " ".join(part for part in (candidate.first_name, candidate.last_name) if part)
    return AtsCandidate(
        id=str(candidate.id),
        name=name,
        emails=normalised_emails(entry.value for entry in candidate.email_addresses),
        linkedin_urls=normalised_linkedin_urls(links),
        profile_url=candidate_profile_url(app_url, candidate.id),
        updated_at=candidate.updated_at,
    )


# --- the create body -----------------------------------------------------------------------------


def candidate_body(export: CandidateExport, job_id: int, source_id: int | None) -> Record:
    """`POST /v3/candidates`: the person and their first application, in one request."""
    body: Record = {
        "first_name": _text(export.first_name) or "(no first name)",
        "last_name": _text(export.last_name) or "(no last name)",
    }
    role = export.current_role
    if role is not None:
        body.update(_present({"company": _text(role.company), "title": _text(role.title)}))
    body.update(_contacts(export))
    application: Record = {"job_id": job_id}
    if source_id is not None:
        application["source_id"] = source_id
    body["application"] = application
    return body


def _contacts(export: CandidateExport) -> Record:
    contacts: Record = {}
    if export.emails:
        # The first address is the person's own; the others are kept as "other".
        types = ["personal"] + ["other"] * (len(export.emails) - 1)
        contacts["email_addresses"] = [
            {"value": email, "type": kind} for email, kind in zip(export.emails, types, strict=True)
        ]
    if export.phones:
        contacts["phone_numbers"] = [{"value": phone, "type": "mobile"} for phone in export.phones]
    address = location_text(export)
    if address:
        contacts["addresses"] = [{"value": address, "type": "home"}]
    if export.linkedin_url:
        contacts["social_media_addresses"] = [{"value": export.linkedin_url}]
    return contacts


def location_text(export: CandidateExport) -> str:
    location = export.location
    return ", ".join(part for part in (location.city, location.state, location.country) if part)


def application_body(candidate_id: int, job_id: int, source_id: int | None) -> Record:
    """`POST /v3/applications`, the candidate arm."""
    body: Record = {"candidate_id": candidate_id, "job_id": job_id}
    if source_id is not None:
        body["source_id"] = source_id
    return body


def _text(value: str) -> str:
    return value.strip()[:MAX_TEXT]


def _present(fields: Record) -> Record:
    return {key: value for key, value in fields.items() if value}


# --- source --------------------------------------------------------------------------------------


def choose_source(records: Iterable[Record]) -> SourceChoice:
    sources = [GhSource.model_validate(record) for record in records]
    wanted = _match_key(OPENPIN_SOURCE_NAME)
    exact = next((s for s in sources if _match_key(s.name) == wanted), None)
    named = exact or next((s for s in sources if wanted in _match_key(s.name)), None)
    if named is not None:
        return SourceChoice(str(named.id), named.name, exact=True)
    fallback = _fallback_source(sources)
    advice = (
        f"Greenhouse has no source named {OPENPIN_SOURCE_NAME!r} and its API cannot create one. "
        "A Site Admin can add it in Greenhouse under Configure > Custom Options > Sources "
        "(type Prospecting); until then "
    )
    if fallback is None:
        return SourceChoice(None, "", exact=False, explanation=advice + "no source is set.")
    return SourceChoice(
        str(fallback.id),
        fallback.name,
        exact=False,
        explanation=advice + f"candidates are credited to {fallback.name!r} and the note on "
        "each says they came from OpenPin.",
    )


def _fallback_source(sources: Sequence[GhSource]) -> GhSource | None:
    for name in FALLBACK_SOURCE_NAMES:
        found = next((s for s in sources if _match_key(s.name) == name), None)
        if found is not None:
            return found
    for kind in FALLBACK_SOURCE_TYPES:
        found = next((s for s in sources if s.type and s.type.name == kind), None)
        if found is not None:
            return found
    return None


# --- educations and employments ------------------------------------------------------------------


def _match_key(name: str) -> str:
    """Names compared loosely: case, accents, punctuation, "&"/"and" and a leading "the"."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()
    folded = folded.replace("&", " and ")
    words = re.findall(r"[a-z0-9]+", folded)
    if words[:1] == ["the"]:
        words = words[1:]
    return " ".join(words)


# Greenhouse's degrees are levels ("Bachelor's Degree"); profiles name the degree itself
# ("BSc Computer Science"). Checked in this order: "M.B.A." also holds "b a", a bachelor's.
DEGREE_LEVELS = (
    ("mba", re.compile(r"\bm ?b ?a\b|master of business administration")),
    ("phd", re.compile(r"\bph ?d\b|\bd ?phil\b|doctor of philosophy|doctorate")),
    ("jd", re.compile(r"\bj ?d\b|juris doctor")),
    ("bachelor", re.compile(r"\bbachelor|\bb ?(sc|s|a|eng|tech|e|ba)\b")),
    ("master", re.compile(r"\bmaster|\bm ?(sc|s|a|eng|phil|res|tech)\b")),
    ("associate", re.compile(r"\bassociate")),
    ("high school", re.compile(r"high school|secondary school|\bged\b")),
)
LEVEL_PREFIX = "level:"


def degree_level(name: str) -> str | None:
    key = _match_key(name)
    return next((level for level, pattern in DEGREE_LEVELS if pattern.search(key)), None)


def option_index(records: Iterable[Record], *, by_level: bool = False) -> dict[str, int]:
    """Active custom field options by loose name (the first wins when two fold alike), and
    with `by_level` also by degree level (`level:bachelor`)."""
    index: dict[str, int] = {}
    for record in records:
        option = GhCustomFieldOption.model_validate(record)
        if not option.active:
            continue
        index.setdefault(_match_key(option.name), option.id)
        level = degree_level(option.name) if by_level else None
        if level is not None:
            index.setdefault(LEVEL_PREFIX + level, option.id)
    return index


def _option_id(index: dict[str, int], value: str) -> int | None:
    found = index.get(_match_key(value))
    if found is None:
        level = degree_level(value)
        found = index.get(LEVEL_PREFIX + level) if level else None
    return found


def education_body(
    candidate_id: int, schooling: Schooling, options: dict[str, dict[str, int]]
) -> tuple[Record | None, list[str]]:
    """The body for one education and the values that had no Greenhouse option.

    `options` maps each custom field key (`school_name`, `degree`, `discipline`) to its
    `option_index`. None when nothing could be mapped (Greenhouse would store an empty row).
    """
    body: Record = {"candidate_id": candidate_id}
    unmatched: list[str] = []
    for attribute, key in EDUCATION_KEYS.items():
        value = getattr(schooling, attribute)
        if not value:
            continue
        option_id = _option_id(options.get(key, {}), value)
        if option_id is None:
            unmatched.append(f"{key.replace('_', ' ')} {value!r}")
        else:
            body[key.replace("_name", "") + "_id"] = option_id
    body.update(_present({"start_date": _timestamp(schooling.start_date)}))
    body.update(_present({"end_date": _timestamp(schooling.end_date)}))
    has_option = any(k in body for k in ("school_id", "degree_id", "discipline_id"))
    return (body if has_option else None), unmatched


def employment_body(candidate_id: int, role: Role) -> Record | None:
    """One role as a Greenhouse employment; None when it has no start date (required)."""
    if role.start_date is None or not (role.company.strip() and role.title.strip()):
        return None
    body: Record = {
        "candidate_id": candidate_id,
        "company_name": _text(role.company),
        "title": _text(role.title),
        "start_date": _timestamp(role.start_date),
    }
    if role.end_date is not None and not role.is_current:
        body["end_date"] = _timestamp(role.end_date)
    return body


def employment_key(company: str | None, title: str | None) -> tuple[str, str]:
    return _match_key(company or ""), _match_key(title or "")


def education_key(record: Record) -> tuple[Any, Any, Any]:
    """What identifies an education row, in either the body's or the read-back's id names."""
    return (
        record.get("school_id", record.get("school_custom_field_option_id")),
        record.get("degree_id", record.get("degree_custom_field_option_id")),
        record.get("discipline_id", record.get("discipline_custom_field_option_id")),
    )


def _timestamp(value: date | None) -> str | None:
    if value is None:
        return None
    return datetime(value.year, value.month, value.day, tzinfo=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- the note ------------------------------------------------------------------------------------


def note_text(export: CandidateExport, source: SourceChoice) -> str:
    lines = [f"{NOTE_MARKER}."]
    if export.profile_url:
        lines.append(f"OpenPin profile: {export.profile_url}")
    if export.headline:
        lines.append(f"Headline: {export.headline}")
    if not source.exact:
        lines.append(f"(Source set to {source.name or 'none'}: no OpenPin source in Greenhouse.)")
    return "\n".join(lines)


def note_already_left(bodies: Iterable[str], export: CandidateExport) -> bool:
    """A note from OpenPin with this profile link is already on the candidate."""
    marker = export.profile_url or NOTE_MARKER
    return any(NOTE_MARKER in body and marker in body for body in bodies)


# --- the index window ----------------------------------------------------------------------------


def iso_utc(moment: datetime, *, round_up: bool = False) -> str:
    """Whole seconds, UTC; `round_up` to the next second (a window's end then covers `moment`)."""
    moment = moment.astimezone(UTC)
    if round_up and moment.microsecond:
        moment = moment.replace(microsecond=0) + timedelta(seconds=1)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def updated_window(since: str | None, until: str) -> str:
    """The pipe-style `updated_at` filter: `lte|until`, or `gte|since|lte|until`."""
    return f"gte|{since}|lte|{until}" if since else f"lte|{until}"


def to_application(record: Record) -> AtsApplication:
    application = GhApplication.model_validate(record)
    job_id = application.single_job_id
    return AtsApplication(
        id=str(application.id),
        ats_candidate_id=str(application.candidate_id),
        ats_job_id=str(job_id) if job_id is not None else None,
        status=application.status or "",
        hired=(application.status or "").lower() == HIRED_STATUS,
        updated_at=parse_timestamp(application.updated_at),
    )


def parse_timestamp(value: str | None) -> datetime | None:
    """An ISO-8601 timestamp from Greenhouse as an aware datetime; None if absent or unreadable."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
