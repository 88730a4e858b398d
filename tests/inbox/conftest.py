"""Inbox fixtures: an outreach that has sent its first email (over real SMTP), a mailbox reading a
real IMAP server (Dovecot), and an in-process worker that runs the inbox's tasks."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from openpin.config import Settings, WorkerSettings
from openpin.db import transaction
from openpin.kit.crypto import SecretBox
from openpin.models import ActivityEvent, Task, TaskStatus
from openpin.models.inbox import Reply
from openpin.models.sequence import Enrollment
from openpin.worker import Worker
from openpin.worker.registry import discover_tasks
from tests.fixtures.imap import ImapAccount, ImapServer, imap_server
from tests.fixtures.smtp import SmtpServer, smtp_server
from tests.sequence.conftest import MONDAY_10, SECRET, Outreach, make_outreach

__all__ = ["imap_server", "smtp_server"]

CANDIDATE_EMAIL = "ada@example.org"
MAILBOX_ADDRESS = "rita@acme.example"

# Held-out accuracy lines, printed in the terminal summary (see pytest_terminal_summary below).
SUMMARY_LINES: list[str] = []


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    for line in SUMMARY_LINES:
        terminalreporter.write_line(line)


@pytest.fixture
def secrets() -> SecretBox:
    return SecretBox(SECRET)


@dataclass
class SentOutreach:
    outreach: Outreach
    candidate_id: int
    enrollment_id: int
    sent_message_id: str  # the Message-ID header of the first email, as it went out
    sent_raw: bytes

    @property
    def factory(self) -> sessionmaker[Session]:
        return self.outreach.factory

    @property
    def workspace_id(self) -> int:
        return self.outreach.user.workspace_id


@pytest.fixture
def sent(
    session_factory: sessionmaker[Session], secrets: SecretBox, smtp_server: SmtpServer
) -> SentOutreach:
    """Ada enrolled in a three-step sequence; step 1 went out through the loopback SMTP server."""
    outreach = make_outreach(session_factory, secrets, smtp_server)
    candidate_id = outreach.candidate()
    outreach.enroll(candidate_id)
    assert outreach.sender().run_pass(MONDAY_10).sent == 1
    received = smtp_server.received[-1]
    with transaction(session_factory) as session:
        enrollment_id = session.scalar(
            select(Enrollment.id).where(Enrollment.candidate_id == candidate_id)
        )
    assert enrollment_id is not None
    return SentOutreach(
        outreach, candidate_id, enrollment_id, received.message["Message-ID"], received.raw
    )


@pytest.fixture
def imap_account(imap_server: ImapServer, sent: SentOutreach) -> ImapAccount:
    """A fresh IMAP user, set as the outreach mailbox's inbox."""
    account = imap_server.add_account()
    sent.outreach.update_mailbox(
        imap_host=imap_server.host,
        imap_port=imap_server.port,
        imap_ssl=False,
        imap_username=account.username,
        imap_password=account.password,
    )
    return account


def count_events(factory: sessionmaker[Session], type_: str) -> int:
    with transaction(factory) as session:
        return session.scalar(select(func.count()).where(ActivityEvent.type == type_)) or 0


def replies(factory: sessionmaker[Session]) -> list[Reply]:
    with transaction(factory) as session:
        return list(session.scalars(select(Reply).order_by(Reply.id)))


def enrollment(factory: sessionmaker[Session], enrollment_id: int) -> Enrollment:
    with transaction(factory) as session:
        found = session.get(Enrollment, enrollment_id)
        assert found is not None
        return found


@pytest.fixture
def worker_settings(tmp_path) -> Settings:  # type: ignore[no-untyped-def]
    # Periodic tasks off: a test enqueues exactly what it wants to run.
    fast = WorkerSettings(poll_interval_seconds=0.02, run_periodic=False, backoff_base_seconds=0.01)
    return Settings(data_dir=tmp_path / "data", secret_key=SECRET, worker=fast)


@pytest.fixture
def drain(session_factory: sessionmaker[Session], worker_settings: Settings) -> Callable[..., None]:
    """Run an in-process worker until no inbox task is queued or running."""
    discover_tasks()

    def run(timeout: float = 30.0) -> None:
        worker = Worker(session_factory, worker_settings, worker_id="w-inbox")
        deadline = time.monotonic() + timeout
        while _unfinished(session_factory):
            assert time.monotonic() < deadline, "inbox tasks still unfinished"
            if worker.run_once() == 0:
                time.sleep(0.02)

    return run


def _unfinished(factory: sessionmaker[Session]) -> bool:
    with factory() as session:
        query = select(Task.id).where(
            Task.name.like("inbox.%"), Task.status.in_((TaskStatus.QUEUED, TaskStatus.RUNNING))
        )
        return session.scalar(query.limit(1)) is not None
