"""The Alembic migrations build exactly the schema the models describe, and reverse cleanly."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from openpin.db import make_engine
from openpin.migrate import current_revision, include_object, upgrade_to_head
from openpin.models.base import Base
from tests.fixtures.database import both_backends


@both_backends
def test_upgrade_matches_models_and_downgrade_empties(database_url: str) -> None:
    from alembic import command

    from openpin.migrate import alembic_config

    engine = make_engine(database_url)
    try:
        upgrade_to_head(engine)
        assert current_revision(engine) is not None
        with engine.connect() as connection:
            opts = {"compare_type": True, "include_object": include_object}
            context = MigrationContext.configure(connection, opts=opts)
            assert compare_metadata(context, Base.metadata) == []
        upgrade_to_head(engine)  # a second run is a no-op
        config = alembic_config(database_url)
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    finally:
        engine.dispose()


def test_profile_rebuild_keeps_rows_and_keyword_index(tmp_path: Path) -> None:
    """Revision 0003 rebuilds `sourcing_profile` on SQLite: rows, rowids, the FTS5 index and its
    sync triggers must all survive."""
    from alembic import command

    from openpin.migrate import alembic_config

    path = tmp_path / "upgrade.db"
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    config = alembic_config(url)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0002")
    raw = sqlite3.connect(path)
    raw.execute("INSERT INTO workspace (id, name, slug) VALUES (1, 'W', 'w')")
    raw.execute(
        "INSERT INTO candidate (id, workspace_id, full_name, first_name, last_name, headline, "
        "summary, links, city, region, country_code, country_name, skills, source, "
        "search_text, skill_keys) VALUES (7, 1, 'A B', 'A', 'B', '', '', '[]', '', '', '', '', "
        "'[]', '', '', '')"
    )
    raw.execute(
        "INSERT INTO sourcing_profile (candidate_id, titles, skills_text, body, match_text, "
        "embed_text, content_hash, facts, current_title, years, level, city, country_code, "
        "skill_keys, stale, indexed_at, model_id, workspace_id) VALUES (7, 'Zig engineer', "
        "'zig', 'Writes compilers', '', '', 'h', '{}', 'Zig engineer', 4, 2, 'Oslo', 'NO', "
        "'|zig|', 0, '2026-11-23 10:00:00', '', 1)"
    )
    raw.commit()
    try:
        upgrade_to_head(engine)
        columns = [c["name"] for c in inspect(engine).get_columns("sourcing_profile")]
        assert columns.index("years") < columns.index("body") < columns.index("embedding")
        with engine.begin() as connection:
            found = connection.exec_driver_sql(
                "SELECT rowid FROM sourcing_profile_fts WHERE sourcing_profile_fts MATCH 'zig'"
            ).all()
            assert found == [(7,)]
            connection.exec_driver_sql(
                "UPDATE sourcing_profile SET titles = 'Rust engineer' WHERE candidate_id = 7"
            )
            moved = connection.exec_driver_sql(
                "SELECT rowid FROM sourcing_profile_fts WHERE sourcing_profile_fts MATCH 'rust'"
            ).all()
            assert moved == [(7,)]  # the update trigger is back
    finally:
        raw.close()
        engine.dispose()
