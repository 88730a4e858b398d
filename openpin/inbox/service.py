"""Inbox rules: listing replies, a reply with its thread, corrections, webhook ingestion.

Never commits: the request or the task runner does.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from openpin.errors import ValidationFailed
from openpin.inbox.effects import count_as_reply, set_label
from openpin.inbox.ingest import IngestOutcome, ingest_raw_email
from openpin.inbox.llm import LABEL_GUIDE
from openpin.inbox.repository import ListPosition, ReplyFilters, ReplyRepository
from openpin.kit.pagination import Page, clamp_limit, decode_cursor, encode_cursor
from openpin.models.base import utcnow
from openpin.models.inbox import (
    LabelSource,
    Reply,
    ReplyKind,
    ReplyLabel,
    ReplyLabelChange,
    ReplySource,
)

LABEL_TITLES = {
    ReplyLabel.INTERESTED: "Interested",
    ReplyLabel.NOT_INTERESTED: "Not interested",
    ReplyLabel.NOT_NOW: "Not now",
    ReplyLabel.OUT_OF_OFFICE: "Out of office",
    ReplyLabel.REFERRAL: "Referral",
    ReplyLabel.QUESTION: "Question",
    ReplyLabel.UNSUBSCRIBE: "Unsubscribe",
}


@dataclass(frozen=True)
class ThreadEntry:
    """One email of a conversation: ours (sent) or theirs (a reply), in time order."""

    direction: str  # "sent" or "received"
    at: datetime
    subject: str
    text: str
    reply: Reply | None = None
    step_position: int | None = None


class InboxService:
    def __init__(
        self, session: Session, workspace_id: int, actor_user_id: int | None = None
    ) -> None:
        self.session = session
        self.workspace_id = workspace_id
        self.actor_user_id = actor_user_id
        self.repo = ReplyRepository(session, workspace_id)

    # -- reading ---------------------------------------------------------------------------

    def list(self, filters: ReplyFilters, cursor: str | None, limit: int) -> Page[Reply]:
        limit = clamp_limit(limit)
        after = _position_from(cursor) if cursor else None
        rows = self.repo.page(filters, after, limit)
        next_cursor = None
        if len(rows) > limit:
            rows = rows[:limit]
            next_cursor = _cursor_for(rows[-1])
        return Page(rows, next_cursor, self.repo.count(filters))

    def get(self, reply_id: int) -> Reply:
        return self.repo.get(reply_id)

    def label_history(self, reply_id: int) -> builtins.list[ReplyLabelChange]:
        return self.repo.label_history(self.get(reply_id).id)

    def label_counts(self) -> dict[str, int]:
        return self.repo.label_counts()

    def unread_count(self) -> int:
        return self.repo.unread_count()

    def total_count(self) -> int:
        return self.repo.count(ReplyFilters())

    def candidate_names(self, replies: builtins.list[Reply]) -> dict[int, str]:
        return self.repo.candidate_names({r.candidate_id for r in replies if r.candidate_id})

    def thread(self, reply: Reply) -> builtins.list[ThreadEntry]:
        """Our sent emails of the enrolment and every reply of the candidate, oldest first."""
        entries: builtins.list[ThreadEntry] = []
        if reply.enrollment_id is not None:
            for message in self.repo.sent_messages(reply.enrollment_id):
                when = message.sent_at or message.scheduled_at
                entries.append(
                    ThreadEntry(
                        "sent", when, message.subject, message.body, None, message.step_position
                    )
                )
        others = self.repo.candidate_replies(reply.candidate_id) if reply.candidate_id else [reply]
        for other in others:
            entries.append(
                ThreadEntry("received", other.received_at, other.subject, other.text, other)
            )
        return sorted(entries, key=lambda entry: entry.at)

    def candidate_replies(self, candidate_id: int) -> builtins.list[Reply]:
        return self.repo.candidate_replies(candidate_id)

    # -- writing ---------------------------------------------------------------------------

    def update(self, reply_id: int, label: ReplyLabel | None, read: bool | None) -> Reply:
        reply = self.get(reply_id)
        if label is not None:
            self._relabel(reply, label)
        if read is not None:
            reply.read_at = (reply.read_at or utcnow()) if read else None
        self.session.flush()
        return reply

    def relabel(self, reply_id: int, label: ReplyLabel) -> Reply:
        return self.update(reply_id, label, read=True)

    def mark_read(self, reply_id: int) -> Reply:
        reply = self.get(reply_id)
        if reply.read_at is None:
            reply.read_at = utcnow()
        return reply

    def _relabel(self, reply: Reply, label: ReplyLabel) -> None:
        if reply.kind == ReplyKind.BOUNCE:
            raise ValidationFailed(
                "A bounce is a delivery failure report, not an answer, so it has no label.",
                "Nothing to correct: the address was marked as bad and its sequence stopped.",
                field="label",
            )
        if reply.kind == ReplyKind.AUTO_REPLY and label != ReplyLabel.OUT_OF_OFFICE:
            # The recruiter says a person wrote this: it now counts as the candidate replying.
            reply.kind = ReplyKind.REPLY
            count_as_reply(self.session, reply, self.actor_user_id)
        set_label(
            self.session,
            reply,
            label,
            LabelSource.PERSON,
            actor_user_id=self.actor_user_id,
        )

    def ingest(self, raw: bytes, mailbox_id: int | None = None) -> IngestOutcome:
        """The inbound webhook: every message is kept, matched to a candidate or not."""
        if mailbox_id is not None and not self.repo.mailbox_in_workspace(mailbox_id):
            raise ValidationFailed(
                f"No mailbox with id {mailbox_id} in this workspace.",
                "Leave mailbox_id out to match the mailbox by the To address, or list mailboxes.",
                field="mailbox_id",
            )
        outcome = ingest_raw_email(
            self.session, self.workspace_id, raw, source=ReplySource.WEBHOOK, mailbox_id=mailbox_id
        )
        reply = outcome.reply
        if outcome.created and reply is not None and reply.mailbox_id is None and reply.to_address:
            reply.mailbox_id = self.repo.mailbox_for_address(reply.to_address)
        return outcome


def label_guide() -> builtins.list[tuple[ReplyLabel, str, str]]:
    return [(label, LABEL_TITLES[label], LABEL_GUIDE[label]) for label in ReplyLabel]


def _cursor_for(reply: Reply) -> str:
    return encode_cursor(
        {
            "r": 0 if reply.read_at is None else 1,
            "t": reply.received_at.isoformat(),
            "i": reply.id,
        }
    )


def _position_from(cursor: str) -> ListPosition:
    values = decode_cursor(cursor)
    try:
        return ListPosition(int(values["r"]), datetime.fromisoformat(values["t"]), int(values["i"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise ValidationFailed(
            "The cursor is not valid.",
            "Use the next_cursor value from the previous page exactly as it was returned.",
            field="cursor",
        ) from exc
