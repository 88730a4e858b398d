"""ATS shapes for the API: the connection, ATS jobs, export rules, exports and candidate status."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from openpin.models.ats import ExportTrigger

TriggerName = Literal["added_to_sequence", "replied", "replied_interested"]
HiresStatus = Literal["ok", "failed", "paused", "not_run"]


class ConnectionCreate(BaseModel):
    """Connect (or reconnect) the workspace's ATS. Verified before anything is saved."""

    model_config = ConfigDict(extra="forbid")

    provider: Literal["greenhouse", "ashby"]
    # Greenhouse: client_id, client_secret. Ashby: api_key.
    credentials: dict[str, str]
    # Empty for the vendor's default; set it for EU data residency or a sandbox.
    base_url: str = Field(default="", max_length=500)
    # Greenhouse: the user the integration acts as (see POST /api/v1/ats/connection/users).
    acting_user_id: str | None = Field(default=None, max_length=100)
    # Required when the workspace is connected to a different ATS: connecting replaces it.
    confirm_switch: bool = False


class CredentialsProbe(BaseModel):
    """Credentials to list the ATS users with, before connecting (nothing is saved)."""

    model_config = ConfigDict(extra="forbid")

    provider: Literal["greenhouse", "ashby"]
    credentials: dict[str, str]
    base_url: str = Field(default="", max_length=500)


class AtsUser(BaseModel):
    id: str
    name: str
    email: str
    is_admin: bool
    can_act_as: bool
    why_not: str = ""


class PermissionCheck(BaseModel):
    key: str
    label: str
    granted: bool
    required: bool
    used_for: str
    fix: str


class Connection(BaseModel):
    id: int
    provider: str
    provider_name: str
    status: str
    status_reason: str
    base_url: str
    account: str
    # Each credential field shown masked: the secret itself is never sent back.
    credentials: dict[str, str]
    acting_user_id: str | None
    permissions_ok: bool
    permissions: list[PermissionCheck]
    warnings: list[str]
    verified_at: datetime | None
    jobs_refreshed_at: datetime | None
    webhook_url: str | None
    # Only in the answer that creates it: paste it into the ATS's webhook settings.
    webhook_secret: str | None = None


class AtsJob(BaseModel):
    id: str
    name: str
    status: str
    location: str
    department: str
    refreshed_at: datetime


class AtsJobList(BaseModel):
    provider: str
    refreshed_at: datetime | None
    items: list[AtsJob]


class ExportRuleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ats_job_id: str = Field(min_length=1, max_length=100)
    trigger: TriggerName
    enabled: bool = True


class ExportRule(BaseModel):
    job_id: int
    provider: str
    ats_job_id: str
    ats_job_name: str
    trigger: ExportTrigger
    enabled: bool
    enabled_at: datetime | None
    updated_at: datetime
    # False when the rule was set for an ATS the workspace is no longer connected to.
    active: bool


class BackfillPreview(BaseModel):
    job_id: int
    trigger: ExportTrigger
    ats_job_id: str
    # Candidates who met the trigger for this job before the rule was enabled, not yet exported.
    count: int


class BackfillRun(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # The count the user was shown; a different current count is refused (it changed meanwhile).
    expected_count: int = Field(ge=0)


class ExportRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    candidate_ids: list[int] = Field(min_length=1, max_length=500)
    ats_job_id: str = Field(min_length=1, max_length=100)


class ExportOutcome(BaseModel):
    candidate_id: int
    status: Literal["queued", "refused"]
    export_id: int | None = None
    reason: str = ""
    reason_code: str = ""


class ExportResult(BaseModel):
    queued: int
    refused: int
    results: list[ExportOutcome]


class Export(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    candidate_id: int
    ats_job_id: str
    ats_job_name: str
    job_id: int | None
    trigger: str
    status: str
    outcome: str
    ats_application_id: str | None
    attempts: int
    last_error: str
    exported_at: datetime | None
    hired_at: datetime | None = None
    created_at: datetime
    updated_at: datetime


class CandidateAtsStatus(BaseModel):
    """A candidate's sync status in the connected ATS, as carried on the candidate API."""

    provider: str
    status: Literal["exported", "pending", "failed", "waiting_reconnect"]
    ats_candidate_id: str | None
    profile_url: str | None
    exported_at: datetime | None
    last_error: str | None
    # When the ATS shows the person hired on an exported application (read back periodically),
    # and for which ATS job; null while not hired.
    hired_at: datetime | None = None
    hired_for: str | None = None


class HiresHealth(BaseModel):
    """Reading hire status back from the ATS (the periodic `ats.check_hires`)."""

    # "failed": the last run failed, `last_error` says why and what to do; "paused": the
    # connection needs reconnecting; "not_run": no run has finished yet; "ok".
    status: HiresStatus
    # One plain sentence on the state (the error itself when failed).
    message: str
    # When a run last finished without error; null before the first.
    last_success_at: datetime | None
    hires_recorded: int
    # Exported applications not yet known hired, and those never read straight from the ATS.
    exports_watched: int
    awaiting_first_check: int
    # True while a long read continues over several runs.
    reading: bool
    last_error: str
    runs_every_seconds: int


class WebhookAck(BaseModel):
    ok: bool
    action: str
    changed: int = 0
    details: dict[str, Any] = Field(default_factory=dict)
