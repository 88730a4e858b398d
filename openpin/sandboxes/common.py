"""Infrastructure every sandbox shares: rate limiting, the request log, fault middleware, serving.

The sandboxes run on uvicorn with `ConnectionDroppingH11Protocol`, which puts the connection's
transport into the ASGI scope, so a fault can close the socket without any HTTP answer: the client
sees a dropped connection, exactly as when a real vendor's load balancer loses it mid-request.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import os
import socket
import tempfile
import threading
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path
from typing import Annotated, Any

import typer
import uvicorn
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.protocols.http.h11_impl import H11Protocol

from openpin.sandboxes.faults import FaultConfig, FaultInjector

TRANSPORT_SCOPE_KEY = "openpin.transport"
ADMIN_PATH_PREFIX = "/_sandbox"


def utc_now_iso() -> str:
    """A timestamp in the vendors' style: ISO-8601, milliseconds, `Z`."""
    return iso_timestamp(datetime.now(UTC))


def iso_timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


# --- rate limiting -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RateDecision:
    allowed: bool
    limit: int
    remaining: int
    reset_in_seconds: float
    retry_after_seconds: int

    @property
    def reset_epoch_seconds(self) -> int:
        """When the window ends, as UTC epoch seconds (Greenhouse's `X-RateLimit-Reset`)."""
        return math.ceil(time.time() + self.reset_in_seconds)


class FixedWindowRateLimiter:
    """At most `limit` requests per key per window.

    A key's window opens at its first request and lasts `window_seconds`; the next request after
    that opens a new one. Refused requests do not count, so the quota is whole when the window ends.
    """

    def __init__(
        self, limit: int, window_seconds: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._lock = threading.Lock()
        self._clock = clock
        self._windows: dict[str, tuple[float, int]] = {}
        self.configure(limit, window_seconds)

    @property
    def limit(self) -> int:
        return self._limit

    @property
    def window_seconds(self) -> float:
        return self._window_seconds

    def configure(self, limit: int, window_seconds: float) -> None:
        if limit < 1 or window_seconds <= 0:
            raise ValueError("limit must be at least 1 and window_seconds positive")
        with self._lock:
            self._limit = limit
            self._window_seconds = window_seconds
            self._windows.clear()

    def hit(self, key: str) -> RateDecision:
        with self._lock:
            opened_at, used = self._current_window(key)
            allowed = used < self._limit
            if allowed:
                used += 1
                self._windows[key] = (opened_at, used)
            return self._decision(allowed, opened_at, used)

    def peek(self, key: str) -> RateDecision:
        """The key's state without counting a request."""
        with self._lock:
            opened_at, used = self._current_window(key)
            return self._decision(used < self._limit, opened_at, used)

    def reset(self) -> None:
        with self._lock:
            self._windows.clear()

    def _current_window(self, key: str) -> tuple[float, int]:
        now = self._clock()
        opened_at, used = self._windows.get(key, (now, 0))
        if now - opened_at >= self._window_seconds:
            return now, 0
        return opened_at, used

    def _decision(self, allowed: bool, opened_at: float, used: int) -> RateDecision:
        reset_in = max(0.0, opened_at + self._window_seconds - self._clock())
        return RateDecision(
            allowed=allowed,
            limit=self._limit,
            remaining=max(0, self._limit - used),
            reset_in_seconds=reset_in,
            retry_after_seconds=max(1, math.ceil(reset_in)),
        )


# --- request log ---------------------------------------------------------------------------------


class RequestLog:
    """The last `capacity` vendor-route requests, plus counters since the start (or last clear)."""

    def __init__(self, capacity: int = 2000) -> None:
        self._lock = threading.Lock()
        self._entries: deque[dict[str, Any]] = deque(maxlen=capacity)
        self._statuses: Counter[str] = Counter()
        self._credentials: Counter[str] = Counter()
        self._events: Counter[str] = Counter()
        self._total = 0

    def record(
        self,
        method: str,
        path: str,
        status: int,
        credential: str | None,
        duration_ms: float,
        fault: str | None = None,
    ) -> None:
        entry = {
            "at": utc_now_iso(),
            "method": method,
            "path": path,
            "status": status,
            "credential": credential,
            "duration_ms": round(duration_ms, 3),
            "fault": fault,
        }
        with self._lock:
            self._entries.append(entry)
            self._total += 1
            self._statuses[str(status)] += 1
            self._credentials[credential or "anonymous"] += 1
            if fault:
                self._events[f"fault.{fault}"] += 1

    def count_event(self, name: str) -> None:
        """Counts something that is not a request outcome, e.g. `token.issued`."""
        with self._lock:
            self._events[name] += 1

    def entries(self, limit: int = 200) -> list[dict[str, Any]]:
        """The most recent entries, newest first."""
        with self._lock:
            newest_first = list(reversed(self._entries))
        return newest_first[: max(0, limit)]

    def counters(self) -> dict[str, Any]:
        with self._lock:
            return {
                "requests": self._total,
                "by_status": dict(self._statuses),
                "by_credential": dict(self._credentials),
                "events": dict(self._events),
            }

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._statuses.clear()
            self._credentials.clear()
            self._events.clear()
            self._total = 0


# --- dropping connections ------------------------------------------------------------------------


class ConnectionDroppingH11Protocol(H11Protocol):
    """uvicorn's h11 protocol, with the connection's transport exposed in the ASGI scope."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        inner_app = self.app

        async def app_with_transport(scope: Scope, receive: Receive, send: Send) -> None:
            scope.setdefault("extensions", {})[TRANSPORT_SCOPE_KEY] = self.transport
            await inner_app(scope, receive, send)

        self.app = app_with_transport

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        # Sockets accepted from a listener we bound ourselves keep Nagle's algorithm on; uvicorn
        # writes headers and body separately, so each answer would wait ~40 ms for a delayed ACK.
        sock = transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().connection_made(transport)


async def drop_connection(scope: Scope) -> None:
    """Close the client's socket without sending anything; the request then returns no response."""
    transport = scope.get("extensions", {}).get(TRANSPORT_SCOPE_KEY)
    if transport is None:
        raise RuntimeError(
            "serve the sandbox with ConnectionDroppingH11Protocol to drop connections"
        )
    transport.abort()
    # Let the loop run connection_lost, which marks the request as disconnected; otherwise
    # uvicorn would try to answer 500 for an app that returned without a response.
    for _ in range(3):
        await asyncio.sleep(0)


# --- fault middleware ----------------------------------------------------------------------------

FaultResponder = Callable[[int, Scope, int | None], Response]
"""Builds the vendor-shaped answer for an injected status (5xx or 429, with its Retry-After)."""


def plain_fault_response(status: int, scope: Scope, retry_after: int | None) -> Response:
    headers = {"Retry-After": str(retry_after)} if retry_after is not None else None
    return JSONResponse({"message": HTTPStatus(status).phrase}, status_code=status, headers=headers)


def is_admin_path(scope: Scope) -> bool:
    return str(scope.get("path", "")).startswith(ADMIN_PATH_PREFIX)


def is_mutating_method(scope: Scope) -> bool:
    return scope.get("method") in {"POST", "PUT", "PATCH", "DELETE"}


class FaultMiddleware:
    """Injects the configured faults into vendor routes and logs every vendor-route request.

    Admin routes (`/_sandbox/...`) are never faulted or logged, so a test can always repair the
    sandbox it broke.
    """

    def __init__(
        self,
        app: ASGIApp,
        injector: FaultInjector,
        *,
        request_log: RequestLog,
        is_write: Callable[[Scope], bool] = is_mutating_method,
        credential_of: Callable[[Scope], str | None] = lambda scope: None,
        fault_response: FaultResponder = plain_fault_response,
        applies_to: Callable[[Scope], bool] = lambda scope: not is_admin_path(scope),
    ) -> None:
        self.app = app
        self.injector = injector
        self.request_log = request_log
        self.is_write = is_write
        self.credential_of = credential_of
        self.fault_response = fault_response
        self.applies_to = applies_to

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.applies_to(scope):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        outcome = _Outcome()
        try:
            await self._handle(scope, receive, _status_recorder(send, outcome), outcome)
        finally:
            self.request_log.record(
                scope["method"],
                scope["path"],
                outcome.status,
                self.credential_of(scope),
                (time.perf_counter() - started) * 1000,
                outcome.fault,
            )

    async def _handle(self, scope: Scope, receive: Receive, send: Send, outcome: _Outcome) -> None:
        if self.injector.latency_seconds > 0:
            await asyncio.sleep(self.injector.latency_seconds)
        if self.injector.should_time_out():
            outcome.fault = "timeout"
            await asyncio.sleep(self.injector.config.timeout_seconds)
            await drop_connection(scope)
            return
        if self.injector.take_burst_429():
            outcome.fault = "burst_429"
            retry_after = self.injector.config.burst_retry_after
            await self.fault_response(429, scope, retry_after)(scope, receive, send)
            return
        error_status = self.injector.server_error_status()
        if error_status is not None:
            outcome.fault = "server_error"
            await self.fault_response(error_status, scope, None)(scope, receive, send)
            return
        if self.is_write(scope) and self.injector.should_drop_after_write():
            outcome.fault = "drop_after_write"
            await self._apply_then_drop(scope, receive, outcome)
            return
        await self.app(scope, receive, send)

    async def _apply_then_drop(self, scope: Scope, receive: Receive, outcome: _Outcome) -> None:
        async def swallow(message: Message) -> None:
            if message["type"] == "http.response.start":
                outcome.applied_status = message["status"]

        await self.app(scope, receive, swallow)
        await drop_connection(scope)


@dataclass
class _Outcome:
    status: int = 0
    """0 when the connection was dropped without an answer."""
    fault: str | None = None
    applied_status: int | None = None


def _status_recorder(send: Send, outcome: _Outcome) -> Send:
    async def recording_send(message: Message) -> None:
        if message["type"] == "http.response.start":
            outcome.status = message["status"]
        await send(message)

    return recording_send


# --- serving -------------------------------------------------------------------------------------


@dataclass
class RunningServer:
    server: uvicorn.Server
    thread: threading.Thread
    host: str
    port: int

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def _uvicorn_config(app: ASGIApp, host: str, port: int, log_level: str) -> uvicorn.Config:
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        http=ConnectionDroppingH11Protocol,
        loop="asyncio",
        ws="none",
        lifespan="off",
        log_level=log_level,
        access_log=False,
        # A faulted request may be sleeping out a simulated timeout; do not wait for it on stop.
        timeout_graceful_shutdown=1,
    )


def serve_in_thread(
    app: ASGIApp, host: str = "127.0.0.1", port: int = 0, start_timeout: float = 10.0
) -> RunningServer:
    """Serve `app` over real HTTP from a background thread; returns once it accepts connections."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((host, port))
    bound_port = listener.getsockname()[1]
    server = uvicorn.Server(_uvicorn_config(app, host, bound_port, "warning"))
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [listener]}, name=f"sandbox:{bound_port}", daemon=True
    )
    thread.start()
    _wait_until_started(server, thread, start_timeout)
    return RunningServer(server=server, thread=thread, host=host, port=bound_port)


def _wait_until_started(server: uvicorn.Server, thread: threading.Thread, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("the sandbox server thread exited during start-up")
        if time.monotonic() > deadline:
            server.should_exit = True
            raise TimeoutError("the sandbox server did not start in time")
        time.sleep(0.01)


def run_forever(app: ASGIApp, host: str, port: int) -> None:
    """Serve `app` in the foreground until interrupted (the CLI's entry point)."""
    uvicorn.Server(_uvicorn_config(app, host, port, "info")).run()


# --- persistence ---------------------------------------------------------------------------------


def write_json_atomically(path: Path, document: Any) -> None:
    """Replace `path` in one step, so a crash mid-write never leaves a half-written state file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(document, handle, separators=(",", ":"))
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def read_json(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


# --- CLI options every sandbox command shares ----------------------------------------------------

HostOption = Annotated[str, typer.Option(help="Interface to listen on (loopback by default).")]
PortOption = Annotated[int, typer.Option(help="Port to listen on.")]
SeedOption = Annotated[int, typer.Option(help="Seed for the generated data and the faults.")]
PersistOption = Annotated[
    Path | None, typer.Option(help="JSON file holding the state, so it survives a restart.")
]
ErrorRateOption = Annotated[float, typer.Option(help="Fraction of requests answered with a 5xx.")]
LatencyOption = Annotated[int, typer.Option(help="Milliseconds added to every request.")]
TimeoutRateOption = Annotated[
    float, typer.Option(help="Fraction of requests that hang, then lose their connection.")
]
TimeoutSecondsOption = Annotated[float, typer.Option(help="How long a hanging request hangs.")]
DropAfterWriteOption = Annotated[
    float, typer.Option(help="Fraction of writes applied, then dropped without a response.")
]
Burst429Option = Annotated[int, typer.Option(help="Answer the next N requests with 429.")]


def fault_config_from_flags(
    *,
    seed: int,
    error_rate: float = 0.0,
    latency_ms: int = 0,
    timeout_rate: float = 0.0,
    timeout_seconds: float = 30.0,
    drop_after_write_rate: float = 0.0,
    burst_429: int = 0,
    expire_tokens: bool = False,
) -> FaultConfig:
    """A FaultConfig from CLI flags, with a readable error instead of a traceback."""
    try:
        return FaultConfig(
            error_rate=error_rate,
            latency_ms=latency_ms,
            timeout_rate=timeout_rate,
            timeout_seconds=timeout_seconds,
            drop_after_write_rate=drop_after_write_rate,
            burst_429=burst_429,
            expire_tokens=expire_tokens,
            seed=seed,
        )
    except ValueError as error:
        raise typer.BadParameter(str(error)) from error
