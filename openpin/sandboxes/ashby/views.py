"""Records rendered in Ashby's JSON shapes (field names and optionality as in the OpenAPI file).

Optional fields the spec types as plain strings (`position`, `closedAt`, ...) are left out when
empty rather than sent as null, because the spec does not allow null for them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from openpin.sandboxes.ashby import records as r


def iso(moment: datetime) -> str:
    """`2022-08-12T20:29:56.964Z`, the form of every Ashby timestamp."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _without_none(fields: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in fields.items() if value is not None}


def user_view(user: r.User) -> dict[str, Any]:
    return {
        "id": user.id,
        "firstName": user.first_name,
        "lastName": user.last_name,
        "email": user.email,
        "globalRole": user.global_role,
        "isEnabled": user.is_enabled,
        "updatedAt": iso(user.updated_at),
    }


def source_view(source: r.Source) -> dict[str, Any]:
    return {
        "id": source.id,
        "title": source.title,
        "isArchived": source.is_archived,
        "sourceType": {
            "id": source.source_type.id,
            "title": source.source_type.title,
            "isArchived": False,
        },
    }


def tag_view(tag: r.Tag) -> dict[str, Any]:
    return {"id": tag.id, "title": tag.title, "isArchived": tag.is_archived}


def custom_field_definition_view(field: r.CustomField) -> dict[str, Any]:
    view: dict[str, Any] = {
        "id": field.id,
        "isPrivate": field.is_private,
        "title": field.title,
        "objectType": field.object_type,
        "isArchived": field.is_archived,
        "fieldType": field.field_type,
        "isRequired": field.is_required,
    }
    if field.selectable_values:
        view["selectableValues"] = [
            {"label": value, "value": value, "isArchived": False}
            for value in field.selectable_values
        ]
    return view


def custom_field_value_view(field: r.CustomField, value: r.CustomFieldValue) -> dict[str, Any]:
    view: dict[str, Any] = {
        "id": field.id,
        "isPrivate": field.is_private,
        "title": field.title,
        "value": value,
    }
    if isinstance(value, list):
        view["valueLabel"] = list(value)
    return view


def location_view(location: r.Location) -> dict[str, Any]:
    postal = _without_none(
        {
            "addressLocality": location.city,
            "addressRegion": location.region or None,
            "addressCountry": location.country,
        }
    )
    return {
        "id": location.id,
        "name": location.name,
        "externalName": location.name,
        "isArchived": False,
        "address": {"postalAddress": postal},
        "isRemote": location.workplace_type == "Remote",
        "workplaceType": location.workplace_type,
        "type": "Location",
    }


def opening_view(opening: r.Opening) -> dict[str, Any]:
    return _without_none(
        {
            "id": opening.id,
            "openedAt": iso(opening.opened_at),
            "closedAt": iso(opening.closed_at) if opening.closed_at else None,
            "isArchived": False,
            "openingState": opening.state,
        }
    )


def hiring_team_view(job: r.Job, org: r.Organization) -> list[dict[str, Any]]:
    members = []
    for member in job.hiring_team:
        user = org.users[member.user_id]
        members.append(
            {
                "userId": user.id,
                "firstName": user.first_name,
                "lastName": user.last_name,
                "email": user.email,
                "role": member.role,
            }
        )
    return members


def job_view(job: r.Job, org: r.Organization, expand: frozenset[str]) -> dict[str, Any]:
    view = _without_none(
        {
            "id": job.id,
            "title": job.title,
            "confidential": job.confidential,
            "status": job.status,
            "employmentType": job.employment_type,
            "locationId": job.location_id,
            "departmentId": job.department_id,
            "defaultInterviewPlanId": job.interview_plan_id,
            "interviewPlanIds": [job.interview_plan_id],
            "customFields": [],
            "jobPostingIds": [],
            "hiringTeam": hiring_team_view(job, org),
            "author": user_view(org.users[job.author_id]),
            "createdAt": iso(job.created_at),
            "updatedAt": iso(job.updated_at),
            "openedAt": iso(job.opened_at) if job.opened_at else None,
            "closedAt": iso(job.closed_at) if job.closed_at else None,
        }
    )
    if "location" in expand:
        view["location"] = location_view(org.locations[job.location_id])
    if "openings" in expand:
        view["openings"] = [opening_view(opening) for opening in job.openings]
    return view


def _contact_view(point: r.ContactPoint) -> dict[str, Any]:
    return {"value": point.value, "type": point.type, "isPrimary": point.is_primary}


def _primary(points: list[r.ContactPoint]) -> dict[str, Any] | None:
    return next((_contact_view(p) for p in points if p.is_primary), None)


def _file_view(file: r.FileRef) -> dict[str, Any]:
    return {"id": file.id, "name": file.name, "handle": file.handle}


def candidate_location_view(location: r.CandidateLocation) -> dict[str, Any]:
    components = [
        {"type": kind, "name": name}
        for kind, name in (
            ("City", location.city),
            ("Region", location.region),
            ("Country", location.country),
        )
        if name
    ]
    return {
        "id": location.id,
        "locationSummary": ", ".join(component["name"] for component in components),
        "locationComponents": components,
    }


def candidate_view(candidate: r.Candidate, org: r.Organization, base_url: str) -> dict[str, Any]:
    source = org.sources.get(candidate.source_id or "")
    credited = org.users.get(candidate.credited_to_user_id or "")
    return _without_none(
        {
            "id": candidate.id,
            "createdAt": iso(candidate.created_at),
            "updatedAt": iso(candidate.updated_at),
            "name": candidate.name,
            "primaryEmailAddress": _primary(candidate.emails),
            "emailAddresses": [_contact_view(point) for point in candidate.emails],
            "primaryPhoneNumber": _primary(candidate.phones),
            "phoneNumbers": [_contact_view(point) for point in candidate.phones],
            "socialLinks": [
                {"type": link.type, "url": link.url} for link in candidate.social_links
            ],
            "tags": [tag_view(org.tags[tag_id]) for tag_id in candidate.tag_ids],
            "position": candidate.position,
            "company": candidate.company,
            "school": candidate.school,
            "applicationIds": list(candidate.application_ids),
            "resumeFileHandle": _file_view(candidate.resume) if candidate.resume else None,
            "fileHandles": [_file_view(file) for file in candidate.files],
            "customFields": [
                custom_field_value_view(org.custom_fields[field_id], value)
                for field_id, value in candidate.custom_field_values.items()
            ],
            "profileUrl": profile_url(base_url, candidate.id),
            "source": source_view(source) if source else None,
            "creditedToUser": user_view(credited) if credited else None,
            "location": candidate_location_view(candidate.location) if candidate.location else None,
        }
    )


def profile_url(base_url: str, candidate_id: str) -> str:
    return f"{base_url.rstrip('/')}/candidates/{candidate_id}"


def stage_view(stage: r.InterviewStage, plan_id: str) -> dict[str, Any]:
    return {
        "id": stage.id,
        "title": stage.title,
        "type": stage.type,
        "orderInInterviewPlan": stage.order,
        "interviewPlanId": plan_id,
    }


def application_view(application: r.Application, org: r.Organization) -> dict[str, Any]:
    candidate = org.candidates[application.candidate_id]
    job = org.jobs[application.job_id]
    plan = org.interview_plans[application.interview_plan_id]
    stage = next(stage for stage in plan.stages if stage.id == application.stage_id)
    source = org.sources.get(application.source_id or "")
    credited = org.users.get(application.credited_to_user_id or "")
    return _without_none(
        {
            "id": application.id,
            "createdAt": iso(application.created_at),
            "updatedAt": iso(application.updated_at),
            "status": application.status,
            "customFields": [],
            "candidate": _without_none(
                {
                    "id": candidate.id,
                    "name": candidate.name,
                    "primaryEmailAddress": _primary(candidate.emails),
                    "primaryPhoneNumber": _primary(candidate.phones),
                }
            ),
            "currentInterviewStage": stage_view(stage, plan.id),
            "source": source_view(source) if source else None,
            "job": {
                "id": job.id,
                "title": job.title,
                "locationId": job.location_id,
                "departmentId": job.department_id,
            },
            "creditedToUser": user_view(credited) if credited else None,
            "hiringTeam": hiring_team_view(job, org),
        }
    )


def note_view(note: r.Note, org: r.Organization) -> dict[str, Any]:
    author = org.users[note.author_id]
    return {
        "id": note.id,
        "createdAt": iso(note.created_at),
        "isPrivate": note.is_private,
        "content": note.content,
        "author": {
            "id": author.id,
            "firstName": author.first_name,
            "lastName": author.last_name,
            "email": author.email,
        },
    }
