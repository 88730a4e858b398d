from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from openpin.models.base import (
    Base,
    Id,
    IdMixin,
    TimestampMixin,
    UtcDateTime,
    WorkspaceScopedMixin,
    enum_type,
)


class Workspace(IdMixin, TimestampMixin, Base):
    __tablename__ = "workspace"

    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(100), unique=True)


class Role(enum.StrEnum):
    ADMIN = "admin"
    RECRUITER = "recruiter"


class User(IdMixin, TimestampMixin, WorkspaceScopedMixin, Base):
    __tablename__ = "user_account"  # "user" is reserved in PostgreSQL

    # Login is by email, so an address belongs to one user across the whole server.
    email: Mapped[str] = mapped_column(String(320), unique=True)
    full_name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(enum_type(Role))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    last_login_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class ApiToken(IdMixin, TimestampMixin, WorkspaceScopedMixin, Base):
    """A Bearer token for `/api/v1`. Only a SHA-256 digest is stored; the token is shown once."""

    __tablename__ = "api_token"

    user_id: Mapped[int] = mapped_column(Id, ForeignKey("user_account.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100), default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # First characters of the token, safe to display so a user can tell tokens apart.
    prefix: Mapped[str] = mapped_column(String(16))
    last_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
