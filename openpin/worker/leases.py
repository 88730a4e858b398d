"""The SQL of leasing: claim due tasks, rescue expired leases, heartbeat, finish under the lease.

Every write to a leased task is guarded by `status = 'running' AND locked_by = <worker> AND
attempts = <the claim's attempt>`, so a worker whose lease was reclaimed (it stalled, the task was
cancelled) changes nothing: its guarded UPDATE matches no row and it rolls back.

Claims pick rows in a materialised CTE, `SELECT .. FOR UPDATE SKIP LOCKED LIMIT n`, then UPDATE
exactly those: on PostgreSQL concurrent workers skip each other's rows instead of queueing on them
(as an `IN (subquery)` the planner may re-run the locking subquery per row, locking more than n
and waiting on rows others hold). SQLite ignores the locking clause and relies on its single
writer (every transaction starts with BEGIN IMMEDIATE, see `openpin.db`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import CTE, ColumnElement, Select, literal, select, update
from sqlalchemy.orm import Session

from openpin.models.task import Task, TaskStatus


@dataclass(frozen=True)
class ClaimedTask:
    """A task row as claimed; plain data, so it outlives the claim's session."""

    id: int
    name: str
    args: dict[str, Any]
    attempt: int
    max_attempts: int | None
    workspace_id: int | None
    last_error: str | None


@dataclass(frozen=True)
class Lease:
    worker_id: str
    attempt: int

    def guard(self, task_id: int) -> list[ColumnElement[bool]]:
        return [
            Task.id == task_id,
            Task.status == TaskStatus.RUNNING,
            Task.locked_by == self.worker_id,
            Task.attempts == self.attempt,
        ]


def rescue_expired(session: Session, now: datetime) -> int:
    """Put tasks whose worker stopped heartbeating back in the queue (the claim counts as tried)."""
    expired = _locked_cte(
        select(Task.id)
        .where(Task.status == TaskStatus.RUNNING, Task.locked_until < now)
        .with_for_update(skip_locked=True),
        "expired",
    )
    stmt = (
        update(Task)
        .where(Task.id == expired.c.id)
        .values(
            status=TaskStatus.QUEUED,
            last_error=literal("lease expired: worker ") + Task.locked_by + " stopped heartbeating",
            locked_by=None,
            locked_until=None,
        )
        .returning(Task.id)  # counted from RETURNING: sqlite3 reports no rowcount after WITH
        .execution_options(synchronize_session=False)
    )
    return len(session.execute(stmt).all())


def claim_due(
    session: Session, worker_id: str, lease_seconds: float, limit: int, now: datetime
) -> list[ClaimedTask]:
    """Lease up to `limit` due tasks, highest priority then oldest first."""
    due = _locked_cte(
        select(Task.id)
        .where(Task.status == TaskStatus.QUEUED, Task.run_at <= now)
        .order_by(Task.priority.desc(), Task.run_at, Task.id)
        .limit(limit)
        .with_for_update(skip_locked=True),
        "due",
    )
    stmt = (
        update(Task)
        .where(Task.id == due.c.id)
        .values(
            status=TaskStatus.RUNNING,
            locked_by=worker_id,
            locked_until=now + timedelta(seconds=lease_seconds),
            attempts=Task.attempts + 1,
        )
        .returning(
            Task.id,
            Task.name,
            Task.args,
            Task.attempts,
            Task.max_attempts,
            Task.workspace_id,
            Task.last_error,
            Task.priority,
            Task.run_at,
        )
        .execution_options(synchronize_session=False)
    )
    # RETURNING has no order; run the batch in the order it was chosen.
    rows = sorted(session.execute(stmt).all(), key=lambda r: (-r.priority, r.run_at, r.id))
    return [ClaimedTask(*row[:7]) for row in rows]


def _locked_cte(query: Select[int], name: str) -> CTE:
    # MATERIALIZED: evaluated once, so exactly the rows it locked are the rows updated.
    return query.cte(name).prefix_with("MATERIALIZED", dialect="postgresql")


def extend(session: Session, worker_id: str, task_ids: list[int], until: datetime) -> int:
    """Heartbeat: push the lease of tasks this worker still holds."""
    stmt = (
        update(Task)
        .where(
            Task.id.in_(task_ids),
            Task.status == TaskStatus.RUNNING,
            Task.locked_by == worker_id,
        )
        .values(locked_until=until)
        .execution_options(synchronize_session=False)
    )
    return session.execute(stmt).rowcount  # type: ignore[attr-defined]


def finish(session: Session, task_id: int, lease: Lease, **values: Any) -> bool:
    """Apply `values` to a task only if this lease still holds it; False if it was lost."""
    stmt = (
        update(Task)
        .where(*lease.guard(task_id))
        .values(locked_by=None, locked_until=None, **values)
        .execution_options(synchronize_session=False)
    )
    return session.execute(stmt).rowcount == 1  # type: ignore[attr-defined]
