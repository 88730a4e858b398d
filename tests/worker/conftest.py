"""Fixtures for the worker tests: test tables, in-process workers and real worker processes."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from openpin.config import Settings, WorkerSettings
from openpin.worker import Registry, Worker
from tests.worker.worker_process import metadata

REPO_ROOT = Path(__file__).resolve().parents[2]

# Short leases and polls keep the suite fast; backoff is large enough to measure.
FAST = {"lease_seconds": 2.0, "poll_interval_seconds": 0.02, "backoff_base_seconds": 10.0}


@pytest.fixture
def worker_tables(engine: Engine) -> None:
    metadata.create_all(engine)


@pytest.fixture
def factory(session_factory: sessionmaker[Session], worker_tables: None) -> sessionmaker[Session]:
    return session_factory


@pytest.fixture
def make_worker(factory: sessionmaker[Session]) -> Callable[..., Worker]:
    def make(task_registry: Registry, worker_id: str = "w-test", **config: Any) -> Worker:
        settings = Settings(worker=WorkerSettings(**{**FAST, **config}))
        return Worker(factory, settings, task_registry, worker_id=worker_id)

    return make


@pytest.fixture
def spawn_workers(
    database_url: str, worker_tables: None, tmp_path: Path
) -> Iterator[Callable[..., list[subprocess.Popen[str]]]]:
    """Start `tests.worker.worker_process` processes, return once all are ready; any still
    alive at the end are killed. Each one's log is `<tmp_path>/<worker id>.log`."""
    started: list[subprocess.Popen[str]] = []

    def start(worker_id: str, options: tuple[str, ...]) -> subprocess.Popen[str]:
        command = [sys.executable, "-m", "tests.worker.worker_process", database_url]
        log = (tmp_path / f"{worker_id}.log").open("w")
        proc = subprocess.Popen(
            [*command, "--worker-id", worker_id, *options],
            cwd=REPO_ROOT,
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
        )
        started.append(proc)
        return proc

    def spawn(*worker_ids: str, options: tuple[str, ...] = ()) -> list[subprocess.Popen[str]]:
        procs = [start(worker_id, options) for worker_id in worker_ids]
        for worker_id, proc in zip(worker_ids, procs, strict=True):
            assert proc.stdout is not None
            ready = proc.stdout.readline().strip() == "ready"
            assert ready, (tmp_path / f"{worker_id}.log").read_text()
        return procs

    yield spawn
    for proc in started:
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
