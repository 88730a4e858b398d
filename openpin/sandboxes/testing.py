"""Helpers for tests in any package: serve a sandbox over real HTTP on a free loopback port.

Use `running_sandbox(app)` as a context manager, or the fixtures in `tests/sandboxes/conftest.py`
(which wrap it). Importable from anywhere, so integration tests can talk to a real sandbox.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx
from starlette.types import ASGIApp

from openpin.sandboxes.common import RunningServer, serve_in_thread
from openpin.sandboxes.greenhouse.app import GreenhouseApp, create_app
from openpin.sandboxes.greenhouse.config import GreenhouseSandboxConfig
from openpin.sandboxes.greenhouse.sandbox import GreenhouseSandbox


@contextmanager
def running_sandbox(app: ASGIApp) -> Iterator[RunningServer]:
    server = serve_in_thread(app, host="127.0.0.1", port=0)
    try:
        yield server
    finally:
        server.stop()


@dataclass
class RunningGreenhouse:
    """A Greenhouse sandbox served over HTTP, with its default credential at hand."""

    server: RunningServer
    app: GreenhouseApp

    @property
    def base_url(self) -> str:
        return self.server.base_url

    @property
    def sandbox(self) -> GreenhouseSandbox:
        return self.app.sandbox

    @property
    def client_auth(self) -> tuple[str, str]:
        config = self.sandbox.config
        return config.default_client_id, config.default_client_secret

    def mint_token(self, auth: tuple[str, str] | None = None, sub: int | None = None) -> str:
        form = {"grant_type": "client_credentials"}
        if sub is not None:
            form["sub"] = str(sub)
        response = httpx.post(f"{self.base_url}/token", auth=auth or self.client_auth, data=form)
        response.raise_for_status()
        return str(response.json()["access_token"])

    def client(self, token: str | None = None, timeout: float = 10.0) -> httpx.Client:
        """An httpx client for `/v3`, authenticated with `token` or a fresh default token."""
        bearer = token or self.mint_token()
        return httpx.Client(
            base_url=self.base_url,
            headers={"Authorization": f"Bearer {bearer}"},
            timeout=timeout,
        )


@contextmanager
def running_greenhouse(
    config: GreenhouseSandboxConfig | None = None,
) -> Iterator[RunningGreenhouse]:
    app = create_app(config or GreenhouseSandboxConfig(not_found_after_create_seconds=0))
    with running_sandbox(app) as server:
        yield RunningGreenhouse(server, app)
