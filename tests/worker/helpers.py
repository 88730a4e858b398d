"""Small helpers shared by the worker tests."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from openpin.db import transaction
from openpin.models.base import utcnow
from openpin.models.task import Task
from openpin.worker import enqueue_task
from tests.worker.worker_process import effects, runs


def wait_until(predicate: Callable[[], bool], timeout: float = 10.0, step: float = 0.02) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s")
        time.sleep(step)


def add_task(factory: sessionmaker[Session], name: str, **kwargs: Any) -> int:
    """Enqueue one task in its own committed transaction; returns its id."""
    kwargs.setdefault("args", {})
    with transaction(factory) as session:
        task = enqueue_task(session, name, **kwargs)
        assert task is not None
        return task.id


def load(factory: sessionmaker[Session], task_id: int) -> Task:
    with factory() as session:
        task = session.get(Task, task_id)
        assert task is not None
        return task


def make_due(factory: sessionmaker[Session], task_id: int) -> None:
    """Pull a backed-off task's run_at to now, so the test need not wait for it."""
    with transaction(factory) as session:
        task = session.get(Task, task_id)
        assert task is not None
        task.run_at = utcnow()


def count_rows(factory: sessionmaker[Session], table: Any, **where: Any) -> int:
    stmt = select(func.count()).select_from(table)
    for column, value in where.items():
        stmt = stmt.where(table.c[column] == value)
    with factory() as session:
        return int(session.scalar(stmt) or 0)


def effect_count(factory: sessionmaker[Session], task_id: int | None = None) -> int:
    return count_rows(factory, effects, **({} if task_id is None else {"task_id": task_id}))


def run_count(factory: sessionmaker[Session], task_id: int | None = None) -> int:
    return count_rows(factory, runs, **({} if task_id is None else {"task_id": task_id}))
