"""`openpin sandbox ashby`: run the Ashby sandbox in the foreground."""

from __future__ import annotations

from typing import Annotated

import typer

from openpin.sandboxes.ashby.app import create_app
from openpin.sandboxes.ashby.config import (
    DEFAULT_RATE_LIMIT,
    DEFAULT_RATE_WINDOW_SECONDS,
    AshbySandboxConfig,
)
from openpin.sandboxes.ashby.sandbox import AshbySandbox
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

DEFAULT_PORT = 8702

RateLimitOption = Annotated[int, typer.Option(help="Requests allowed per API key per window.")]
RateWindowOption = Annotated[float, typer.Option(help="Length of the rate-limit window, seconds.")]
ExpireSyncTokensOption = Annotated[
    bool, typer.Option(help="Answer every syncToken with sync_token_expired.")
]


def command(
    host: HostOption = "127.0.0.1",
    port: PortOption = DEFAULT_PORT,
    seed: SeedOption = 1,
    rate_limit: RateLimitOption = DEFAULT_RATE_LIMIT,
    rate_window_seconds: RateWindowOption = DEFAULT_RATE_WINDOW_SECONDS,
    persist: PersistOption = None,
    error_rate: ErrorRateOption = 0.0,
    latency_ms: LatencyOption = 0,
    timeout_rate: TimeoutRateOption = 0.0,
    timeout_seconds: TimeoutSecondsOption = 30.0,
    drop_after_write_rate: DropAfterWriteOption = 0.0,
    burst_429: Burst429Option = 0,
    expire_sync_tokens: ExpireSyncTokensOption = False,
) -> None:
    """Serve the Ashby sandbox (Ashby's RPC API, Basic auth with an API key) until interrupted."""
    faults = fault_config_from_flags(
        seed=seed,
        error_rate=error_rate,
        latency_ms=latency_ms,
        timeout_rate=timeout_rate,
        timeout_seconds=timeout_seconds,
        drop_after_write_rate=drop_after_write_rate,
        burst_429=burst_429,
        expire_tokens=expire_sync_tokens,
    )
    if rate_limit < 1 or rate_window_seconds <= 0:
        raise typer.BadParameter(
            "--rate-limit must be at least 1 and --rate-window-seconds positive"
        )
    config = AshbySandboxConfig(
        seed=seed,
        rate_limit=rate_limit,
        rate_window_seconds=rate_window_seconds,
        faults=faults,
        persist_path=persist,
    )
    app = create_app(config)
    _print_banner(app.state.sandbox, host, port)
    run_forever(app, host, port)


def _print_banner(sandbox: AshbySandbox, host: str, port: int) -> None:
    base_url = f"http://{host}:{port}"
    typer.echo(f"Ashby sandbox on {base_url} (seed {sandbox.state.org.seed})")
    typer.echo(
        f"Full-permission API key (Basic auth username, empty password): {sandbox.default_api_key}"
    )
    typer.echo(
        f"Admin: {base_url}/_sandbox/status (reset, reseed, credentials, faults, requests, ...)"
    )
