"""The sending pass: pick due messages within each mailbox's limits and send them over SMTP.

Never twice. Each send is three steps:
1. claim, in its own committed transaction: the message goes `scheduled -> sending` (a
   compare-and-set on its status) and the mailbox's pacing counters move on;
2. the SMTP conversation, outside any transaction;
3. the outcome, in a second transaction: `sent` (+ `message.sent`, + the next step scheduled),
   back to `scheduled` later for a temporary failure, or `failed` with the server's words. A
   refusal of the recipient's address itself ("550 5.1.1 user unknown") is also a hard bounce:
   the address is suppressed exactly as a bounce report in the inbox would do.
A worker that dies between 1 and 3 leaves the message in `sending`. The next pass that finds it
there longer than `stuck_after` does not send it again: with IMAP configured it looks for the
Message-ID in the mailbox's Sent folder and records it as sent if found; otherwise (or if not
found, since many servers never file sent mail) it becomes `unknown`, shown in the outbox for a
person to check and then "Mark as sent" or "Resend". A lost reply to the final DATA (the
connection broke after the message was handed over) is treated the same way.

Pace. A mailbox sends only inside its window (its time zone, send days, less public holidays
and pause dates), at most `daily_cap` a local day, and no sooner after its previous send than
max(min_gap, time left in today's window / sends left today): the cap is spread over the window
instead of going out in one burst. One message per mailbox per pass; passes run every few
seconds, so a mailbox's next send waits for the gap anyway.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from openpin.activity.service import record_event
from openpin.db import transaction
from openpin.integrations.errors import AuthError, IntegrationError, RejectedError
from openpin.integrations.smtp.client import SmtpOutcomeUnknown, SmtpRecipientRejected
from openpin.kit.crypto import SecretBox
from openpin.logging import get_logger
from openpin.models.base import utcnow
from openpin.models.sequence import (
    Enrollment,
    EnrollmentStatus,
    Mailbox,
    Message,
    MessageStatus,
    StopReason,
)
from openpin.sequence.calendar import SendCalendar
from openpin.sequence.composing import to_email
from openpin.sequence.lifecycle import record_hard_bounce, stop_enrollment
from openpin.sequence.mailboxes import smtp_client_for
from openpin.sequence.repository import due_message_for_mailbox
from openpin.sequence.tracking import add_tracking
from openpin.sequence.unsubscribe import unsubscribe_url

log = get_logger("openpin.sequence")

MAX_SEND_ATTEMPTS = 6
RETRY_BASE_SECONDS = 300.0  # 5 min, 10, 20, 40, 80
AUTH_RETRY_SECONDS = 1800.0
STUCK_AFTER = timedelta(minutes=15)

# Looks for a Message-ID in a mailbox's Sent folder: True found, False not found.
SentFolderCheck = Callable[[Mailbox, str], bool]


@dataclass
class PassReport:
    planned: int = 0
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    unknown: int = 0
    recovered: int = 0
    errors: list[str] = field(default_factory=list)


# --- pacing -----------------------------------------------------------------------------------


def sends_today(mailbox: Mailbox, calendar: SendCalendar, now: datetime) -> int:
    return mailbox.sent_day_count if mailbox.sent_day == calendar.local_date(now).isoformat() else 0


def required_gap(mailbox: Mailbox, calendar: SendCalendar, now: datetime) -> float:
    left = max(mailbox.daily_cap - sends_today(mailbox, calendar, now), 1)
    window_left = (calendar.window_end(now) - now).total_seconds()
    return max(float(mailbox.min_gap_seconds), window_left / left)


def may_send_now(mailbox: Mailbox, now: datetime) -> bool:
    """Inside the window, under the cap, and far enough from the previous send."""
    if not mailbox.is_active:
        return False
    calendar = SendCalendar(mailbox)
    if not calendar.is_open(now):
        return False
    if sends_today(mailbox, calendar, now) >= mailbox.daily_cap:
        return False
    if mailbox.last_send_at is None:
        return True
    elapsed = (now - mailbox.last_send_at).total_seconds()
    return elapsed >= required_gap(mailbox, calendar, now)


def plan_sends(session: Session, now: datetime) -> list[int]:
    """The scheduling pass: per mailbox allowed to send now, its oldest due message."""
    mailboxes = session.scalars(select(Mailbox).where(Mailbox.is_active.is_(True)))
    planned = []
    for mailbox in mailboxes:
        if not may_send_now(mailbox, now):
            continue
        message_id = session.scalar(due_message_for_mailbox(mailbox.id, now))
        if message_id is not None:
            planned.append(message_id)
    return planned


# --- outcome recording (shared with the outbox's "Mark as sent") ------------------------------


def record_sent(
    session: Session, message: Message, sent_at: datetime, actor_user_id: int | None = None
) -> None:
    """Mark sent, write `message.sent` once, and schedule the enrolment's next step."""

    claimed = session.execute(
        update(Message)
        .where(Message.id == message.id, Message.status != MessageStatus.SENT)
        .values(status=MessageStatus.SENT, sent_at=sent_at, error="")
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        return  # already recorded: the event was written then
    session.refresh(message)
    enrollment = session.get(Enrollment, message.enrollment_id)
    assert enrollment is not None
    enrollment.current_step = max(enrollment.current_step, message.step_position)
    record_event(
        session,
        message.workspace_id,
        "message.sent",
        candidate_id=message.candidate_id,
        job_id=enrollment.job_id,
        actor_user_id=actor_user_id,
        data={
            "message_id": message.id,
            "enrollment_id": enrollment.id,
            "sequence_id": enrollment.sequence_id,
            "step": message.step_position,
            "variant": message.variant_label,
            "subject": message.subject,
        },
    )
    _schedule_next(session, enrollment, message, sent_at)


def _schedule_next(
    session: Session, enrollment: Enrollment, sent: Message, sent_at: datetime
) -> None:
    from openpin.sequence.service import next_message

    if enrollment.status != EnrollmentStatus.ACTIVE:
        return  # a reply or unsubscribe arrived while this one was going out
    mailbox = session.get(Mailbox, enrollment.mailbox_id)
    assert mailbox is not None
    following = next_message(session, enrollment, sent, sent_at, sent_at)
    if following is None:
        enrollment.status = EnrollmentStatus.COMPLETED
        enrollment.next_send_at = None
        return
    step_delay = _step_delay(session, following)
    following.scheduled_at = SendCalendar(mailbox).add_business_days(sent_at, step_delay)
    session.add(following)
    enrollment.next_send_at = following.scheduled_at
    session.flush()


def _step_delay(session: Session, message: Message) -> int:
    from openpin.models.sequence import SequenceStep

    step = session.get(SequenceStep, message.step_id) if message.step_id else None
    return step.delay_days if step else 0


# --- the sender -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Claimed:
    message_id: int
    email: EmailMessage
    mailbox: Mailbox


class OutboxSender:
    """Runs sending passes. `now` is passed in so tests control time exactly."""

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        secrets: SecretBox,
        base_url: str,
        *,
        sent_folder_check: SentFolderCheck | None = None,
        stuck_after: timedelta = STUCK_AFTER,
    ) -> None:
        self.factory = session_factory
        self.secrets = secrets
        self.base_url = base_url
        self.sent_folder_check = sent_folder_check
        self.stuck_after = stuck_after

    def run_pass(self, now: datetime | None = None) -> PassReport:
        now = now or utcnow()
        report = PassReport()
        report.recovered = self.recover_stuck(now, report)
        with transaction(self.factory) as session:
            planned = plan_sends(session, now)
        report.planned = len(planned)
        for message_id in planned:
            self.send_one(message_id, now, report)
        return report

    def send_one(self, message_id: int, now: datetime, report: PassReport) -> None:
        with transaction(self.factory) as session:
            claimed = self._claim(session, message_id, now)
        if claimed is None:
            return
        try:
            smtp_client_for(claimed.mailbox, self.secrets).send(claimed.email)
        except IntegrationError as exc:
            with transaction(self.factory) as session:
                self._record_failure(session, message_id, exc, now, report)
            return
        with transaction(self.factory) as session:
            message = session.get(Message, message_id)
            assert message is not None
            record_sent(session, message, now)
        report.sent += 1

    def _claim(self, session: Session, message_id: int, now: datetime) -> _Claimed | None:
        message = session.get(Message, message_id)
        if message is None or message.status != MessageStatus.SCHEDULED:
            return None
        mailbox = session.scalars(
            select(Mailbox).where(Mailbox.id == message.mailbox_id).with_for_update()
        ).one()
        if not may_send_now(mailbox, now):
            return None  # another pass used the slot since this one planned
        moved = session.execute(
            update(Message)
            .where(Message.id == message_id, Message.status == MessageStatus.SCHEDULED)
            .values(
                status=MessageStatus.SENDING, sending_started_at=now, attempts=Message.attempts + 1
            )
            .execution_options(synchronize_session=False)
        )
        if moved.rowcount != 1:  # type: ignore[attr-defined]
            return None
        _count_send(mailbox, now)
        url = unsubscribe_url(self.base_url, self.secrets, message.id)
        email = to_email(message, mailbox, url, now)
        add_tracking(email, message.id, mailbox, self.secrets, self.base_url, url)
        return _Claimed(message.id, email, mailbox)

    def _record_failure(
        self,
        session: Session,
        message_id: int,
        exc: IntegrationError,
        now: datetime,
        report: PassReport,
    ) -> None:
        message = session.get(Message, message_id)
        mailbox = session.get(Mailbox, message.mailbox_id) if message else None
        assert message is not None and mailbox is not None
        report.errors.append(exc.message)
        if isinstance(exc, SmtpOutcomeUnknown):
            message.status = MessageStatus.UNKNOWN
            message.error = exc.message + " Check the Sent folder, then mark it sent or resend it."
            report.unknown += 1
            return
        _refund_send(mailbox, now)  # refused or never handed over: it does not count
        if isinstance(exc, SmtpRecipientRejected):
            self._bounce(session, message, exc)
            report.failed += 1
        elif isinstance(exc, RejectedError):
            self._fail(session, message, exc.message)
            report.failed += 1
        elif message.attempts >= MAX_SEND_ATTEMPTS:
            self._fail(
                session, message, f"Gave up after {message.attempts} attempts. {exc.message}"
            )
            report.failed += 1
        else:
            delay = AUTH_RETRY_SECONDS if isinstance(exc, AuthError) else _backoff(message.attempts)
            message.status = MessageStatus.SCHEDULED
            message.scheduled_at = now + timedelta(seconds=delay)
            message.error = f"{exc.message} Retrying at {message.scheduled_at:%Y-%m-%d %H:%M} UTC."
            report.retrying += 1
        log.warning("sequence.send_failed", message_id=message.id, error=exc.message)

    def _fail(self, session: Session, message: Message, reason: str) -> None:
        message.status = MessageStatus.FAILED
        message.error = reason
        session.flush()
        stop_enrollment(session, message.enrollment_id, StopReason.SEND_FAILED)

    def _bounce(self, session: Session, message: Message, exc: SmtpRecipientRejected) -> None:
        """The server said the address does not exist: the same outcome as a hard-bounce report."""
        message.status = MessageStatus.FAILED
        message.error = (
            f"{exc.message.rstrip('.')}. The address is marked as bounced and will not be "
            "emailed again."
        )
        session.flush()
        enrollment = session.get(Enrollment, message.enrollment_id)
        assert enrollment is not None
        record_hard_bounce(
            session,
            message.workspace_id,
            [exc.recipient],
            exc.reply,
            enrollment_id=enrollment.id,
            candidate_id=message.candidate_id,
            job_id=enrollment.job_id,
            data={
                "message_id": message.id,
                "enrollment_id": enrollment.id,
                "address": exc.recipient,
                "smtp_reply": exc.reply,
            },
        )

    # -- crash recovery --------------------------------------------------------------------

    def recover_stuck(self, now: datetime, report: PassReport) -> int:
        """Settle messages left in `sending` by a worker that died; never resend them blindly."""
        cutoff = now - self.stuck_after
        with transaction(self.factory) as session:
            stuck = list(
                session.scalars(
                    select(Message).where(
                        Message.status == MessageStatus.SENDING, Message.sending_started_at < cutoff
                    )
                )
            )
            mailboxes = {m.mailbox_id: session.get(Mailbox, m.mailbox_id) for m in stuck}
        for message in stuck:
            found = self._found_in_sent_folder(mailboxes[message.mailbox_id], message)
            with transaction(self.factory) as session:
                current = session.get(Message, message.id)
                if current is None or current.status != MessageStatus.SENDING:
                    continue
                if found:
                    record_sent(session, current, current.sending_started_at or now)
                else:
                    current.status = MessageStatus.UNKNOWN
                    current.error = _unknown_reason(current, found)
                    report.unknown += 1
        return len(stuck)

    def _found_in_sent_folder(self, mailbox: Mailbox | None, message: Message) -> bool | None:
        if mailbox is None or not mailbox.imap_configured or self.sent_folder_check is None:
            return None
        try:
            return self.sent_folder_check(mailbox, message.message_id_header)
        except Exception as exc:  # an IMAP failure must not stop the pass; the person checks
            log.warning("sequence.sent_folder_check_failed", message_id=message.id, error=repr(exc))
            return None


def _unknown_reason(message: Message, found: bool | None) -> str:
    started = (
        f"{message.sending_started_at:%Y-%m-%d %H:%M} UTC" if message.sending_started_at else "?"
    )
    checked = (
        "It is not in the mailbox's Sent folder, but not every server files sent mail there. "
        if found is False
        else ""
    )
    return (
        f"The worker stopped while sending this message (started {started}), so it may or may "
        f"not have been delivered. {checked}Check the Sent folder, then choose "
        '"Mark as sent" or "Resend".'
    )


def _backoff(attempts: int) -> float:
    return RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0)


def _count_send(mailbox: Mailbox, now: datetime) -> None:
    calendar = SendCalendar(mailbox)
    day = calendar.local_date(now).isoformat()
    mailbox.sent_day_count = (mailbox.sent_day_count if mailbox.sent_day == day else 0) + 1
    mailbox.sent_day = day
    mailbox.last_send_at = now


def _refund_send(mailbox: Mailbox, now: datetime) -> None:
    # The gap stays (last_send_at): a server that just refused is not hammered again at once.
    if mailbox.sent_day == SendCalendar(mailbox).local_date(now).isoformat():
        mailbox.sent_day_count = max(mailbox.sent_day_count - 1, 0)
