"""Settings of one Greenhouse sandbox instance."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from openpin.sandboxes.faults import FaultConfig

# Every scope the seed's v1 permission list maps to (reference README), plus the list scopes of the
# collections we serve and candidate merge. The default credential holds all of them.
ALL_SCOPES: tuple[str, ...] = (
    "harvest:users:list",
    "harvest:jobs:list",
    "harvest:job_interview_stages:list",
    "harvest:departments:list",
    "harvest:offices:list",
    "harvest:sources:list",
    "harvest:custom_field_options:list",
    "harvest:candidates:list",
    "harvest:candidates:create",
    "harvest:candidates:update",
    "harvest:candidates:merge",
    "harvest:applications:list",
    "harvest:applications:create",
    "harvest:attachments:list",
    "harvest:attachments:create",
    "harvest:notes:list",
    "harvest:notes:create",
    "harvest:candidate_educations:list",
    "harvest:candidate_educations:create",
    "harvest:candidate_employments:list",
    "harvest:candidate_employments:create",
)


@dataclass
class GreenhouseSandboxConfig:
    seed: int = 42
    candidate_count: int = 300
    rate_limit: int = 75
    """Requests per credential per window (the reference's example `X-RateLimit-Limit`)."""
    rate_window_seconds: float = 30.0
    token_rate_limit: int = 50
    """Token mints per client per token window; the real figure is not published."""
    token_rate_window_seconds: float = 60.0
    token_ttl_seconds: int = 3600
    not_found_after_create_seconds: float = 1.0
    """How long a new candidate is invisible to reads (Greenhouse creates asynchronously)."""
    default_client_id: str = "openpin-sandbox-client"
    default_client_secret: str = "openpin-sandbox-secret"
    persist_path: Path | None = None
    faults: FaultConfig = field(default_factory=FaultConfig)
