"""From a trigger (an activity event, a manual export, a backfill) to an export task.

An export record is unique per (connection, candidate, ATS job) and its task's `unique_key` is
the same triple, both written in the caller's transaction: an event and the export it causes
commit together, and a repeated event finds the record there and adds nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.orm import Session

from openpin.ats.repository import AtsRepository
from openpin.ats.schemas import CandidateAtsStatus
from openpin.logging import get_logger
from openpin.models import ActivityEvent
from openpin.models.ats import (
    AtsCandidateLink,
    AtsConnection,
    AtsExport,
    ConnectionStatus,
    ExportStatus,
    ExportTrigger,
)
from openpin.worker.enqueue import enqueue_task

log = get_logger("openpin.ats")

EXPORT_TASK = "ats.export_candidate"

# The activity event each rule trigger listens to.
TRIGGER_EVENTS = {
    ExportTrigger.ADDED_TO_SEQUENCE: "candidate.added_to_sequence",
    ExportTrigger.REPLIED: "candidate.replied",
    ExportTrigger.REPLIED_INTERESTED: "candidate.replied_interested",
}
EVENT_TRIGGERS = {event: trigger for trigger, event in TRIGGER_EVENTS.items()}


def export_task_key(connection_id: int, candidate_id: int, ats_job_id: str) -> str:
    return f"ats.export:{connection_id}:{candidate_id}:{ats_job_id}"


def enqueue_export_task(session: Session, export: AtsExport) -> None:
    enqueue_task(
        session,
        EXPORT_TASK,
        args={"export_id": export.id},
        workspace_id=export.workspace_id,
        unique_key=export_task_key(export.connection_id, export.candidate_id, export.ats_job_id),
    )


def queue_export(
    session: Session,
    connection: AtsConnection,
    candidate_id: int,
    ats_job_id: str,
    *,
    trigger: str,
    ats_job_name: str = "",
    job_id: int | None = None,
    event_id: int | None = None,
    requested_by: int | None = None,
) -> AtsExport | None:
    """Record an export and enqueue its task; None if this candidate already has one for
    this ATS job on this connection (whatever its state)."""
    repo = AtsRepository(session, connection.workspace_id)
    repo.ensure_link(connection.id, candidate_id)
    export = repo.insert_export(
        connection_id=connection.id,
        candidate_id=candidate_id,
        ats_job_id=ats_job_id,
        ats_job_name=ats_job_name,
        job_id=job_id,
        trigger=trigger,
        event_id=event_id,
        requested_by=requested_by,
    )
    if export is not None:
        enqueue_export_task(session, export)
    return export


def on_trigger_event(session: Session, event: ActivityEvent) -> None:
    """Subscriber of the three trigger events: export when the event's job has an enabled rule
    on the live connection with this trigger, enabled before the event (never retroactive)."""
    trigger = EVENT_TRIGGERS.get(event.type)
    if trigger is None or event.job_id is None or event.candidate_id is None:
        return
    repo = AtsRepository(session, event.workspace_id)
    rule = repo.rule_for_job(event.job_id)
    if rule is None or not rule.enabled or rule.trigger != trigger or rule.enabled_at is None:
        return
    if rule.enabled_at > event.created_at:
        return
    connection = repo.live_connection()
    if connection is None or connection.id != rule.connection_id:
        return  # the rule belongs to an ATS the workspace is no longer connected to
    export = queue_export(
        session,
        connection,
        event.candidate_id,
        rule.ats_job_id,
        trigger=trigger.value,
        ats_job_name=rule.ats_job_name,
        job_id=event.job_id,
        event_id=event.id,
    )
    if export is not None:
        log.info("ats.export_queued", export_id=export.id, trigger=trigger.value)


def requeue_parked_exports(session: Session, connection: AtsConnection) -> int:
    """After a reconnect: the exports parked while the credentials were refused run again."""
    repo = AtsRepository(session, connection.workspace_id)
    parked = repo.exports_with_status(connection.id, ExportStatus.WAITING_RECONNECT)
    for export in parked:
        export.status = ExportStatus.PENDING
        enqueue_export_task(session, export)
    session.flush()
    return len(parked)


# -- sync status per candidate -----------------------------------------------------------------


def ats_statuses(
    session: Session, workspace_id: int, candidate_ids: Iterable[int]
) -> dict[int, CandidateAtsStatus]:
    """Each candidate's status in the workspace's connected ATS (absent: never exported)."""
    ids = list(candidate_ids)
    repo = AtsRepository(session, workspace_id)
    connection = repo.live_connection()
    if connection is None or not ids:
        return {}
    links = repo.links_by_candidate(connection.id, ids)
    exports = repo.exports_by_candidate(connection.id, ids)
    statuses = {}
    for candidate_id in ids:
        status = candidate_status(connection, links.get(candidate_id), exports.get(candidate_id))
        if status is not None:
            statuses[candidate_id] = status
    return statuses


def candidate_status(
    connection: AtsConnection, link: AtsCandidateLink | None, exports: list[AtsExport] | None
) -> CandidateAtsStatus | None:
    exports = exports or []
    linked = link is not None and link.ats_candidate_id is not None
    if not exports and not linked:
        return None
    by_status = {export.status for export in exports}
    failed = [export for export in exports if export.status == ExportStatus.FAILED]
    exported_at = [e.exported_at for e in exports if e.exported_at is not None]
    hired = sorted(
        (e for e in exports if e.hired_at is not None), key=lambda e: e.hired_at or e.created_at
    )
    status: str
    if failed:
        status = "failed"
    elif ExportStatus.PENDING in by_status:
        status = "pending"
    elif ExportStatus.WAITING_RECONNECT in by_status or (
        connection.status == ConnectionStatus.NEEDS_RECONNECTING and not linked
    ):
        status = "waiting_reconnect"
    else:
        status = "exported"
    return CandidateAtsStatus(
        provider=connection.provider.value,
        status=status,
        ats_candidate_id=link.ats_candidate_id if linked and link else None,
        profile_url=(link.profile_url or None) if linked and link else None,
        exported_at=min(exported_at) if exported_at else None,
        last_error=failed[0].last_error if failed else None,
        hired_at=hired[0].hired_at if hired else None,
        hired_for=(hired[0].ats_job_name or hired[0].ats_job_id) if hired else None,
    )
