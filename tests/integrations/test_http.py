"""The pacer's arithmetic on a fake clock, and the sender against a real loopback server."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

from openpin.integrations.errors import RateLimited, TransientError
from openpin.integrations.http import (
    HttpSender,
    Pacer,
    RetryPolicy,
    pacer_for,
    parse_retry_after,
)
from openpin.sandboxes.ashby import AshbySandboxConfig
from openpin.sandboxes.ashby.testing import ServedAshbySandbox, serve_ashby_sandbox


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []
        self._lock = threading.Lock()

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        with self._lock:  # threads sharing a pacer sleep concurrently
            self.slept.append(seconds)
            self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def _pacer(clock: FakeClock) -> Pacer:
    return Pacer("test", clock=clock, sleep=clock.sleep)


def _budget(remaining: int, reset_in: float) -> dict[str, str]:
    return {
        "x-ratelimit-remaining": str(remaining),
        "x-ratelimit-reset": str(int(time.time() + reset_in)),
    }


def test_the_pacer_spends_the_budget_then_waits_for_the_reset(clock: FakeClock) -> None:
    pacer = _pacer(clock)
    pacer.acquire()
    pacer.observe(200, _budget(remaining=2, reset_in=10))

    assert pacer.acquire() == 0 and pacer.acquire() == 0
    waited = pacer.acquire()

    assert 9 <= waited <= 11.5
    assert pacer.stats.waited_seconds == waited


def test_retry_after_blocks_every_caller_until_it_passes(clock: FakeClock) -> None:
    pacer = _pacer(clock)
    pacer.acquire()
    pacer.observe(429, {"retry-after": "7", **_budget(remaining=0, reset_in=30)})

    assert pacer.acquire() == pytest.approx(7)  # Retry-After wins over "0 until the reset"
    assert pacer.stats.throttled == 1


def test_without_budget_headers_the_pacer_learns_the_window_from_429s(clock: FakeClock) -> None:
    pacer = _pacer(clock)
    for _ in range(5):  # first window: 4 allowed, the 5th refused after 1 s, retry after 9 s
        pacer.acquire()
        clock.now += 0.25
    pacer.observe(429, {"retry-after": "9"})
    for _ in range(5):  # measured window: opens at our first request after the wait
        pacer.acquire()
        clock.now += 0.1
    pacer.observe(429, {"retry-after": "9.5"})

    snapshot = pacer.snapshot()
    assert snapshot["learned_limit"] == 4
    assert snapshot["learned_window_seconds"] == pytest.approx(10.0, abs=0.01)
    waits = [pacer.acquire() for _ in range(9)]
    # First the Retry-After, then a wait for the next window after every 4 requests.
    assert waits[0] == pytest.approx(9.5)
    assert [index for index, wait in enumerate(waits) if wait > 0] == [0, 4, 8]


def test_parse_retry_after_reads_seconds_and_dates() -> None:
    later = datetime.now(UTC) + timedelta(seconds=30)
    assert parse_retry_after("12") == 12.0
    assert 28 <= (parse_retry_after(format_datetime(later, usegmt=True)) or 0) <= 30
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


def test_pacers_are_shared_per_credential_and_never_named_after_the_secret() -> None:
    one = pacer_for("ashby", "https://api.example", "secret-key-1")
    assert pacer_for("ashby", "https://api.example", "secret-key-1") is one
    assert pacer_for("ashby", "https://api.example", "secret-key-2") is not one
    assert "secret" not in one.name


def test_threads_sharing_a_pacer_stay_within_its_budget(clock: FakeClock) -> None:
    pacer = _pacer(clock)
    pacer.acquire()
    pacer.observe(200, _budget(remaining=5, reset_in=1))
    sent_at: list[float] = []
    lock = threading.Lock()

    def worker() -> None:
        pacer.acquire()
        with lock:
            sent_at.append(clock())

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(sent_at) == 8
    # Five went at once (the budget); the rest only once the window had reset.
    assert sent_at.count(1000.0) == 5
    assert all(moment > 1000.0 for moment in sent_at if moment != 1000.0)


@pytest.fixture(scope="module")
def ashby_server() -> Iterator[ServedAshbySandbox]:
    with serve_ashby_sandbox(AshbySandboxConfig(seed=3)) as served:
        yield served


def _sender(server: ServedAshbySandbox, **retry: float) -> HttpSender:
    client = httpx.Client(base_url=server.base_url, auth=(server.api_key, ""), timeout=5)
    return HttpSender("ashby", client, Pacer("sender"), RetryPolicy(**retry))  # type: ignore[arg-type]


def test_the_sender_classifies_429_and_5xx_over_real_http(ashby_server: ServedAshbySandbox) -> None:
    admin = ashby_server.admin()
    sender = _sender(ashby_server, max_inline_wait_seconds=0, read_backoff_seconds=0.01)
    try:
        admin.patch("/faults", json={"burst_429": 1, "burst_retry_after": 3}).raise_for_status()
        with pytest.raises(RateLimited) as limited:
            sender.send("POST", "/user.list", write=False, json={})
        assert limited.value.retry_after == 3

        admin.patch("/faults", json={"burst_429": 0, "error_rate": 1.0}).raise_for_status()
        sender.pacer = Pacer("fresh")
        with pytest.raises(TransientError) as read:
            sender.send("POST", "/user.list", write=False, json={})
        with pytest.raises(TransientError) as write:
            sender.send("POST", "/candidate.createNote", write=True, json={})
        assert not read.value.ambiguous and write.value.ambiguous
    finally:
        admin.patch("/faults", json={"error_rate": 0.0, "burst_429": 0}).raise_for_status()
        admin.close()


def test_a_refused_connection_is_never_ambiguous() -> None:
    client = httpx.Client(base_url="http://127.0.0.1:9", timeout=1)
    sender = HttpSender("test", client, Pacer("closed"), RetryPolicy(read_attempts=1))

    with pytest.raises(TransientError) as raised:
        sender.send("POST", "/anything", write=True, json={})

    assert not raised.value.ambiguous  # nothing reached a server, so nothing was applied
