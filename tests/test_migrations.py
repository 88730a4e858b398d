"""The Alembic migrations build exactly the schema the models describe, and reverse cleanly."""

from __future__ import annotations

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
