"""A real OpenPin worker process (every domain's tasks) for the ATS chaos test.

    python -m tests.ats.worker_process DATABASE_URL --worker-id w1 --secret-key KEY

Prints "ready" once it polls; logs warnings to stderr.
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile

import structlog

from openpin.config import Settings
from openpin.db import make_engine, make_session_factory
from openpin.worker import Worker
from openpin.worker.registry import discover_tasks
from tests.ats.conftest import FAST_ATS, FAST_WORKER


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("database_url")
    parser.add_argument("--worker-id", required=True)
    parser.add_argument("--secret-key", required=True)
    args = parser.parse_args(argv)
    structlog.configure(
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING),
    )
    discover_tasks()
    settings = Settings(
        data_dir=tempfile.mkdtemp(prefix="openpin-worker-"),
        secret_key=args.secret_key,
        ats=FAST_ATS,
        worker=FAST_WORKER.model_copy(update={"lease_seconds": 3.0, "poll_interval_seconds": 0.2}),
    )
    engine = make_engine(args.database_url)
    worker = Worker(make_session_factory(engine), settings, worker_id=args.worker_id)
    print("ready", flush=True)
    worker.run_forever()
    engine.dispose()


if __name__ == "__main__":
    main(sys.argv[1:])
