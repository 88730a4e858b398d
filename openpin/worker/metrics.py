"""Figures about the queue for monitoring (the Prometheus exporter reads these)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from openpin.models.base import utcnow
from openpin.models.task import Task, TaskStatus


def queue_depth(session: Session) -> dict[str, int]:
    """Number of tasks in each status, every status present."""
    rows = session.execute(select(Task.status, func.count()).group_by(Task.status)).all()
    depth = {status.value: 0 for status in TaskStatus}
    depth.update({TaskStatus(status).value: count for status, count in rows})
    return depth


def oldest_due_age_seconds(session: Session, now: datetime | None = None) -> float:
    """How long the longest-waiting due task has been due; 0 when none waits.

    Growing steadily means workers are down or too few for the load.
    """
    now = now or utcnow()
    stmt = select(func.min(Task.run_at)).where(Task.status == TaskStatus.QUEUED, Task.run_at <= now)
    oldest = session.scalar(stmt)
    return max((now - oldest).total_seconds(), 0.0) if oldest is not None else 0.0
