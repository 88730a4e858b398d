"""Stopping enrolments and suppressing addresses: what replies, bounces and unsubscribes cause.

These functions are the outreach domain's contract with reply ingestion (openpin/inbox) and the
ATS domain. They never commit and are idempotent: calling one twice changes nothing the second
time and writes no second event.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from openpin.activity.service import record_event
from openpin.errors import NotFound, ValidationFailed
from openpin.kit.crypto import SecretBox
from openpin.kit.normalise import NormalisationError, normalise_email
from openpin.models.base import utcnow
from openpin.models.sequence import (
    Enrollment,
    EnrollmentStatus,
    Mailbox,
    Message,
    MessageStatus,
    StopReason,
    Suppression,
    SuppressionReason,
)
from openpin.worker.enqueue import dialect_insert

# Messages that have not gone yet: stopping an enrolment cancels them.
PENDING_STATUSES = (MessageStatus.DRAFTING, MessageStatus.SCHEDULED)


def clean_address(email: str) -> str:
    """The normalised form used for matching; a value that is no address is kept lower-cased."""
    try:
        return normalise_email(email)
    except NormalisationError:
        return email.strip().lower()


def bare_message_id(value: str) -> str:
    return value.strip().strip("<>").strip()


def find_message_by_message_ids(session: Session, message_ids: list[str]) -> Message | None:
    """One of our sent messages whose RFC 5322 Message-ID is among `message_ids` (with or without
    angle brackets), preferring the latest step: a reply's References lists the whole thread."""
    wanted = {f"<{bare}>" for bare in map(bare_message_id, message_ids) if bare}
    if not wanted:
        return None
    query = (
        select(Message)
        .where(Message.message_id_header.in_(sorted(wanted)))
        .order_by(Message.step_position.desc(), Message.id.desc())
        .limit(1)
    )
    return session.scalars(query).first()


def find_active_enrollment_for_email(
    session: Session, workspace_id: int, email: str
) -> Enrollment | None:
    """The most recent active enrolment emailing this address in the workspace."""
    query = (
        select(Enrollment)
        .where(
            Enrollment.workspace_id == workspace_id,
            Enrollment.to_address == clean_address(email),
            Enrollment.status == EnrollmentStatus.ACTIVE,
        )
        .order_by(Enrollment.id.desc())
        .limit(1)
    )
    return session.scalars(query).first()


def _stop_reason(reason: StopReason | str) -> StopReason:
    try:
        return StopReason(reason)
    except ValueError as exc:
        allowed = ", ".join(r.value for r in StopReason)
        raise ValidationFailed(
            f"{reason!r} is not a reason to stop a sequence; use one of: {allowed}.",
            field="reason",
        ) from exc


def stop_enrollment(
    session: Session,
    enrollment_id: int,
    reason: StopReason | str,
    actor_user_id: int | None = None,
) -> None:
    """Stop an enrolment and cancel its unsent messages; a stopped one is left as it is."""
    stop_reason = _stop_reason(reason)
    enrollment = session.get(Enrollment, enrollment_id)
    if enrollment is None:
        raise NotFound(f"No enrolment with id {enrollment_id}.")
    # Compare-and-set, so two concurrent stops (a reply and an unsubscribe) write one event.
    claimed = session.execute(
        update(Enrollment)
        .where(Enrollment.id == enrollment_id, Enrollment.status == EnrollmentStatus.ACTIVE)
        .values(
            status=EnrollmentStatus.STOPPED,
            stop_reason=stop_reason,
            stopped_at=utcnow(),
            next_send_at=None,
        )
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        return
    session.refresh(enrollment)
    _cancel_pending_messages(session, enrollment_id)
    record_event(
        session,
        enrollment.workspace_id,
        "candidate.sequence_stopped",
        candidate_id=enrollment.candidate_id,
        job_id=enrollment.job_id,
        actor_user_id=actor_user_id,
        data={
            "enrollment_id": enrollment.id,
            "sequence_id": enrollment.sequence_id,
            "reason": stop_reason.value,
        },
    )


def _cancel_pending_messages(session: Session, enrollment_id: int) -> None:
    session.execute(
        update(Message)
        .where(Message.enrollment_id == enrollment_id, Message.status.in_(PENDING_STATUSES))
        .values(status=MessageStatus.CANCELLED, error="The sequence stopped before it was sent.")
        .execution_options(synchronize_session=False)
    )


def _active_enrollment_ids(session: Session, workspace_id: int, address: str) -> list[int]:
    query = select(Enrollment.id).where(
        Enrollment.workspace_id == workspace_id,
        Enrollment.to_address == address,
        Enrollment.status == EnrollmentStatus.ACTIVE,
    )
    return list(session.scalars(query))


def suppress_address(
    session: Session, workspace_id: int, email: str, reason: SuppressionReason, detail: str
) -> bool:
    """Add the address to the workspace's suppression list; False if it was there already."""
    # INSERT .. ON CONFLICT DO NOTHING: two concurrent unsubscribes cannot collide.
    stmt = (
        dialect_insert(session)(Suppression)
        .values(
            workspace_id=workspace_id,
            email=clean_address(email),
            reason=reason,
            detail=detail[:2000],
            created_at=utcnow(),
            updated_at=utcnow(),
        )
        .on_conflict_do_nothing(index_elements=[Suppression.workspace_id, Suppression.email])
        .returning(Suppression.id)
    )
    return session.scalar(stmt) is not None


def is_suppressed(session: Session, workspace_id: int, email: str) -> bool:
    query = select(func.count()).where(
        Suppression.workspace_id == workspace_id, Suppression.email == clean_address(email)
    )
    return bool(session.scalar(query))


def mark_address_bounced(session: Session, workspace_id: int, email: str, reason: str) -> None:
    """A hard bounce: never email the address again and stop every active enrolment using it."""
    address = clean_address(email)
    suppress_address(session, workspace_id, address, SuppressionReason.BOUNCED, reason)
    for enrollment_id in _active_enrollment_ids(session, workspace_id, address):
        stop_enrollment(session, enrollment_id, StopReason.BOUNCED)


def record_hard_bounce(
    session: Session,
    workspace_id: int,
    addresses: list[str],
    reason: str,
    *,
    enrollment_id: int | None,
    candidate_id: int | None,
    job_id: int | None,
    data: dict[str, Any],
) -> None:
    """A hard bounce, however it was learnt (a failure report in the inbox, or a 5xx to RCPT TO
    while sending): mark each address bad, stop the enrolment, write `email.bounced`."""
    for address in addresses:
        mark_address_bounced(session, workspace_id, address, reason or "bounced")
    if enrollment_id is not None:
        stop_enrollment(session, enrollment_id, StopReason.BOUNCED)
    if candidate_id is not None:
        record_event(
            session,
            workspace_id,
            "email.bounced",
            candidate_id=candidate_id,
            job_id=job_id,
            data=data,
        )


def unsubscribe_address(session: Session, workspace_id: int, email: str, source: str) -> None:
    """The person asked to hear no more: suppress the address and stop its enrolments."""
    address = clean_address(email)
    added = suppress_address(session, workspace_id, address, SuppressionReason.UNSUBSCRIBED, source)
    for enrollment_id in _active_enrollment_ids(session, workspace_id, address):
        stop_enrollment(session, enrollment_id, StopReason.UNSUBSCRIBED)
    if added:
        record_event(
            session,
            workspace_id,
            "email.unsubscribed",
            candidate_id=_candidate_for_address(session, workspace_id, address),
            data={"email": address, "source": source},
        )


def _candidate_for_address(session: Session, workspace_id: int, address: str) -> int | None:
    query = (
        select(Enrollment.candidate_id)
        .where(Enrollment.workspace_id == workspace_id, Enrollment.to_address == address)
        .order_by(Enrollment.id.desc())
        .limit(1)
    )
    return session.scalar(query)


@dataclass(frozen=True)
class ImapSettings:
    host: str
    port: int
    ssl: bool
    username: str
    password: str = field(repr=False)
    folder: str = "INBOX"
    sent_folder: str = "Sent"


def mailbox_imap_settings(session: Session, mailbox_id: int, secrets: SecretBox) -> ImapSettings:
    mailbox = session.get(Mailbox, mailbox_id)
    if mailbox is None:
        raise NotFound(f"No mailbox with id {mailbox_id}.")
    if not mailbox.imap_configured:
        raise ValidationFailed(
            f"Mailbox {mailbox.from_address} has no IMAP settings.",
            "Add the IMAP host, user name and password in Settings → Mailboxes.",
        )
    return ImapSettings(
        host=mailbox.imap_host,
        port=mailbox.imap_port,
        ssl=mailbox.imap_ssl,
        username=mailbox.imap_username,
        password=secrets.decrypt(mailbox.imap_password_encrypted),
        folder=mailbox.imap_folder or "INBOX",
        sent_folder=mailbox.imap_sent_folder or "Sent",
    )


def list_mailboxes_for_polling(session: Session) -> list[tuple[int, int]]:
    """(workspace_id, mailbox_id) of every active mailbox with IMAP configured."""
    query = (
        select(Mailbox.workspace_id, Mailbox.id)
        .where(
            Mailbox.is_active.is_(True),
            Mailbox.imap_host != "",
            Mailbox.imap_username != "",
            Mailbox.imap_password_encrypted != "",
        )
        .order_by(Mailbox.id)
    )
    return [(row[0], row[1]) for row in session.execute(query)]
