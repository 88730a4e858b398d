"""What a reply and its label cause, each exactly once per reply.

- A real reply stops its enrolment ("replied") and writes `candidate.replied`.
- The label `interested` writes `candidate.replied_interested`, the first time the reply gets it
  (from the model, the LLM, or a recruiter's correction); relabelling back and forth writes
  nothing more.
- The label `unsubscribe` suppresses the sender's address and stops its enrolments.
- A bounce marks the failed address bad (which stops every enrolment using it).

"Once" is kept by timestamps on the reply row (`replied_event_at`, `interested_event_at`), set in
the same transaction as the event, so a re-run or a concurrent duplicate cannot write it twice.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from openpin.activity.service import record_event
from openpin.models.base import utcnow
from openpin.models.inbox import LabelSource, Reply, ReplyKind, ReplyLabel, ReplyLabelChange
from openpin.sequence.lifecycle import (
    record_hard_bounce,
    stop_enrollment,
    unsubscribe_address,
)


def _event_data(reply: Reply, **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"reply_id": reply.id, "enrollment_id": reply.enrollment_id}
    if reply.message_id is not None:
        data["message_id"] = reply.message_id
    return {**data, **extra}


def count_as_reply(session: Session, reply: Reply, actor_user_id: int | None = None) -> None:
    """The candidate answered: stop the sequence, and write `candidate.replied` once."""
    if reply.enrollment_id is not None:
        stop_enrollment(session, reply.enrollment_id, "replied", actor_user_id=actor_user_id)
    if reply.candidate_id is None or reply.replied_event_at is not None:
        return
    reply.replied_event_at = utcnow()
    record_event(
        session,
        reply.workspace_id,
        "candidate.replied",
        candidate_id=reply.candidate_id,
        job_id=reply.job_id,
        actor_user_id=actor_user_id,
        data=_event_data(reply, matched_by=reply.matched_by),
    )


def record_bounce(session: Session, reply: Reply, addresses: list[str]) -> None:
    reason = " ".join(part for part in (reply.bounce_status, reply.bounce_diagnostic) if part)
    record_hard_bounce(
        session,
        reply.workspace_id,
        addresses,
        reason,
        enrollment_id=reply.enrollment_id,
        candidate_id=reply.candidate_id,
        job_id=reply.job_id,
        data=_event_data(reply, address=reply.bounced_address, status=reply.bounce_status),
    )


def set_label(
    session: Session,
    reply: Reply,
    label: ReplyLabel,
    source: LabelSource,
    *,
    confidence: float | None = None,
    final: bool = True,
    actor_user_id: int | None = None,
) -> bool:
    """Give the reply a label and keep the change in its history; False if refused.

    A recruiter's label is never overwritten by a machine. `final=False` is the model's label
    shown while the LLM's is awaited: its consequences wait for the final label.
    """
    if reply.label_source == LabelSource.PERSON and source != LabelSource.PERSON:
        return False
    session.add(
        ReplyLabelChange(
            workspace_id=reply.workspace_id,
            reply_id=reply.id,
            old_label=reply.label,
            new_label=label,
            source=source,
            confidence=confidence,
            actor_user_id=actor_user_id,
        )
    )
    reply.label = label
    reply.label_source = source
    reply.confidence = confidence
    reply.awaiting_llm = not final
    if final:
        apply_label_effects(session, reply, actor_user_id)
    return True


def apply_label_effects(session: Session, reply: Reply, actor_user_id: int | None = None) -> None:
    if reply.kind != ReplyKind.REPLY or reply.label is None:
        return
    if reply.label == ReplyLabel.UNSUBSCRIBE and reply.from_address:
        unsubscribe_address(session, reply.workspace_id, reply.from_address, source="reply")
    if reply.label == ReplyLabel.INTERESTED and reply.candidate_id is not None:
        _record_interested_once(session, reply, actor_user_id)


def _record_interested_once(session: Session, reply: Reply, actor_user_id: int | None) -> None:
    if reply.interested_event_at is not None:
        return
    reply.interested_event_at = utcnow()
    record_event(
        session,
        reply.workspace_id,
        "candidate.replied_interested",
        candidate_id=reply.candidate_id,
        job_id=reply.job_id,
        actor_user_id=actor_user_id,
        data=_event_data(reply, label_source=str(reply.label_source)),
    )
