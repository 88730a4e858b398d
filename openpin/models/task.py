"""Background work as rows: the transactional outbox the worker claims with a lease."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from openpin.models.base import (
    Base,
    Id,
    IdMixin,
    JsonType,
    TimestampMixin,
    UtcDateTime,
    enum_type,
    utcnow,
)


class TaskStatus(enum.StrEnum):
    QUEUED = "queued"  # waiting for run_at
    RUNNING = "running"  # leased by a worker until locked_until
    SUCCEEDED = "succeeded"
    FAILED = "failed"  # attempts exhausted or a permanent error; kept, retryable by hand
    CANCELLED = "cancelled"


# A task counts for `unique_key` only while unfinished. The same text is the partial index's
# predicate and the ON CONFLICT target's predicate; PostgreSQL and SQLite need them to match.
ACTIVE_TASK_PREDICATE = "status IN ('queued', 'running')"


class Task(IdMixin, TimestampMixin, Base):
    __tablename__ = "task"
    __table_args__ = (
        Index("ix_task_due", "status", "run_at"),
        # Partial unique index: a finished task keeps its key for the record but no longer blocks
        # a new one, with no clean-up write needed when it finishes.
        Index(
            "uq_task_active_unique_key",
            "unique_key",
            unique=True,
            sqlite_where=text(ACTIVE_TASK_PREDICATE),
            postgresql_where=text(ACTIVE_TASK_PREDICATE),
        ),
    )

    name: Mapped[str] = mapped_column(String(100))
    args: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)
    workspace_id: Mapped[int | None] = mapped_column(
        Id, ForeignKey("workspace.id", ondelete="CASCADE"), nullable=True, index=True
    )
    status: Mapped[TaskStatus] = mapped_column(enum_type(TaskStatus), default=TaskStatus.QUEUED)
    # While a task with this key is queued or running, enqueueing the same key adds nothing.
    unique_key: Mapped[str | None] = mapped_column(String(300), nullable=True)
    # Higher runs first among due tasks.
    priority: Mapped[int] = mapped_column(Integer, default=0)
    run_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    # Incremented by every claim, so a crash counts as an attempt and the count fences the lease.
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # Per-task override; NULL means the handler's setting, else the worker's configured default.
    max_attempts: Mapped[int | None] = mapped_column(Integer, nullable=True)
    locked_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class TaskSchedule(Base):
    """When each periodic task is next due, shared by every scheduler.

    A scheduler enqueues only if its compare-and-set UPDATE moves `next_run_at` forward, so any
    number of schedulers enqueue at most once per period, and a restart resumes where it left off.
    """

    __tablename__ = "task_schedule"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    next_run_at: Mapped[datetime] = mapped_column(UtcDateTime())
    last_enqueued_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
