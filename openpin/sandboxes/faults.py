"""Fault injection shared by the sandboxes: deterministic given a seed.

Each decision draws from one seeded RNG in a fixed order, so a run with the same seed and the same
request sequence injects the same faults.
"""

from __future__ import annotations

import dataclasses
import random
import threading
from dataclasses import dataclass
from typing import Any

SERVER_ERROR_STATUSES = (500, 502, 503)


@dataclass
class FaultConfig:
    error_rate: float = 0.0
    """Fraction of requests answered with a 5xx (500/502/503)."""
    latency_ms: int = 0
    """Added to every vendor-route request."""
    timeout_rate: float = 0.0
    """Fraction of requests that hang `timeout_seconds`, then lose their connection."""
    timeout_seconds: float = 30.0
    drop_after_write_rate: float = 0.0
    """Fraction of writes that are applied, then the connection is dropped with no response."""
    burst_429: int = 0
    """The next N requests answer 429 with Retry-After."""
    burst_retry_after: int = 1
    expire_tokens: bool = False
    """Greenhouse: every issued token is treated as expired (401)."""
    seed: int = 0

    def __post_init__(self) -> None:
        for name in ("error_rate", "timeout_rate", "drop_after_write_rate"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1, got {value}")
        for name in ("latency_ms", "burst_429", "burst_retry_after"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must not be negative")
        if self.timeout_seconds < 0:
            raise ValueError("timeout_seconds must not be negative")

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def field_names(cls) -> frozenset[str]:
        return frozenset(field.name for field in dataclasses.fields(cls))


class FaultInjector:
    """Decides, request by request, which fault (if any) to inject."""

    def __init__(self, config: FaultConfig) -> None:
        self._lock = threading.Lock()
        self._config = config
        self._rng = random.Random(config.seed)
        self._bursts_left = config.burst_429

    @property
    def config(self) -> FaultConfig:
        return self._config

    @config.setter
    def config(self, config: FaultConfig) -> None:
        # A new configuration starts a new deterministic sequence, so the same admin call
        # followed by the same requests always injects the same faults.
        with self._lock:
            self._config = config
            self._rng = random.Random(config.seed)
            self._bursts_left = config.burst_429

    def update(self, **changes: Any) -> FaultConfig:
        """Replace some settings; raises ValueError on an unknown name or a bad value."""
        unknown = set(changes) - FaultConfig.field_names()
        if unknown:
            raise ValueError(f"unknown fault settings: {', '.join(sorted(unknown))}")
        self.config = dataclasses.replace(self._config, **changes)
        return self._config

    @property
    def latency_seconds(self) -> float:
        return self._config.latency_ms / 1000.0

    @property
    def bursts_left(self) -> int:
        return self._bursts_left

    def take_burst_429(self) -> bool:
        """True while a forced 429 burst lasts; each call consumes one request of it."""
        with self._lock:
            if self._bursts_left <= 0:
                return False
            self._bursts_left -= 1
            return True

    def should_time_out(self) -> bool:
        return self._draw(self._config.timeout_rate)

    def server_error_status(self) -> int | None:
        """A 5xx status to answer with, or None to let the request through."""
        with self._lock:
            if self._config.error_rate <= 0 or self._rng.random() >= self._config.error_rate:
                return None
            return self._rng.choice(SERVER_ERROR_STATUSES)

    def should_drop_after_write(self) -> bool:
        return self._draw(self._config.drop_after_write_rate)

    def _draw(self, rate: float) -> bool:
        if rate <= 0:
            return False  # no draw, so a disabled fault does not shift the others' sequence
        with self._lock:
            return self._rng.random() < rate
