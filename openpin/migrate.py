"""Schema migrations through Alembic, run by `openpin migrate` and by `openpin serve` at start."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, inspect

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


# Database objects the ORM does not describe (the keyword index: SQLite FTS5 tables and their
# shadow tables, PostgreSQL's generated tsvector column); created by the migration's own DDL.
UNMODELLED_TABLE_PREFIXES = ("sourcing_profile_fts",)
UNMODELLED_COLUMNS = {("sourcing_profile", "search_vector")}


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, _compare_to: Any
) -> bool:
    """Autogenerate's filter: leave the unmodelled keyword-index objects alone."""
    if type_ == "table" and name and name.startswith(UNMODELLED_TABLE_PREFIXES):
        return False
    if type_ == "column" and reflected:
        return (getattr(obj.table, "name", None), name) not in UNMODELLED_COLUMNS
    return not (type_ == "index" and name == "ix_sourcing_profile_search_vector")


def alembic_config(url: str) -> Config:
    if not MIGRATIONS_DIR.is_dir():
        raise RuntimeError(
            f"Migrations not found at {MIGRATIONS_DIR}. Install OpenPin from its source tree "
            "(pip install -e .) so the migrations folder ships with it."
        )
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade_to_head(engine: Engine) -> None:
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def current_revision(engine: Engine) -> str | None:
    if "alembic_version" not in inspect(engine).get_table_names():
        return None
    with engine.connect() as connection:
        row = connection.exec_driver_sql("SELECT version_num FROM alembic_version").first()
    return str(row[0]) if row else None
