"""Real worker processes: SIGKILL mid-task, SIGTERM, and many workers sharing one queue."""

from __future__ import annotations

import signal
import subprocess
from collections.abc import Callable

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from openpin.db import transaction
from openpin.models.task import Task, TaskStatus
from openpin.worker import enqueue_task
from tests.fixtures.database import both_backends
from tests.worker.helpers import add_task, effect_count, load, run_count, wait_until
from tests.worker.worker_process import effects, runs

pytestmark = [both_backends, pytest.mark.slow]

Spawn = Callable[..., list[subprocess.Popen[str]]]
LEASE = ("--lease", "1")


def test_a_killed_workers_task_is_finished_by_another_after_the_lease(
    factory: sessionmaker[Session], spawn_workers: Spawn
) -> None:
    (doomed,) = spawn_workers("w-doomed", options=LEASE)
    task_id = add_task(
        factory, "test.slow", args={"seconds": 60, "first_attempt_only": True}, max_attempts=3
    )
    wait_until(lambda: run_count(factory, task_id) == 1)
    doomed.send_signal(signal.SIGKILL)
    assert doomed.wait(timeout=10) == -signal.SIGKILL
    orphaned = load(factory, task_id)
    assert (orphaned.status, orphaned.locked_by) == (TaskStatus.RUNNING, "w-doomed")
    assert orphaned.locked_until is not None

    spawn_workers("w-rescuer", options=LEASE)
    wait_until(lambda: load(factory, task_id).status == TaskStatus.SUCCEEDED)
    task = load(factory, task_id)
    assert task.attempts == 2
    assert task.finished_at is not None and task.finished_at >= orphaned.locked_until
    assert "w-doomed stopped heartbeating" in (task.last_error or "")
    with factory() as session:
        assert session.scalars(select(effects.c.worker_id)).all() == ["w-rescuer"]


def test_sigterm_finishes_the_current_task_and_claims_no_more(
    factory: sessionmaker[Session], spawn_workers: Spawn
) -> None:
    (worker,) = spawn_workers("w-stopping", options=LEASE)
    current = add_task(factory, "test.slow", args={"seconds": 1.0}, priority=1)
    waiting = add_task(factory, "test.record", args={"n": 1})
    wait_until(lambda: run_count(factory, current) == 1)
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(timeout=10) == 0
    assert load(factory, current).status == TaskStatus.SUCCEEDED
    assert effect_count(factory, current) == 1
    assert (load(factory, waiting).status, load(factory, waiting).attempts) == (
        TaskStatus.QUEUED,
        0,
    )


def test_many_tasks_across_four_processes_each_run_exactly_once(
    factory: sessionmaker[Session], spawn_workers: Spawn
) -> None:
    worker_ids = [f"w{i}" for i in range(4)]
    procs = spawn_workers(*worker_ids, options=("--lease", "5", "--poll", "0.02"))
    with transaction(factory) as session:  # all at once, so the workers race from the start
        for n in range(1000):
            enqueue_task(session, "test.record", args={"n": n})
    wait_until(lambda: _done(factory) == 1000, timeout=120, step=0.2)
    for proc in procs:
        proc.send_signal(signal.SIGTERM)
    assert [proc.wait(timeout=10) for proc in procs] == [0, 0, 0, 0]

    with factory() as session:
        # One start per task: no task was ever run twice, so never by two workers at once.
        started = session.execute(select(runs.c.task_id, runs.c.worker_id)).all()
        assert len(started) == 1000 and len({task_id for task_id, _ in started}) == 1000
        # One side effect per task, from the worker that ran it (unique on task_id).
        assert set(session.execute(select(effects.c.task_id, effects.c.worker_id))) == set(started)
        per_worker = session.execute(select(runs.c.worker_id, func.count()).group_by("worker_id"))
        assert {worker_id for worker_id, _ in per_worker} == set(worker_ids)
        assert session.scalar(select(func.max(Task.attempts))) == 1


def _done(factory: sessionmaker[Session]) -> int:
    with factory() as session:
        stmt = select(func.count()).where(Task.status == TaskStatus.SUCCEEDED)
        return int(session.scalar(stmt) or 0)
