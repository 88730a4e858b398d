from __future__ import annotations

import enum

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from openpin.models.base import (
    Base,
    Id,
    IdMixin,
    JsonType,
    TimestampMixin,
    WorkspaceScopedMixin,
    enum_type,
)


class JobStatus(enum.StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    ON_HOLD = "on_hold"
    CLOSED = "closed"


class Seniority(enum.StrEnum):
    INTERN = "intern"
    JUNIOR = "junior"
    MID = "mid"
    SENIOR = "senior"
    LEAD = "lead"
    PRINCIPAL = "principal"
    MANAGER = "manager"
    DIRECTOR = "director"
    EXECUTIVE = "executive"


class Job(IdMixin, TimestampMixin, WorkspaceScopedMixin, Base):
    """A job opening: the unit that searches, sequences, rules and analytics hang off."""

    __tablename__ = "job"

    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    locations: Mapped[list[str]] = mapped_column(JsonType, default=list)
    must_have_skills: Mapped[list[str]] = mapped_column(JsonType, default=list)
    nice_to_have_skills: Mapped[list[str]] = mapped_column(JsonType, default=list)
    seniority: Mapped[Seniority | None] = mapped_column(enum_type(Seniority), nullable=True)
    status: Mapped[JobStatus] = mapped_column(
        enum_type(JobStatus),
        default=JobStatus.OPEN,
    )
    owner_id: Mapped[int | None] = mapped_column(
        Id, ForeignKey("user_account.id", ondelete="SET NULL"), nullable=True
    )
