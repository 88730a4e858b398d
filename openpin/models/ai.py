"""Per-workspace language model settings: an OpenAI-compatible chat endpoint, key encrypted."""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from openpin.models.base import Base, Id, IdMixin, TimestampMixin, WorkspaceScopedMixin


class AiSettings(IdMixin, TimestampMixin, WorkspaceScopedMixin, Base):
    __tablename__ = "ai_settings"

    __table_args__ = (UniqueConstraint("workspace_id"),)  # one row per workspace

    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    base_url: Mapped[str] = mapped_column(String(500))
    model: Mapped[str] = mapped_column(String(200))
    api_key_encrypted: Mapped[str] = mapped_column(Text, default="")
    updated_by_user_id: Mapped[int | None] = mapped_column(
        Id, ForeignKey("user_account.id", ondelete="SET NULL"), nullable=True
    )
