"""Pure translations between OpenPin's export data and Ashby bodies and records. No I/O.

What Ashby allows: `candidate.create` takes the name, one primary email plus alternates, one
phone, the LinkedIn URL, the location (city, region, country) and the source. It has no write
for roles or education (`position`, `company`, `school` are read-only, filled by resume parsing),
so the resume PDF and an HTML note carry them. Notes keep only b, i, u, a, ul, ol, li, code, pre.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from html import escape
from typing import Any

from openpin.integrations.ashby.schemas import (
    AshbyApplication,
    AshbyCandidate,
    AshbyJob,
    AshbySource,
    AshbyUser,
)
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

OPENPIN_SOURCE_NAME = "OpenPin"
NOTE_MARKER = "Sourced by OpenPin"
ADMIN_ROLE = "Organization Admin"
HIRED_STATUS = "Hired"  # application status: Hired | Archived | Active | Lead
Record = dict[str, Any]


def to_user(record: Record) -> AtsUser:
    user = AshbyUser.model_validate(record)
    name = " ".join(part for part in (user.firstName, user.lastName) if part) or user.id
    return AtsUser(
        id=user.id,
        name=name,
        email=user.email or "",
        is_admin=user.globalRole == ADMIN_ROLE,
        can_act_as=user.isEnabled,
        why_not="" if user.isEnabled else "deactivated in Ashby",
    )


def to_job(record: Record) -> AtsJob:
    job = AshbyJob.model_validate(record)
    location = job.location.name if job.location else ""
    return AtsJob(id=job.id, name=job.title, status=job.status, location=location)


def to_candidate(record: Record) -> AtsCandidate:
    candidate = AshbyCandidate.model_validate(record)
    emails = [point.value for point in candidate.emailAddresses]
    if candidate.primaryEmailAddress is not None:
        emails.insert(0, candidate.primaryEmailAddress.value)
    # Recruiters paste LinkedIn URLs under other link types too; only real profiles survive.
    links = [link.url for link in candidate.socialLinks]
    return AtsCandidate(
        id=candidate.id,
        name=candidate.name,
        emails=normalised_emails(emails),
        linkedin_urls=normalised_linkedin_urls(links),
        profile_url=candidate.profileUrl or "",
        updated_at=candidate.updatedAt,
    )


def to_application(record: Record) -> AtsApplication:
    application = AshbyApplication.model_validate(record)
    return AtsApplication(
        id=application.id,
        ats_candidate_id=application.candidate.id,
        ats_job_id=application.job.id if application.job else None,
        status=application.status,
        hired=application.status == HIRED_STATUS,
        updated_at=_timestamp(application.updatedAt),
    )


def _timestamp(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def candidate_body(
    export: CandidateExport, source_id: str | None, credited_to_user_id: str | None
) -> Record:
    body: Record = {"name": export.full_name or "(no name)"}
    if export.emails:
        body["email"] = export.emails[0]
        if len(export.emails) > 1:
            body["alternateEmailAddresses"] = list(export.emails[1:])
    if export.phones:
        body["phoneNumber"] = export.phones[0]
    if export.linkedin_url:
        body["linkedInUrl"] = export.linkedin_url
    location = {
        "city": export.location.city,
        "region": export.location.state,
        "country": export.location.country,
    }
    location = {key: value for key, value in location.items() if value}
    if location:
        body["location"] = location
    if source_id:
        body["sourceId"] = source_id
    if credited_to_user_id:
        body["creditedToUserId"] = credited_to_user_id
    return body


def application_body(
    candidate_id: str, job_id: str, source_id: str | None, credited_to_user_id: str | None
) -> Record:
    body: Record = {"candidateId": candidate_id, "jobId": job_id}
    if source_id:
        body["sourceId"] = source_id
    if credited_to_user_id:
        body["creditedToUserId"] = credited_to_user_id
    return body


def is_duplicate_application(message: str) -> bool:
    """Ashby's refusal of a second application of a candidate to the same job."""
    return "already has an application" in message.lower()


def choose_source(records: Iterable[Record]) -> SourceChoice:
    sources = [AshbySource.model_validate(record) for record in records]
    active = [source for source in sources if not source.isArchived]
    wanted = OPENPIN_SOURCE_NAME.casefold()
    named = next((s for s in active if s.title.strip().casefold() == wanted), None)
    named = named or next((s for s in active if wanted in s.title.casefold()), None)
    if named is not None:
        return SourceChoice(named.id, named.title, exact=True)
    return SourceChoice(
        None,
        "",
        exact=False,
        explanation=f"Ashby has no source named {OPENPIN_SOURCE_NAME!r} and its API cannot "
        "create one. An admin can add it in Ashby under Admin > Hiring Process > Sources; until "
        "then candidates get no source and the note on each says they came from OpenPin.",
    )


# --- the note ------------------------------------------------------------------------------------


def note_html(export: CandidateExport) -> str:
    """The note: where the person came from, and the roles and education Ashby cannot store."""
    link = ""
    if export.profile_url:
        link = f': <a href="{escape(export.profile_url)}">OpenPin profile</a>'
    parts = [f"<b>{NOTE_MARKER}</b>{link}"]
    if export.headline:
        parts.append(f"<i>{escape(export.headline)}</i>")
    if export.roles:
        parts.append("<b>Experience</b>" + _list(_role_line(role) for role in export.roles))
    if export.educations:
        parts.append("<b>Education</b>" + _list(_school_line(s) for s in export.educations))
    return "\n".join(parts)


def _list(items: Iterable[str]) -> str:
    return "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"


def _role_line(role: Role) -> str:
    what = " at ".join(escape(part) for part in (role.title, role.company) if part)
    end = "present" if role.is_current or role.end_date is None else _month(role.end_date)
    period = f" ({_month(role.start_date)} to {end})" if role.start_date else ""
    return what + period


def _school_line(schooling: Schooling) -> str:
    subject = ", ".join(p for p in (schooling.degree, schooling.field_of_study) if p)
    what = escape(schooling.school) + (f" — {escape(subject)}" if subject else "")
    years = [str(d.year) for d in (schooling.start_date, schooling.end_date) if d is not None]
    return what + (f" ({' to '.join(years)})" if years else "")


def _month(value: date | None) -> str:
    return value.strftime("%b %Y") if value else ""
