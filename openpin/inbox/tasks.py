"""Background work of the inbox: IMAP polling of every mailbox, and LLM classification.

`inbox.poll_mailboxes` (every minute) enqueues one `inbox.poll_mailbox` per mailbox with IMAP
settings; each reads what is new since its checkpoint and stores it with the checkpoint in one
transaction, so a poll that dies stores nothing and the next one reads the same messages again.
The IMAP conversation happens before the first write (on SQLite a transaction holds the only
write lock until it commits).
"""

from __future__ import annotations

import socket
import ssl
from dataclasses import dataclass
from datetime import date, timedelta

from imapclient.exceptions import IMAPClientError
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from openpin.activity.service import EVENT_LABELS
from openpin.errors import OpenPinError
from openpin.inbox.effects import apply_label_effects, set_label
from openpin.inbox.imap import FetchedMessage, FetchResult, fetch_new_messages
from openpin.inbox.ingest import CLASSIFY_TASK, ingest_raw_email
from openpin.inbox.llm import InvalidLabelAnswer, classify_with_llm
from openpin.integrations.errors import IntegrationError
from openpin.integrations.llm.client import LlmClient, llm_client_for_workspace
from openpin.kit.crypto import SecretBox, load_secret_key
from openpin.logging import get_logger
from openpin.models.base import utcnow
from openpin.models.inbox import ImapCheckpoint, LabelSource, Reply, ReplySource
from openpin.models.sequence import Mailbox
from openpin.sequence.lifecycle import (
    ImapSettings,
    list_mailboxes_for_polling,
    mailbox_imap_settings,
)
from openpin.worker.enqueue import enqueue_task
from openpin.worker.errors import RetryLater
from openpin.worker.registry import TaskContext, task
from openpin.worker.scheduler import periodic

log = get_logger("openpin.inbox")

# Timeline wording for the inbox's events (setdefault: another domain may have named them first).
for _type, _label in (
    ("candidate.replied", "Replied"),
    ("candidate.replied_interested", "Replied: interested"),
    ("email.bounced", "Email bounced"),
):
    EVENT_LABELS.setdefault(_type, _label)

POLL_TASK = "inbox.poll_mailbox"
POLL_EVERY_SECONDS = 60
MESSAGES_PER_POLL = 200
# On the first poll, read this far back before the mailbox was added: nothing older can answer
# a message OpenPin sent.
FIRST_SYNC_MARGIN = timedelta(days=1)
IMAP_FAILURES = (IMAPClientError, OSError, ssl.SSLError, socket.timeout)


@periodic("inbox.poll_mailboxes", every=POLL_EVERY_SECONDS)
def poll_mailboxes(ctx: TaskContext) -> None:
    for workspace_id, mailbox_id in list_mailboxes_for_polling(ctx.session):
        enqueue_poll(ctx.session, workspace_id, mailbox_id)


def enqueue_poll(session: Session, workspace_id: int, mailbox_id: int, suffix: str = "") -> None:
    enqueue_task(
        session,
        POLL_TASK,
        args={"mailbox_id": mailbox_id},
        workspace_id=workspace_id,
        unique_key=f"{POLL_TASK}:{mailbox_id}{suffix}",
    )


@dataclass(frozen=True)
class PollPlan:
    workspace_id: int
    mailbox_id: int
    settings: ImapSettings
    uidvalidity: int
    last_uid: int
    since: date


@task(POLL_TASK, max_attempts=5)
def poll_mailbox(ctx: TaskContext, mailbox_id: int) -> None:
    plan = _read_plan(ctx, mailbox_id)
    if plan is None:
        return
    try:
        fetched = fetch_new_messages(
            plan.settings,
            uidvalidity=plan.uidvalidity,
            last_uid=plan.last_uid,
            since=plan.since,
            limit=MESSAGES_PER_POLL,
        )
    except IMAP_FAILURES as exc:
        # Visible on the inbox page; the next period tries again.
        _record_poll_error(ctx.session, plan, _server_words(exc))
        return
    stored = _store(ctx.session, plan, fetched)
    _advance_checkpoint(ctx.session, plan, fetched, stored)
    if fetched.more:
        enqueue_poll(ctx.session, plan.workspace_id, mailbox_id, suffix=":more")


def _read_plan(ctx: TaskContext, mailbox_id: int) -> PollPlan | None:
    """Settings and checkpoint, read in a short transaction of their own (before the IMAP call)."""
    secrets = SecretBox(load_secret_key(ctx.settings))
    with Session(bind=ctx.session.get_bind()) as session, session.begin():
        mailbox = session.get(Mailbox, mailbox_id)
        if mailbox is None or not mailbox.imap_configured or not mailbox.is_active:
            return None  # removed or switched off since the poll was queued
        settings = mailbox_imap_settings(session, mailbox_id, secrets)
        checkpoint = _checkpoint(session, mailbox, settings.folder)
        since = (mailbox.created_at - FIRST_SYNC_MARGIN).date()
        return PollPlan(
            mailbox.workspace_id,
            mailbox_id,
            settings,
            checkpoint.uidvalidity,
            checkpoint.last_uid,
            since,
        )


def _checkpoint(session: Session, mailbox: Mailbox, folder: str) -> ImapCheckpoint:
    query = select(ImapCheckpoint).where(
        ImapCheckpoint.mailbox_id == mailbox.id, ImapCheckpoint.folder == folder
    )
    found = session.scalars(query).one_or_none()
    if found is not None:
        return found
    checkpoint = ImapCheckpoint(
        workspace_id=mailbox.workspace_id, mailbox_id=mailbox.id, folder=folder
    )
    session.add(checkpoint)
    session.flush()
    return checkpoint


def _store(session: Session, plan: PollPlan, fetched: FetchResult) -> int:
    stored = 0
    for message in fetched.messages:
        stored += _store_one(session, plan, message)
    return stored


def _store_one(session: Session, plan: PollPlan, message: FetchedMessage) -> int:
    try:
        with session.begin_nested():
            outcome = ingest_raw_email(
                session,
                plan.workspace_id,
                message.raw,
                source=ReplySource.IMAP,
                mailbox_id=plan.mailbox_id,
                received_at=message.internal_date,
                require_match=True,
            )
    except OpenPinError as exc:
        # Not an email we can read; it stays in the mailbox, untouched, for a person to see.
        log.warning(
            "inbox.imap_message_unreadable",
            mailbox_id=plan.mailbox_id,
            uid=message.uid,
            reason=exc.message,
        )
        return 0
    return 1 if outcome.created else 0


def _advance_checkpoint(
    session: Session, plan: PollPlan, fetched: FetchResult, stored: int
) -> None:
    # Compare-and-set on what this poll started from: a concurrent poll of the same mailbox that
    # got there first makes this one roll back (its replies were stored by the other).
    moved = session.execute(
        update(ImapCheckpoint)
        .where(
            ImapCheckpoint.mailbox_id == plan.mailbox_id,
            ImapCheckpoint.folder == plan.settings.folder,
            ImapCheckpoint.uidvalidity == plan.uidvalidity,
            ImapCheckpoint.last_uid == plan.last_uid,
        )
        .values(
            uidvalidity=fetched.uidvalidity,
            last_uid=fetched.highest_uid,
            last_polled_at=utcnow(),
            last_ingested_count=stored,
            last_error="",
            last_error_at=None,
        )
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        raise RetryLater(0, "another poll of this mailbox moved the checkpoint first")


def _record_poll_error(session: Session, plan: PollPlan, words: str) -> None:
    log.warning("inbox.imap_poll_failed", mailbox_id=plan.mailbox_id, reason=words)
    session.execute(
        update(ImapCheckpoint)
        .where(
            ImapCheckpoint.mailbox_id == plan.mailbox_id,
            ImapCheckpoint.folder == plan.settings.folder,
        )
        .values(last_error=words[:2000], last_error_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def _server_words(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    if text.startswith(("b'", 'b"')):
        text = text[2:-1]
    return text


# -- LLM classification ----------------------------------------------------------------------


@task(CLASSIFY_TASK, max_attempts=3)
def classify_reply(ctx: TaskContext, reply_id: int) -> None:
    """Ask the workspace's LLM for the label; on any failure keep the offline model's label."""
    text, subject, client = _read_for_llm(ctx, reply_id)
    label = None
    if client is not None and text is not None:
        try:
            label = classify_with_llm(client, text, subject)
        except (IntegrationError, InvalidLabelAnswer) as exc:
            log.warning("inbox.llm_label_failed", reply_id=reply_id, reason=str(exc))
        except Exception as exc:  # any failure falls back; the reply must never stay pending
            log.warning("inbox.llm_label_failed", reply_id=reply_id, reason=repr(exc))
    reply = ctx.session.get(Reply, reply_id, with_for_update=True)
    if reply is None or not reply.awaiting_llm:
        return  # a recruiter labelled it meanwhile, or it was removed
    if label is not None:
        set_label(ctx.session, reply, label, LabelSource.LLM)
    else:
        reply.awaiting_llm = False
        apply_label_effects(ctx.session, reply)


def _read_for_llm(ctx: TaskContext, reply_id: int) -> tuple[str | None, str, LlmClient | None]:
    secrets = SecretBox(load_secret_key(ctx.settings))
    with Session(bind=ctx.session.get_bind()) as session, session.begin():
        reply = session.get(Reply, reply_id)
        if reply is None or not reply.awaiting_llm:
            return None, "", None
        try:
            client = llm_client_for_workspace(session, reply.workspace_id, secrets)
        except Exception as exc:  # an unreadable key, say: fall back to the offline label
            log.warning("inbox.llm_unavailable", reply_id=reply_id, reason=str(exc))
            client = None
        return reply.text, reply.subject, client
