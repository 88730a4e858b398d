"""Outreach: mailboxes, sequences and their steps, enrolments, messages sent, suppressions."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    Boolean,
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


class SmtpSecurity(enum.StrEnum):
    SSL = "ssl"  # implicit TLS, usually port 465
    STARTTLS = "starttls"  # usually port 587
    NONE = "none"  # loopback relays and test servers only


class Mailbox(IdMixin, TimestampMixin, WorkspaceScopedMixin, Base):
    """A sending address with its SMTP/IMAP credentials (encrypted) and its humane-pace rules."""

    __tablename__ = "mailbox"

    label: Mapped[str] = mapped_column(String(200), default="")
    from_name: Mapped[str] = mapped_column(String(200))
    from_address: Mapped[str] = mapped_column(String(320))
    signature: Mapped[str] = mapped_column(Text, default="")
    owner_user_id: Mapped[int | None] = mapped_column(
        Id, ForeignKey("user_account.id", ondelete="SET NULL"), nullable=True
    )
    smtp_host: Mapped[str] = mapped_column(String(255))
    smtp_port: Mapped[int] = mapped_column(Integer, default=587)
    smtp_security: Mapped[SmtpSecurity] = mapped_column(
        enum_type(SmtpSecurity), default=SmtpSecurity.STARTTLS
    )
    smtp_username: Mapped[str] = mapped_column(String(320), default="")
    smtp_password_encrypted: Mapped[str] = mapped_column(Text, default="")
    imap_host: Mapped[str] = mapped_column(String(255), default="")
    imap_port: Mapped[int] = mapped_column(Integer, default=993)
    imap_ssl: Mapped[bool] = mapped_column(Boolean, default=True)
    imap_username: Mapped[str] = mapped_column(String(320), default="")
    imap_password_encrypted: Mapped[str] = mapped_column(Text, default="")
    imap_folder: Mapped[str] = mapped_column(String(200), default="INBOX")
    imap_sent_folder: Mapped[str] = mapped_column(String(200), default="Sent")
    # Sending rules, read in the mailbox's own time zone (IANA name).
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    daily_cap: Mapped[int] = mapped_column(Integer, default=100)
    min_gap_seconds: Mapped[int] = mapped_column(Integer, default=60)
    send_days: Mapped[list[int]] = mapped_column(JsonType, default=lambda: [0, 1, 2, 3, 4])
    # Minutes after local midnight: the window is [start, end).
    window_start_minute: Mapped[int] = mapped_column(Integer, default=9 * 60)
    window_end_minute: Mapped[int] = mapped_column(Integer, default=17 * 60)
    holiday_country: Mapped[str] = mapped_column(String(2), default="")
    holiday_subdivision: Mapped[str] = mapped_column(String(10), default="")
    pause_dates: Mapped[list[str]] = mapped_column(JsonType, default=list)  # ISO dates
    # Off by default: tracking pixels and rewritten links hurt deliverability and privacy.
    track_opens: Mapped[bool] = mapped_column(Boolean, default=False)
    track_clicks: Mapped[bool] = mapped_column(Boolean, default=False)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Pacing state, updated in the transaction that claims a send (see sequence/sending.py).
    last_send_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    sent_day: Mapped[str] = mapped_column(String(10), default="")  # local ISO date of the count
    sent_day_count: Mapped[int] = mapped_column(Integer, default=0)

    @property
    def imap_configured(self) -> bool:
        return bool(self.imap_host and self.imap_username and self.imap_password_encrypted)


class SequenceStatus(enum.StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"  # nothing is sent from it until it is active again
    ARCHIVED = "archived"


class Sequence(IdMixin, TimestampMixin, WorkspaceScopedMixin, Base):
    __tablename__ = "sequence"

    job_id: Mapped[int] = mapped_column(Id, ForeignKey("job.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    mailbox_id: Mapped[int | None] = mapped_column(
        Id, ForeignKey("mailbox.id", ondelete="SET NULL"), nullable=True
    )
    status: Mapped[SequenceStatus] = mapped_column(
        enum_type(SequenceStatus), default=SequenceStatus.ACTIVE
    )
    owner_user_id: Mapped[int | None] = mapped_column(
        Id, ForeignKey("user_account.id", ondelete="SET NULL"), nullable=True
    )


class SequenceStep(IdMixin, TimestampMixin, Base):
    __tablename__ = "sequence_step"
    __table_args__ = (UniqueConstraint("sequence_id", "position"),)

    sequence_id: Mapped[int] = mapped_column(
        Id, ForeignKey("sequence.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)  # 1-based
    # Business days (the mailbox's send days, less holidays and pause dates) after the last send.
    delay_days: Mapped[int] = mapped_column(Integer, default=0)
    subject_template: Mapped[str] = mapped_column(Text, default="")
    body_template: Mapped[str] = mapped_column(Text)
    # Later steps go as a reply in the first email's thread unless this is off.
    reply_in_thread: Mapped[bool] = mapped_column(Boolean, default=True)


class StepVariant(IdMixin, Base):
    """An A/B alternative to a step's templates; the step itself is variant "A"."""

    __tablename__ = "sequence_step_variant"

    step_id: Mapped[int] = mapped_column(
        Id, ForeignKey("sequence_step.id", ondelete="CASCADE"), index=True
    )
    label: Mapped[str] = mapped_column(String(20))
    subject_template: Mapped[str] = mapped_column(Text, default="")
    body_template: Mapped[str] = mapped_column(Text)


class EnrollmentStatus(enum.StrEnum):
    ACTIVE = "active"
    COMPLETED = "completed"  # every step sent
    STOPPED = "stopped"  # see stop_reason


class StopReason(enum.StrEnum):
    REPLIED = "replied"
    BOUNCED = "bounced"
    UNSUBSCRIBED = "unsubscribed"
    MANUAL = "manual"
    EXPORTED_HIRED = "exported_hired"
    SEND_FAILED = "send_failed"  # the mail server refused a message for good


# One active enrolment per candidate and job: the same text is used on both backends.
ACTIVE_ENROLLMENT_PREDICATE = "status = 'active'"


class Enrollment(IdMixin, TimestampMixin, WorkspaceScopedMixin, Base):
    __tablename__ = "enrollment"
    __table_args__ = (
        Index(
            "uq_enrollment_active_candidate_job",
            "workspace_id",
            "candidate_id",
            "job_id",
            unique=True,
            sqlite_where=text(ACTIVE_ENROLLMENT_PREDICATE),
            postgresql_where=text(ACTIVE_ENROLLMENT_PREDICATE),
        ),
        Index("ix_enrollment_workspace_email_status", "workspace_id", "to_address", "status"),
    )

    sequence_id: Mapped[int] = mapped_column(
        Id, ForeignKey("sequence.id", ondelete="CASCADE"), index=True
    )
    job_id: Mapped[int] = mapped_column(Id, ForeignKey("job.id", ondelete="CASCADE"))
    candidate_id: Mapped[int] = mapped_column(
        Id, ForeignKey("candidate.id", ondelete="CASCADE"), index=True
    )
    mailbox_id: Mapped[int] = mapped_column(Id, ForeignKey("mailbox.id", ondelete="CASCADE"))
    to_address: Mapped[str] = mapped_column(String(320))
    status: Mapped[EnrollmentStatus] = mapped_column(
        enum_type(EnrollmentStatus), default=EnrollmentStatus.ACTIVE
    )
    current_step: Mapped[int] = mapped_column(Integer, default=0)  # last step sent; 0 = none yet
    stop_reason: Mapped[StopReason | None] = mapped_column(enum_type(StopReason), nullable=True)
    stopped_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    next_send_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    personal_line: Mapped[str] = mapped_column(Text, default="")
    personal_line_source: Mapped[str] = mapped_column(String(20), default="composer")
    enrolled_by_user_id: Mapped[int | None] = mapped_column(
        Id, ForeignKey("user_account.id", ondelete="SET NULL"), nullable=True
    )


class MessageStatus(enum.StrEnum):
    DRAFTING = "drafting"  # waiting for the LLM's personal line; not sent until scheduled
    SCHEDULED = "scheduled"
    SENDING = "sending"  # claimed, handed to SMTP; committed before the SMTP call
    SENT = "sent"
    FAILED = "failed"  # permanent refusal, or temporary failures that exhausted the retries
    UNKNOWN = "unknown"  # a worker stopped mid-send: a person checks before resending
    CANCELLED = "cancelled"  # its enrolment stopped before it went


class Message(IdMixin, TimestampMixin, WorkspaceScopedMixin, Base):
    """One outgoing email of an enrolment, rendered when scheduled and editable until it goes."""

    __tablename__ = "message"
    __table_args__ = (
        # The scheduling pass: per mailbox, the oldest due scheduled message.
        Index("ix_message_mailbox_status_scheduled", "mailbox_id", "status", "scheduled_at"),
        Index("ix_message_workspace_status_scheduled", "workspace_id", "status", "scheduled_at"),
    )

    enrollment_id: Mapped[int] = mapped_column(
        Id, ForeignKey("enrollment.id", ondelete="CASCADE"), index=True
    )
    step_id: Mapped[int | None] = mapped_column(
        Id, ForeignKey("sequence_step.id", ondelete="SET NULL"), nullable=True
    )
    step_position: Mapped[int] = mapped_column(Integer)
    variant_id: Mapped[int | None] = mapped_column(
        Id, ForeignKey("sequence_step_variant.id", ondelete="SET NULL"), nullable=True
    )
    variant_label: Mapped[str] = mapped_column(String(20), default="A")
    candidate_id: Mapped[int] = mapped_column(
        Id, ForeignKey("candidate.id", ondelete="CASCADE"), index=True
    )
    mailbox_id: Mapped[int] = mapped_column(Id, ForeignKey("mailbox.id", ondelete="CASCADE"))
    to_address: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    edited: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[MessageStatus] = mapped_column(
        enum_type(MessageStatus), default=MessageStatus.SCHEDULED
    )
    scheduled_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # RFC 5322 Message-ID with angle brackets, fixed when the message is created.
    message_id_header: Mapped[str] = mapped_column(String(255), unique=True)
    in_reply_to: Mapped[str] = mapped_column(String(255), default="")
    references_header: Mapped[str] = mapped_column(Text, default="")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    sending_started_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    error: Mapped[str] = mapped_column(Text, default="")


class SuppressionReason(enum.StrEnum):
    UNSUBSCRIBED = "unsubscribed"
    BOUNCED = "bounced"
    MANUAL = "manual"


class Suppression(IdMixin, TimestampMixin, WorkspaceScopedMixin, Base):
    """An address never to email again from this workspace."""

    __tablename__ = "suppression"
    __table_args__ = (UniqueConstraint("workspace_id", "email"),)

    email: Mapped[str] = mapped_column(String(320))
    reason: Mapped[SuppressionReason] = mapped_column(enum_type(SuppressionReason))
    detail: Mapped[str] = mapped_column(Text, default="")
