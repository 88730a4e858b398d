"""Enqueue, retry and cancel tasks inside the caller's transaction (the transactional outbox).

Nothing here commits: a task becomes visible to workers exactly when the change that caused it
commits, and a rolled-back change enqueues nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from openpin.errors import Conflict, NotFound
from openpin.models.base import utcnow
from openpin.models.task import ACTIVE_TASK_PREDICATE, Task, TaskStatus
from openpin.worker.registry import check_task_name

ACTIVE = (TaskStatus.QUEUED, TaskStatus.RUNNING)


def enqueue_task(
    session: Session,
    name: str,
    *,
    args: dict[str, Any],
    workspace_id: int | None = None,
    run_at: datetime | None = None,
    unique_key: str | None = None,
    priority: int = 0,
    max_attempts: int | None = None,
) -> Task | None:
    """Add a task to the caller's transaction; None if `unique_key` is held by an unfinished task.

    Arguments must be JSON (ids, not objects). Dedupe is an INSERT .. ON CONFLICT DO NOTHING on the
    partial unique index, so two racing transactions cannot both add the key: on PostgreSQL the
    second waits for the first to commit or roll back, on SQLite writers are serialised.
    """
    check_task_name(name)
    _check_json(args)
    if max_attempts is not None and max_attempts < 1:
        raise ValueError("max_attempts must be at least 1")
    values = {
        "name": name,
        "args": args,
        "workspace_id": workspace_id,
        "run_at": run_at or utcnow(),
        "unique_key": unique_key,
        "priority": priority,
        "max_attempts": max_attempts,
        "status": TaskStatus.QUEUED,
        "attempts": 0,
    }
    stmt = (
        dialect_insert(session)(Task)
        .values(**values)
        .on_conflict_do_nothing(
            index_elements=[Task.unique_key], index_where=text(ACTIVE_TASK_PREDICATE)
        )
        .returning(Task)
    )
    return session.scalars(stmt).one_or_none()


def retry_task(session: Session, task_id: int, *, workspace_id: int | None = None) -> Task:
    """Queue a failed or cancelled task again now, with a fresh attempt budget."""
    task = _get(session, task_id, workspace_id)
    if task.status not in (TaskStatus.FAILED, TaskStatus.CANCELLED):
        raise Conflict(
            f"Task {task_id} is {task.status.value}; only failed or cancelled tasks can be retried."
        )
    if task.unique_key is not None and _key_is_held(session, task.unique_key):
        raise Conflict(
            f"Another task with key {task.unique_key!r} is already queued or running.",
            hint="Wait for it to finish, or cancel it first.",
        )
    task.status = TaskStatus.QUEUED
    task.run_at = utcnow()
    task.attempts = 0
    task.finished_at = None
    session.flush()
    return task


def cancel_task(session: Session, task_id: int, *, workspace_id: int | None = None) -> Task:
    """Cancel a queued or running task. A running handler's writes are then rolled back."""
    task = _get(session, task_id, workspace_id)
    if task.status not in ACTIVE:
        raise Conflict(
            f"Task {task_id} is already {task.status.value}; there is nothing to cancel."
        )
    # The runner completes a task only while it is still `running` under its lease, so a handler
    # already under way finds its completion refused and rolls back.
    task.status = TaskStatus.CANCELLED
    task.locked_by = None
    task.locked_until = None
    task.finished_at = utcnow()
    session.flush()
    return task


def _get(session: Session, task_id: int, workspace_id: int | None) -> Task:
    stmt = select(Task).where(Task.id == task_id).with_for_update()
    if workspace_id is not None:
        stmt = stmt.where(Task.workspace_id == workspace_id)
    task = session.scalars(stmt).one_or_none()
    if task is None:
        raise NotFound(f"Task {task_id} does not exist.")
    return task


def _key_is_held(session: Session, unique_key: str) -> bool:
    stmt = select(Task.id).where(Task.unique_key == unique_key, Task.status.in_(ACTIVE)).limit(1)
    return session.scalar(stmt) is not None


def dialect_insert(session: Session) -> Callable[..., Any]:
    """The INSERT construct with ON CONFLICT support for the session's database."""
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


def prune_finished_tasks(session: Session, *, older_than: timedelta) -> int:
    """Delete succeeded and cancelled tasks finished before `older_than` ago; failed ones stay."""
    stmt = delete(Task).where(
        Task.status.in_((TaskStatus.SUCCEEDED, TaskStatus.CANCELLED)),
        Task.finished_at < utcnow() - older_than,
    )
    return session.execute(stmt).rowcount  # type: ignore[attr-defined]


def _check_json(args: dict[str, Any]) -> None:
    # Fail at the call site, not later at flush or in the worker.
    try:
        json.dumps(args)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"task args must be JSON-serialisable (pass ids): {exc}") from None
