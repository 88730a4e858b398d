"""One running Greenhouse sandbox: its state, limits, faults, request log and persistence."""

from __future__ import annotations

import dataclasses
import time

from openpin.sandboxes.common import FixedWindowRateLimiter, RequestLog
from openpin.sandboxes.faults import FaultInjector
from openpin.sandboxes.greenhouse.auth import create_credential
from openpin.sandboxes.greenhouse.config import ALL_SCOPES, GreenhouseSandboxConfig
from openpin.sandboxes.greenhouse.seed import seed_state, service_user_id
from openpin.sandboxes.greenhouse.state import GreenhouseState


class GreenhouseSandbox:
    def __init__(self, config: GreenhouseSandboxConfig) -> None:
        self.config = config
        self.seed = config.seed
        self.api_limiter = FixedWindowRateLimiter(config.rate_limit, config.rate_window_seconds)
        self.token_limiter = FixedWindowRateLimiter(
            config.token_rate_limit, config.token_rate_window_seconds
        )
        self.injector = FaultInjector(dataclasses.replace(config.faults))
        self.request_log = RequestLog()
        self.not_found_after_create_seconds = config.not_found_after_create_seconds
        path = config.persist_path
        self.state = (
            GreenhouseState.load(path) if path and path.exists() else self._fresh_state(self.seed)
        )
        self.changed()

    @property
    def service_user_id(self) -> int:
        return service_user_id(self.state)

    def _fresh_state(self, seed: int) -> GreenhouseState:
        state = seed_state(seed, self.config.candidate_count)
        create_credential(
            state,
            ALL_SCOPES,
            name="Default sandbox credential (all scopes)",
            client_id=self.config.default_client_id,
            client_secret=self.config.default_client_secret,
        )
        return state

    def reset(self, seed: int | None = None) -> None:
        """Back to a freshly seeded organisation: data, credentials, tokens, limits, faults, log."""
        self.seed = self.seed if seed is None else seed
        self.state = self._fresh_state(self.seed)
        self.api_limiter.reset()
        self.token_limiter.reset()
        self.injector.config = dataclasses.replace(self.config.faults)
        self.request_log.clear()
        self.changed()

    def changed(self) -> None:
        """Call after every state change, so a persisted demo survives a restart."""
        if self.config.persist_path is not None:
            self.state.save(self.config.persist_path)

    def hide_new_candidate(self, candidate_id: int) -> None:
        # Greenhouse creates candidates asynchronously; reads can miss them for a short while.
        delay = self.not_found_after_create_seconds
        if delay > 0:
            self.state.hidden_until[candidate_id] = time.time() + delay
