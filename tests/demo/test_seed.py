"""The demo workspace: a login, realistic candidates and open jobs, seeded once."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from openpin.auth.service import authenticate
from openpin.db import transaction
from openpin.demo.seed import DEMO_EMAIL, DEMO_PASSWORD, seed_demo_workspace
from openpin.models import ActivityEvent, Candidate, Job


def test_demo_workspace_is_seeded_once(session_factory: sessionmaker[Session]) -> None:
    with transaction(session_factory) as session:
        first = seed_demo_workspace(session, people=60)
    with transaction(session_factory) as session:
        second = seed_demo_workspace(session, people=60)
        user = authenticate(session, DEMO_EMAIL, DEMO_PASSWORD)
        assert user is not None
        candidates = session.scalar(select(func.count()).select_from(Candidate))
        jobs = session.scalar(select(func.count()).select_from(Job))
        created = session.scalar(
            select(func.count()).where(ActivityEvent.type == "candidate.created")
        )
        with_history = session.scalars(select(Candidate).limit(5)).all()
    assert first.created and not second.created
    assert candidates == 60 and created == 60
    assert jobs is not None and jobs >= 10
    assert all(c.headline and c.country_code for c in with_history)
