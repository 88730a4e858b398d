"""The Ashby sandbox over real HTTP (one per session, reseeded for every test) and providers.

When Ashby's OpenAPI file is at hand, every exchange the provider makes is checked against it,
so the client is held to Ashby's published contract, not only to the sandbox.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest

from openpin.integrations.ashby.client import AshbyClient
from openpin.integrations.ashby.provider import AshbyProvider
from openpin.integrations.http import Pacer, RetryPolicy
from openpin.sandboxes.ashby import AshbySandboxConfig
from openpin.sandboxes.ashby.testing import ServedAshbySandbox, serve_ashby_sandbox
from openpin.sandboxes.faults import FaultConfig
from tests.sandboxes.ashby.openapi_spec import AshbySpec, SpecCheckingHooks, spec_path

ProviderFactory = Callable[..., AshbyProvider]
FAST_RETRY = RetryPolicy(read_backoff_seconds=0.01)


@pytest.fixture(scope="session")
def served_ashby() -> Iterator[ServedAshbySandbox]:
    with serve_ashby_sandbox(AshbySandboxConfig(seed=1)) as served:
        yield served


@pytest.fixture(scope="session")
def spec() -> AshbySpec | None:
    path = spec_path()
    return AshbySpec.load(path) if path.exists() else None


@pytest.fixture
def ashby(served_ashby: ServedAshbySandbox) -> ServedAshbySandbox:
    sandbox = served_ashby.sandbox
    sandbox.state.reseed(sandbox.config.seed)
    sandbox.faults.config = FaultConfig()
    sandbox.rate_limiter.configure(sandbox.config.rate_limit, sandbox.config.rate_window_seconds)
    sandbox.request_log.clear()
    return served_ashby


@pytest.fixture
def admin(ashby: ServedAshbySandbox) -> Iterator[httpx.Client]:
    with ashby.admin() as client:
        yield client


@pytest.fixture
def make_provider(ashby: ServedAshbySandbox, spec: AshbySpec | None) -> Iterator[ProviderFactory]:
    built: list[AshbyProvider] = []

    def build(
        api_key: str | None = None, retry: RetryPolicy = FAST_RETRY, **options: object
    ) -> AshbyProvider:
        client = AshbyClient(
            api_key or ashby.api_key,
            base_url=ashby.base_url,
            pacer=Pacer("test"),
            retry=retry,
            **options,  # type: ignore[arg-type]
        )
        if spec is not None:
            client._http.event_hooks["response"].append(SpecCheckingHooks(spec))
        provider = AshbyProvider(client)
        built.append(provider)
        return provider

    yield build
    for provider in built:
        provider.close()


@pytest.fixture
def provider(make_provider: ProviderFactory) -> AshbyProvider:
    return make_provider()


@pytest.fixture
def api(ashby: ServedAshbySandbox) -> Iterator[httpx.Client]:
    """A plain client on the sandbox's own API, to read back what the provider wrote."""
    with ashby.client() as client:
        yield client
