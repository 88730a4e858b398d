"""Activity events: written in the caller's transaction, read back as timelines."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from openpin.models import ActivityEvent

# Readable labels for the timeline; unknown types fall back to the raw type name.
EVENT_LABELS = {
    "candidate.created": "Added to OpenPin",
    "candidate.updated": "Profile updated",
    "candidate.merged": "Merged duplicate details into this profile",
    "candidate.imported": "Imported from a file",
    "job.created": "Job created",
    "job.updated": "Job updated",
    "job.deleted": "Job deleted",
}


def record_event(
    session: Session,
    workspace_id: int,
    type_: str,
    *,
    candidate_id: int | None = None,
    job_id: int | None = None,
    actor_user_id: int | None = None,
    data: dict[str, Any] | None = None,
) -> ActivityEvent:
    """Add an event to the current transaction: it commits or rolls back with the change itself."""
    event = ActivityEvent(
        workspace_id=workspace_id,
        type=type_,
        candidate_id=candidate_id,
        job_id=job_id,
        actor_user_id=actor_user_id,
        data=data or {},
    )
    session.add(event)
    return event


def candidate_timeline(
    session: Session, workspace_id: int, candidate_id: int, limit: int = 200
) -> list[ActivityEvent]:
    query = (
        select(ActivityEvent)
        .where(ActivityEvent.workspace_id == workspace_id)
        .where(ActivityEvent.candidate_id == candidate_id)
        .order_by(ActivityEvent.created_at.desc(), ActivityEvent.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query))


def event_label(type_: str) -> str:
    return EVENT_LABELS.get(type_, type_)
