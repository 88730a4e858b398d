"""The demo's outreach: a local mail catcher, a mailbox that sends to it, and a sequence.

The catcher is a real SMTP server on loopback (aiosmtpd) that keeps every message in a Maildir
under the data directory, so a newcomer can enrol candidates and watch the emails go out (and
the enrolment trigger the ATS export) without any mail account. Idempotent across restarts.
"""

from __future__ import annotations

import mailbox
from dataclasses import dataclass
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Mailbox as MaildirHandler
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from openpin.config import Settings
from openpin.db import transaction
from openpin.demo.seed import DEMO_EMAIL
from openpin.kit.crypto import SecretBox, load_secret_key
from openpin.models import Job, User
from openpin.models.sequence import Mailbox, Sequence, SmtpSecurity
from openpin.sequence import schemas
from openpin.sequence.mailboxes import MailboxService
from openpin.sequence.service import SequenceService

MAIL_CATCHER_PORT = 8725
DEMO_MAILBOX_LABEL = "Demo mailbox (local mail catcher)"
FIRST_EMAIL = """{{ personal_line }}

We are hiring a {{ job_title }} at {{ hiring_company }}, and your experience with \
{{ matched_skills }} stood out. Would you be open to a short call next week?

{{ recruiter_name }}"""
FOLLOW_UP = """Hi {{ first_name }}, just bringing this back to the top of your inbox: \
happy to share more about the {{ job_title }} role whenever suits you.

{{ recruiter_name }}"""


@dataclass
class DemoOutreach:
    summary: str
    catcher: Controller | None = None
    problem: str = ""


def start_mail_catcher(
    mail_dir: Path, host: str = "127.0.0.1", port: int = MAIL_CATCHER_PORT
) -> Controller:
    # Maildir creates its tmp/new/cur folders only when the folder itself does not exist yet.
    mailbox.Maildir(mail_dir, create=True)
    controller = Controller(MaildirHandler(mail_dir), hostname=host, port=port)
    controller.start()
    return controller


def prepare_demo_outreach(
    settings: Settings, factory: sessionmaker[Session], port: int = MAIL_CATCHER_PORT
) -> DemoOutreach:
    mail_dir = settings.ensure_data_dir() / "demo-mail"
    try:
        catcher = start_mail_catcher(mail_dir, port=port)
    except (OSError, RuntimeError) as exc:
        return DemoOutreach(
            "",
            problem=f"The demo mail catcher did not start on port {port} ({exc}); stop the "
            "process using that port (an earlier demo?) and start again.",
        )
    with transaction(factory) as session:
        sequence_name = _ensure_mailbox_and_sequence(session, settings, port)
    return DemoOutreach(
        f"smtp://127.0.0.1:{port}; sent mail is kept in {mail_dir} (sequence “{sequence_name}”)",
        catcher,
    )


def _ensure_mailbox_and_sequence(session: Session, settings: Settings, port: int) -> str:
    user = session.scalar(select(User).where(User.email == DEMO_EMAIL))
    assert user is not None  # seeded just before
    mailbox_id = _ensure_mailbox(session, settings, user, port)
    job = session.scalar(
        select(Job).where(Job.workspace_id == user.workspace_id).order_by(Job.id).limit(1)
    )
    assert job is not None  # the demo seeds jobs
    existing = session.scalar(select(Sequence).where(Sequence.job_id == job.id).limit(1))
    if existing is not None:
        return existing.name
    name = f"{job.title}: first touch"
    steps = [
        schemas.StepIn(
            delay_days=0, subject="{{ job_title }} at {{ hiring_company }}", body=FIRST_EMAIL
        ),
        schemas.StepIn(delay_days=3, body=FOLLOW_UP),
    ]
    service = SequenceService(session, user.workspace_id, user.id)
    service.create(
        schemas.SequenceCreate(job_id=job.id, name=name, mailbox_id=mailbox_id, steps=steps)
    )
    return name


def _ensure_mailbox(session: Session, settings: Settings, user: User, port: int) -> int:
    existing = session.scalar(
        select(Mailbox.id).where(
            Mailbox.workspace_id == user.workspace_id, Mailbox.label == DEMO_MAILBOX_LABEL
        )
    )
    if existing is not None:
        return existing
    service = MailboxService(
        session, user.workspace_id, SecretBox(load_secret_key(settings)), user.id
    )
    mailbox = service.create(
        schemas.MailboxCreate(
            label=DEMO_MAILBOX_LABEL,
            from_name=user.full_name or "Demo Recruiter",
            from_address="recruiting@acme-talent.example",
            smtp_host="127.0.0.1",
            smtp_port=port,
            smtp_security=SmtpSecurity.NONE,
            # Always open, a short gap: the demo shows sends within a minute at any hour.
            send_days=[0, 1, 2, 3, 4, 5, 6],
            window_start="00:00",
            window_end="24:00",
            min_gap_seconds=5,
        )
    )
    return mailbox.id
