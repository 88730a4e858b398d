"""Fixtures for the ATS tests: both sandboxes over real HTTP, connecting, and an in-process
worker that runs the queue until the exports are done."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from openpin.ats.providers import forget_provider
from openpin.config import AtsSettings, Settings, WorkerSettings
from openpin.models import Task, TaskStatus
from openpin.sandboxes.ashby.config import AshbySandboxConfig
from openpin.sandboxes.ashby.testing import ServedAshbySandbox, serve_ashby_sandbox
from openpin.sandboxes.greenhouse.config import GreenhouseSandboxConfig
from openpin.sandboxes.testing import RunningGreenhouse, running_greenhouse
from openpin.worker import Worker
from openpin.worker.registry import discover_tasks
from tests.fixtures.app import ApiUser

# A short settle keeps ambiguous-create tests quick; the Greenhouse quirk is shorter still.
FAST_ATS = AtsSettings(candidate_lock_seconds=10, settle_seconds=1.0, index_max_age_seconds=300)
FAST_WORKER = WorkerSettings(
    poll_interval_seconds=0.02,
    lease_seconds=5,
    backoff_base_seconds=0.2,
    backoff_max_seconds=2,
    run_periodic=False,
)


@dataclass
class Sandbox:
    """One running ATS sandbox as the tests see it."""

    provider: str
    base_url: str
    admin: httpx.Client
    served: Any

    def faults(self, **values: Any) -> None:
        self.admin.patch("/faults", json=values).raise_for_status()

    def requests(self, limit: int = 5000) -> list[dict[str, Any]]:
        response = self.admin.get("/requests", params={"limit": limit})
        response.raise_for_status()
        body = response.json()
        return list(body["requests"] if isinstance(body, dict) else body)


@pytest.fixture
def greenhouse() -> Iterator[Sandbox]:
    config = GreenhouseSandboxConfig(not_found_after_create_seconds=0.5, rate_limit=10_000)
    with (
        running_greenhouse(config) as served,
        httpx.Client(base_url=f"{served.base_url}/_sandbox", timeout=10) as admin,
    ):
        yield Sandbox("greenhouse", served.base_url, admin, served)


@pytest.fixture
def ashby() -> Iterator[Sandbox]:
    with (
        serve_ashby_sandbox(AshbySandboxConfig(rate_limit=10_000)) as served,
        served.admin() as admin,
    ):
        yield Sandbox("ashby", served.base_url, admin, served)


@pytest.fixture(params=["greenhouse", "ashby"])
def sandbox(request: pytest.FixtureRequest) -> Sandbox:
    sandbox: Sandbox = request.getfixturevalue(request.param)
    return sandbox


def greenhouse_credentials(served: RunningGreenhouse) -> dict[str, str]:
    client_id, secret = served.client_auth
    return {"client_id": client_id, "client_secret": secret}


def connection_body(sandbox: Sandbox, client: TestClient, user: ApiUser) -> dict[str, Any]:
    if sandbox.provider == "ashby":
        served: ServedAshbySandbox = sandbox.served
        return {
            "provider": "ashby",
            "credentials": {"api_key": served.api_key},
            "base_url": sandbox.base_url,
        }
    credentials = greenhouse_credentials(sandbox.served)
    probe = {"provider": "greenhouse", "credentials": credentials, "base_url": sandbox.base_url}
    users = client.post("/api/v1/ats/connection/users", json=probe, headers=user.headers)
    assert users.status_code == 200, users.text
    acting = next(u for u in users.json() if u["can_act_as"])
    return {**probe, "acting_user_id": acting["id"]}


def connect(sandbox: Sandbox, client: TestClient, user: ApiUser) -> dict[str, Any]:
    response = client.post(
        "/api/v1/ats/connection", json=connection_body(sandbox, client, user), headers=user.headers
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    forget_provider(body["id"])  # each test starts with a fresh provider (its own pacing)
    return body


@pytest.fixture
def worker_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"ats": FAST_ATS, "worker": FAST_WORKER})


@pytest.fixture
def drain(session_factory: sessionmaker[Session], worker_settings: Settings) -> Callable[..., None]:
    """Run an in-process worker until no ATS task is queued or running (or fail after timeout)."""

    discover_tasks()  # as `openpin worker` does; tests without the app would find no handlers

    def run(timeout: float = 60.0) -> None:
        worker = Worker(session_factory, worker_settings, worker_id="w-test")
        deadline = time.monotonic() + timeout
        while _unfinished(session_factory):
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"ATS tasks unfinished after {timeout}s: {_describe(session_factory)}"
                )
            if worker.run_once() == 0:
                time.sleep(0.05)

    return run


def _describe(factory: sessionmaker[Session]) -> list[tuple[Any, ...]]:
    with factory() as session:
        query = select(Task.name, Task.status, Task.run_at, Task.attempts, Task.last_error).where(
            Task.name.like("ats.%"), Task.status.in_((TaskStatus.QUEUED, TaskStatus.RUNNING))
        )
        return [tuple(row) for row in session.execute(query)]


def _unfinished(factory: sessionmaker[Session]) -> bool:
    with factory() as session:
        query = select(Task.id).where(
            Task.name.like("ats.%"), Task.status.in_((TaskStatus.QUEUED, TaskStatus.RUNNING))
        )
        return session.scalar(query.limit(1)) is not None
