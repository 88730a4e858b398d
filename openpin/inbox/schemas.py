"""Reply shapes for the API: `Reply` out, `ReplyUpdate` in (a recruiter's label correction)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict

from openpin.models.inbox import LabelSource, ReplyKind, ReplyLabel, ReplySource


class Reply(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: ReplyKind
    label: ReplyLabel | None
    label_source: LabelSource | None
    confidence: float | None
    awaiting_llm: bool
    candidate_id: int | None
    enrollment_id: int | None
    message_id: int | None  # our sent message this answers
    job_id: int | None
    mailbox_id: int | None
    source: ReplySource
    matched_by: str
    rfc_message_id: str
    from_address: str
    from_name: str
    to_address: str
    subject: str
    text: str
    bounced_address: str
    bounce_status: str
    bounce_diagnostic: str
    received_at: datetime
    read_at: datetime | None
    created_at: datetime


class LabelChange(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    old_label: ReplyLabel | None
    new_label: ReplyLabel
    source: LabelSource
    confidence: float | None
    actor_user_id: int | None
    created_at: datetime


class ReplyDetail(Reply):
    label_history: list[LabelChange]


class ReplyPage(BaseModel):
    items: list[Reply]
    next_cursor: str | None
    total: int


class ReplyUpdate(BaseModel):
    """A correction: the new label (kept in the history), and/or marking it read or unread."""

    model_config = ConfigDict(extra="forbid")

    label: ReplyLabel | None = None
    read: bool | None = None


class LabelInfo(BaseModel):
    label: ReplyLabel
    title: str
    meaning: str
    count: int


class InboundResult(BaseModel):
    status: Literal["ingested", "duplicate"]
    matched: bool
    reply: Reply
