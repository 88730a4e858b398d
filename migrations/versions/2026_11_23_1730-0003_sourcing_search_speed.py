"""sourcing search speed: small profile columns first, covering filter index, status signals

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 17:30:00

On SQLite `sourcing_profile` is rebuilt with its small columns (filters, hashes, timestamps)
ahead of the large ones (text, facts, embedding): SQLite reads a row's columns in order and keeps
only about the first 4 KB of a row on its page, so checking a filter on a row no longer follows
its overflow pages. The rebuild keeps every row and its rowid, so the FTS5 index stays valid;
its sync triggers went with the old table and are created again. PostgreSQL stores large values
out of line (TOAST) already and only gets the new indexes.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SMALL_FIRST = (
    "candidate_id",
    "current_title",
    "years",
    "level",
    "city",
    "country_code",
    "skill_keys",
    "stale",
    "indexed_at",
    "content_hash",
    "embedded_hash",
    "embedded_at",
    "model_id",
    "workspace_id",
    "facts",
    "titles",
    "skills_text",
    "body",
    "match_text",
    "embed_text",
    "embedding",
)
# The FTS5 sync triggers as revision 0001 created them (written out: a migration must not
# change when the models do).
FTS_TRIGGERS = (
    "CREATE TRIGGER IF NOT EXISTS sourcing_profile_fts_insert AFTER INSERT ON sourcing_profile "
    "BEGIN INSERT INTO sourcing_profile_fts(rowid, titles, skills_text, body) "
    "VALUES (new.candidate_id, new.titles, new.skills_text, new.body); END",
    "CREATE TRIGGER IF NOT EXISTS sourcing_profile_fts_delete AFTER DELETE ON sourcing_profile "
    "BEGIN INSERT INTO sourcing_profile_fts(sourcing_profile_fts, rowid, titles, skills_text, "
    "body) VALUES ('delete', old.candidate_id, old.titles, old.skills_text, old.body); END",
    "CREATE TRIGGER IF NOT EXISTS sourcing_profile_fts_update "
    "AFTER UPDATE OF titles, skills_text, body ON sourcing_profile "
    "BEGIN INSERT INTO sourcing_profile_fts(sourcing_profile_fts, rowid, titles, skills_text, "
    "body) VALUES ('delete', old.candidate_id, old.titles, old.skills_text, old.body); "
    "INSERT INTO sourcing_profile_fts(rowid, titles, skills_text, body) "
    "VALUES (new.candidate_id, new.titles, new.skills_text, new.body); END",
)
OLD_ORDER = (
    "candidate_id",
    "titles",
    "skills_text",
    "body",
    "match_text",
    "embed_text",
    "content_hash",
    "facts",
    "current_title",
    "years",
    "level",
    "city",
    "country_code",
    "skill_keys",
    "stale",
    "indexed_at",
    "embedding",
    "embedded_hash",
    "embedded_at",
    "model_id",
    "workspace_id",
)


def _reorder(order: tuple[str, ...]) -> None:
    with op.batch_alter_table(
        "sourcing_profile", recreate="always", partial_reordering=[order]
    ) as batch_op:
        batch_op.alter_column("candidate_id")  # the rebuild itself is the change
    for statement in FTS_TRIGGERS:
        op.execute(statement)


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _reorder(SMALL_FIRST)
    op.create_index(
        "ix_sourcing_profile_filters",
        "sourcing_profile",
        ["workspace_id", "years", "country_code", "city", "level", "current_title"],
    )
    op.create_index(
        "ix_sourcing_profile_workspace_indexed", "sourcing_profile", ["workspace_id", "indexed_at"]
    )
    op.create_index("ix_candidate_workspace_updated", "candidate", ["workspace_id", "updated_at"])


def downgrade() -> None:
    op.drop_index("ix_candidate_workspace_updated", table_name="candidate")
    op.drop_index("ix_sourcing_profile_workspace_indexed", table_name="sourcing_profile")
    op.drop_index("ix_sourcing_profile_filters", table_name="sourcing_profile")
    if op.get_bind().dialect.name == "sqlite":
        _reorder(OLD_ORDER)
