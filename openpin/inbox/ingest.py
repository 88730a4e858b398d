"""Taking in one raw email, from IMAP polling or the inbound webhook, exactly once.

Idempotent on the Message-ID: a message already stored (in this workspace) is answered with the
stored reply and causes nothing new. A concurrent duplicate loses the unique-constraint race
inside a savepoint and is answered the same way.

Order matters for "exactly once": the reply row is inserted first (the constraint decides who
owns the message), then its consequences run in the same transaction.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from openpin.inbox.autoreply import auto_reply_reason
from openpin.inbox.bounces import BounceReport, detect_bounce
from openpin.inbox.classifier import get_classifier
from openpin.inbox.effects import count_as_reply, record_bounce, set_label
from openpin.inbox.matching import Match, match_email
from openpin.inbox.parsing import ParsedEmail, parse_email
from openpin.inbox.repository import ReplyRepository
from openpin.integrations.llm.client import ai_settings_for_workspace
from openpin.logging import get_logger
from openpin.models.base import utcnow
from openpin.models.inbox import LabelSource, Reply, ReplyKind, ReplyLabel, ReplySource
from openpin.worker.enqueue import enqueue_task

log = get_logger("openpin.inbox")

CLASSIFY_TASK = "inbox.classify_reply"


@dataclass(frozen=True)
class IngestOutcome:
    reply: Reply | None  # None: skipped (see `skipped_reason`)
    created: bool
    skipped_reason: str = ""


@dataclass(frozen=True)
class Analysis:
    parsed: ParsedEmail
    kind: ReplyKind
    bounce: BounceReport | None
    auto_reason: str
    match: Match


def ingest_raw_email(
    session: Session,
    workspace_id: int,
    raw: bytes,
    *,
    source: ReplySource,
    mailbox_id: int | None = None,
    received_at: datetime | None = None,
    require_match: bool = False,
) -> IngestOutcome:
    """Store one incoming message and apply what it means; see the module docstring.

    `require_match` (IMAP polling) skips messages that concern no candidate, so a recruiter's
    personal mail in the same mailbox never lands in OpenPin.
    """
    repo = ReplyRepository(session, workspace_id)
    parsed = parse_email(raw)
    stored = repo.by_rfc_message_id(parsed.message_id)
    if stored is not None:
        return IngestOutcome(stored, created=False)
    analysis = analyse(session, workspace_id, parsed)
    if require_match and not analysis.match.found and analysis.kind != ReplyKind.BOUNCE:
        return IngestOutcome(None, created=False, skipped_reason="no candidate matches")
    reply = _new_reply(workspace_id, analysis, source, mailbox_id, received_at)
    if not _insert_once(session, reply):
        return IngestOutcome(repo.by_rfc_message_id(parsed.message_id), created=False)
    _apply_consequences(session, reply, analysis)
    log.info("inbox.reply_ingested", reply_id=reply.id, kind=str(reply.kind), source=str(source))
    return IngestOutcome(reply, created=True)


def analyse(session: Session, workspace_id: int, parsed: ParsedEmail) -> Analysis:
    bounce = detect_bounce(parsed.message, parsed.from_address, parsed.subject)
    auto_reason = auto_reply_reason(parsed.headers, parsed.subject)
    match = match_email(session, workspace_id, parsed, bounce)
    if bounce is not None and bounce.is_failure:
        kind = ReplyKind.BOUNCE
    elif bounce is not None or auto_reason:
        kind = ReplyKind.AUTO_REPLY  # a "delayed" delivery notice is automatic too
    else:
        kind = ReplyKind.REPLY
    return Analysis(parsed, kind, bounce, auto_reason, match)


def _new_reply(
    workspace_id: int,
    analysis: Analysis,
    source: ReplySource,
    mailbox_id: int | None,
    received_at: datetime | None,
) -> Reply:
    parsed, match, bounce = analysis.parsed, analysis.match, analysis.bounce
    headers = dict(parsed.headers)
    if analysis.auto_reason:
        headers["X-OpenPin-Automatic"] = analysis.auto_reason
    return Reply(
        workspace_id=workspace_id,
        mailbox_id=mailbox_id,
        candidate_id=match.candidate_id,
        enrollment_id=match.enrollment_id,
        message_id=match.message_id,
        job_id=match.job_id,
        source=source,
        matched_by=match.matched_by,
        rfc_message_id=parsed.message_id,
        in_reply_to=" ".join(parsed.in_reply_to),
        references_header=" ".join(parsed.references)[:20000],
        from_address=parsed.from_address[:320],
        from_name=parsed.from_name[:300],
        to_address=parsed.to_address[:320],
        subject=parsed.subject[:2000],
        headers=headers,
        text=parsed.reply_text,
        kind=analysis.kind,
        bounced_address=_bounced_address(bounce, match),
        bounce_status=bounce.status if bounce else "",
        bounce_diagnostic=(bounce.diagnostic if bounce else "")[:2000],
        # Arrival time (IMAP's INTERNALDATE, or now): a sender's Date header can be anything.
        received_at=received_at or utcnow(),
        raw_mime_zlib=zlib.compress(parsed.raw),
        raw_size=len(parsed.raw),
    )


def _bounced_address(bounce: BounceReport | None, match: Match) -> str:
    if bounce is None:
        return ""
    return (bounce.failed_recipients[0] if bounce.failed_recipients else match.recipient)[:320]


def _insert_once(session: Session, reply: Reply) -> bool:
    """Insert inside a savepoint; False if another transaction stored the same Message-ID."""
    try:
        with session.begin_nested():
            session.add(reply)
            session.flush()
    except IntegrityError:
        return False
    return True


def _apply_consequences(session: Session, reply: Reply, analysis: Analysis) -> None:
    if reply.kind == ReplyKind.BOUNCE:
        failed = list(analysis.bounce.failed_recipients) if analysis.bounce else []
        if not failed and reply.bounced_address:
            failed = [reply.bounced_address]
        record_bounce(session, reply, failed)
        return
    if reply.kind == ReplyKind.AUTO_REPLY:
        set_label(session, reply, ReplyLabel.OUT_OF_OFFICE, LabelSource.MODEL, confidence=1.0)
        return
    _classify_real_reply(session, reply)


def _classify_real_reply(session: Session, reply: Reply) -> None:
    prediction = get_classifier().predict_one(_classifier_text(reply))
    if prediction.label == ReplyLabel.OUT_OF_OFFICE:
        # An away message sent without the automatic headers: still not the person answering.
        reply.kind = ReplyKind.AUTO_REPLY
        set_label(
            session, reply, prediction.label, LabelSource.MODEL, confidence=prediction.confidence
        )
        return
    count_as_reply(session, reply)
    wait_for_llm = llm_configured(session, reply.workspace_id)
    set_label(
        session,
        reply,
        prediction.label,
        LabelSource.MODEL,
        confidence=prediction.confidence,
        final=not wait_for_llm,
    )
    if wait_for_llm:
        enqueue_task(
            session,
            CLASSIFY_TASK,
            args={"reply_id": reply.id},
            workspace_id=reply.workspace_id,
            unique_key=f"{CLASSIFY_TASK}:{reply.id}",
        )


def _classifier_text(reply: Reply) -> str:
    return reply.text or reply.subject


def llm_configured(session: Session, workspace_id: int) -> bool:
    settings = ai_settings_for_workspace(session, workspace_id)
    return bool(settings and settings.enabled and settings.base_url and settings.model)
