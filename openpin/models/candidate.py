"""The candidate aggregate: the person, their contact points, roles and education."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from openpin.models.base import Base, Id, IdMixin, JsonType, TimestampMixin, WorkspaceScopedMixin


class Candidate(IdMixin, TimestampMixin, WorkspaceScopedMixin, Base):
    __tablename__ = "candidate"
    __table_args__ = (
        # Dedupe key: one candidate per canonical LinkedIn profile inside a workspace.
        UniqueConstraint("workspace_id", "linkedin_url"),
        Index("ix_candidate_workspace_created", "workspace_id", "created_at", "id"),
        Index("ix_candidate_workspace_updated", "workspace_id", "updated_at"),
    )

    full_name: Mapped[str] = mapped_column(String(300))
    first_name: Mapped[str] = mapped_column(String(150), default="")
    last_name: Mapped[str] = mapped_column(String(150), default="")
    headline: Mapped[str] = mapped_column(String(300), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    linkedin_url: Mapped[str | None] = mapped_column(String(300), nullable=True)
    links: Mapped[list[str]] = mapped_column(JsonType, default=list)
    city: Mapped[str] = mapped_column(String(150), default="")
    region: Mapped[str] = mapped_column(String(150), default="")
    country_code: Mapped[str] = mapped_column(String(2), default="")
    country_name: Mapped[str] = mapped_column(String(100), default="")
    skills: Mapped[list[str]] = mapped_column(JsonType, default=list)
    source: Mapped[str] = mapped_column(String(100), default="")
    owner_id: Mapped[int | None] = mapped_column(
        Id, ForeignKey("user_account.id", ondelete="SET NULL"), nullable=True
    )
    # Lower-cased name, emails, headline, company and title words: what the list's search box scans.
    search_text: Mapped[str] = mapped_column(Text, default="")
    # Lower-cased skills between bars ("|python|sql|") so a skill filter is one portable LIKE.
    skill_keys: Mapped[str] = mapped_column(Text, default="")

    emails: Mapped[list[CandidateEmail]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="CandidateEmail.position"
    )
    phones: Mapped[list[CandidatePhone]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="CandidatePhone.position"
    )
    experiences: Mapped[list[CandidateExperience]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="CandidateExperience.position"
    )
    educations: Mapped[list[CandidateEducation]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="CandidateEducation.position"
    )


class CandidateEmail(IdMixin, WorkspaceScopedMixin, Base):
    __tablename__ = "candidate_email"
    # Dedupe key: a normalised email address belongs to one candidate inside a workspace.
    __table_args__ = (UniqueConstraint("workspace_id", "email"),)

    candidate_id: Mapped[int] = mapped_column(
        Id, ForeignKey("candidate.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str] = mapped_column(String(320))
    position: Mapped[int] = mapped_column(Integer, default=0)


class CandidatePhone(IdMixin, Base):
    __tablename__ = "candidate_phone"
    __table_args__ = (UniqueConstraint("candidate_id", "number"),)

    candidate_id: Mapped[int] = mapped_column(
        Id, ForeignKey("candidate.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[str] = mapped_column(String(32))  # E.164
    position: Mapped[int] = mapped_column(Integer, default=0)


class CandidateExperience(IdMixin, Base):
    __tablename__ = "candidate_experience"

    candidate_id: Mapped[int] = mapped_column(
        Id, ForeignKey("candidate.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(300), default="")
    company: Mapped[str] = mapped_column(String(300), default="")
    start_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    end_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    is_current: Mapped[bool] = mapped_column(Boolean, default=False)
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)


class CandidateEducation(IdMixin, Base):
    __tablename__ = "candidate_education"

    candidate_id: Mapped[int] = mapped_column(
        Id, ForeignKey("candidate.id", ondelete="CASCADE"), index=True
    )
    school: Mapped[str] = mapped_column(String(300), default="")
    degree: Mapped[str] = mapped_column(String(200), default="")
    field_of_study: Mapped[str] = mapped_column(String(200), default="")
    start_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    end_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
