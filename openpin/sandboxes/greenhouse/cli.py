"""`openpin sandbox greenhouse`: serve the Harvest v3 sandbox in the foreground."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from openpin.sandboxes.common import (
    Burst429Option,
    DropAfterWriteOption,
    ErrorRateOption,
    HostOption,
    LatencyOption,
    PersistOption,
    PortOption,
    SeedOption,
    TimeoutRateOption,
    TimeoutSecondsOption,
    fault_config_from_flags,
    run_forever,
)
from openpin.sandboxes.greenhouse.app import create_app
from openpin.sandboxes.greenhouse.config import GreenhouseSandboxConfig


def command(
    host: HostOption = "127.0.0.1",
    port: PortOption = 8801,
    seed: SeedOption = 42,
    persist: PersistOption = None,
    rate_limit: Annotated[int, typer.Option(help="Requests per credential per window.")] = 75,
    rate_window: Annotated[float, typer.Option(help="Rate-limit window in seconds.")] = 30.0,
    not_found_after_create: Annotated[
        float, typer.Option(help="Seconds a new candidate answers as not found.")
    ] = 1.0,
    error_rate: ErrorRateOption = 0.0,
    latency_ms: LatencyOption = 0,
    timeout_rate: TimeoutRateOption = 0.0,
    timeout_seconds: TimeoutSecondsOption = 30.0,
    drop_after_write_rate: DropAfterWriteOption = 0.0,
    burst_429: Burst429Option = 0,
    expire_tokens: Annotated[bool, typer.Option(help="Treat every token as expired.")] = False,
) -> None:
    """Serve the Greenhouse Harvest v3 sandbox (token endpoint at /token, API under /v3)."""
    faults = fault_config_from_flags(
        seed=seed,
        error_rate=error_rate,
        latency_ms=latency_ms,
        timeout_rate=timeout_rate,
        timeout_seconds=timeout_seconds,
        drop_after_write_rate=drop_after_write_rate,
        burst_429=burst_429,
        expire_tokens=expire_tokens,
    )
    config = GreenhouseSandboxConfig(
        seed=seed,
        rate_limit=rate_limit,
        rate_window_seconds=rate_window,
        not_found_after_create_seconds=not_found_after_create,
        persist_path=persist,
        faults=faults,
    )
    app = create_app(config)
    _print_banner(host, port, config)
    run_forever(app, host, port)


def _print_banner(host: str, port: int, config: GreenhouseSandboxConfig) -> None:
    console = Console()
    base_url = f"http://{host}:{port}"
    console.print(f"[bold]Greenhouse Harvest v3 sandbox[/bold] on {base_url}")
    console.print(f"  token URL:     {base_url}/token")
    console.print(f"  API base URL:  {base_url}/v3")
    console.print(f"  client_id:     {config.default_client_id}")
    console.print(f"  client_secret: {config.default_client_secret}  (all scopes)")
    console.print(f"  admin:         {base_url}/_sandbox/status")
