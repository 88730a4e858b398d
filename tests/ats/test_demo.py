"""The demo: connected to the Greenhouse sandbox with a rule, and a first candidate exported."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from openpin.config import Settings
from openpin.db import transaction
from openpin.demo.ats import connect_demo_ats
from openpin.demo.seed import seed_demo_workspace
from openpin.models.ats import AtsExport, AtsExportRule, ExportStatus
from tests.ats.conftest import Sandbox


def test_the_demo_connects_enables_a_rule_and_exports_a_first_candidate(
    greenhouse: Sandbox,
    settings: Settings,
    session_factory: sessionmaker[Session],
    drain: Callable[..., None],
) -> None:
    with transaction(session_factory) as session:
        seed_demo_workspace(session)
    served = greenhouse.served
    first = connect_demo_ats(settings, session_factory, served.server, served.sandbox.config)
    again = connect_demo_ats(settings, session_factory, served.server, served.sandbox.config)
    assert first.problem == "" and "exports to" in first.summary
    assert again.summary == first.summary  # a restarted demo keeps what it has
    drain()
    with session_factory() as session:
        assert session.scalars(select(AtsExportRule)).one().enabled
        (export,) = session.scalars(select(AtsExport)).all()
        assert export.status == ExportStatus.EXPORTED and export.trigger == "manual"
