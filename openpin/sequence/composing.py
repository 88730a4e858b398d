"""From a step and a candidate to a `Message` row, and from a row to the email that goes out."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr

from openpin.models import Candidate, Job
from openpin.models.sequence import (
    Enrollment,
    Mailbox,
    Message,
    MessageStatus,
    SequenceStep,
    StepVariant,
)
from openpin.sequence.personalise import candidate_location, matched_skills, profile_facts
from openpin.sequence.rendering import RenderContext, join_words, render

UNSUBSCRIBE_FOOTER = '\n\n--\nNot interested? Reply "unsubscribe" or use this link: {url}\n'


@dataclass(frozen=True)
class Audience:
    """What every message of one enrolment is rendered from (candidate needs experiences loaded)."""

    candidate: Candidate
    job: Job
    mailbox: Mailbox
    hiring_company: str


def render_context(audience: Audience, personal_line: str) -> RenderContext:
    candidate = audience.candidate
    facts = profile_facts(candidate, audience.job, audience.hiring_company)
    current = facts.current
    return RenderContext(
        first_name=facts.first_name,
        last_name=candidate.last_name,
        full_name=candidate.full_name,
        title=current.title if current else "",
        company=current.company if current else "",
        location=candidate_location(candidate),
        job_title=audience.job.title,
        job_location=", ".join(audience.job.locations),
        hiring_company=audience.hiring_company,
        matched_skills=join_words(matched_skills(candidate, audience.job)[:4]),
        recruiter_name=audience.mailbox.from_name,
        personal_line=personal_line,
    )


def choose_variant(
    step: SequenceStep, variants: list[StepVariant], enrollment_id: int
) -> StepVariant | None:
    """A/B split by enrolment id: deterministic, so a re-render picks the same variant."""
    if not variants:
        return None
    index = enrollment_id % (len(variants) + 1)
    return None if index == 0 else variants[index - 1]


def new_message_id(mailbox: Mailbox) -> str:
    domain = mailbox.from_address.rpartition("@")[2] or "openpin.local"
    return f"<{uuid.uuid4().hex}@{domain}>"


def reply_subject(subject: str) -> str:
    return subject if subject.lower().startswith("re:") else f"Re: {subject}"


@dataclass(frozen=True)
class Thread:
    """The sent messages a threaded follow-up replies to (oldest first)."""

    first_subject: str
    message_ids: list[str]


def render_step(
    step: SequenceStep,
    variant: StepVariant | None,
    context: RenderContext,
    thread: Thread | None,
) -> tuple[str, str]:
    subject_source = variant.subject_template if variant else step.subject_template
    body_source = variant.body_template if variant else step.body_template
    label = f"step {step.position}"
    body = render(body_source, context, f"{label} body").strip()
    if thread is not None and step.reply_in_thread and not subject_source.strip():
        return reply_subject(thread.first_subject), body
    subject = " ".join(render(subject_source, context, f"{label} subject").split())
    return subject, body


def build_message(
    enrollment: Enrollment,
    step: SequenceStep,
    variant: StepVariant | None,
    audience: Audience,
    thread: Thread | None,
    scheduled_at: datetime,
    status: MessageStatus = MessageStatus.SCHEDULED,
) -> Message:
    context = render_context(audience, enrollment.personal_line)
    subject, body = render_step(step, variant, context, thread)
    threaded = thread is not None and step.reply_in_thread and bool(thread.message_ids)
    return Message(
        workspace_id=enrollment.workspace_id,
        enrollment_id=enrollment.id,
        step_id=step.id,
        step_position=step.position,
        variant_id=variant.id if variant else None,
        variant_label=variant.label if variant else "A",
        candidate_id=enrollment.candidate_id,
        mailbox_id=enrollment.mailbox_id,
        to_address=enrollment.to_address,
        subject=subject,
        body=body,
        status=status,
        scheduled_at=scheduled_at,
        message_id_header=new_message_id(audience.mailbox),
        in_reply_to=thread.message_ids[-1] if threaded and thread else "",
        references_header=" ".join(thread.message_ids) if threaded and thread else "",
    )


def to_email(
    message: Message, mailbox: Mailbox, unsubscribe_url: str, sent_at: datetime
) -> EmailMessage:
    """The RFC 5322 message: stable Message-ID, thread headers, RFC 8058 one-click unsubscribe."""
    email = EmailMessage()
    email["From"] = formataddr((mailbox.from_name, mailbox.from_address))
    email["To"] = message.to_address
    email["Subject"] = message.subject
    email["Date"] = format_datetime(sent_at)
    email["Message-ID"] = message.message_id_header
    if message.in_reply_to:
        email["In-Reply-To"] = message.in_reply_to
        email["References"] = message.references_header or message.in_reply_to
    mailto = f"mailto:{mailbox.from_address}?subject=unsubscribe"
    email["List-Unsubscribe"] = f"<{unsubscribe_url}>, <{mailto}>"
    email["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    text = message.body.rstrip()
    if mailbox.signature.strip():
        text += "\n\n" + mailbox.signature.strip()
    text += UNSUBSCRIBE_FOOTER.format(url=unsubscribe_url)
    email.set_content(text)
    return email
