"""Transactional enqueue, unique keys, retry and cancel, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from openpin.db import transaction
from openpin.errors import Conflict, NotFound
from openpin.models.base import utcnow
from openpin.models.task import Task, TaskStatus
from openpin.worker import (
    PermanentError,
    Registry,
    TaskContext,
    Worker,
    cancel_task,
    enqueue_task,
    prune_finished_tasks,
    retry_task,
)
from tests.fixtures.database import both_backends
from tests.worker.helpers import add_task, effect_count, load
from tests.worker.worker_process import handlers, record_effect

pytestmark = both_backends


def task_count(factory: sessionmaker[Session]) -> int:
    with factory() as session:
        return int(session.scalar(select(func.count()).select_from(Task)) or 0)


def test_rolled_back_transaction_enqueues_nothing(factory: sessionmaker[Session]) -> None:
    with pytest.raises(RuntimeError), transaction(factory) as session:
        assert enqueue_task(session, "test.record", args={"n": 1}) is not None
        raise RuntimeError("the request failed after enqueueing")
    assert task_count(factory) == 0


def test_committed_task_runs(
    factory: sessionmaker[Session], make_worker: Callable[..., Worker]
) -> None:
    task_id = add_task(factory, "test.record", args={"n": 7})
    assert make_worker(handlers).run_once() == 1
    task = load(factory, task_id)
    assert (task.status, task.attempts, task.locked_by) == (TaskStatus.SUCCEEDED, 1, None)
    assert task.finished_at is not None
    assert effect_count(factory, task_id) == 1


def test_unique_key_dedupes_while_unfinished(
    factory: sessionmaker[Session], make_worker: Callable[..., Worker]
) -> None:
    first = add_task(factory, "test.record", args={"n": 1}, unique_key="sync:1")
    with transaction(factory) as session:
        assert enqueue_task(session, "test.record", args={"n": 2}, unique_key="sync:1") is None
        assert enqueue_task(session, "test.record", args={"n": 3}, unique_key="sync:2")
    assert task_count(factory) == 2
    make_worker(handlers, batch_size=10).run_once()
    assert load(factory, first).status == TaskStatus.SUCCEEDED
    # Finished tasks keep their key but no longer hold it.
    second = add_task(factory, "test.record", args={"n": 4}, unique_key="sync:1")
    assert second != first


def test_unique_key_holds_under_concurrent_transactions(factory: sessionmaker[Session]) -> None:
    barrier = threading.Barrier(4)
    results: list[Task | None] = []

    def enqueue_once() -> None:
        with transaction(factory) as session:
            barrier.wait()
            results.append(enqueue_task(session, "test.record", args={"n": 1}, unique_key="k"))
            time.sleep(0.05)  # keep the transaction open while the others try

    threads = [threading.Thread(target=enqueue_once) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(result is not None for result in results) == 1
    assert task_count(factory) == 1


def test_failed_task_is_retryable_by_hand(
    factory: sessionmaker[Session], make_worker: Callable[..., Worker]
) -> None:
    calls: list[int] = []
    registry = Registry()

    @registry.task("test.flaky_import")
    def flaky(ctx: TaskContext) -> None:
        calls.append(ctx.attempt)
        if len(calls) == 1:
            raise PermanentError("The file is not a CSV; upload a CSV file.")
        record_effect(ctx)

    task_id = add_task(factory, "test.flaky_import", unique_key="import:1")
    make_worker(registry).run_once()
    failed = load(factory, task_id)
    assert (failed.status, failed.attempts) == (TaskStatus.FAILED, 1)
    assert failed.last_error == "The file is not a CSV; upload a CSV file."

    with transaction(factory) as session:
        retry_task(session, task_id)
    make_worker(registry).run_once()
    assert load(factory, task_id).status == TaskStatus.SUCCEEDED
    assert calls == [1, 1]  # a retried task starts a fresh attempt budget
    assert effect_count(factory, task_id) == 1


def test_retry_refused_while_the_key_is_held_again(factory: sessionmaker[Session]) -> None:
    task_id = add_task(factory, "test.record", args={"n": 1}, unique_key="k")
    with pytest.raises(Conflict), transaction(factory) as session:
        retry_task(session, task_id)  # queued: nothing to retry
    with transaction(factory) as session:
        cancel_task(session, task_id)
    add_task(factory, "test.record", args={"n": 2}, unique_key="k")
    with pytest.raises(Conflict, match="already queued or running"), transaction(factory) as s:
        retry_task(s, task_id)


def test_cancelled_task_never_runs(
    factory: sessionmaker[Session], make_worker: Callable[..., Worker]
) -> None:
    task_id = add_task(factory, "test.record", args={"n": 1})
    with transaction(factory) as session:
        assert cancel_task(session, task_id).status == TaskStatus.CANCELLED
    assert make_worker(handlers).run_once() == 0
    assert effect_count(factory) == 0
    with pytest.raises(Conflict), transaction(factory) as session:
        cancel_task(session, task_id)


def test_workspace_scoped_lookup_hides_other_workspaces(factory: sessionmaker[Session]) -> None:
    task_id = add_task(factory, "test.record", args={"n": 1})
    with pytest.raises(NotFound), transaction(factory) as session:
        cancel_task(session, task_id, workspace_id=12345)


def test_enqueue_rejects_bad_names_and_arguments(factory: sessionmaker[Session]) -> None:
    with factory() as session:
        with pytest.raises(ValueError, match=r"<domain>\.<verb>"):
            enqueue_task(session, "ExportCandidate", args={})
        with pytest.raises(ValueError, match="JSON"):
            enqueue_task(session, "test.record", args={"when": object()})


def test_prune_deletes_old_finished_tasks_but_keeps_failures(
    factory: sessionmaker[Session],
) -> None:
    old, recent = utcnow() - timedelta(days=30), utcnow()
    finished = [(TaskStatus.SUCCEEDED, old), (TaskStatus.CANCELLED, old)]
    kept = [(TaskStatus.SUCCEEDED, recent), (TaskStatus.FAILED, old), (TaskStatus.QUEUED, None)]
    with transaction(factory) as session:
        for status, finished_at in finished + kept:
            task = enqueue_task(session, "test.record", args={"n": 1})
            assert task is not None
            task.status, task.finished_at = status, finished_at
    with transaction(factory) as session:
        assert prune_finished_tasks(session, older_than=timedelta(days=7)) == 2
    with factory() as session:
        remaining = session.execute(select(Task.status, Task.finished_at)).all()
        assert sorted(status for status, _ in remaining) == sorted(s for s, _ in kept)
