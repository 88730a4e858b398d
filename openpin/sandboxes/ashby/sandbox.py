"""One running Ashby sandbox: its state, rate limiter, fault injector and request log."""

from __future__ import annotations

from dataclasses import dataclass, field

from openpin.sandboxes.ashby.config import AshbySandboxConfig
from openpin.sandboxes.ashby.state import SandboxState
from openpin.sandboxes.common import FixedWindowRateLimiter, RequestLog
from openpin.sandboxes.faults import FaultInjector


@dataclass
class AshbySandbox:
    config: AshbySandboxConfig
    state: SandboxState = field(init=False)
    rate_limiter: FixedWindowRateLimiter = field(init=False)
    faults: FaultInjector = field(init=False)
    request_log: RequestLog = field(init=False)

    def __post_init__(self) -> None:
        self.state = SandboxState(self.config)
        self.rate_limiter = FixedWindowRateLimiter(
            self.config.rate_limit, self.config.rate_window_seconds
        )
        self.faults = FaultInjector(self.config.faults)
        self.request_log = RequestLog()

    @property
    def default_api_key(self) -> str:
        return self.state.default_api_key
