"""Shared fixtures, registered for the whole suite (see each module's docstring)."""

pytest_plugins = ["tests.fixtures.database", "tests.fixtures.app"]
