"""The ATS aggregate: a workspace's connection, its cached jobs, export rules, exports, the
link from an OpenPin candidate to the person in the ATS, and the local identity index.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from openpin.models.base import (
    Base,
    Id,
    IdMixin,
    JsonType,
    TimestampMixin,
    UtcDateTime,
    WorkspaceScopedMixin,
    enum_type,
)


class AtsProviderName(enum.StrEnum):
    GREENHOUSE = "greenhouse"
    ASHBY = "ashby"


class ConnectionStatus(enum.StrEnum):
    CONNECTED = "connected"
    # The ATS refused the credentials (401/403): exports wait until someone reconnects.
    NEEDS_RECONNECTING = "needs_reconnecting"
    DISCONNECTED = "disconnected"


class ExportTrigger(enum.StrEnum):
    ADDED_TO_SEQUENCE = "added_to_sequence"
    REPLIED = "replied"
    REPLIED_INTERESTED = "replied_interested"


class ExportStatus(enum.StrEnum):
    PENDING = "pending"  # a task will (or is about to) export it
    EXPORTED = "exported"
    FAILED = "failed"  # the ATS refused it, or retries ran out: shown with a retry button
    WAITING_RECONNECT = "waiting_reconnect"  # parked until the connection is fixed


# The partial unique index's predicate: at most one live connection per workspace.
LIVE_CONNECTION_PREDICATE = "status IN ('connected', 'needs_reconnecting')"


class AtsConnection(IdMixin, TimestampMixin, WorkspaceScopedMixin, Base):
    """A workspace's link to one ATS account. Credentials are stored encrypted (SecretBox)."""

    __tablename__ = "ats_connection"
    __table_args__ = (
        Index(
            "uq_ats_connection_live_workspace",
            "workspace_id",
            unique=True,
            sqlite_where=text(LIVE_CONNECTION_PREDICATE),
            postgresql_where=text(LIVE_CONNECTION_PREDICATE),
        ),
    )

    provider: Mapped[AtsProviderName] = mapped_column(enum_type(AtsProviderName, length=30))
    base_url: Mapped[str] = mapped_column(String(500), default="")
    # JSON of the credential fields, encrypted as one Fernet token; never sent to a browser.
    credentials_encrypted: Mapped[str] = mapped_column(Text)
    # What the UI may show of each credential field (last four characters).
    credentials_masked: Mapped[dict[str, str]] = mapped_column(JsonType, default=dict)
    # Non-secret settings, e.g. the Greenhouse user the integration acts as.
    options: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)
    status: Mapped[ConnectionStatus] = mapped_column(
        enum_type(ConnectionStatus, length=30), default=ConnectionStatus.CONNECTED
    )
    status_reason: Mapped[str] = mapped_column(Text, default="")
    # The permission report from the last verification (granted / missing, how to fix).
    permissions: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)
    account_name: Mapped[str] = mapped_column(String(300), default="")
    verified_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    disconnected_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    connected_by: Mapped[int | None] = mapped_column(
        Id, ForeignKey("user_account.id", ondelete="SET NULL"), nullable=True
    )
    # Webhooks arrive at /api/v1/ats/webhooks/<provider>/<webhook_token>, signed with the secret.
    webhook_token: Mapped[str] = mapped_column(String(64), unique=True)
    webhook_secret_encrypted: Mapped[str] = mapped_column(Text)
    jobs_refreshed_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    # Running totals for the health page: how long exports waited on the ATS's rate limit.
    rate_limited_count: Mapped[int] = mapped_column(Integer, default=0)
    rate_limited_seconds: Mapped[float] = mapped_column(Float, default=0.0)


class AtsJob(IdMixin, WorkspaceScopedMixin, Base):
    """An ATS job as last read from the ATS (cache for pickers and rules)."""

    __tablename__ = "ats_job"
    __table_args__ = (UniqueConstraint("connection_id", "external_id"),)

    connection_id: Mapped[int] = mapped_column(
        Id, ForeignKey("ats_connection.id", ondelete="CASCADE"), index=True
    )
    external_id: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(50), default="open")
    location: Mapped[str] = mapped_column(String(300), default="")
    department: Mapped[str] = mapped_column(String(300), default="")
    # False once a refresh no longer lists it (closed or removed in the ATS).
    is_open: Mapped[bool] = mapped_column(Boolean, default=True)
    refreshed_at: Mapped[datetime] = mapped_column(UtcDateTime())


class AtsExportRule(IdMixin, TimestampMixin, WorkspaceScopedMixin, Base):
    """Per OpenPin job: which ATS job its engaged candidates go to, and on which trigger."""

    __tablename__ = "ats_export_rule"
    __table_args__ = (UniqueConstraint("job_id"),)

    job_id: Mapped[int] = mapped_column(Id, ForeignKey("job.id", ondelete="CASCADE"))
    connection_id: Mapped[int] = mapped_column(
        Id, ForeignKey("ats_connection.id", ondelete="CASCADE"), index=True
    )
    ats_job_id: Mapped[str] = mapped_column(String(100))
    ats_job_name: Mapped[str] = mapped_column(String(300), default="")
    trigger: Mapped[ExportTrigger] = mapped_column(enum_type(ExportTrigger, length=30))
    enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    # Only trigger events recorded at or after this instant export (no retroactive export).
    enabled_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    updated_by: Mapped[int | None] = mapped_column(
        Id, ForeignKey("user_account.id", ondelete="SET NULL"), nullable=True
    )


class AtsCandidateLink(IdMixin, TimestampMixin, WorkspaceScopedMixin, Base):
    """One OpenPin candidate in one connected ATS: the person's id there and the export steps.

    Also the per-person lock: exports of one candidate to several ATS jobs run one at a time, so
    two of them can never both find nobody and both create the person.
    """

    __tablename__ = "ats_candidate_link"
    __table_args__ = (UniqueConstraint("connection_id", "candidate_id"),)

    connection_id: Mapped[int] = mapped_column(
        Id, ForeignKey("ats_connection.id", ondelete="CASCADE")
    )
    candidate_id: Mapped[int] = mapped_column(
        Id, ForeignKey("candidate.id", ondelete="CASCADE"), index=True
    )
    ats_candidate_id: Mapped[str | None] = mapped_column(String(100), nullable=True, index=True)
    profile_url: Mapped[str] = mapped_column(String(500), default="")
    # True when OpenPin created the person (then it owes the resume and the note).
    created_by_openpin: Mapped[bool] = mapped_column(Boolean, default=False)
    # Contact data is pushed once, when the person is created; never again (the seed's rule).
    contact_synced_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    resume_attached_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    note_added_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    # Set, in its own transaction, just before a create is sent: if the answer is lost, the
    # next attempt looks the person up (after the ATS has settled) before creating again.
    create_started_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    locked_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class AtsExport(IdMixin, TimestampMixin, WorkspaceScopedMixin, Base):
    """One candidate to one ATS job, at most once (unique), whatever triggered it and how often."""

    __tablename__ = "ats_export"
    __table_args__ = (
        UniqueConstraint("connection_id", "candidate_id", "ats_job_id"),
        Index("ix_ats_export_workspace_status", "workspace_id", "status"),
        Index("ix_ats_export_workspace_updated", "workspace_id", "updated_at"),
    )

    connection_id: Mapped[int] = mapped_column(
        Id, ForeignKey("ats_connection.id", ondelete="CASCADE")
    )
    candidate_id: Mapped[int] = mapped_column(
        Id, ForeignKey("candidate.id", ondelete="CASCADE"), index=True
    )
    ats_job_id: Mapped[str] = mapped_column(String(100))
    ats_job_name: Mapped[str] = mapped_column(String(300), default="")
    job_id: Mapped[int | None] = mapped_column(
        Id, ForeignKey("job.id", ondelete="SET NULL"), nullable=True
    )
    # "added_to_sequence" | "replied" | "replied_interested" | "manual" | "backfill"
    trigger: Mapped[str] = mapped_column(String(30))
    event_id: Mapped[int | None] = mapped_column(
        Id, ForeignKey("activity_event.id", ondelete="SET NULL"), nullable=True
    )
    requested_by: Mapped[int | None] = mapped_column(
        Id, ForeignKey("user_account.id", ondelete="SET NULL"), nullable=True
    )
    status: Mapped[ExportStatus] = mapped_column(
        enum_type(ExportStatus, length=30), default=ExportStatus.PENDING
    )
    # "created" (OpenPin created the person) or "linked" (found an existing person).
    outcome: Mapped[str] = mapped_column(String(20), default="")
    ats_application_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    # A short, stable label of the failure for grouping on the health page.
    error_kind: Mapped[str] = mapped_column(String(50), default="")
    exported_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    # When the ATS shows the application hired (its last change when OpenPin first saw it so),
    # set once by `ats.check_hires` together with the `candidate.hired` event.
    hired_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    # When the application's state was read straight from the ATS, once after the export: later
    # changes come through the incremental hires listing, earlier ones would not.
    hire_checked_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class AtsIdentityEntry(IdMixin, Base):
    """One normalised email or LinkedIn URL of a person in the ATS: the local lookup index.

    Neither ATS searches by LinkedIn URL, so OpenPin keeps this index of the ATS's candidates.
    """

    __tablename__ = "ats_identity_entry"
    __table_args__ = (
        UniqueConstraint("connection_id", "kind", "value", "ats_candidate_id"),
        Index("ix_ats_identity_entry_candidate", "connection_id", "ats_candidate_id"),
    )

    connection_id: Mapped[int] = mapped_column(
        Id, ForeignKey("ats_connection.id", ondelete="CASCADE")
    )
    kind: Mapped[str] = mapped_column(String(10))  # "email" | "linkedin"
    value: Mapped[str] = mapped_column(String(320))
    ats_candidate_id: Mapped[str] = mapped_column(String(100))
    seen_at: Mapped[datetime] = mapped_column(UtcDateTime())


class AtsIndexState(Base):
    """Where the identity index read stands, per connection: checkpointed after every page.

    A read in progress has `read_checkpoint` (the provider's own cursor after the last stored
    page) and `read_since` (None for a full read, else the watermark it started from), so a
    killed worker resumes after the last stored page. `watermark` is only moved once a read
    completed, so an interrupted read never skips anything.
    """

    __tablename__ = "ats_index_state"

    connection_id: Mapped[int] = mapped_column(
        Id, ForeignKey("ats_connection.id", ondelete="CASCADE"), primary_key=True
    )
    read_checkpoint: Mapped[str | None] = mapped_column(Text, nullable=True)
    read_since: Mapped[str | None] = mapped_column(Text, nullable=True)
    read_started_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    watermark: Mapped[str | None] = mapped_column(Text, nullable=True)
    full_read_completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    last_refresh_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    last_refresh_error: Mapped[str] = mapped_column(Text, default="")
    pages_read: Mapped[int] = mapped_column(Integer, default=0)
    people_seen: Mapped[int] = mapped_column(Integer, default=0)
    locked_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class AtsHireSyncState(Base):
    """Where the read of hired applications stands, per connection (as `AtsIndexState`).

    `watermark` (Greenhouse: the last window's end; Ashby: its sync token) only moves once a read
    completed; a read in progress keeps the provider's cursor in `read_checkpoint` and the
    watermark it started from in `read_since`.
    """

    __tablename__ = "ats_hire_sync_state"

    connection_id: Mapped[int] = mapped_column(
        Id, ForeignKey("ats_connection.id", ondelete="CASCADE"), primary_key=True
    )
    read_checkpoint: Mapped[str | None] = mapped_column(Text, nullable=True)
    read_since: Mapped[str | None] = mapped_column(Text, nullable=True)
    watermark: Mapped[str | None] = mapped_column(Text, nullable=True)
    last_checked_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    last_error: Mapped[str] = mapped_column(Text, default="")
    hires_recorded: Mapped[int] = mapped_column(Integer, default=0)
