"""Activity events: written in the caller's transaction, read back as timelines."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
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
    "candidate.deleted": "Candidate deleted",
    "candidate.added_to_sequence": "Added to a sequence",
    "candidate.sequence_stopped": "Sequence stopped",
    "candidate.replied": "Replied",
    "candidate.replied_interested": "Replied and is interested",
    "candidate.accepted_for_job": "Accepted for a job while sourcing",
    "candidate.declined_for_job": "Declined for a job while sourcing",
    "candidate.hired": "Hired",
    "message.sent": "Email sent",
    "message.opened": "Opened an email",
    "message.clicked": "Clicked a link in an email",
    "email.unsubscribed": "Unsubscribed",
    "email.bounced": "Email bounced",
    "ats.export_queued": "Queued for export to the ATS",
    "ats.exported": "Exported to the ATS",
    "ats.export_failed": "Export to the ATS failed",
    "ats.candidate_merged_in_ats": "Merged with another person in the ATS",
    "ats.candidate_deleted_in_ats": "Deleted in the ATS",
    "job.created": "Job created",
    "job.updated": "Job updated",
    "job.deleted": "Job deleted",
    "sequence.created": "Sequence created",
    "sequence.updated": "Sequence updated",
    "mailbox.created": "Mailbox added",
    "mailbox.updated": "Mailbox updated",
}


# Called inside `record_event`, in the same transaction, e.g. to enqueue an ATS export when a
# trigger event happens: the event and the work it causes commit (or roll back) together.
EventSubscriber = Callable[[Session, ActivityEvent], None]
_subscribers: dict[str, list[EventSubscriber]] = defaultdict(list)


def subscribe(event_type: str, subscriber: EventSubscriber) -> None:
    """Run `subscriber(session, event)` whenever an event of this type is recorded."""
    if subscriber not in _subscribers[event_type]:
        _subscribers[event_type].append(subscriber)


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
    if _subscribers.get(type_):
        session.flush()  # subscribers get the event with its id
        for subscriber in _subscribers[type_]:
            subscriber(session, event)
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
