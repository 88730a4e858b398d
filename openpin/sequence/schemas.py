"""API shapes for mailboxes, sequences, enrolments and messages. Secrets are write-only."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from openpin.models.sequence import (
    EnrollmentStatus,
    MessageStatus,
    SequenceStatus,
    SmtpSecurity,
    StopReason,
)

# A/B test: a step's own text is version "A"; up to this many more versions per step.
MAX_VARIANTS = 4

_CLOCK = re.compile(r"^([01]?\d|2[0-4]):([0-5]\d)$")


def clock_to_minutes(value: str) -> int:
    match = _CLOCK.match(value.strip())
    if not match or (int(match[1]) == 24 and match[2] != "00"):
        raise ValueError(f"{value!r} is not a time of day; write it as HH:MM, e.g. 09:00")
    return int(match[1]) * 60 + int(match[2])


def minutes_to_clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


class _MailboxFields(BaseModel):
    model_config = ConfigDict(extra="forbid")

    label: str | None = Field(default=None, max_length=200)
    from_name: str | None = Field(default=None, min_length=1, max_length=200)
    from_address: str | None = Field(default=None, min_length=3, max_length=320)
    signature: str | None = None
    smtp_host: str | None = Field(default=None, min_length=1, max_length=255)
    smtp_port: int | None = Field(default=None, ge=1, le=65535)
    smtp_security: SmtpSecurity | None = None
    smtp_username: str | None = Field(default=None, max_length=320)
    smtp_password: str | None = Field(default=None, description="Write-only; never returned.")
    imap_host: str | None = Field(default=None, max_length=255)
    imap_port: int | None = Field(default=None, ge=1, le=65535)
    imap_ssl: bool | None = None
    imap_username: str | None = Field(default=None, max_length=320)
    imap_password: str | None = Field(default=None, description="Write-only; never returned.")
    imap_folder: str | None = Field(default=None, max_length=200)
    imap_sent_folder: str | None = Field(default=None, max_length=200)
    timezone: str | None = Field(default=None, max_length=64)
    daily_cap: int | None = Field(default=None, ge=1, le=5000)
    min_gap_seconds: int | None = Field(default=None, ge=0, le=86400)
    send_days: list[int] | None = Field(default=None, description="0 = Monday … 6 = Sunday")
    window_start: str | None = Field(default=None, description="HH:MM, mailbox time zone")
    window_end: str | None = Field(default=None, description="HH:MM, mailbox time zone")
    holiday_country: str | None = Field(default=None, max_length=2)
    holiday_subdivision: str | None = Field(default=None, max_length=10)
    pause_dates: list[date] | None = None
    track_opens: bool | None = None
    track_clicks: bool | None = None
    is_active: bool | None = None

    @field_validator("send_days")
    @classmethod
    def _days(cls, value: list[int] | None) -> list[int] | None:
        if value is None:
            return None
        if not value or any(day < 0 or day > 6 for day in value):
            raise ValueError("give at least one day, each 0 (Monday) to 6 (Sunday)")
        return sorted(set(value))

    @field_validator("window_start", "window_end")
    @classmethod
    def _clock(cls, value: str | None) -> str | None:
        if value is not None:
            clock_to_minutes(value)
        return value


class MailboxCreate(_MailboxFields):
    from_name: str = Field(min_length=1, max_length=200)
    from_address: str = Field(min_length=3, max_length=320)
    smtp_host: str = Field(min_length=1, max_length=255)


class MailboxUpdate(_MailboxFields):
    """Fields left out (or None) keep their value; a password left out keeps the saved one."""


class Mailbox(BaseModel):
    id: int
    label: str
    from_name: str
    from_address: str
    signature: str
    smtp_host: str
    smtp_port: int
    smtp_security: SmtpSecurity
    smtp_username: str
    smtp_password: str = Field(description="Masked; empty when none is saved")
    imap_host: str
    imap_port: int
    imap_ssl: bool
    imap_username: str
    imap_password: str = Field(description="Masked; empty when none is saved")
    imap_folder: str
    imap_sent_folder: str
    timezone: str
    daily_cap: int
    min_gap_seconds: int
    send_days: list[int]
    window_start: str
    window_end: str
    holiday_country: str
    holiday_subdivision: str
    pause_dates: list[str]
    track_opens: bool
    track_clicks: bool
    is_active: bool
    created_at: datetime


class VariantIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    label: str = Field(min_length=1, max_length=20)
    subject: str = ""
    body: str = Field(min_length=1)


class StepIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    delay_days: int = Field(default=0, ge=0, le=90, description="Business days after the last send")
    subject: str = ""
    body: str = Field(min_length=1)
    reply_in_thread: bool = True
    variants: list[VariantIn] = Field(default_factory=list, max_length=MAX_VARIANTS)


class SequenceCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    job_id: int
    name: str = Field(min_length=1, max_length=200)
    mailbox_id: int | None = None
    steps: list[StepIn] = Field(min_length=1, max_length=10)


class SequenceUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=200)
    mailbox_id: int | None = None
    status: SequenceStatus | None = None
    steps: list[StepIn] | None = Field(default=None, min_length=1, max_length=10)


class Variant(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    label: str
    subject: str
    body: str


class Step(BaseModel):
    id: int
    position: int
    delay_days: int
    subject: str
    body: str
    reply_in_thread: bool
    variants: list[Variant]


class Sequence(BaseModel):
    id: int
    job_id: int
    name: str
    mailbox_id: int | None
    status: SequenceStatus
    steps: list[Step]
    created_at: datetime
    updated_at: datetime


class EnrollRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    candidate_ids: list[int] = Field(min_length=1, max_length=1000)


@dataclass(frozen=True)
class EnrollmentResult:
    candidate_id: int
    enrolled: bool
    reason: str | None = None
    enrollment_id: int | None = None


class EnrollmentResultOut(BaseModel):
    candidate_id: int
    enrolled: bool
    reason: str | None
    enrollment_id: int | None


class EnrollResponse(BaseModel):
    enrolled: int
    skipped: int
    results: list[EnrollmentResultOut]


class Enrollment(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    sequence_id: int
    job_id: int
    candidate_id: int
    mailbox_id: int
    to_address: str
    status: EnrollmentStatus
    current_step: int
    stop_reason: StopReason | None
    stopped_at: datetime | None
    next_send_at: datetime | None
    personal_line: str
    personal_line_source: str
    created_at: datetime


class StopRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: StopReason = StopReason.MANUAL


class Message(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    enrollment_id: int
    candidate_id: int
    mailbox_id: int
    step_position: int
    variant_label: str
    to_address: str
    subject: str
    body: str
    edited: bool
    status: MessageStatus
    scheduled_at: datetime
    sent_at: datetime | None
    attempts: int
    error: str
    message_id_header: str
    in_reply_to: str


class MessageUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    subject: str | None = Field(default=None, min_length=1)
    body: str | None = Field(default=None, min_length=1)


class MessagePage(BaseModel):
    items: list[Message]
    next_cursor: str | None


class AiSettingsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    enabled: bool = True
    base_url: str = Field(min_length=1, max_length=500)
    model: str = Field(min_length=1, max_length=200)
    api_key: str | None = Field(
        default=None, description="Write-only; left out keeps the saved one"
    )
