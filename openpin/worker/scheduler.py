"""Periodic tasks, enqueued at most once per period however many workers tick.

    @periodic("analytics.refresh_funnels", every=3600)
    def refresh_funnels(ctx: TaskContext) -> None: ...

Periods are buckets aligned to the Unix epoch, so every worker agrees on where one ends. Each
schedule has a `task_schedule` row holding when it is next due; a tick enqueues only if its
compare-and-set UPDATE (`next_run_at <= now` -> end of the current bucket) changes the row, in
the same transaction as the enqueue. On PostgreSQL a concurrent tick waits on the row lock and
then re-reads `next_run_at`, which no longer matches; on SQLite ticks are serialised. The row
survives restarts, and a missed period is enqueued once, not once per missed bucket.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from openpin.db import transaction
from openpin.models.base import utcnow
from openpin.models.task import TaskSchedule
from openpin.worker.enqueue import dialect_insert, enqueue_task
from openpin.worker.registry import Backoff, Handler, Registry, Schedule, registry


def periodic(
    name: str,
    *,
    every: float,
    args: dict[str, Any] | None = None,
    max_attempts: int | None = None,
    retry: Backoff | None = None,
    task_registry: Registry | None = None,
) -> Callable[[Handler], Handler]:
    """Register a handler and run it every `every` seconds (default registry unless given)."""
    target = task_registry if task_registry is not None else registry

    def register(handler: Handler) -> Handler:
        target.task(name, max_attempts=max_attempts, retry=retry)(handler)
        target.add_schedule(Schedule(name, float(every), dict(args or {})))
        return handler

    return register


def period_start(now: datetime, every_seconds: float) -> datetime:
    bucket = math.floor(now.timestamp() / every_seconds) * every_seconds
    return datetime.fromtimestamp(bucket, UTC)


class Scheduler:
    def __init__(self, session_factory: sessionmaker[Session], task_registry: Registry) -> None:
        self._factory = session_factory
        self._registry = task_registry
        # Local hint only (skips a write per poll); the database decides.
        self._next_check: dict[str, datetime] = {}

    def tick(self, now: datetime | None = None) -> list[str]:
        """Enqueue every schedule due at `now`; returns the names this call enqueued."""
        now = now or utcnow()
        due = [s for s in self._registry.schedules if self._locally_due(s, now)]
        if not due:
            return []
        with transaction(self._factory) as session:
            fired = [s.name for s in due if enqueue_if_due(session, s, now)]
        for schedule in due:
            start = period_start(now, schedule.every_seconds)
            self._next_check[schedule.name] = start + timedelta(seconds=schedule.every_seconds)
        return fired

    def _locally_due(self, schedule: Schedule, now: datetime) -> bool:
        next_check = self._next_check.get(schedule.name)
        return next_check is None or next_check <= now


def enqueue_if_due(session: Session, schedule: Schedule, now: datetime) -> bool:
    """Claim this period for `schedule` and enqueue its task; True if a task was added."""
    start = period_start(now, schedule.every_seconds)
    _ensure_row(session, schedule.name, start)
    claim = (
        update(TaskSchedule)
        .where(TaskSchedule.name == schedule.name, TaskSchedule.next_run_at <= now)
        .values(next_run_at=start + timedelta(seconds=schedule.every_seconds), last_enqueued_at=now)
        .execution_options(synchronize_session=False)
    )
    if session.execute(claim).rowcount != 1:  # type: ignore[attr-defined]
        return False
    # The key keeps a slow run from overlapping the next one: a period whose previous run is
    # still queued or running is skipped.
    key = f"periodic:{schedule.name}"
    return enqueue_task(session, schedule.name, args=schedule.args, unique_key=key) is not None


def _ensure_row(session: Session, name: str, due_at: datetime) -> None:
    insert = dialect_insert(session)
    stmt = insert(TaskSchedule).values(name=name, next_run_at=due_at).on_conflict_do_nothing()
    session.execute(stmt)
