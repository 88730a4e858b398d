"""How one Ashby sandbox is configured: at start (CLI flags, tests) and, for faults, at run time."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from openpin.sandboxes.faults import FaultConfig

# Ashby publishes no number for its per-key limit; this default is ours (see docs/sandboxes.md).
DEFAULT_RATE_LIMIT = 100
DEFAULT_RATE_WINDOW_SECONDS = 10.0


@dataclass
class AshbySandboxConfig:
    seed: int = 1
    rate_limit: int = DEFAULT_RATE_LIMIT
    """Requests allowed per API key per window; the next one answers 429 with Retry-After."""
    rate_window_seconds: float = DEFAULT_RATE_WINDOW_SECONDS
    faults: FaultConfig = field(default_factory=FaultConfig)
    persist_path: Path | None = None
    """JSON file the state is written to after every change and read back at start."""
    default_api_key: str | None = None
    """The full-permission key; derived from the seed when not given, so demos can hard-code it."""
    public_base_url: str | None = None
    """Base of `profileUrl` and upload URLs; by default the URL the request came in on."""

    def api_key(self) -> str:
        if self.default_api_key:
            return self.default_api_key
        digest = hashlib.sha256(f"openpin-ashby-sandbox:{self.seed}".encode()).hexdigest()
        return f"sandbox_{digest[:40]}"
