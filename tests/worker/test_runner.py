"""Running tasks in-process: outcomes, retries, leases and atomicity, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from openpin.db import transaction
from openpin.models.base import utcnow
from openpin.models.task import Task, TaskStatus
from openpin.worker import Registry, RetryLater, TaskContext, Worker, cancel_task
from openpin.worker.leases import claim_due, rescue_expired
from openpin.worker.metrics import oldest_due_age_seconds, queue_depth
from tests.fixtures.database import both_backends
from tests.worker.helpers import add_task, effect_count, load, make_due, run_count, wait_until
from tests.worker.worker_process import handlers, mark_started, record_effect

pytestmark = both_backends


class Boom(Exception):
    pass


def test_errors_retry_with_exponential_backoff_then_fail(
    factory: sessionmaker[Session], make_worker: Callable[..., Worker]
) -> None:
    registry = Registry()

    @registry.task("test.always_fails", max_attempts=3)
    def always_fails(ctx: TaskContext) -> None:
        record_effect(ctx)  # rolled back with the failure
        raise Boom(f"upstream said no on attempt {ctx.attempt}")

    task_id = add_task(factory, "test.always_fails")
    worker = make_worker(registry, backoff_base_seconds=10.0, backoff_max_seconds=15.0)
    for attempt, ceiling in [(1, 10.0), (2, 15.0)]:  # 10 * 2^(attempt-1), capped at 15
        before = utcnow()
        worker.run_once()
        task = load(factory, task_id)
        assert (task.status, task.attempts) == (TaskStatus.QUEUED, attempt)
        assert before <= task.run_at <= utcnow() + timedelta(seconds=ceiling)
        assert f"Boom: upstream said no on attempt {attempt}" in (task.last_error or "")
        assert worker.run_once() == 0  # not due yet
        make_due(factory, task_id)
    worker.run_once()
    task = load(factory, task_id)
    assert (task.status, task.attempts) == (TaskStatus.FAILED, 3)
    assert "Traceback" in (task.last_error or "") and "attempt 3" in (task.last_error or "")
    assert effect_count(factory) == 0


def test_retry_later_is_honoured_exactly_and_spends_no_attempt(
    factory: sessionmaker[Session], make_worker: Callable[..., Worker]
) -> None:
    registry = Registry()

    @registry.task("test.rate_limited", max_attempts=1)
    def rate_limited(ctx: TaskContext) -> None:
        raise RetryLater(30, "Greenhouse answered 429 with Retry-After: 30")

    task_id = add_task(factory, "test.rate_limited")
    before = utcnow()
    make_worker(registry).run_once()
    task = load(factory, task_id)
    assert (task.status, task.attempts) == (TaskStatus.QUEUED, 0)
    assert before + timedelta(seconds=30) <= task.run_at <= utcnow() + timedelta(seconds=30)
    assert "Retry-After: 30" in (task.last_error or "")


def test_handler_writes_commit_only_with_success(
    factory: sessionmaker[Session], make_worker: Callable[..., Worker]
) -> None:
    registry = Registry()

    @registry.task("test.half_done")
    def half_done(ctx: TaskContext, fail: bool) -> None:
        record_effect(ctx)
        ctx.session.flush()
        if fail:
            raise Boom("after writing")

    failing = add_task(factory, "test.half_done", args={"fail": True})
    passing = add_task(factory, "test.half_done", args={"fail": False})
    make_worker(registry, batch_size=2).run_once()
    assert (effect_count(factory, failing), effect_count(factory, passing)) == (0, 1)


def test_a_worker_that_lost_its_lease_cannot_complete(
    factory: sessionmaker[Session], make_worker: Callable[..., Worker]
) -> None:
    registry = Registry()

    @registry.task("test.stalls")
    def stalls(ctx: TaskContext) -> None:
        # Meanwhile the lease expired and another worker took the task over.
        with transaction(factory) as other:
            other.execute(update(Task).values(locked_by="w-other", attempts=Task.attempts + 1))
        record_effect(ctx)

    task_id = add_task(factory, "test.stalls")
    make_worker(registry).run_once()
    task = load(factory, task_id)
    assert (task.status, task.locked_by, task.attempts) == (TaskStatus.RUNNING, "w-other", 2)
    assert effect_count(factory) == 0


def test_cancelling_a_running_task_rolls_back_its_work(
    factory: sessionmaker[Session], make_worker: Callable[..., Worker]
) -> None:
    registry = Registry()

    @registry.task("test.cancelled_midway")
    def cancelled_midway(ctx: TaskContext) -> None:
        with transaction(factory) as other:
            cancel_task(other, ctx.task_id)
        record_effect(ctx)

    task_id = add_task(factory, "test.cancelled_midway")
    make_worker(registry).run_once()
    assert load(factory, task_id).status == TaskStatus.CANCELLED
    assert effect_count(factory) == 0


@pytest.mark.parametrize(
    ("name", "args", "reason"),
    [
        ("test.nobody_handles_this", {}, "No handler is registered for task"),
        ("test.record", {"wrong": 1}, "do not match the handler"),
    ],
)
def test_unrunnable_tasks_fail_at_once(
    factory: sessionmaker[Session],
    make_worker: Callable[..., Worker],
    name: str,
    args: dict[str, int],
    reason: str,
) -> None:
    task_id = add_task(factory, name, args=args)
    make_worker(handlers).run_once()
    task = load(factory, task_id)
    assert (task.status, task.attempts) == (TaskStatus.FAILED, 1)
    assert reason in (task.last_error or "")


def test_expired_lease_is_reclaimed_and_counts_as_an_attempt(
    factory: sessionmaker[Session], make_worker: Callable[..., Worker]
) -> None:
    lost = add_task(factory, "test.record", args={"n": 1})
    exhausted = add_task(factory, "test.record", args={"n": 2}, max_attempts=1)
    with transaction(factory) as session:  # a worker that then died, its lease long gone
        claim_due(session, "w-dead", -1.0, 10, utcnow())
    with transaction(factory) as session:
        assert rescue_expired(session, utcnow()) == 2
    make_worker(handlers, batch_size=10).run_once()
    assert (load(factory, lost).status, load(factory, lost).attempts) == (TaskStatus.SUCCEEDED, 2)
    failed = load(factory, exhausted)
    assert failed.status == TaskStatus.FAILED
    assert failed.last_error == "lease expired: worker w-dead stopped heartbeating"
    assert effect_count(factory, exhausted) == 0


def test_heartbeat_keeps_a_long_task_from_being_reclaimed(
    factory: sessionmaker[Session], make_worker: Callable[..., Worker]
) -> None:
    task_id = add_task(factory, "test.slow", args={"seconds": 2.0})
    busy = make_worker(handlers, worker_id="w-busy", lease_seconds=0.75)
    thread = threading.Thread(target=busy.run_once)
    thread.start()
    wait_until(lambda: run_count(factory, task_id) == 1)
    idle = make_worker(handlers, worker_id="w-idle", lease_seconds=0.75)
    while thread.is_alive():  # poll as hard as a rival worker would, well past the lease
        idle.run_once()
        time.sleep(0.05)
    thread.join()
    assert run_count(factory, task_id) == 1
    task = load(factory, task_id)
    assert (task.status, task.attempts) == (TaskStatus.SUCCEEDED, 1)


def test_priority_then_due_time_orders_claims(
    factory: sessionmaker[Session], make_worker: Callable[..., Worker]
) -> None:
    registry = Registry()
    order: list[str] = []

    @registry.task("test.ordered")
    def ordered(ctx: TaskContext, label: str) -> None:
        order.append(label)

    now = utcnow()
    add_task(factory, "test.ordered", args={"label": "old"}, run_at=now - timedelta(seconds=9))
    add_task(factory, "test.ordered", args={"label": "urgent"}, priority=5)
    add_task(factory, "test.ordered", args={"label": "new"})
    add_task(factory, "test.ordered", args={"label": "later"}, run_at=now + timedelta(hours=1))
    make_worker(registry, batch_size=10).run_once()
    assert order == ["urgent", "old", "new"]


def test_embedded_thread_runs_tasks_and_stops_cleanly(
    factory: sessionmaker[Session], make_worker: Callable[..., Worker]
) -> None:
    worker = make_worker(handlers)
    worker.start_thread()
    task_id = add_task(factory, "test.record", args={"n": 1})
    wait_until(lambda: load(factory, task_id).status == TaskStatus.SUCCEEDED)
    worker.stop()
    assert worker.join(timeout=5)


def test_stop_releases_claimed_tasks_not_yet_started(
    factory: sessionmaker[Session], make_worker: Callable[..., Worker]
) -> None:
    registry = Registry()
    worker = make_worker(registry, batch_size=3)

    @registry.task("test.stops_worker")
    def stops_worker(ctx: TaskContext) -> None:
        mark_started(ctx)
        worker.stop()  # as SIGTERM would, while this task runs

    ids = [add_task(factory, "test.stops_worker") for _ in range(3)]
    assert worker.run_once() == 1
    statuses = [(load(factory, i).status, load(factory, i).attempts) for i in ids]
    assert statuses == [(TaskStatus.SUCCEEDED, 1), (TaskStatus.QUEUED, 0), (TaskStatus.QUEUED, 0)]


def test_metrics_report_depth_and_oldest_due_age(
    factory: sessionmaker[Session], make_worker: Callable[..., Worker]
) -> None:
    now = utcnow()
    add_task(factory, "test.record", args={"n": 1}, run_at=now - timedelta(seconds=90))
    add_task(factory, "test.record", args={"n": 2}, run_at=now + timedelta(hours=1))
    with factory() as session:
        assert queue_depth(session)["queued"] == 2
        assert 90 <= oldest_due_age_seconds(session, now) < 91
    make_worker(handlers).run_once()
    with factory() as session:
        depth = queue_depth(session)
        assert (depth["queued"], depth["succeeded"], depth["failed"]) == (1, 1, 0)
        assert oldest_due_age_seconds(session) == 0.0
