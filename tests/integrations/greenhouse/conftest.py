"""A fresh Greenhouse sandbox per test, over real HTTP, and providers built against it.

Each provider gets its own `Pacer`, so no pacing state leaks between tests.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from openpin.integrations.greenhouse.client import GreenhouseClient
from openpin.integrations.greenhouse.provider import GreenhouseProvider
from openpin.integrations.http import Pacer, RetryPolicy
from openpin.sandboxes.greenhouse import GreenhouseSandboxConfig
from openpin.sandboxes.testing import RunningGreenhouse, running_greenhouse

ProviderFactory = Callable[..., GreenhouseProvider]
FAST_RETRY = RetryPolicy(read_backoff_seconds=0.01)


@pytest.fixture
def greenhouse() -> Iterator[RunningGreenhouse]:
    with running_greenhouse(GreenhouseSandboxConfig(not_found_after_create_seconds=0)) as gh:
        yield gh


@pytest.fixture
def admin(greenhouse: RunningGreenhouse) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=f"{greenhouse.base_url}/_sandbox", timeout=10) as client:
        yield client


@pytest.fixture
def site_admin_id(greenhouse: RunningGreenhouse) -> str:
    users = greenhouse.sandbox.state.all("users")
    return str(next(u["id"] for u in users if u["site_admin"] and not u["service_account"]))


@pytest.fixture
def make_provider(greenhouse: RunningGreenhouse, site_admin_id: str) -> Iterator[ProviderFactory]:
    built: list[GreenhouseProvider] = []

    def build(
        credentials: tuple[str, str] | None = None,
        sub: str | None = "admin",
        retry: RetryPolicy = FAST_RETRY,
        **client_options: Any,
    ) -> GreenhouseProvider:
        client_id, secret = credentials or greenhouse.client_auth
        client = GreenhouseClient(
            client_id,
            secret,
            base_url=greenhouse.base_url,
            on_behalf_of=site_admin_id if sub == "admin" else sub,
            pacer=Pacer("test"),
            retry=retry,
            **client_options,
        )
        provider = GreenhouseProvider(client, settle_seconds=3.0)
        built.append(provider)
        return provider

    yield build
    for provider in built:
        provider.close()


@pytest.fixture
def provider(make_provider: ProviderFactory) -> GreenhouseProvider:
    return make_provider()


@pytest.fixture
def gh_api(greenhouse: RunningGreenhouse, site_admin_id: str) -> Iterator[httpx.Client]:
    """A plain httpx client on the sandbox's own API, to read back what the provider wrote."""
    with greenhouse.client(greenhouse.mint_token(sub=int(site_admin_id))) as client:
        yield client


@pytest.fixture
def open_job_id(greenhouse: RunningGreenhouse) -> str:
    jobs = sorted(greenhouse.sandbox.state.all("jobs"), key=lambda job: job["id"])
    return str(next(job["id"] for job in jobs if job["status"] == "open"))
