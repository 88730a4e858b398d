"""Task handlers by name, with their retry policy and, for periodic tasks, their period.

A domain declares its handlers in its `tasks.py`:

    @task("ats.export_candidate", max_attempts=8)
    def export_candidate(ctx: TaskContext, candidate_id: int) -> None: ...

The handler runs inside `ctx.session`'s transaction, which the worker commits together with
marking the task succeeded: the handler's writes and the task's completion are atomic, so a
handler never commits itself. Handlers must be idempotent all the same: a worker that dies after
an outside call (an email sent, an ATS record created) but before its commit runs it again.

On SQLite a transaction holds the single write lock from its first statement to its commit, so a
handler that waits on a slow outside service should make that call before its first query on
`ctx.session` (or read what it needs in a short transaction of its own first).
"""

from __future__ import annotations

import importlib
import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from openpin.config import Settings

TASK_NAME = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")

Handler = Callable[..., None]


def check_task_name(name: str) -> str:
    if not TASK_NAME.match(name) or len(name) > 100:
        raise ValueError(f"task name {name!r} must look like '<domain>.<verb>', e.g. 'ats.export'")
    return name


@dataclass(frozen=True)
class Backoff:
    """Exponential backoff with full jitter: uniform in [0, min(max, base * 2^(attempt-1))].

    Full jitter spreads a burst of failures (an upstream outage) over the whole window instead of
    having them all retry at the same instant.
    """

    base_seconds: float
    max_seconds: float

    def ceiling(self, attempt: int) -> float:
        exponent = min(max(attempt - 1, 0), 60)  # 2.0**60 already exceeds any sane max
        return float(min(self.max_seconds, self.base_seconds * 2.0**exponent))

    def delay(self, attempt: int, rng: random.Random) -> float:
        return rng.uniform(0.0, self.ceiling(attempt))


@dataclass(frozen=True)
class TaskContext:
    """What a handler gets besides its arguments. `session` is in the task's transaction."""

    session: Session
    task_id: int
    name: str
    attempt: int  # 1 on the first run
    max_attempts: int
    workspace_id: int | None
    worker_id: str
    settings: Settings

    @property
    def is_final_attempt(self) -> bool:
        return self.attempt >= self.max_attempts


@dataclass(frozen=True)
class TaskSpec:
    name: str
    handler: Handler
    max_attempts: int | None = None  # None: the worker's configured default
    retry: Backoff | None = None  # None: the worker's configured backoff


@dataclass(frozen=True)
class Schedule:
    """A periodic task: enqueued once per `every_seconds` bucket (aligned to the Unix epoch)."""

    name: str
    every_seconds: float
    args: dict[str, Any]


class Registry:
    """Handlers and schedules. Workers and tests may use their own; `registry` is the default."""

    def __init__(self) -> None:
        self._tasks: dict[str, TaskSpec] = {}
        self._schedules: dict[str, Schedule] = {}

    def task(
        self, name: str, *, max_attempts: int | None = None, retry: Backoff | None = None
    ) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            self.add(TaskSpec(check_task_name(name), handler, max_attempts, retry))
            return handler

        return register

    def add(self, spec: TaskSpec) -> None:
        existing = self._tasks.get(spec.name)
        if existing is not None and _qualname(existing.handler) != _qualname(spec.handler):
            raise ValueError(f"task {spec.name!r} is already registered to another handler")
        if spec.max_attempts is not None and spec.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        self._tasks[spec.name] = spec

    def add_schedule(self, schedule: Schedule) -> None:
        if schedule.every_seconds <= 0:
            raise ValueError("a periodic task's period must be positive")
        self._schedules[check_task_name(schedule.name)] = schedule

    def get(self, name: str) -> TaskSpec | None:
        return self._tasks.get(name)

    @property
    def names(self) -> list[str]:
        return sorted(self._tasks)

    @property
    def schedules(self) -> list[Schedule]:
        return list(self._schedules.values())


def _qualname(handler: Handler) -> str:
    # Re-importing a module (reloads, test collection) registers an equal function again.
    return f"{handler.__module__}.{handler.__qualname__}"


registry = Registry()


def task(
    name: str, *, max_attempts: int | None = None, retry: Backoff | None = None
) -> Callable[[Handler], Handler]:
    """Register `def handler(ctx: TaskContext, **args) -> None` on the default registry."""
    return registry.task(name, max_attempts=max_attempts, retry=retry)


def discover_tasks(package: str = "openpin") -> list[str]:
    """Import every `<package>.<domain>.tasks` module so its handlers register; returns them.

    Looks for the files first so that packages without tasks (the web UI, say) are not imported.
    """
    root = importlib.import_module(package)
    found = []
    for directory in map(Path, root.__path__):
        for tasks_file in sorted(directory.glob("*/tasks.py")):
            module = f"{package}.{tasks_file.parent.name}.tasks"
            importlib.import_module(module)
            found.append(module)
    return found
