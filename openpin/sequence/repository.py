"""All outreach SQL, scoped to one workspace."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from openpin.errors import NotFound
from openpin.kit.repository import WorkspaceRepository
from openpin.models import Candidate, Job, Workspace
from openpin.models.sequence import (
    Enrollment,
    EnrollmentStatus,
    Message,
    MessageStatus,
    Sequence,
    SequenceStatus,
    SequenceStep,
    StepVariant,
    Suppression,
)


class SequenceRepository(WorkspaceRepository[Sequence]):
    model = Sequence
    noun = "sequence"

    def for_job(self, job_id: int | None) -> list[Sequence]:
        query = self.base_query()
        if job_id is not None:
            query = query.where(Sequence.job_id == job_id)
        return list(self.session.scalars(query.order_by(Sequence.id.desc())))

    def steps(self, sequence_id: int) -> list[SequenceStep]:
        query = (
            select(SequenceStep)
            .where(SequenceStep.sequence_id == sequence_id)
            .order_by(SequenceStep.position)
        )
        return list(self.session.scalars(query))

    def variants(self, step_ids: Iterable[int]) -> dict[int, list[StepVariant]]:
        ids = list(step_ids)
        grouped: dict[int, list[StepVariant]] = {step_id: [] for step_id in ids}
        if not ids:
            return grouped
        query = select(StepVariant).where(StepVariant.step_id.in_(ids)).order_by(StepVariant.id)
        for variant in self.session.scalars(query):
            grouped[variant.step_id].append(variant)
        return grouped

    def job(self, job_id: int) -> Job | None:
        query = select(Job).where(Job.id == job_id, Job.workspace_id == self.workspace_id)
        return self.session.scalars(query).one_or_none()

    def workspace_name(self) -> str:
        return (
            self.session.scalar(select(Workspace.name).where(Workspace.id == self.workspace_id))
            or ""
        )

    def candidates(self, candidate_ids: Iterable[int]) -> dict[int, Candidate]:
        query = (
            select(Candidate)
            .where(
                Candidate.workspace_id == self.workspace_id, Candidate.id.in_(list(candidate_ids))
            )
            .options(selectinload(Candidate.emails), selectinload(Candidate.experiences))
        )
        return {candidate.id: candidate for candidate in self.session.scalars(query)}

    def suppressed(self, emails: Iterable[str]) -> dict[str, Suppression]:
        query = select(Suppression).where(
            Suppression.workspace_id == self.workspace_id, Suppression.email.in_(list(emails))
        )
        return {row.email: row for row in self.session.scalars(query)}

    def active_enrollments_for_job(
        self, job_id: int, candidate_ids: Iterable[int]
    ) -> dict[int, tuple[int, str]]:
        """candidate id -> (sequence id, sequence name) of their active enrolment for the job."""
        query = (
            select(Enrollment.candidate_id, Sequence.id, Sequence.name)
            .join(Sequence, Sequence.id == Enrollment.sequence_id)
            .where(
                Enrollment.workspace_id == self.workspace_id,
                Enrollment.job_id == job_id,
                Enrollment.status == EnrollmentStatus.ACTIVE,
                Enrollment.candidate_id.in_(list(candidate_ids)),
            )
        )
        return {row[0]: (row[1], row[2]) for row in self.session.execute(query)}

    def enrollment(self, enrollment_id: int) -> Enrollment | None:
        query = select(Enrollment).where(
            Enrollment.id == enrollment_id, Enrollment.workspace_id == self.workspace_id
        )
        return self.session.scalars(query).one_or_none()

    def enrollment_or_404(self, enrollment_id: int) -> Enrollment:
        enrollment = self.enrollment(enrollment_id)
        if enrollment is None:
            raise NotFound(f"No enrolment with id {enrollment_id} in this workspace.")
        return enrollment

    def enrollments_for_sequence(self, sequence_id: int, limit: int = 1000) -> list[Enrollment]:
        query = (
            select(Enrollment)
            .where(
                Enrollment.workspace_id == self.workspace_id, Enrollment.sequence_id == sequence_id
            )
            .order_by(Enrollment.id.desc())
            .limit(limit)
        )
        return list(self.session.scalars(query))

    def enrollments_for_candidate(self, candidate_id: int) -> list[Enrollment]:
        query = (
            select(Enrollment)
            .where(
                Enrollment.workspace_id == self.workspace_id,
                Enrollment.candidate_id == candidate_id,
            )
            .order_by(Enrollment.id.desc())
        )
        return list(self.session.scalars(query))

    def enrollment_counts(self, sequence_ids: Iterable[int]) -> dict[int, dict[str, int]]:
        ids = list(sequence_ids)
        counts: dict[int, dict[str, int]] = {sid: {} for sid in ids}
        if not ids:
            return counts
        query = (
            select(Enrollment.sequence_id, Enrollment.status, func.count())
            .where(Enrollment.workspace_id == self.workspace_id, Enrollment.sequence_id.in_(ids))
            .group_by(Enrollment.sequence_id, Enrollment.status)
        )
        for sequence_id, status, count in self.session.execute(query):
            counts[sequence_id][str(status)] = count
        return counts


class MessageRepository(WorkspaceRepository[Message]):
    model = Message
    noun = "message"

    def page(
        self,
        statuses: list[MessageStatus] | None,
        candidate_id: int | None,
        sequence_id: int | None,
        after_id: int | None,
        limit: int,
    ) -> list[Message]:
        query: Select[Message] = self.base_query()
        if statuses:
            query = query.where(Message.status.in_(statuses))
        if candidate_id is not None:
            query = query.where(Message.candidate_id == candidate_id)
        if sequence_id is not None:
            query = query.join(Enrollment, Enrollment.id == Message.enrollment_id).where(
                Enrollment.sequence_id == sequence_id
            )
        if after_id is not None:
            query = query.where(Message.id < after_id)
        return list(self.session.scalars(query.order_by(Message.id.desc()).limit(limit + 1)))

    def thread(self, candidate_id: int) -> list[Message]:
        query = (
            self.base_query()
            .where(Message.candidate_id == candidate_id)
            .order_by(Message.scheduled_at, Message.id)
        )
        return list(self.session.scalars(query))

    def status_counts(self) -> dict[str, int]:
        query = (
            select(Message.status, func.count())
            .where(Message.workspace_id == self.workspace_id)
            .group_by(Message.status)
        )
        return {str(status): count for status, count in self.session.execute(query)}

    def sent_in_enrollment(self, enrollment_id: int) -> list[Message]:
        query = (
            select(Message)
            .where(Message.enrollment_id == enrollment_id, Message.status == MessageStatus.SENT)
            .order_by(Message.step_position)
        )
        return list(self.session.scalars(query))


def due_message_for_mailbox(mailbox_id: int, now: datetime) -> Select[Any]:
    """The oldest scheduled message of a mailbox that is due, from an active sequence."""
    return (
        select(Message.id)
        .join(Enrollment, Enrollment.id == Message.enrollment_id)
        .join(Sequence, Sequence.id == Enrollment.sequence_id)
        .where(
            Message.mailbox_id == mailbox_id,
            Message.status == MessageStatus.SCHEDULED,
            Message.scheduled_at <= now,
            Sequence.status == SequenceStatus.ACTIVE,
        )
        .order_by(Message.scheduled_at, Message.id)
        .limit(1)
    )
