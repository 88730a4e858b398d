"""Replies: what came back to our outreach (real replies, auto-replies, bounces), their labels,
every label change, and where each mailbox's IMAP polling got to."""

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
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
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
    utcnow,
)


class ReplyKind(enum.StrEnum):
    REPLY = "reply"  # a person answered: stops the sequence, counts as replied
    AUTO_REPLY = "auto_reply"  # out-of-office and other automatic answers: recorded only
    BOUNCE = "bounce"  # a delivery failure report: the address is bad


class ReplyLabel(enum.StrEnum):
    INTERESTED = "interested"
    NOT_INTERESTED = "not_interested"
    NOT_NOW = "not_now"
    OUT_OF_OFFICE = "out_of_office"
    REFERRAL = "referral"
    QUESTION = "question"
    UNSUBSCRIBE = "unsubscribe"


class LabelSource(enum.StrEnum):
    MODEL = "model"  # the offline classifier (embeddings + rules)
    LLM = "llm"  # the workspace's configured language model
    PERSON = "person"  # a recruiter's correction; never overwritten by a machine


class ReplySource(enum.StrEnum):
    IMAP = "imap"
    WEBHOOK = "webhook"


class Reply(IdMixin, TimestampMixin, WorkspaceScopedMixin, Base):
    __tablename__ = "reply"
    __table_args__ = (
        # Idempotency: one row per RFC 5322 Message-ID per workspace, however often it arrives.
        UniqueConstraint("workspace_id", "rfc_message_id"),
        Index("ix_reply_workspace_received", "workspace_id", "received_at", "id"),
        Index("ix_reply_workspace_label", "workspace_id", "label"),
    )

    mailbox_id: Mapped[int | None] = mapped_column(
        Id, ForeignKey("mailbox.id", ondelete="SET NULL"), nullable=True, index=True
    )
    candidate_id: Mapped[int | None] = mapped_column(
        Id, ForeignKey("candidate.id", ondelete="SET NULL"), nullable=True, index=True
    )
    enrollment_id: Mapped[int | None] = mapped_column(
        Id, ForeignKey("enrollment.id", ondelete="SET NULL"), nullable=True, index=True
    )
    # Our sent message this answers (or bounced), when the headers or the DSN name it.
    message_id: Mapped[int | None] = mapped_column(
        Id, ForeignKey("message.id", ondelete="SET NULL"), nullable=True
    )
    job_id: Mapped[int | None] = mapped_column(
        Id, ForeignKey("job.id", ondelete="SET NULL"), nullable=True
    )
    source: Mapped[ReplySource] = mapped_column(enum_type(ReplySource))
    # How the reply was tied to the enrolment: "headers", "sender", or "" when it was not.
    matched_by: Mapped[str] = mapped_column(String(20), default="")
    rfc_message_id: Mapped[str] = mapped_column(String(998))
    in_reply_to: Mapped[str] = mapped_column(Text, default="")
    references_header: Mapped[str] = mapped_column(Text, default="")
    from_address: Mapped[str] = mapped_column(String(320), default="")
    from_name: Mapped[str] = mapped_column(String(300), default="")
    to_address: Mapped[str] = mapped_column(String(320), default="")
    subject: Mapped[str] = mapped_column(Text, default="")
    # The headers that decided kind and matching (Auto-Submitted, Precedence, Content-Type, ...).
    headers: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)
    # The newest part of the message only: quoted history and signature stripped.
    text: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[ReplyKind] = mapped_column(enum_type(ReplyKind))
    label: Mapped[ReplyLabel | None] = mapped_column(enum_type(ReplyLabel), nullable=True)
    label_source: Mapped[LabelSource | None] = mapped_column(enum_type(LabelSource), nullable=True)
    confidence: Mapped[float | None] = mapped_column(Float, nullable=True)
    # True while the configured LLM has not yet given its label: the model's label is shown, but
    # its consequences (interested event, unsubscribe) wait for the final one.
    awaiting_llm: Mapped[bool] = mapped_column(Boolean, default=False)
    # Set when `candidate.replied_interested` was written for this reply: it is written once.
    interested_event_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    # Set when `candidate.replied` was written (a reply, or an auto-reply a person relabelled).
    replied_event_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    bounced_address: Mapped[str] = mapped_column(String(320), default="")
    bounce_status: Mapped[str] = mapped_column(String(20), default="")  # e.g. 5.1.1
    bounce_diagnostic: Mapped[str] = mapped_column(Text, default="")
    received_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    # The message exactly as it arrived, zlib-compressed (kept for re-parsing and for audits).
    raw_mime_zlib: Mapped[bytes] = mapped_column(LargeBinary)
    raw_size: Mapped[int] = mapped_column(Integer, default=0)


class ReplyLabelChange(IdMixin, TimestampMixin, WorkspaceScopedMixin, Base):
    """Every label a reply was given, by whom: the history behind a correction."""

    __tablename__ = "reply_label_change"

    reply_id: Mapped[int] = mapped_column(
        Id, ForeignKey("reply.id", ondelete="CASCADE"), index=True
    )
    old_label: Mapped[ReplyLabel | None] = mapped_column(enum_type(ReplyLabel), nullable=True)
    new_label: Mapped[ReplyLabel] = mapped_column(enum_type(ReplyLabel))
    source: Mapped[LabelSource] = mapped_column(enum_type(LabelSource))
    confidence: Mapped[float | None] = mapped_column(Float, nullable=True)
    actor_user_id: Mapped[int | None] = mapped_column(
        Id, ForeignKey("user_account.id", ondelete="SET NULL"), nullable=True
    )


class ImapCheckpoint(IdMixin, TimestampMixin, WorkspaceScopedMixin, Base):
    """How far a mailbox's folder has been read: UIDs are only comparable within a UIDVALIDITY."""

    __tablename__ = "imap_checkpoint"
    __table_args__ = (UniqueConstraint("mailbox_id", "folder"),)

    mailbox_id: Mapped[int] = mapped_column(Id, ForeignKey("mailbox.id", ondelete="CASCADE"))
    folder: Mapped[str] = mapped_column(String(200))
    uidvalidity: Mapped[int] = mapped_column(Id, default=0)
    last_uid: Mapped[int] = mapped_column(Id, default=0)
    last_polled_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    last_ingested_count: Mapped[int] = mapped_column(Integer, default=0)
    # The server's own words when the last poll failed; cleared by the next good poll.
    last_error: Mapped[str] = mapped_column(Text, default="")
    last_error_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
