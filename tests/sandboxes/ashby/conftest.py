"""Fixtures for the Ashby sandbox suite: a fresh sandbox per test, over real HTTP on loopback.

Every client these fixtures hand out checks each exchange against Ashby's OpenAPI file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest

from openpin.sandboxes.ashby import AshbySandboxConfig
from openpin.sandboxes.ashby.sandbox import AshbySandbox
from openpin.sandboxes.ashby.testing import ServedAshbySandbox, serve_ashby_sandbox
from openpin.sandboxes.faults import FaultConfig
from tests.sandboxes.ashby.openapi_spec import AshbySpec, SpecCheckingHooks, spec_path

ClientFactory = Callable[..., httpx.Client]


@pytest.fixture(scope="session")
def ashby_spec() -> AshbySpec:
    path = spec_path()
    if not path.exists():
        pytest.skip(
            f"Ashby's OpenAPI file is not at {path}; put it there (CI has it at "
            "../shared/reference/) or set OPENPIN_ASHBY_OPENAPI to its path"
        )
    return AshbySpec.load(path)


@pytest.fixture
def ashby_config() -> AshbySandboxConfig:
    """Override in a test module to change limits or faults."""
    return AshbySandboxConfig(seed=1)


@pytest.fixture(scope="session")
def shared_ashby() -> Iterator[ServedAshbySandbox]:
    with serve_ashby_sandbox(AshbySandboxConfig(seed=1)) as served:
        yield served


@pytest.fixture
def ashby(
    ashby_config: AshbySandboxConfig, shared_ashby: ServedAshbySandbox
) -> Iterator[ServedAshbySandbox]:
    """A sandbox in its freshly seeded state: the shared one, reset, unless the config differs."""
    if ashby_config != shared_ashby.sandbox.config:
        with serve_ashby_sandbox(ashby_config) as served:
            yield served
        return
    restore_seeded_state(shared_ashby.sandbox)
    yield shared_ashby


def restore_seeded_state(sandbox: AshbySandbox) -> None:
    """What a fresh server would have: seeded data, no faults, the configured limit, no log."""
    config = sandbox.config
    sandbox.state.reseed(config.seed)
    sandbox.faults.config = FaultConfig(**config.faults.as_dict())
    sandbox.rate_limiter.configure(config.rate_limit, config.rate_window_seconds)
    sandbox.request_log.clear()


@pytest.fixture
def spec_hooks(ashby_spec: AshbySpec) -> SpecCheckingHooks:
    return SpecCheckingHooks(ashby_spec)


@pytest.fixture
def make_client(
    ashby: ServedAshbySandbox, spec_hooks: SpecCheckingHooks
) -> Iterator[ClientFactory]:
    """Builds spec-checked clients: `make_client()` for the default key, `make_client(key)`."""
    clients: list[httpx.Client] = []

    def build(api_key: str | None = None, timeout: float = 10.0) -> httpx.Client:
        client = ashby.client(api_key, timeout=timeout)
        client.event_hooks["response"].append(spec_hooks)
        clients.append(client)
        return client

    yield build
    for client in clients:
        client.close()


@pytest.fixture
def client(make_client: ClientFactory) -> httpx.Client:
    """A spec-checked client holding the sandbox's full-permission key."""
    return make_client()


@pytest.fixture
def admin(ashby: ServedAshbySandbox) -> Iterator[httpx.Client]:
    with ashby.admin() as admin_client:
        yield admin_client
