"""A real worker process for the tests, with test handlers that record what they do.

    python -m tests.worker.worker_process DATABASE_URL --worker-id w1 --lease 1 --poll 0.05

Prints "ready" on stdout just before it starts polling; logs go to stderr. Handlers write two
kinds of rows: `worker_test_run` when a run starts (its own committed transaction, so it survives
a crash or a rollback) and `worker_test_effect` in the task's transaction (unique per task: the
side effect).
"""

from __future__ import annotations

import argparse
import logging
import sys
import time

import structlog
from sqlalchemy import Column, Engine, Integer, MetaData, String, Table, UniqueConstraint, insert

from openpin.config import Settings, WorkerSettings
from openpin.db import make_engine, make_session_factory
from openpin.worker import Registry, TaskContext, Worker

metadata = MetaData()

runs = Table(
    "worker_test_run",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("task_id", Integer, nullable=False),
    Column("attempt", Integer, nullable=False),
    Column("worker_id", String(200), nullable=False),
)

effects = Table(
    "worker_test_effect",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("task_id", Integer, nullable=False),
    Column("worker_id", String(200), nullable=False),
    Column("label", String(100), nullable=False, default=""),
    UniqueConstraint("task_id", name="uq_worker_test_effect_task_id"),
)

handlers = Registry()


def mark_started(ctx: TaskContext) -> None:
    """Record the start in its own transaction, before the task's session takes any lock."""
    engine = ctx.session.get_bind()
    assert isinstance(engine, Engine)
    with engine.begin() as conn:
        values = {"task_id": ctx.task_id, "attempt": ctx.attempt, "worker_id": ctx.worker_id}
        conn.execute(insert(runs).values(**values))


def record_effect(ctx: TaskContext, label: str = "") -> None:
    values = {"task_id": ctx.task_id, "worker_id": ctx.worker_id, "label": label}
    ctx.session.execute(insert(effects).values(**values))


@handlers.task("test.record")
def record(ctx: TaskContext, n: int) -> None:
    mark_started(ctx)
    record_effect(ctx, str(n))


@handlers.task("test.slow")
def slow(ctx: TaskContext, seconds: float, first_attempt_only: bool = False) -> None:
    mark_started(ctx)
    if ctx.attempt == 1 or not first_attempt_only:
        time.sleep(seconds)
    record_effect(ctx, "slow")


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    parser.add_argument("database_url")
    parser.add_argument("--worker-id", required=True)
    parser.add_argument("--lease", type=float, default=2.0)
    parser.add_argument("--poll", type=float, default=0.05)
    parser.add_argument("--batch", type=int, default=1)
    return parser.parse_args(argv)


def main(argv: list[str]) -> None:
    args = parse_args(argv)
    # Warnings and errors only: per-task lines would cost the 1,000-task test real time.
    structlog.configure(
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING),
    )
    config = WorkerSettings(
        lease_seconds=args.lease, poll_interval_seconds=args.poll, batch_size=args.batch
    )
    engine = make_engine(args.database_url)
    worker = Worker(
        make_session_factory(engine), Settings(worker=config), handlers, worker_id=args.worker_id
    )
    print("ready", flush=True)
    worker.run_forever()
    engine.dispose()


if __name__ == "__main__":
    main(sys.argv[1:])
