"""Which enrolment and candidate an incoming message belongs to.

First by threading headers: In-Reply-To and References (and, for a bounce, the Message-ID of the
returned original) name one of our sent messages, which names its enrolment. People reply from
other addresses and forward threads, so headers win. Then by the sender's address: the most
recent active enrolment emailing it, else any candidate of the workspace with that address.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from openpin.inbox.bounces import BounceReport
from openpin.inbox.parsing import ParsedEmail
from openpin.models import CandidateEmail
from openpin.models.sequence import Enrollment, Message
from openpin.sequence.lifecycle import (
    clean_address,
    find_active_enrollment_for_email,
    find_message_by_message_ids,
)


@dataclass(frozen=True)
class Match:
    candidate_id: int | None = None
    enrollment_id: int | None = None
    message_id: int | None = None  # our sent message
    job_id: int | None = None
    sequence_id: int | None = None
    matched_by: str = ""  # "headers", "sender", or "" (unmatched)
    # For a bounce whose notice names no address: the recipient of the returned message.
    recipient: str = ""

    @property
    def found(self) -> bool:
        return self.candidate_id is not None


def match_email(
    session: Session, workspace_id: int, parsed: ParsedEmail, bounce: BounceReport | None
) -> Match:
    ids = [*(bounce.original_message_ids if bounce else []), *parsed.thread_ids]
    by_headers = _match_by_headers(session, workspace_id, ids)
    if by_headers is not None:
        return by_headers
    addresses = bounce.failed_recipients if bounce else [parsed.from_address]
    for address in addresses:
        by_sender = _match_by_address(session, workspace_id, address)
        if by_sender.found:
            return by_sender
    return Match()


def _match_by_headers(session: Session, workspace_id: int, ids: list[str]) -> Match | None:
    message = find_message_by_message_ids(session, ids)
    # Message-IDs are global; never let a message of another workspace claim this reply.
    if message is None or message.workspace_id != workspace_id:
        return None
    enrollment = session.get(Enrollment, message.enrollment_id)
    return Match(
        candidate_id=message.candidate_id,
        enrollment_id=message.enrollment_id,
        message_id=message.id,
        job_id=enrollment.job_id if enrollment else None,
        sequence_id=enrollment.sequence_id if enrollment else None,
        matched_by="headers",
        recipient=message.to_address,
    )


def _match_by_address(session: Session, workspace_id: int, address: str) -> Match:
    if not address:
        return Match()
    enrollment = find_active_enrollment_for_email(session, workspace_id, address)
    if enrollment is None:
        enrollment = _latest_enrollment_for(session, workspace_id, address)
    if enrollment is not None:
        return Match(
            candidate_id=enrollment.candidate_id,
            enrollment_id=enrollment.id,
            message_id=_latest_sent_message(session, enrollment.id),
            job_id=enrollment.job_id,
            sequence_id=enrollment.sequence_id,
            matched_by="sender",
            recipient=enrollment.to_address,
        )
    candidate_id = _candidate_with_email(session, workspace_id, address)
    if candidate_id is None:
        return Match()
    return Match(candidate_id=candidate_id, matched_by="sender", recipient=clean_address(address))


def _latest_enrollment_for(session: Session, workspace_id: int, address: str) -> Enrollment | None:
    """A finished or stopped enrolment: a late answer still belongs to that conversation."""
    query = (
        select(Enrollment)
        .where(
            Enrollment.workspace_id == workspace_id,
            Enrollment.to_address == clean_address(address),
        )
        .order_by(Enrollment.id.desc())
        .limit(1)
    )
    return session.scalars(query).first()


def _latest_sent_message(session: Session, enrollment_id: int) -> int | None:
    query = (
        select(Message.id)
        .where(Message.enrollment_id == enrollment_id, Message.sent_at.is_not(None))
        .order_by(Message.sent_at.desc(), Message.id.desc())
        .limit(1)
    )
    return session.scalar(query)


def _candidate_with_email(session: Session, workspace_id: int, address: str) -> int | None:
    query = select(CandidateEmail.candidate_id).where(
        CandidateEmail.workspace_id == workspace_id,
        CandidateEmail.email == clean_address(address),
    )
    return session.scalar(query)
