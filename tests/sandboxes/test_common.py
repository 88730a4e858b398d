"""The shared sandbox pieces: rate limiter, request log, fault injector and fault middleware."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from openpin.sandboxes.common import FaultMiddleware, FixedWindowRateLimiter, RequestLog
from openpin.sandboxes.faults import FaultConfig, FaultInjector
from openpin.sandboxes.testing import running_sandbox


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_rate_limiter_counts_down_refuses_at_the_limit_and_reopens_after_the_window() -> None:
    clock = FakeClock()
    limiter = FixedWindowRateLimiter(limit=3, window_seconds=30, clock=clock)
    remaining = [limiter.hit("a").remaining for _ in range(3)]
    refused = limiter.hit("a")
    assert remaining == [2, 1, 0]
    assert not refused.allowed and refused.retry_after_seconds == 30
    assert limiter.hit("b").allowed, "each key has its own window"
    clock.now += 29.5
    assert limiter.hit("a").retry_after_seconds == 1
    clock.now += 0.5
    reopened = limiter.hit("a")
    assert reopened.allowed and reopened.remaining == 2


def test_request_log_is_bounded_newest_first_and_counts() -> None:
    log = RequestLog(capacity=2)
    for status in (200, 404, 200):
        log.record("GET", "/x", status, "client-1", 1.5)
    log.count_event("token.issued")
    assert [entry["status"] for entry in log.entries()] == [200, 404]
    assert log.counters() == {
        "requests": 3,
        "by_status": {"200": 2, "404": 1},
        "by_credential": {"client-1": 3},
        "events": {"token.issued": 1},
    }


def test_fault_injector_is_deterministic_for_a_seed_and_rejects_bad_settings() -> None:
    def draws(seed: int) -> list[int | None]:
        injector = FaultInjector(FaultConfig(error_rate=0.5, seed=seed))
        return [injector.server_error_status() for _ in range(40)]

    assert draws(7) == draws(7)
    assert draws(7) != draws(8)
    assert {status for status in draws(7) if status} <= {500, 502, 503}
    injector = FaultInjector(FaultConfig())
    with pytest.raises(ValueError, match="unknown"):
        injector.update(nonsense=1)
    with pytest.raises(ValueError, match="between 0 and 1"):
        injector.update(error_rate=1.5)


@pytest.fixture
def faulty() -> Iterator[tuple[str, FaultInjector, list[str]]]:
    """A tiny app behind FaultMiddleware; `applied` records every write that reached it."""
    applied: list[str] = []

    async def write(request: Request) -> JSONResponse:
        applied.append(request.method)
        return JSONResponse({"ok": True}, status_code=201)

    async def read(request: Request) -> JSONResponse:
        return JSONResponse({"ok": True})

    injector = FaultInjector(FaultConfig())
    app = FaultMiddleware(
        Starlette(routes=[Route("/w", write, methods=["POST"]), Route("/r", read)]),
        injector,
        request_log=RequestLog(),
    )
    with running_sandbox(app) as server:
        yield server.base_url, injector, applied


def test_drop_after_write_applies_the_write_and_sends_nothing(faulty) -> None:  # type: ignore[no-untyped-def]
    base_url, injector, applied = faulty
    injector.update(drop_after_write_rate=1.0)
    with pytest.raises(httpx.RemoteProtocolError):
        httpx.post(f"{base_url}/w")
    assert applied == ["POST"]
    assert httpx.get(f"{base_url}/r").status_code == 200, "reads are never dropped by this fault"


def test_timeout_hangs_then_drops_the_connection(faulty) -> None:  # type: ignore[no-untyped-def]
    base_url, injector, _ = faulty
    injector.update(timeout_rate=1.0, timeout_seconds=0.3)
    started = time.monotonic()
    with pytest.raises(httpx.RemoteProtocolError):
        httpx.get(f"{base_url}/r", timeout=5)
    assert time.monotonic() - started >= 0.3
    with pytest.raises(httpx.ReadTimeout):
        httpx.get(f"{base_url}/r", timeout=0.1)


def test_latency_errors_and_429_bursts(faulty) -> None:  # type: ignore[no-untyped-def]
    base_url, injector, applied = faulty
    injector.update(latency_ms=150)
    started = time.monotonic()
    assert httpx.get(f"{base_url}/r").status_code == 200
    assert time.monotonic() - started >= 0.15
    injector.update(error_rate=1.0)
    assert httpx.post(f"{base_url}/w").status_code in {500, 502, 503}
    assert applied == [], "an injected 5xx never reaches the app"
    injector.update(error_rate=0.0, burst_429=2, burst_retry_after=7)
    statuses = [httpx.get(f"{base_url}/r") for _ in range(3)]
    assert [r.status_code for r in statuses] == [429, 429, 200]
    assert statuses[0].headers["Retry-After"] == "7"
