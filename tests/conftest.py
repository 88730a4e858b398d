"""Shared fixtures, registered for the whole suite (see each module's docstring)."""

from __future__ import annotations

import pytest

pytest_plugins = ["tests.fixtures.database", "tests.fixtures.app"]

# Fixtures that reach the test database. A test using none of them behaves the same whatever
# the backend, so CI's PostgreSQL pass can leave it out (`-m "not no_database"`).
DATABASE_FIXTURES = frozenset(
    {"database_url", "engine", "session_factory", "pg_database_url", "db_backend", "app", "client"}
)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "no_database: uses no database fixture (set automatically at collection)"
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if not fixtures & DATABASE_FIXTURES:
            item.add_marker(pytest.mark.no_database)
