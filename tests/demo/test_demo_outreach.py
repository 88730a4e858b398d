"""The demo's outreach: enrolling a demo candidate sends a real email to the local catcher."""

from __future__ import annotations

import mailbox
import socket
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from openpin.config import Settings
from openpin.db import transaction
from openpin.demo.outreach import prepare_demo_outreach
from openpin.demo.seed import seed_demo_workspace
from openpin.kit.crypto import SecretBox, load_secret_key
from openpin.models import ActivityEvent, Candidate
from openpin.models.sequence import Sequence
from openpin.sequence.enrolment import enroll_candidates
from openpin.sequence.sending import OutboxSender


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_enrolling_a_demo_candidate_delivers_to_the_catcher(
    tmp_path: Path, session_factory: sessionmaker[Session]
) -> None:
    settings = Settings(data_dir=tmp_path / "data", secret_key="demo-test-key")
    with transaction(session_factory) as session:
        login = seed_demo_workspace(session, people=10)
    outreach = prepare_demo_outreach(settings, session_factory, port=_free_port())
    assert outreach.catcher is not None and not outreach.problem
    try:
        with transaction(session_factory) as session:
            sequence = session.scalars(select(Sequence)).one()
            candidate_id = session.scalars(select(Candidate.id).order_by(Candidate.id)).first()
            assert candidate_id is not None and login.created
            results = enroll_candidates(
                session, sequence.workspace_id, sequence.id, [candidate_id], None
            )
            assert results[0].enrolled, results[0].reason
        secrets = SecretBox(load_secret_key(settings))
        report = OutboxSender(session_factory, secrets, settings.base_url).run_pass()
        assert report is not None
        delivered = list(mailbox.Maildir(tmp_path / "data" / "demo-mail"))
        assert len(delivered) == 1
        assert "Senior Backend Engineer" in str(delivered[0]["Subject"])
        with session_factory() as session:
            sent = session.scalars(
                select(ActivityEvent).where(ActivityEvent.type == "message.sent")
            ).all()
        assert [event.candidate_id for event in sent] == [candidate_id]
        # Running the set-up again (a restarted demo) adds no second mailbox or sequence.
        outreach.catcher.stop()
        again = prepare_demo_outreach(settings, session_factory, port=_free_port())
        assert again.catcher is not None
        again.catcher.stop()
        with session_factory() as session:
            assert len(session.scalars(select(Sequence)).all()) == 1
    finally:
        if outreach.catcher is not None and outreach.catcher.loop.is_running():
            outreach.catcher.stop()
