"""Serving the Ashby sandbox over real HTTP on a free loopback port, for tests and benchmarks."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx

from openpin.sandboxes.ashby.app import create_app
from openpin.sandboxes.ashby.config import AshbySandboxConfig
from openpin.sandboxes.ashby.sandbox import AshbySandbox
from openpin.sandboxes.common import serve_in_thread


@dataclass(frozen=True)
class ServedAshbySandbox:
    base_url: str
    sandbox: AshbySandbox

    @property
    def api_key(self) -> str:
        return self.sandbox.default_api_key

    def client(self, api_key: str | None = None, timeout: float = 10.0) -> httpx.Client:
        """An httpx client set up as Ashby's docs say: Basic auth, JSON, versioned Accept."""
        return httpx.Client(
            base_url=self.base_url,
            auth=(api_key or self.api_key, ""),
            headers={"Accept": "application/json; version=1"},
            timeout=timeout,
        )

    def admin(self, timeout: float = 10.0) -> httpx.Client:
        return httpx.Client(base_url=f"{self.base_url}/_sandbox", timeout=timeout)


@contextmanager
def serve_ashby_sandbox(config: AshbySandboxConfig | None = None) -> Iterator[ServedAshbySandbox]:
    """The sandbox on 127.0.0.1 at a free port, stopped on exit."""
    app = create_app(config or AshbySandboxConfig())
    server = serve_in_thread(app, host="127.0.0.1", port=0)
    try:
        yield ServedAshbySandbox(base_url=server.base_url, sandbox=app.state.sandbox)
    finally:
        server.stop()
