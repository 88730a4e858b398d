"""All ATS SQL. Every query is scoped to the repository's workspace (directly, or through a
connection id the caller read from a workspace-scoped query)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from openpin.integrations import base
from openpin.kit.repository import WorkspaceRepository
from openpin.models import Candidate, Job, Task, TaskStatus
from openpin.models.ats import (
    AtsCandidateLink,
    AtsConnection,
    AtsExport,
    AtsExportRule,
    AtsHireSyncState,
    AtsIdentityEntry,
    AtsIndexState,
    AtsJob,
    ConnectionStatus,
    ExportStatus,
)
from openpin.models.base import utcnow
from openpin.worker.enqueue import dialect_insert

LIVE = (ConnectionStatus.CONNECTED, ConnectionStatus.NEEDS_RECONNECTING)


class AtsRepository(WorkspaceRepository[AtsConnection]):
    model = AtsConnection
    noun = "ATS connection"

    # -- connections ---------------------------------------------------------------------------

    def live_connection(self, *, for_update: bool = False) -> AtsConnection | None:
        query = self.base_query().where(AtsConnection.status.in_(LIVE))
        if for_update:
            query = query.with_for_update()
        return self.session.scalars(query).one_or_none()

    def reusable_connection(self, provider: str, base_url: str) -> AtsConnection | None:
        """The latest connection to the same ATS account, live or not: reconnecting reuses it,
        so what was exported before stays linked (contact data is still synced only once)."""
        query = (
            self.base_query()
            .where(AtsConnection.provider == provider, AtsConnection.base_url == base_url)
            .order_by(AtsConnection.id.desc())
            .limit(1)
        )
        return self.session.scalars(query).first()

    def connection_by_webhook_token(self, token: str) -> AtsConnection | None:
        # The token is the only identifier a webhook carries; it is not workspace-scoped.
        query = select(AtsConnection).where(AtsConnection.webhook_token == token)
        return self.session.scalars(query).one_or_none()

    # -- ATS jobs ------------------------------------------------------------------------------

    def cached_jobs(self, connection_id: int, *, open_only: bool = True) -> list[AtsJob]:
        query = select(AtsJob).where(
            AtsJob.workspace_id == self.workspace_id, AtsJob.connection_id == connection_id
        )
        if open_only:
            query = query.where(AtsJob.is_open.is_(True))
        return list(self.session.scalars(query.order_by(AtsJob.name, AtsJob.id)))

    def cached_job(self, connection_id: int, external_id: str) -> AtsJob | None:
        query = select(AtsJob).where(
            AtsJob.workspace_id == self.workspace_id,
            AtsJob.connection_id == connection_id,
            AtsJob.external_id == external_id,
        )
        return self.session.scalars(query).one_or_none()

    def store_jobs(self, connection_id: int, jobs: Sequence[base.AtsJob], now: datetime) -> None:
        """Upsert the jobs just read; jobs no longer listed are kept but marked closed."""
        existing = {
            job.external_id: job for job in self.cached_jobs(connection_id, open_only=False)
        }
        for job in jobs:
            row = existing.pop(job.id, None)
            if row is None:
                row = AtsJob(
                    workspace_id=self.workspace_id, connection_id=connection_id, external_id=job.id
                )
                self.session.add(row)
            row.name, row.status, row.is_open = job.name, job.status, True
            row.location, row.department, row.refreshed_at = job.location, job.department, now
        for row in existing.values():
            row.is_open, row.refreshed_at = False, now
        self.session.flush()

    # -- rules ---------------------------------------------------------------------------------

    def rule_for_job(self, job_id: int) -> AtsExportRule | None:
        query = select(AtsExportRule).where(
            AtsExportRule.workspace_id == self.workspace_id, AtsExportRule.job_id == job_id
        )
        return self.session.scalars(query).one_or_none()

    def job(self, job_id: int) -> Job | None:
        query = select(Job).where(Job.workspace_id == self.workspace_id, Job.id == job_id)
        return self.session.scalars(query).one_or_none()

    def jobs_with_rules(self) -> list[tuple[Job, AtsExportRule | None]]:
        query = (
            select(Job, AtsExportRule)
            .outerjoin(AtsExportRule, AtsExportRule.job_id == Job.id)
            .where(Job.workspace_id == self.workspace_id)
            .order_by(Job.title, Job.id)
        )
        return [(job, rule) for job, rule in self.session.execute(query).all()]

    # -- links and exports ---------------------------------------------------------------------

    def ensure_link(self, connection_id: int, candidate_id: int) -> None:
        values = {
            "workspace_id": self.workspace_id,
            "connection_id": connection_id,
            "candidate_id": candidate_id,
        }
        insert = dialect_insert(self.session)(AtsCandidateLink).values(**values)
        self.session.execute(insert.on_conflict_do_nothing())

    def link(self, connection_id: int, candidate_id: int) -> AtsCandidateLink | None:
        query = select(AtsCandidateLink).where(
            AtsCandidateLink.workspace_id == self.workspace_id,
            AtsCandidateLink.connection_id == connection_id,
            AtsCandidateLink.candidate_id == candidate_id,
        )
        return self.session.scalars(query).one_or_none()

    def links_by_candidate(
        self, connection_id: int, candidate_ids: Iterable[int]
    ) -> dict[int, AtsCandidateLink]:
        query = select(AtsCandidateLink).where(
            AtsCandidateLink.workspace_id == self.workspace_id,
            AtsCandidateLink.connection_id == connection_id,
            AtsCandidateLink.candidate_id.in_(list(candidate_ids)),
        )
        return {link.candidate_id: link for link in self.session.scalars(query)}

    def insert_export(self, **values: Any) -> AtsExport | None:
        """Add an export unless this (connection, candidate, ATS job) already has one."""
        values = {"workspace_id": self.workspace_id, "status": ExportStatus.PENDING, **values}
        now = utcnow()
        values.setdefault("created_at", now)
        values.setdefault("updated_at", now)
        insert = dialect_insert(self.session)(AtsExport).values(**values)
        stmt = insert.on_conflict_do_nothing().returning(AtsExport.id)
        export_id = self.session.scalar(stmt)
        return None if export_id is None else self.session.get(AtsExport, export_id)

    def get_export(self, export_id: int, *, for_update: bool = False) -> AtsExport | None:
        query = select(AtsExport).where(
            AtsExport.workspace_id == self.workspace_id, AtsExport.id == export_id
        )
        if for_update:
            query = query.with_for_update()
        return self.session.scalars(query).one_or_none()

    def exports_by_candidate(
        self, connection_id: int, candidate_ids: Iterable[int]
    ) -> dict[int, list[AtsExport]]:
        query = (
            select(AtsExport)
            .where(
                AtsExport.workspace_id == self.workspace_id,
                AtsExport.connection_id == connection_id,
                AtsExport.candidate_id.in_(list(candidate_ids)),
            )
            .order_by(AtsExport.updated_at.desc(), AtsExport.id.desc())
        )
        grouped: dict[int, list[AtsExport]] = {}
        for export in self.session.scalars(query):
            grouped.setdefault(export.candidate_id, []).append(export)
        return grouped

    def exports_with_status(self, connection_id: int, status: ExportStatus) -> list[AtsExport]:
        query = select(AtsExport).where(
            AtsExport.workspace_id == self.workspace_id,
            AtsExport.connection_id == connection_id,
            AtsExport.status == status,
        )
        return list(self.session.scalars(query))

    def candidate_ids_in_workspace(self, candidate_ids: Iterable[int]) -> set[int]:
        query = select(Candidate.id).where(
            Candidate.workspace_id == self.workspace_id, Candidate.id.in_(list(candidate_ids))
        )
        return set(self.session.scalars(query))

    # -- hires -----------------------------------------------------------------------------------

    def exports_awaiting_hire(self, connection_id: int) -> list[tuple[AtsExport, str | None]]:
        """Exported applications not yet known hired, each with the person's id in the ATS."""
        link = AtsCandidateLink
        query = (
            select(AtsExport, link.ats_candidate_id)
            .outerjoin(
                link,
                (link.connection_id == AtsExport.connection_id)
                & (link.candidate_id == AtsExport.candidate_id),
            )
            .where(
                AtsExport.workspace_id == self.workspace_id,
                AtsExport.connection_id == connection_id,
                AtsExport.status == ExportStatus.EXPORTED,
                AtsExport.hired_at.is_(None),
            )
            .order_by(AtsExport.id)
        )
        return [(export, ats_id) for export, ats_id in self.session.execute(query).all()]

    def record_hire(self, export_id: int, hired_at: datetime, application_id: str) -> bool:
        """Set the export's hire once: True only for the call that set it (a conditional
        update, so two runs at once cannot both record the same hire)."""
        stmt = (
            update(AtsExport)
            .where(
                AtsExport.workspace_id == self.workspace_id,
                AtsExport.id == export_id,
                AtsExport.hired_at.is_(None),
            )
            .values(
                hired_at=hired_at,
                ats_application_id=func.coalesce(AtsExport.ats_application_id, application_id),
            )
            .execution_options(synchronize_session=False)
        )
        return bool(self.session.execute(stmt).rowcount)  # type: ignore[attr-defined]

    def mark_hire_checked(self, checked: Sequence[tuple[int, str | None]], now: datetime) -> None:
        """Each `(export id, application id found or None)` was read straight from the ATS."""
        for export_id, application_id in checked:
            # A check is no change to the export: `updated_at` (recent exports' order) stays.
            values: dict[str, Any] = {"hire_checked_at": now, "updated_at": AtsExport.updated_at}
            if application_id is not None:
                values["ats_application_id"] = func.coalesce(
                    AtsExport.ats_application_id, application_id
                )
            stmt = (
                update(AtsExport)
                .where(AtsExport.workspace_id == self.workspace_id, AtsExport.id == export_id)
                .values(**values)
                .execution_options(synchronize_session=False)
            )
            self.session.execute(stmt)

    def hire_sync_state(self, connection_id: int) -> AtsHireSyncState:
        """The connection's hires read state, created on first use."""
        insert = dialect_insert(self.session)(AtsHireSyncState).values(connection_id=connection_id)
        self.session.execute(insert.on_conflict_do_nothing())
        state = self.session.get(AtsHireSyncState, connection_id)
        assert state is not None
        self.session.refresh(state)
        return state

    # -- health --------------------------------------------------------------------------------

    def hire_state(self, connection_id: int) -> AtsHireSyncState | None:
        """The hires read state as it stands (None before the first run); creates nothing."""
        return self.session.get(AtsHireSyncState, connection_id)

    def hire_watch_counts(self, connection_id: int) -> tuple[int, int]:
        """(exported applications not yet known hired, those of them never read straight from
        the ATS: waiting for their first direct check)."""
        query = select(func.count(), func.count(AtsExport.hire_checked_at)).where(
            AtsExport.workspace_id == self.workspace_id,
            AtsExport.connection_id == connection_id,
            AtsExport.status == ExportStatus.EXPORTED,
            AtsExport.hired_at.is_(None),
        )
        watched, checked = self.session.execute(query).one()
        return int(watched), int(watched) - int(checked)

    def recent_exports(self, connection_id: int, limit: int = 20) -> list[tuple[AtsExport, str]]:
        query = (
            select(AtsExport, Candidate.full_name)
            .join(Candidate, Candidate.id == AtsExport.candidate_id)
            .where(AtsExport.workspace_id == self.workspace_id)
            .where(AtsExport.connection_id == connection_id)
            .order_by(AtsExport.updated_at.desc(), AtsExport.id.desc())
            .limit(limit)
        )
        return [(export, name) for export, name in self.session.execute(query).all()]

    def export_counts(self, connection_id: int) -> dict[str, int]:
        query = (
            select(AtsExport.status, func.count())
            .where(AtsExport.workspace_id == self.workspace_id)
            .where(AtsExport.connection_id == connection_id)
            .group_by(AtsExport.status)
        )
        return {str(status): int(count) for status, count in self.session.execute(query).all()}

    def failures_by_reason(self, connection_id: int) -> list[tuple[str, int]]:
        query = (
            select(AtsExport.last_error, func.count())
            .where(AtsExport.workspace_id == self.workspace_id)
            .where(AtsExport.connection_id == connection_id)
            .where(AtsExport.status == ExportStatus.FAILED)
            .group_by(AtsExport.last_error)
            .order_by(func.count().desc())
        )
        return [(reason, int(count)) for reason, count in self.session.execute(query).all()]

    def waiting_tasks(self) -> dict[str, int]:
        query = (
            select(Task.name, func.count())
            .where(Task.workspace_id == self.workspace_id, Task.name.like("ats.%"))
            .where(Task.status.in_((TaskStatus.QUEUED, TaskStatus.RUNNING)))
            .group_by(Task.name)
        )
        return {name: int(count) for name, count in self.session.execute(query).all()}

    def index_state(self, connection_id: int) -> AtsIndexState | None:
        return self.session.get(AtsIndexState, connection_id)

    def index_size(self, connection_id: int) -> int:
        query = select(func.count(func.distinct(AtsIdentityEntry.ats_candidate_id))).where(
            AtsIdentityEntry.connection_id == connection_id
        )
        return int(self.session.scalar(query) or 0)


# -- the identity index and the locks (used by the task flows) --------------------------------


def identity_matches(
    session: Session, connection_id: int, emails: Sequence[str], linkedin_url: str | None
) -> list[str]:
    """ATS ids holding any of these normalised emails or the LinkedIn URL, best match first."""
    clauses = []
    if emails:
        clauses.append((AtsIdentityEntry.kind == "email") & AtsIdentityEntry.value.in_(emails))
    if linkedin_url:
        clauses.append(
            (AtsIdentityEntry.kind == "linkedin") & (AtsIdentityEntry.value == linkedin_url)
        )
    if not clauses:
        return []
    query = (
        select(AtsIdentityEntry.ats_candidate_id, func.count())
        .where(AtsIdentityEntry.connection_id == connection_id, or_(*clauses))
        .group_by(AtsIdentityEntry.ats_candidate_id)
        # The person matching the most keys first; then the oldest (the original of duplicates).
        .order_by(func.count().desc(), func.min(AtsIdentityEntry.id))
    )
    return [ats_id for ats_id, _count in session.execute(query).all()]


def store_index_page(
    session: Session, connection_id: int, people: Sequence[base.AtsCandidate], now: datetime
) -> None:
    """Replace the entries of the people on this page with what the ATS says now.

    Only the people read are touched: a page never removes anyone else, so a partial read loses
    nothing.
    """
    if not people:
        return
    ids = [person.id for person in people]
    session.execute(
        delete(AtsIdentityEntry).where(
            AtsIdentityEntry.connection_id == connection_id,
            AtsIdentityEntry.ats_candidate_id.in_(ids),
        )
    )
    rows = {
        (kind, value, person.id)
        for person in people
        for kind, values in (("email", person.emails), ("linkedin", person.linkedin_urls))
        for value in values
        if value
    }
    add_identity_rows(session, connection_id, rows, now)


def add_identity_rows(
    session: Session, connection_id: int, rows: Iterable[tuple[str, str, str]], now: datetime
) -> None:
    values = [
        {
            "connection_id": connection_id,
            "kind": kind,
            "value": value[:320],
            "ats_candidate_id": ats_id,
            "seen_at": now,
        }
        for kind, value, ats_id in rows
    ]
    if values:
        insert = dialect_insert(session)(AtsIdentityEntry).values(values)
        session.execute(insert.on_conflict_do_nothing())


def repoint_identity(session: Session, connection_id: int, old_id: str, new_id: str | None) -> None:
    """After a merge (`new_id`) or a delete (None) in the ATS."""
    if new_id is None:
        session.execute(
            delete(AtsIdentityEntry).where(
                AtsIdentityEntry.connection_id == connection_id,
                AtsIdentityEntry.ats_candidate_id == old_id,
            )
        )
        return
    rows = session.execute(
        select(AtsIdentityEntry.kind, AtsIdentityEntry.value).where(
            AtsIdentityEntry.connection_id == connection_id,
            AtsIdentityEntry.ats_candidate_id == old_id,
        )
    ).all()
    moved = [(kind, value, new_id) for kind, value in rows]
    repoint_identity(session, connection_id, old_id, None)
    add_identity_rows(session, connection_id, moved, utcnow())


def try_lock(
    session: Session, model: Any, where: Any, holder: str, until: datetime, now: datetime
) -> bool:
    """Take a row lock with an expiry (a killed holder's lock lapses); True if now held."""
    stmt = (
        update(model)
        .where(where)
        .where(or_(model.locked_by.is_(None), model.locked_by == holder, model.locked_until < now))
        .values(locked_by=holder, locked_until=until)
        .execution_options(synchronize_session=False)
    )
    return bool(session.execute(stmt).rowcount)  # type: ignore[attr-defined]


def release_lock(session: Session, model: Any, where: Any, holder: str) -> None:
    stmt = (
        update(model)
        .where(where, model.locked_by == holder)
        .values(locked_by=None, locked_until=None)
        .execution_options(synchronize_session=False)
    )
    session.execute(stmt)
