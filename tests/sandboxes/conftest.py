"""Sandbox fixtures: each test gets a freshly seeded sandbox served over HTTP on a free port.

The reusable pieces live in `openpin.sandboxes.testing` so tests in other packages can use them.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from openpin.sandboxes.greenhouse import GreenhouseSandboxConfig
from openpin.sandboxes.testing import RunningGreenhouse, running_greenhouse


@pytest.fixture
def greenhouse_config() -> GreenhouseSandboxConfig:
    """Override in a test module for other limits; small values keep the suite fast."""
    return GreenhouseSandboxConfig(not_found_after_create_seconds=0)


@pytest.fixture
def greenhouse(greenhouse_config: GreenhouseSandboxConfig) -> Iterator[RunningGreenhouse]:
    with running_greenhouse(greenhouse_config) as running:
        yield running


@pytest.fixture
def gh(greenhouse: RunningGreenhouse) -> Iterator[httpx.Client]:
    """An httpx client holding a full-scope bearer token for the Greenhouse sandbox."""
    with greenhouse.client() as client:
        yield client
