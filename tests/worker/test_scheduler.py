"""Periodic tasks: once per period across schedulers and restarts, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from openpin.db import transaction
from openpin.models.task import Task, TaskStatus
from openpin.worker import Registry, Scheduler, TaskContext, Worker
from openpin.worker.scheduler import periodic
from tests.fixtures.database import both_backends
from tests.worker.worker_process import record_effect

pytestmark = both_backends

T0 = datetime(2030, 1, 1, 12, 0, 0, tzinfo=UTC)  # a period boundary for every=60


def hourly_registry() -> Registry:
    registry = Registry()

    @periodic("test.refresh", every=60, task_registry=registry)
    def refresh(ctx: TaskContext) -> None:
        record_effect(ctx)

    return registry


def periodic_tasks(factory: sessionmaker[Session]) -> list[Task]:
    with factory() as session:
        return list(session.scalars(select(Task).where(Task.name == "test.refresh")))


def finish_all(factory: sessionmaker[Session]) -> None:
    """Mark enqueued runs done, so only the schedule (not the unique key) can stop a new one."""
    with transaction(factory) as session:
        session.execute(update(Task).values(status=TaskStatus.SUCCEEDED))


def test_two_schedulers_enqueue_once_per_period(factory: sessionmaker[Session]) -> None:
    registry = hourly_registry()
    first, second = Scheduler(factory, registry), Scheduler(factory, registry)
    assert first.tick(T0 + timedelta(seconds=5)) == ["test.refresh"]
    finish_all(factory)
    assert second.tick(T0 + timedelta(seconds=6)) == []
    assert first.tick(T0 + timedelta(seconds=59)) == []
    restarted = Scheduler(factory, registry)  # a fresh process knows nothing locally
    assert restarted.tick(T0 + timedelta(seconds=30)) == []
    assert second.tick(T0 + timedelta(seconds=61)) == ["test.refresh"]
    finish_all(factory)
    assert first.tick(T0 + timedelta(seconds=62)) == []
    assert len(periodic_tasks(factory)) == 2


def test_missed_periods_enqueue_once_not_once_each(factory: sessionmaker[Session]) -> None:
    scheduler = Scheduler(factory, hourly_registry())
    scheduler.tick(T0)
    finish_all(factory)
    assert scheduler.tick(T0 + timedelta(hours=5)) == ["test.refresh"]
    assert len(periodic_tasks(factory)) == 2


def test_a_period_is_skipped_while_the_previous_run_is_unfinished(
    factory: sessionmaker[Session],
) -> None:
    scheduler = Scheduler(factory, hourly_registry())
    scheduler.tick(T0)
    assert scheduler.tick(T0 + timedelta(seconds=60)) == []
    assert len(periodic_tasks(factory)) == 1


def test_concurrent_schedulers_race_for_one_period(factory: sessionmaker[Session]) -> None:
    registry = hourly_registry()
    barrier = threading.Barrier(4)
    fired: list[list[str]] = []

    def tick() -> None:
        scheduler = Scheduler(factory, registry)
        barrier.wait()
        fired.append(scheduler.tick(T0 + timedelta(seconds=1)))

    threads = [threading.Thread(target=tick) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(fired) == [[], [], [], ["test.refresh"]]
    assert len(periodic_tasks(factory)) == 1


def test_workers_enqueue_and_run_periodic_tasks(
    factory: sessionmaker[Session], make_worker: Callable[..., Worker]
) -> None:
    registry = hourly_registry()
    workers = [make_worker(registry, worker_id=f"w{i}") for i in range(3)]
    for worker in workers:
        worker.run_once()
    tasks = periodic_tasks(factory)
    assert [(t.status, t.unique_key) for t in tasks] == [
        (TaskStatus.SUCCEEDED, "periodic:test.refresh")
    ]
