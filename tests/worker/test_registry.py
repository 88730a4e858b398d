"""The registry and the backoff policy: pure code, no database."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from pytest import MonkeyPatch

from openpin.worker import Backoff, Registry, TaskContext, discover_tasks
from openpin.worker.scheduler import periodic


def test_backoff_is_full_jitter_within_the_exponential_ceiling() -> None:
    backoff = Backoff(base_seconds=2.0, max_seconds=100.0)
    rng = random.Random(7)
    assert [backoff.ceiling(n) for n in (1, 2, 3, 6, 7, 500)] == [2, 4, 8, 64, 100, 100]
    delays = [backoff.delay(4, rng) for _ in range(2000)]
    assert 0.0 <= min(delays) < 0.5 and 15.5 < max(delays) <= 16.0


def test_a_name_cannot_be_registered_to_two_handlers() -> None:
    registry = Registry()

    @registry.task("candidate.reindex")
    def reindex(ctx: TaskContext) -> None:
        pass

    registry.task("candidate.reindex")(reindex)  # the same handler again (a re-import) is fine
    with pytest.raises(ValueError, match="already registered"):

        @registry.task("candidate.reindex")
        def other(ctx: TaskContext) -> None:
            pass


def test_periodic_registers_the_handler_and_its_schedule() -> None:
    registry = Registry()

    @periodic("analytics.refresh", every=60, task_registry=registry)
    def refresh(ctx: TaskContext) -> None:
        pass

    assert registry.names == ["analytics.refresh"]
    assert [(s.name, s.every_seconds) for s in registry.schedules] == [("analytics.refresh", 60.0)]
    with pytest.raises(ValueError, match="positive"):
        periodic("analytics.never", every=0, task_registry=registry)(refresh)


def test_discover_imports_only_domain_tasks_modules(
    tmp_path: Path, monkeypatch: MonkeyPatch
) -> None:
    root = tmp_path / "discovery_demo"
    for folder in (root / "ats", root / "web"):
        folder.mkdir(parents=True)
    (root / "__init__.py").write_text("")
    (root / "ats" / "__init__.py").write_text("")
    (root / "ats" / "tasks.py").write_text("LOADED = True\n")
    # A package without tasks must not even be imported.
    (root / "web" / "__init__.py").write_text("raise RuntimeError('imported')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert discover_tasks("discovery_demo") == ["discovery_demo.ats.tasks"]
