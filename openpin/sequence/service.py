"""Sequences, their steps and the outbox: the outreach domain's rules. Never commits.

Also the public face of the domain for other packages: reply ingestion (openpin/inbox), ATS
triggers and sourcing import what they need from here.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from openpin.activity.service import record_event
from openpin.errors import Conflict, NotFound, ValidationFailed
from openpin.kit.pagination import Page, clamp_limit, decode_cursor, encode_cursor
from openpin.models import Candidate
from openpin.models.base import utcnow
from openpin.models.sequence import (
    Enrollment,
    Mailbox,
    Message,
    MessageStatus,
    Sequence,
    SequenceStep,
    StepVariant,
)
from openpin.sequence import schemas
from openpin.sequence.composing import Audience, Thread, build_message, choose_variant
from openpin.sequence.enrolment import enroll_candidates
from openpin.sequence.lifecycle import (
    ImapSettings,
    find_active_enrollment_for_email,
    find_message_by_message_ids,
    is_suppressed,
    list_mailboxes_for_polling,
    mailbox_imap_settings,
    mark_address_bounced,
    stop_enrollment,
    unsubscribe_address,
)
from openpin.sequence.rendering import check_template
from openpin.sequence.repository import MessageRepository, SequenceRepository
from openpin.sequence.schemas import EnrollmentResult

__all__ = [
    "EnrollmentResult",
    "ImapSettings",
    "MessageService",
    "SequenceService",
    "enroll_candidates",
    "find_active_enrollment_for_email",
    "find_message_by_message_ids",
    "is_suppressed",
    "list_mailboxes_for_polling",
    "mailbox_imap_settings",
    "mark_address_bounced",
    "stop_enrollment",
    "unsubscribe_address",
]


def check_steps(steps: list[schemas.StepIn]) -> None:
    """Every template valid and every variable known: errors name the step and the field."""
    for problem in step_problems(steps):
        raise problem


def step_problems(steps: list[schemas.StepIn]) -> Iterator[ValidationFailed]:
    """Every problem of every step and variant, in order (the builder shows them all at once)."""
    for position, step in enumerate(steps, start=1):
        label = f"steps[{position}]"
        needs_subject = position == 1 or not step.reply_in_thread
        if needs_subject and not step.subject.strip():
            reason = "the first step" if position == 1 else "a step that starts a new thread"
            yield ValidationFailed(
                f"{label}.subject: {reason} needs a subject.", field=f"{label}.subject"
            )
        yield from _template_problems(step.subject, f"{label}.subject")
        yield from _template_problems(step.body, f"{label}.body")
        labels = {"A"}
        for variant in step.variants:
            name = f"{label}.variants[{variant.label}]"
            if variant.label.upper() in labels:
                yield ValidationFailed(f"{name}: the label is used twice in this step.", field=name)
            labels.add(variant.label.upper())
            if needs_subject and not variant.subject.strip():
                yield ValidationFailed(
                    f"{name}.subject: a subject is needed.", field=f"{name}.subject"
                )
            yield from _template_problems(variant.subject, f"{name}.subject")
            yield from _template_problems(variant.body, f"{name}.body")


def _template_problems(source: str, field: str) -> Iterator[ValidationFailed]:
    try:
        check_template(source, field)
    except ValidationFailed as problem:
        yield problem


@dataclass
class SequenceView:
    sequence: Sequence
    steps: list[SequenceStep]
    variants: dict[int, list[StepVariant]]


class SequenceService:
    def __init__(self, session: Session, workspace_id: int, actor_user_id: int | None = None):
        self.session = session
        self.workspace_id = workspace_id
        self.actor_user_id = actor_user_id
        self.repo = SequenceRepository(session, workspace_id)

    def _check_refs(self, job_id: int | None, mailbox_id: int | None) -> None:
        if job_id is not None and self.repo.job(job_id) is None:
            raise ValidationFailed(
                f"job_id: no job with id {job_id} in this workspace.", field="job_id"
            )
        if mailbox_id is not None:
            mailbox = self.session.get(Mailbox, mailbox_id)
            if mailbox is None or mailbox.workspace_id != self.workspace_id:
                raise ValidationFailed(
                    f"mailbox_id: no mailbox with id {mailbox_id} in this workspace.",
                    "Add one in Settings → Mailboxes.",
                    field="mailbox_id",
                )

    def create(self, data: schemas.SequenceCreate) -> SequenceView:
        check_steps(data.steps)
        self._check_refs(data.job_id, data.mailbox_id)
        sequence = self.repo.add(
            Sequence(
                workspace_id=self.workspace_id,
                job_id=data.job_id,
                name=data.name.strip(),
                mailbox_id=data.mailbox_id,
                owner_user_id=self.actor_user_id,
            )
        )
        self._write_steps(sequence, data.steps)
        self._event("sequence.created", sequence)
        return self.view(sequence.id)

    def update(self, sequence_id: int, data: schemas.SequenceUpdate) -> SequenceView:
        sequence = self.repo.get(sequence_id)
        if data.steps is not None:
            check_steps(data.steps)
        given = data.model_fields_set
        if "mailbox_id" in given:
            self._check_refs(None, data.mailbox_id)
            sequence.mailbox_id = data.mailbox_id
        if data.name is not None:
            sequence.name = data.name.strip()
        if data.status is not None:
            sequence.status = data.status
        if data.steps is not None:
            self._write_steps(sequence, data.steps)
        self.session.flush()
        self._event("sequence.updated", sequence)
        return self.view(sequence.id)

    def delete(self, sequence_id: int) -> None:
        sequence = self.repo.get(sequence_id)
        self._event("sequence.deleted", sequence)
        self.repo.delete(sequence)

    def _write_steps(self, sequence: Sequence, steps: list[schemas.StepIn]) -> None:
        """Update steps in place by position (messages keep their step), add or drop the rest."""
        existing = {step.position: step for step in self.repo.steps(sequence.id)}
        for position, data in enumerate(steps, start=1):
            step = existing.pop(position, None) or SequenceStep(
                sequence_id=sequence.id, position=position
            )
            step.delay_days = data.delay_days if position > 1 else 0
            step.subject_template = data.subject
            step.body_template = data.body
            step.reply_in_thread = data.reply_in_thread
            self.session.add(step)
            self.session.flush()
            self.session.execute(delete(StepVariant).where(StepVariant.step_id == step.id))
            for variant in data.variants:
                self.session.add(
                    StepVariant(
                        step_id=step.id,
                        label=variant.label.upper(),
                        subject_template=variant.subject,
                        body_template=variant.body,
                    )
                )
        for step in existing.values():
            self.session.delete(step)
        self.session.flush()

    def _event(self, type_: str, sequence: Sequence) -> None:
        record_event(
            self.session,
            self.workspace_id,
            type_,
            job_id=sequence.job_id,
            actor_user_id=self.actor_user_id,
            data={"sequence_id": sequence.id, "name": sequence.name},
        )

    def view(self, sequence_id: int) -> SequenceView:
        sequence = self.repo.get(sequence_id)
        steps = self.repo.steps(sequence.id)
        return SequenceView(sequence, steps, self.repo.variants(s.id for s in steps))

    def list(self, job_id: int | None = None) -> builtins.list[Sequence]:
        return self.repo.for_job(job_id)

    @staticmethod
    def to_schema(view: SequenceView) -> schemas.Sequence:
        sequence = view.sequence
        return schemas.Sequence(
            id=sequence.id,
            job_id=sequence.job_id,
            name=sequence.name,
            mailbox_id=sequence.mailbox_id,
            status=sequence.status,
            created_at=sequence.created_at,
            updated_at=sequence.updated_at,
            steps=[
                schemas.Step(
                    id=step.id,
                    position=step.position,
                    delay_days=step.delay_days,
                    subject=step.subject_template,
                    body=step.body_template,
                    reply_in_thread=step.reply_in_thread,
                    variants=[
                        schemas.Variant(
                            id=v.id, label=v.label, subject=v.subject_template, body=v.body_template
                        )
                        for v in view.variants.get(step.id, [])
                    ],
                )
                for step in view.steps
            ],
        )

    def enroll(
        self, sequence_id: int, candidate_ids: builtins.list[int], **kwargs: object
    ) -> builtins.list[EnrollmentResult]:
        return enroll_candidates(
            self.session,
            self.workspace_id,
            sequence_id,
            candidate_ids,
            self.actor_user_id,
            **kwargs,  # type: ignore[arg-type]
        )

    def preview(
        self,
        steps: builtins.list[schemas.StepIn],
        job_id: int,
        mailbox_id: int | None,
        candidate_id: int,
    ) -> builtins.list[PreviewEmail]:
        """Every step and variant as this candidate would get them."""
        from openpin.sequence.personalise import compose_line, profile_facts

        check_steps(steps)
        self._check_refs(job_id, mailbox_id)
        candidate = self.repo.candidates([candidate_id]).get(candidate_id)
        if candidate is None:
            raise NotFound(f"No candidate with id {candidate_id} in this workspace.")
        job = self.repo.job(job_id)
        assert job is not None
        mailbox = self.session.get(Mailbox, mailbox_id) if mailbox_id else _sample_mailbox()
        assert mailbox is not None
        company = self.repo.workspace_name()
        audience = Audience(candidate, job, mailbox, company)
        enrollment = Enrollment(
            id=0,
            workspace_id=self.workspace_id,
            candidate_id=candidate.id,
            mailbox_id=mailbox.id or 0,
            to_address="",
            personal_line=compose_line(profile_facts(candidate, job, company)),
        )
        return _render_preview(steps, enrollment, audience)


def _sample_mailbox() -> Mailbox:
    return Mailbox(id=0, from_name="You", from_address="you@example.com", signature="")


@dataclass(frozen=True)
class PreviewEmail:
    """One step in one version (A is the step's own text) as a candidate would receive it."""

    step: int
    variant: str
    versions: int  # how many versions the step has: 1 without an A/B test
    subject: str
    body: str


def _render_preview(
    steps: builtins.list[schemas.StepIn], enrollment: Enrollment, audience: Audience
) -> builtins.list[PreviewEmail]:
    rendered = []
    thread: Thread | None = None
    for position, data in enumerate(steps, start=1):
        step = SequenceStep(
            id=0,
            position=position,
            subject_template=data.subject,
            body_template=data.body,
            reply_in_thread=data.reply_in_thread,
        )
        options: builtins.list[tuple[str, StepVariant | None]] = [("A", None)]
        options += [
            (
                v.label.upper(),
                StepVariant(
                    label=v.label.upper(), subject_template=v.subject, body_template=v.body
                ),
            )
            for v in data.variants
        ]
        for label, variant in options:
            message = build_message(enrollment, step, variant, audience, thread, utcnow())
            rendered.append(
                PreviewEmail(position, label, len(options), message.subject, message.body)
            )
            if position == 1 and label == "A":
                thread = Thread(message.subject, ["<preview@openpin>"])
    return rendered


class MessageService:
    """The outbox: list, edit before sending, and settle messages whose outcome is unknown."""

    def __init__(self, session: Session, workspace_id: int, actor_user_id: int | None = None):
        self.session = session
        self.workspace_id = workspace_id
        self.actor_user_id = actor_user_id
        self.repo = MessageRepository(session, workspace_id)

    def list(
        self,
        statuses: builtins.list[MessageStatus] | None = None,
        candidate_id: int | None = None,
        sequence_id: int | None = None,
        cursor: str | None = None,
        limit: int = 50,
    ) -> Page[Message]:
        limit = clamp_limit(limit)
        after_id = decode_cursor(cursor).get("id") if cursor else None
        if after_id is not None and not isinstance(after_id, int):
            raise ValidationFailed("The cursor is not valid.", field="cursor")
        rows = self.repo.page(statuses, candidate_id, sequence_id, after_id, limit)
        next_cursor = encode_cursor({"id": rows[limit - 1].id}) if len(rows) > limit else None
        return Page(items=rows[:limit], next_cursor=next_cursor)

    def get(self, message_id: int) -> Message:
        return self.repo.get(message_id)

    def update(self, message_id: int, data: schemas.MessageUpdate) -> Message:
        message = self.repo.get(message_id)
        if message.status not in (MessageStatus.SCHEDULED, MessageStatus.DRAFTING):
            raise Conflict(
                f"This message is {message.status.value}; only a message that has not gone yet "
                "can be edited."
            )
        if data.subject is not None:
            message.subject = " ".join(data.subject.split())
        if data.body is not None:
            message.body = data.body.strip()
        message.edited = True
        self.session.flush()
        return message

    def mark_unknown_as_sent(self, message_id: int, now: datetime | None = None) -> Message:
        """A person found it in the Sent folder: record it as sent and go on with the sequence."""
        from openpin.sequence.sending import record_sent

        message = self._unknown(message_id)
        record_sent(
            self.session, message, message.sending_started_at or now or utcnow(), self.actor_user_id
        )
        return message

    def resend_unknown(self, message_id: int, now: datetime | None = None) -> Message:
        """A person checked and it did not go: schedule it again (same Message-ID)."""
        message = self._unknown(message_id)
        message.status = MessageStatus.SCHEDULED
        message.scheduled_at = now or utcnow()
        message.error = ""
        self.session.flush()
        return message

    def _unknown(self, message_id: int) -> Message:
        message = self.repo.get(message_id)
        if message.status != MessageStatus.UNKNOWN:
            raise Conflict(f"This message is {message.status.value}, not waiting for a check.")
        return message

    def thread(self, candidate_id: int) -> builtins.list[Message]:
        return self.repo.thread(candidate_id)


def next_message(
    session: Session,
    enrollment: Enrollment,
    after: Message,
    sent_at: datetime,
    scheduled_at: datetime,
) -> Message | None:
    """Render the step after `after` for the enrolment, or None when the sequence is done."""
    repo = SequenceRepository(session, enrollment.workspace_id)
    steps = repo.steps(enrollment.sequence_id)
    following = [s for s in steps if s.position > after.step_position]
    if not following:
        return None
    step = following[0]
    candidate = repo.candidates([enrollment.candidate_id])[enrollment.candidate_id]
    job = repo.job(enrollment.job_id)
    mailbox = session.get(Mailbox, enrollment.mailbox_id)
    assert job is not None and mailbox is not None
    sent = MessageRepository(session, enrollment.workspace_id).sent_in_enrollment(enrollment.id)
    first_subject = sent[0].subject if sent else after.subject
    thread = Thread(first_subject, [m.message_id_header for m in sent])
    variant = choose_variant(step, repo.variants([step.id])[step.id], enrollment.id)
    audience = Audience(candidate, job, mailbox, repo.workspace_name())
    return build_message(enrollment, step, variant, audience, thread, scheduled_at)


def candidate_exists(session: Session, workspace_id: int, candidate_id: int) -> bool:
    query = select(Candidate.id).where(
        Candidate.id == candidate_id, Candidate.workspace_id == workspace_id
    )
    return session.scalar(query) is not None
