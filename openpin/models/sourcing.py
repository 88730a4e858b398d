"""The sourcing index (one row per candidate: searchable text, ranking facts, embedding) and the
recruiter's accept/decline feedback per job.

The keyword index itself is not an ORM table: SQLite gets an FTS5 virtual table over
`sourcing_profile` kept in step by triggers, PostgreSQL a generated `tsvector` column with a GIN
index. Both are created by `keyword_index_ddl(dialect)`, attached below to the table's
`after_create` event (so `Base.metadata.create_all` builds them) and called by the migration.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    DDL,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    event,
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

# Column sort order of the large columns of `sourcing_profile` (see there).
LARGE = 100


class SourcingProfile(WorkspaceScopedMixin, Base):
    """What search reads for one candidate, derived from the profile by the indexer.

    `indexed_at` is when the text and facts were last derived (compared with the candidate's
    `updated_at` to find stale rows); the embedding is computed later and separately, so keyword
    search works as soon as a candidate is indexed and `embedded_hash != content_hash` marks the
    rows still waiting for the model.
    """

    __tablename__ = "sourcing_profile"
    __table_args__ = (
        Index("ix_sourcing_profile_workspace_embedded", "workspace_id", "embedded_at"),
        Index("ix_sourcing_profile_workspace_country", "workspace_id", "country_code"),
        # Covers the search filters, so picking the ids that pass them reads no wide row (a row
        # holds kilobytes of text and the embedding). skill_keys is left out: unbounded length.
        Index(
            "ix_sourcing_profile_filters",
            "workspace_id",
            "years",
            "country_code",
            "city",
            "level",
            "current_title",
        ),
        # Tells the index-status cache that rows were (re)derived.
        Index("ix_sourcing_profile_workspace_indexed", "workspace_id", "indexed_at"),
    )

    candidate_id: Mapped[int] = mapped_column(
        Id, ForeignKey("candidate.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    # Small columns first, large ones (sort_order=LARGE) last. SQLite reads a row's columns in
    # table order and keeps only about the first 4 KB of a row on its page, so a filter or
    # status check on these columns then never follows the overflow pages of the text.
    # Facts the filters query in SQL.
    current_title: Mapped[str] = mapped_column(String(300), default="")
    years: Mapped[float] = mapped_column(Float, default=0.0)
    level: Mapped[int] = mapped_column(Integer, default=2)
    city: Mapped[str] = mapped_column(String(150), default="")
    country_code: Mapped[str] = mapped_column(String(2), default="")
    skill_keys: Mapped[str] = mapped_column(Text, default="")  # "|python|sql|"
    stale: Mapped[bool] = mapped_column(Boolean, default=False)
    indexed_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # SHA-256 of embed_text, and of the text the stored embedding was computed from.
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    embedded_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    embedded_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    model_id: Mapped[str] = mapped_column(String(100), default="")
    # Ranking facts (normalised skills, roles with months, years, level) as one JSON document.
    facts: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict, sort_order=LARGE)
    # The three keyword-indexed columns, weighted in that order (titles count most).
    titles: Mapped[str] = mapped_column(Text, default="", sort_order=LARGE)
    skills_text: Mapped[str] = mapped_column(Text, default="", sort_order=LARGE)
    body: Mapped[str] = mapped_column(Text, default="", sort_order=LARGE)
    # Lower-case words of the three columns between single spaces: what ranking scans for skill
    # and Ask words (precomputed: folding it per search costs more than the rest of scoring).
    match_text: Mapped[str] = mapped_column(Text, default="", sort_order=LARGE)
    # The text given to the embedding model.
    embed_text: Mapped[str] = mapped_column(Text, default="", sort_order=LARGE)
    embedding: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True, sort_order=LARGE)


class FeedbackDecision(enum.StrEnum):
    ACCEPT = "accept"
    DECLINE = "decline"


class DeclineReason(enum.StrEnum):
    WRONG_LOCATION = "wrong_location"
    TOO_JUNIOR = "too_junior"
    TOO_SENIOR = "too_senior"
    WRONG_SKILLS = "wrong_skills"
    OTHER = "other"


class SourcingFeedback(IdMixin, TimestampMixin, WorkspaceScopedMixin, Base):
    """A recruiter's latest decision on one candidate for one job (a new decision replaces it)."""

    __tablename__ = "sourcing_feedback"
    __table_args__ = (UniqueConstraint("job_id", "candidate_id"),)

    job_id: Mapped[int] = mapped_column(Id, ForeignKey("job.id", ondelete="CASCADE"), index=True)
    candidate_id: Mapped[int] = mapped_column(
        Id, ForeignKey("candidate.id", ondelete="CASCADE"), index=True
    )
    decision: Mapped[FeedbackDecision] = mapped_column(enum_type(FeedbackDecision, length=10))
    reason: Mapped[DeclineReason | None] = mapped_column(enum_type(DeclineReason), nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
    actor_user_id: Mapped[int | None] = mapped_column(
        Id, ForeignKey("user_account.id", ondelete="SET NULL"), nullable=True
    )


# -- the keyword index (not expressible as ORM columns) ---------------------------------------

FTS_TABLE = "sourcing_profile_fts"
KEYWORD_COLUMNS = ("titles", "skills_text", "body")

_SQLITE_DDL = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
    "titles, skills_text, body, content='sourcing_profile', content_rowid='candidate_id', "
    "tokenize='porter unicode61 remove_diacritics 2')",
    # External-content FTS5: the triggers keep it in step with the table (cascaded deletes too).
    "CREATE TRIGGER IF NOT EXISTS sourcing_profile_fts_insert AFTER INSERT ON sourcing_profile "
    f"BEGIN INSERT INTO {FTS_TABLE}(rowid, titles, skills_text, body) "
    "VALUES (new.candidate_id, new.titles, new.skills_text, new.body); END",
    "CREATE TRIGGER IF NOT EXISTS sourcing_profile_fts_delete AFTER DELETE ON sourcing_profile "
    f"BEGIN INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, titles, skills_text, body) "
    "VALUES ('delete', old.candidate_id, old.titles, old.skills_text, old.body); END",
    "CREATE TRIGGER IF NOT EXISTS sourcing_profile_fts_update "
    "AFTER UPDATE OF titles, skills_text, body ON sourcing_profile "
    f"BEGIN INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, titles, skills_text, body) "
    "VALUES ('delete', old.candidate_id, old.titles, old.skills_text, old.body); "
    f"INSERT INTO {FTS_TABLE}(rowid, titles, skills_text, body) "
    "VALUES (new.candidate_id, new.titles, new.skills_text, new.body); END",
)

_POSTGRES_DDL = (
    "ALTER TABLE sourcing_profile ADD COLUMN IF NOT EXISTS search_vector tsvector "
    "GENERATED ALWAYS AS ("
    "setweight(to_tsvector('english', coalesce(titles, '')), 'A') || "
    "setweight(to_tsvector('english', coalesce(skills_text, '')), 'B') || "
    "setweight(to_tsvector('english', coalesce(body, '')), 'C')) STORED",
    "CREATE INDEX IF NOT EXISTS ix_sourcing_profile_search_vector "
    "ON sourcing_profile USING gin (search_vector)",
)

_SQLITE_DROP = (
    "DROP TRIGGER IF EXISTS sourcing_profile_fts_update",
    "DROP TRIGGER IF EXISTS sourcing_profile_fts_delete",
    "DROP TRIGGER IF EXISTS sourcing_profile_fts_insert",
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
)
_POSTGRES_DROP = (
    "DROP INDEX IF EXISTS ix_sourcing_profile_search_vector",
    "ALTER TABLE sourcing_profile DROP COLUMN IF EXISTS search_vector",
)


def keyword_index_ddl(dialect: str) -> tuple[str, ...]:
    """The statements that create the keyword index on `dialect` ("sqlite" or "postgresql").

    Run them, in order, after `sourcing_profile` exists (the Alembic migration's upgrade does).
    """
    return {"sqlite": _SQLITE_DDL, "postgresql": _POSTGRES_DDL}.get(dialect, ())


def drop_keyword_index_ddl(dialect: str) -> tuple[str, ...]:
    """The statements that remove it again, for the migration's downgrade."""
    return {"sqlite": _SQLITE_DROP, "postgresql": _POSTGRES_DROP}.get(dialect, ())


for _dialect in ("sqlite", "postgresql"):
    for _statement in keyword_index_ddl(_dialect):
        event.listen(
            SourcingProfile.__table__,
            "after_create",
            DDL(_statement).execute_if(dialect=_dialect),
        )
