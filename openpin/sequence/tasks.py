"""Background work for outreach: the sending pass, LLM personal lines, and event subscribers."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from openpin.activity.service import subscribe
from openpin.db import make_session_factory, transaction
from openpin.integrations.llm.client import llm_client_for_workspace
from openpin.kit.crypto import SecretBox, load_secret_key
from openpin.models import ActivityEvent
from openpin.models.sequence import (
    Enrollment,
    EnrollmentStatus,
    Mailbox,
    Message,
    MessageStatus,
    StopReason,
)
from openpin.sequence.composing import Audience, render_context, render_step
from openpin.sequence.lifecycle import stop_enrollment
from openpin.sequence.mailboxes import open_imap
from openpin.sequence.personalise import PersonalLine, personal_line, profile_facts
from openpin.sequence.repository import SequenceRepository
from openpin.sequence.sending import OutboxSender
from openpin.worker.registry import TaskContext, task
from openpin.worker.scheduler import periodic

SEND_PASS_SECONDS = 15
HIRED_EVENT = "candidate.hired"


def _own_factory(ctx: TaskContext) -> sessionmaker[Session]:
    # The pass commits claim and outcome separately (see sending.py), so it uses transactions
    # of its own rather than the task's; the task's session is left untouched.
    return make_session_factory(ctx.session.get_bind())  # type: ignore[arg-type]


def imap_sent_folder_check(secrets: SecretBox):  # type: ignore[no-untyped-def]
    """A `SentFolderCheck` over IMAP: search the Sent folder for the Message-ID header."""
    from openpin.sequence.lifecycle import ImapSettings

    def check(mailbox: Mailbox, message_id: str) -> bool:
        settings = ImapSettings(
            host=mailbox.imap_host,
            port=mailbox.imap_port,
            ssl=mailbox.imap_ssl,
            username=mailbox.imap_username,
            password=secrets.decrypt(mailbox.imap_password_encrypted),
            folder=mailbox.imap_folder,
            sent_folder=mailbox.imap_sent_folder or "Sent",
        )
        client = open_imap(settings)
        try:
            client.select_folder(settings.sent_folder, readonly=True)
            return bool(client.search(["HEADER", "Message-ID", message_id]))
        finally:
            client.logout()

    return check


@periodic("sequence.send_due", every=SEND_PASS_SECONDS)
def send_due(ctx: TaskContext) -> None:
    secrets = SecretBox(load_secret_key(ctx.settings))
    sender = OutboxSender(
        _own_factory(ctx),
        secrets,
        ctx.settings.base_url,
        sent_folder_check=imap_sent_folder_check(secrets),
    )
    sender.run_pass()


@task("sequence.personalise", max_attempts=3)
def personalise(ctx: TaskContext, enrollment_id: int) -> None:
    """Ask the LLM for the personal line, re-render the first message, release it for sending.

    The LLM call happens before any write (SQLite holds its write lock from a transaction's first
    write to its commit). Whatever happens, the message leaves `drafting`: the composer's line is
    already in it as the fallback.
    """
    secrets = SecretBox(load_secret_key(ctx.settings))
    factory = _own_factory(ctx)
    with transaction(factory) as session:
        line = _draft_line(session, enrollment_id, secrets)
    with transaction(factory) as session:
        _apply_line(session, enrollment_id, line)


def _draft_line(session: Session, enrollment_id: int, secrets: SecretBox) -> PersonalLine | None:
    enrollment = session.get(Enrollment, enrollment_id)
    if enrollment is None or enrollment.status != EnrollmentStatus.ACTIVE:
        return None
    repo = SequenceRepository(session, enrollment.workspace_id)
    candidate = repo.candidates([enrollment.candidate_id])[enrollment.candidate_id]
    job = repo.job(enrollment.job_id)
    assert job is not None
    facts = profile_facts(candidate, job, repo.workspace_name())
    client = llm_client_for_workspace(session, enrollment.workspace_id, secrets)
    session.rollback()  # no lock held during the (slow) model call
    return personal_line(facts, client)


def _apply_line(session: Session, enrollment_id: int, line: PersonalLine | None) -> None:
    enrollment = session.get(Enrollment, enrollment_id)
    if enrollment is None:
        return
    drafts = list(
        session.scalars(
            select(Message).where(
                Message.enrollment_id == enrollment_id, Message.status == MessageStatus.DRAFTING
            )
        )
    )
    if line is not None:
        enrollment.personal_line = line.text
        enrollment.personal_line_source = line.source
    for message in drafts:
        if line is not None and not message.edited:
            _rerender(session, enrollment, message)
        message.status = MessageStatus.SCHEDULED
        if line is not None and line.notes:
            message.error = " ".join(line.notes)


def _rerender(session: Session, enrollment: Enrollment, message: Message) -> None:
    from openpin.models.sequence import SequenceStep, StepVariant

    repo = SequenceRepository(session, enrollment.workspace_id)
    step = session.get(SequenceStep, message.step_id) if message.step_id else None
    if step is None:
        return
    variant = session.get(StepVariant, message.variant_id) if message.variant_id else None
    candidate = repo.candidates([enrollment.candidate_id])[enrollment.candidate_id]
    job = repo.job(enrollment.job_id)
    mailbox = session.get(Mailbox, enrollment.mailbox_id)
    assert job is not None and mailbox is not None
    audience = Audience(candidate, job, mailbox, repo.workspace_name())
    context = render_context(audience, enrollment.personal_line)
    message.subject, message.body = render_step(step, variant, context, None)


def stop_on_hired(session: Session, event: ActivityEvent) -> None:
    """A candidate hired (reported by the ATS sync) stops their active sequences."""
    if event.candidate_id is None:
        return
    query = select(Enrollment.id).where(
        Enrollment.workspace_id == event.workspace_id,
        Enrollment.candidate_id == event.candidate_id,
        Enrollment.status == EnrollmentStatus.ACTIVE,
    )
    for enrollment_id in list(session.scalars(query)):
        stop_enrollment(session, enrollment_id, StopReason.EXPORTED_HIRED)


subscribe(HIRED_EVENT, stop_on_hired)
