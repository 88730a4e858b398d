"""Enrolling candidates in a sequence: who is skipped and why, and the first message rendered.

Each enrolment writes `candidate.added_to_sequence` in the same transaction (ATS export triggers
subscribe to it). A candidate is skipped, with the reason, when they have no email, the address
is suppressed (unsubscribed or bounced), or they are already active in a sequence of the same job.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from openpin.activity.service import record_event
from openpin.errors import ValidationFailed
from openpin.kit.crypto import SecretBox
from openpin.models import Candidate, Job
from openpin.models.base import utcnow
from openpin.models.sequence import (
    Enrollment,
    Mailbox,
    MessageStatus,
    Sequence,
    SequenceStatus,
    SequenceStep,
    StepVariant,
    Suppression,
)
from openpin.sequence.composing import Audience, build_message, choose_variant
from openpin.sequence.lifecycle import clean_address
from openpin.sequence.personalise import compose_line, profile_facts
from openpin.sequence.repository import SequenceRepository
from openpin.sequence.schemas import EnrollmentResult
from openpin.worker.enqueue import enqueue_task

PERSONALISE_TASK = "sequence.personalise"


@dataclass
class _Plan:
    sequence: Sequence
    job: Job
    mailbox: Mailbox
    first_step: SequenceStep
    variants: list[StepVariant]
    hiring_company: str
    use_llm: bool


def enroll_candidates(
    session: Session,
    workspace_id: int,
    sequence_id: int,
    candidate_ids: list[int],
    actor_user_id: int | None,
    now: datetime | None = None,
    secrets: SecretBox | None = None,
) -> list[EnrollmentResult]:
    """Enrol each candidate or say why not; one result per distinct id, in the order given.

    `secrets` lets the function see whether the workspace has an LLM configured; without it the
    offline composer writes every personal line.
    """
    now = now or utcnow()
    repo = SequenceRepository(session, workspace_id)
    plan = _plan(session, repo, sequence_id, secrets)
    ids = list(dict.fromkeys(candidate_ids))
    candidates = repo.candidates(ids)
    addresses = {cid: _first_email(c) for cid, c in candidates.items()}
    suppressed = repo.suppressed(a for a in addresses.values() if a)
    active = repo.active_enrollments_for_job(plan.job.id, ids)
    results = []
    for candidate_id in ids:
        reason = _skip_reason(candidate_id, candidates, addresses, suppressed, active, plan)
        if reason is not None:
            results.append(EnrollmentResult(candidate_id, False, reason))
            continue
        results.append(
            _enrol_one(
                session,
                plan,
                candidates[candidate_id],
                addresses[candidate_id] or "",
                actor_user_id,
                now,
            )
        )
    return results


def _plan(
    session: Session, repo: SequenceRepository, sequence_id: int, secrets: SecretBox | None
) -> _Plan:
    sequence = repo.get(sequence_id)
    if sequence.status != SequenceStatus.ACTIVE:
        raise ValidationFailed(
            f"The sequence {sequence.name!r} is {sequence.status.value}.",
            "Set it back to active before enrolling candidates.",
        )
    mailbox = session.get(Mailbox, sequence.mailbox_id) if sequence.mailbox_id else None
    if mailbox is None or mailbox.workspace_id != repo.workspace_id:
        raise ValidationFailed(
            f"The sequence {sequence.name!r} has no mailbox to send from.",
            "Add a mailbox in Settings → Mailboxes and choose it in the sequence.",
            field="mailbox_id",
        )
    steps = repo.steps(sequence.id)
    job = repo.job(sequence.job_id)
    assert job is not None  # the foreign key keeps the job
    return _Plan(
        sequence=sequence,
        job=job,
        mailbox=mailbox,
        first_step=steps[0],
        variants=repo.variants([steps[0].id])[steps[0].id],
        hiring_company=repo.workspace_name(),
        use_llm=_llm_configured(session, repo.workspace_id, secrets),
    )


def _llm_configured(session: Session, workspace_id: int, secrets: SecretBox | None) -> bool:
    from openpin.integrations.llm.client import ai_settings_for_workspace

    if secrets is None:
        return False
    settings = ai_settings_for_workspace(session, workspace_id)
    return settings is not None and settings.enabled and bool(settings.base_url and settings.model)


def _first_email(candidate: Candidate) -> str | None:
    return clean_address(candidate.emails[0].email) if candidate.emails else None


def _skip_reason(
    candidate_id: int,
    candidates: dict[int, Candidate],
    addresses: dict[int, str | None],
    suppressed: dict[str, Suppression],
    active: dict[int, tuple[int, str]],
    plan: _Plan,
) -> str | None:
    if candidate_id not in candidates:
        return "No candidate with this id in the workspace."
    address = addresses[candidate_id]
    if not address:
        return "No email address on the profile."
    if address in suppressed:
        row = suppressed[address]
        return {
            "unsubscribed": f"{address} unsubscribed.",
            "bounced": f"{address} bounced earlier ({row.detail or 'hard bounce'}).",
        }.get(row.reason.value, f"{address} is on the do-not-email list.")
    if candidate_id in active:
        sequence_id, name = active[candidate_id]
        where = "this sequence" if sequence_id == plan.sequence.id else f"the sequence {name!r}"
        return f"Already active in {where} for this job."
    return None


def _enrol_one(
    session: Session,
    plan: _Plan,
    candidate: Candidate,
    address: str,
    actor_user_id: int | None,
    now: datetime,
) -> EnrollmentResult:
    audience = Audience(candidate, plan.job, plan.mailbox, plan.hiring_company)
    enrollment = Enrollment(
        workspace_id=plan.sequence.workspace_id,
        sequence_id=plan.sequence.id,
        job_id=plan.job.id,
        candidate_id=candidate.id,
        mailbox_id=plan.mailbox.id,
        to_address=address,
        next_send_at=now,
        personal_line=compose_line(profile_facts(candidate, plan.job, plan.hiring_company)),
        personal_line_source="composer",
        enrolled_by_user_id=actor_user_id,
    )
    try:
        # A savepoint: a concurrent enrolment of the same person (the partial unique index)
        # skips this one candidate instead of failing the whole batch.
        with session.begin_nested():
            session.add(enrollment)
            session.flush()
    except IntegrityError:
        return EnrollmentResult(candidate.id, False, "Already active in a sequence for this job.")
    variant = choose_variant(plan.first_step, plan.variants, enrollment.id)
    status = MessageStatus.DRAFTING if plan.use_llm else MessageStatus.SCHEDULED
    message = build_message(enrollment, plan.first_step, variant, audience, None, now, status)
    session.add(message)
    session.flush()
    if plan.use_llm:
        enqueue_task(
            session,
            PERSONALISE_TASK,
            args={"enrollment_id": enrollment.id},
            workspace_id=enrollment.workspace_id,
            unique_key=f"{PERSONALISE_TASK}:{enrollment.id}",
        )
    _record_enrolment(session, plan, enrollment, actor_user_id)
    return EnrollmentResult(candidate.id, True, None, enrollment.id)


def _record_enrolment(
    session: Session, plan: _Plan, enrollment: Enrollment, actor_user_id: int | None
) -> None:
    record_event(
        session,
        enrollment.workspace_id,
        "candidate.added_to_sequence",
        candidate_id=enrollment.candidate_id,
        job_id=plan.job.id,
        actor_user_id=actor_user_id,
        data={
            "enrollment_id": enrollment.id,
            "sequence_id": plan.sequence.id,
            "sequence_name": plan.sequence.name,
            "mailbox_id": plan.mailbox.id,
        },
    )
