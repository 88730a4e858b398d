"""HTTP plumbing shared by the vendor clients: pacing, sending, and classifying transport failures.

`Pacer` keeps one connection under its ATS's rate limit so that 429s are rare. It is shared by
every thread of the process that uses the same credentials (`pacer_for`), and it learns from:
- `X-RateLimit-Limit/Remaining/Reset` (Greenhouse): spend what remains, then wait for the reset;
- `Retry-After` on a 429: nobody sends until then;
- for an API that publishes neither (Ashby), the 429s themselves: a 429 tells how many requests a
  window held and how long it lasted, and the pacer then keeps to that learned window.

`HttpSender` sends one request through the pacer and turns transport failures and the statuses
every vendor shares (429, 5xx) into the classes of `openpin.integrations.errors`. Vendor-specific
statuses (401/403/404/422, Ashby's envelope) are classified by each client.
"""

from __future__ import annotations

import email.utils
import hashlib
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from openpin.integrations.errors import RateLimited, TransientError
from openpin.logging import get_logger

log = get_logger(__name__)

# The reset time comes in whole epoch seconds and clocks drift: wait a little past it.
RESET_MARGIN_SECONDS = 0.2
DEFAULT_TIMEOUT_SECONDS = 30.0


@dataclass
class PacerStats:
    requests: int = 0
    throttled: int = 0  # 429s received
    waited_seconds: float = 0.0  # time spent waiting on the rate limit before sending


class Pacer:
    """A per-connection gate in front of every request; thread-safe, a few numbers of state."""

    def __init__(
        self,
        name: str,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.name = name
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._blocked_until = 0.0
        # What the server said: requests left until `_reset_at` (None: unknown, go ahead).
        self._remaining: int | None = None
        self._reset_at = 0.0
        # Learned from 429s when the server sends no budget headers.
        self._learned_limit: int | None = None
        self._learned_window: float | None = None
        self._window_opened_at: float | None = None
        self._sent_in_window = 0
        self._measuring = False
        self.stats = PacerStats()

    def acquire(self) -> float:
        """Block until a request may be sent; returns the seconds waited."""
        waited = 0.0
        while True:
            with self._lock:
                delay = self._delay(self._clock())
                if delay <= 0:
                    self._reserve(self._clock())
                    self.stats.requests += 1
                    self.stats.waited_seconds += waited
                    return waited
            self._sleep(delay)
            waited += delay

    def _delay(self, now: float) -> float:
        if now < self._blocked_until:
            return self._blocked_until - now
        if self._remaining is not None and now < self._reset_at and self._remaining <= 0:
            return self._reset_at - now
        return self._learned_delay(now)

    def _learned_delay(self, now: float) -> float:
        if self._learned_limit is None or self._learned_window is None:
            return 0.0
        if self._window_opened_at is None:
            return 0.0
        window_ends = self._window_opened_at + self._learned_window
        if now >= window_ends or self._sent_in_window < self._learned_limit:
            return 0.0
        return window_ends - now

    def _reserve(self, now: float) -> None:
        if self._remaining is not None:
            if now >= self._reset_at:
                self._remaining = None  # a new window: the next answer tells its budget
            else:
                self._remaining -= 1
        window = self._learned_window
        opened = self._window_opened_at
        if opened is None or (window is not None and now >= opened + window):
            self._window_opened_at, self._sent_in_window = now, 0
        self._sent_in_window += 1

    def observe(self, status_code: int, headers: Mapping[str, str]) -> None:
        """Learn from an answer's headers (any status)."""
        now = self._clock()
        with self._lock:
            self._observe_budget(now, headers)
            if status_code == 429:
                self.stats.throttled += 1
                retry_after = parse_retry_after(headers.get("retry-after"))
                self._blocked_until = max(self._blocked_until, now + (retry_after or 1.0))
                if retry_after is not None:
                    # Retry-After is the explicit instruction; a "0 remaining until the reset"
                    # sent with it would only make us wait longer than asked.
                    self._remaining = None
                if headers.get("x-ratelimit-remaining") is None:
                    self._learn_from_refusal(now, retry_after or 1.0)

    def _observe_budget(self, now: float, headers: Mapping[str, str]) -> None:
        remaining = _int_header(headers, "x-ratelimit-remaining")
        reset_epoch = _int_header(headers, "x-ratelimit-reset")
        if remaining is None or reset_epoch is None:
            return
        reset_at = now + max(0.0, reset_epoch - time.time()) + RESET_MARGIN_SECONDS
        if self._remaining is not None and abs(reset_at - self._reset_at) < 1.5:
            # Same window: requests still in flight are already counted locally.
            remaining = min(remaining, self._remaining)
        self._remaining, self._reset_at = remaining, reset_at

    def _learn_from_refusal(self, now: float, retry_after: float) -> None:
        # Only a window that began right after a wait is measured whole: the server's window
        # had ended, so our first request opened its next one. The first 429 only starts this.
        opened = self._window_opened_at
        if self._measuring and opened is not None and self._sent_in_window > 1:
            # The refused request was counted locally but not by the server.
            self._learned_limit = self._sent_in_window - 1
            self._learned_window = max(0.5, now + retry_after - opened)
        self._measuring = True
        self._window_opened_at, self._sent_in_window = None, 0

    def snapshot(self) -> dict[str, Any]:
        """The pacer's state for the health page and benchmarks (no secrets in it)."""
        with self._lock:
            return {
                "name": self.name,
                "requests": self.stats.requests,
                "throttled": self.stats.throttled,
                "waited_seconds": round(self.stats.waited_seconds, 3),
                "learned_limit": self._learned_limit,
                "learned_window_seconds": self._learned_window,
            }


def _int_header(headers: Mapping[str, str], name: str) -> int | None:
    value = headers.get(name)
    try:
        return int(float(value)) if value is not None else None
    except ValueError:
        return None


def parse_retry_after(value: str | None) -> float | None:
    """`Retry-After` in seconds or as an HTTP date; None when absent or unreadable."""
    if value is None or not value.strip():
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, moment.timestamp() - time.time())


_pacers: dict[str, Pacer] = {}
_pacers_lock = threading.Lock()


def pacer_for(provider: str, base_url: str, identity: str) -> Pacer:
    """The process-wide pacer of one credential. `identity` (a client id or API key) is hashed,
    so no secret is kept as a key or shown in a snapshot."""
    digest = hashlib.sha256(f"{provider}|{base_url}|{identity}".encode()).hexdigest()[:16]
    name = f"{provider}:{digest}"
    with _pacers_lock:
        pacer = _pacers.get(name)
        if pacer is None:
            pacer = _pacers[name] = Pacer(name)
        return pacer


def pacer_snapshots() -> list[dict[str, Any]]:
    with _pacers_lock:
        pacers = list(_pacers.values())
    return [pacer.snapshot() for pacer in pacers]


@dataclass(frozen=True)
class RetryPolicy:
    """Retries made inside one call, before the error reaches the caller.

    A 429 was not applied, so any request is re-sent after `Retry-After` when that is short.
    A transient failure is retried only for reads: a write may have been applied.
    """

    max_inline_wait_seconds: float = 30.0
    rate_limit_attempts: int = 4
    read_attempts: int = 3
    read_backoff_seconds: float = 0.5


class HttpSender:
    """Sends requests through a pacer; raises classified errors for transport failures,
    429 and 5xx, and returns every other response for the vendor client to read."""

    def __init__(
        self,
        provider: str,
        client: httpx.Client,
        pacer: Pacer,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.provider = provider
        self.client = client
        self.pacer = pacer
        self.retry = retry or RetryPolicy()
        self._sleep = sleep

    def send(self, method: str, url: str, *, write: bool, **kwargs: Any) -> httpx.Response:
        attempt = 0
        while True:
            attempt += 1
            try:
                return self._send_once(method, url, write=write, **kwargs)
            except RateLimited as error:
                if not self._may_wait_out(error, attempt):
                    raise
            except TransientError as error:
                if write or error.ambiguous or attempt >= self.retry.read_attempts:
                    raise
                self._sleep(self.retry.read_backoff_seconds * 2 ** (attempt - 1))

    def _may_wait_out(self, error: RateLimited, attempt: int) -> bool:
        # The pacer already blocks every thread until Retry-After; the next acquire waits it out.
        return (
            attempt < self.retry.rate_limit_attempts
            and error.retry_after <= self.retry.max_inline_wait_seconds
        )

    def _send_once(self, method: str, url: str, *, write: bool, **kwargs: Any) -> httpx.Response:
        self.pacer.acquire()
        started = time.monotonic()
        try:
            response = self.client.request(method, url, **kwargs)
        except httpx.HTTPError as error:
            raise self._transport_failure(error, method, url, write) from error
        self.pacer.observe(response.status_code, response.headers)
        log.debug(
            "integrations.http",
            provider=self.provider,
            method=method,
            path=httpx.URL(url).path,
            status=response.status_code,
            ms=round((time.monotonic() - started) * 1000),
        )
        self._raise_for_shared_status(response, write)
        return response

    def _transport_failure(
        self, error: httpx.HTTPError, method: str, url: str, write: bool
    ) -> TransientError:
        # A request that never reached the server (no connection) cannot have been applied.
        never_sent = isinstance(
            error, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout
        )
        ambiguous = write and not never_sent
        kind = "timed out" if isinstance(error, httpx.TimeoutException) else "lost its connection"
        log.warning(
            "integrations.transport_failure",
            provider=self.provider,
            method=method,
            path=httpx.URL(url).path,
            error=type(error).__name__,
            ambiguous=ambiguous,
        )
        outcome = " The change may have been applied." if ambiguous else ""
        return TransientError(
            f"{self.provider.capitalize()} {kind} ({type(error).__name__}).{outcome}",
            ambiguous=ambiguous,
            provider=self.provider,
        )

    def _raise_for_shared_status(self, response: httpx.Response, write: bool) -> None:
        status = response.status_code
        if status == 429:
            retry_after = parse_retry_after(response.headers.get("retry-after"))
            raise RateLimited(
                f"{self.provider.capitalize()} asked us to slow down (429).",
                retry_after=retry_after if retry_after is not None else 1.0,
                provider=self.provider,
            )
        if status >= 500 or status == 408:
            raise TransientError(
                f"{self.provider.capitalize()} answered {status}; it may be having trouble.",
                ambiguous=write,
                status_code=status,
                provider=self.provider,
            )


def new_http_client(base_url: str, timeout_seconds: float | None, **kwargs: Any) -> httpx.Client:
    return httpx.Client(
        base_url=base_url,
        timeout=httpx.Timeout(timeout_seconds or DEFAULT_TIMEOUT_SECONDS),
        **kwargs,
    )
