"""All reply SQL. Every query is scoped to the repository's workspace."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, func, or_, select

from openpin.kit.repository import WorkspaceRepository
from openpin.models import Candidate
from openpin.models.inbox import ImapCheckpoint, Reply, ReplyKind, ReplyLabel, ReplyLabelChange
from openpin.models.sequence import Mailbox, Message, MessageStatus


@dataclass
class ReplyFilters:
    label: ReplyLabel | None = None
    kind: ReplyKind | None = None
    candidate_id: int | None = None
    unread: bool | None = None


@dataclass(frozen=True)
class ListPosition:
    """Where a page ends in the inbox order: unread first, then newest first."""

    is_read: int
    received_at: datetime
    reply_id: int


def read_flag() -> Any:
    """0 for unread, 1 for read: the first key of the inbox order."""
    return case((Reply.read_at.is_(None), 0), else_=1)


class ReplyRepository(WorkspaceRepository[Reply]):
    model = Reply
    noun = "reply"

    def by_rfc_message_id(self, rfc_message_id: str) -> Reply | None:
        query = self.base_query().where(Reply.rfc_message_id == rfc_message_id)
        return self.session.scalars(query).one_or_none()

    def filtered(self, filters: ReplyFilters) -> Any:
        query = self.base_query()
        if filters.label is not None:
            query = query.where(Reply.label == filters.label)
        if filters.kind is not None:
            query = query.where(Reply.kind == filters.kind)
        if filters.candidate_id is not None:
            query = query.where(Reply.candidate_id == filters.candidate_id)
        if filters.unread is not None:
            query = query.where(
                Reply.read_at.is_(None) if filters.unread else Reply.read_at.is_not(None)
            )
        return query

    def page(self, filters: ReplyFilters, after: ListPosition | None, limit: int) -> list[Reply]:
        query = self.filtered(filters)
        if after is not None:
            query = query.where(_after(after))
        query = query.order_by(read_flag(), Reply.received_at.desc(), Reply.id.desc())
        return list(self.session.scalars(query.limit(limit + 1)))

    def count(self, filters: ReplyFilters) -> int:
        subquery = self.filtered(filters).with_only_columns(Reply.id).subquery()
        return self.session.scalar(select(func.count()).select_from(subquery)) or 0

    def label_counts(self) -> dict[str, int]:
        query = (
            select(Reply.label, func.count())
            .where(Reply.workspace_id == self.workspace_id, Reply.label.is_not(None))
            .group_by(Reply.label)
        )
        return {str(label): count for label, count in self.session.execute(query)}

    def unread_count(self) -> int:
        query = select(func.count()).where(
            Reply.workspace_id == self.workspace_id, Reply.read_at.is_(None)
        )
        return self.session.scalar(query) or 0

    def label_history(self, reply_id: int) -> list[ReplyLabelChange]:
        query = (
            select(ReplyLabelChange)
            .where(
                ReplyLabelChange.workspace_id == self.workspace_id,
                ReplyLabelChange.reply_id == reply_id,
            )
            .order_by(ReplyLabelChange.id)
        )
        return list(self.session.scalars(query))

    def sent_messages(self, enrollment_id: int) -> list[Message]:
        query = (
            select(Message)
            .where(
                Message.workspace_id == self.workspace_id,
                Message.enrollment_id == enrollment_id,
                Message.status == MessageStatus.SENT,
            )
            .order_by(Message.sent_at, Message.id)
        )
        return list(self.session.scalars(query))

    def candidate_replies(self, candidate_id: int) -> list[Reply]:
        query = (
            self.base_query()
            .where(Reply.candidate_id == candidate_id)
            .order_by(Reply.received_at, Reply.id)
        )
        return list(self.session.scalars(query))

    def candidate_names(self, candidate_ids: set[int]) -> dict[int, str]:
        if not candidate_ids:
            return {}
        query = select(Candidate.id, Candidate.full_name).where(
            Candidate.workspace_id == self.workspace_id, Candidate.id.in_(candidate_ids)
        )
        return {candidate_id: name for candidate_id, name in self.session.execute(query)}

    def mailbox_for_address(self, address: str) -> int | None:
        query = select(Mailbox.id).where(
            Mailbox.workspace_id == self.workspace_id, func.lower(Mailbox.from_address) == address
        )
        return self.session.scalars(query).first()

    def mailbox_in_workspace(self, mailbox_id: int) -> bool:
        query = select(Mailbox.id).where(
            Mailbox.workspace_id == self.workspace_id, Mailbox.id == mailbox_id
        )
        return self.session.scalar(query) is not None

    def checkpoints(self) -> list[tuple[ImapCheckpoint, str]]:
        """Each polled mailbox's checkpoint with the mailbox's address, for the inbox status."""
        query = (
            select(ImapCheckpoint, Mailbox.from_address)
            .join(Mailbox, Mailbox.id == ImapCheckpoint.mailbox_id)
            .where(ImapCheckpoint.workspace_id == self.workspace_id)
            .order_by(Mailbox.from_address)
        )
        return [(checkpoint, address) for checkpoint, address in self.session.execute(query)]


def _after(position: ListPosition) -> Any:
    later_in_same_group = or_(
        Reply.received_at < position.received_at,
        and_(Reply.received_at == position.received_at, Reply.id < position.reply_id),
    )
    return or_(
        read_flag() > position.is_read,
        and_(read_flag() == position.is_read, later_in_same_group),
    )
