from __future__ import annotations

from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from openpin.models.base import Base, Id, IdMixin, JsonType, TimestampMixin, WorkspaceScopedMixin


class ActivityEvent(IdMixin, TimestampMixin, WorkspaceScopedMixin, Base):
    """A state change that matters, written in the same transaction as the change itself.

    The single source for the candidate timeline, ATS export triggers and analytics.
    Types are `<subject>.<past-tense verb>`, e.g. `candidate.created`, `message.sent`.
    """

    __tablename__ = "activity_event"
    __table_args__ = (
        Index("ix_activity_event_candidate_created", "candidate_id", "created_at"),
        Index("ix_activity_event_workspace_type_created", "workspace_id", "type", "created_at"),
    )

    type: Mapped[str] = mapped_column(String(100))
    candidate_id: Mapped[int | None] = mapped_column(
        Id, ForeignKey("candidate.id", ondelete="CASCADE"), nullable=True
    )
    job_id: Mapped[int | None] = mapped_column(
        Id, ForeignKey("job.id", ondelete="SET NULL"), nullable=True, index=True
    )
    actor_user_id: Mapped[int | None] = mapped_column(
        Id, ForeignKey("user_account.id", ondelete="SET NULL"), nullable=True
    )
    data: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)
