"""Outreach screens: sequences and their builder with live preview, enrolment, the outbox, and the
outreach section of a candidate's profile."""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Depends, Request
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from openpin.errors import NotFound, OpenPinError
from openpin.models import Candidate, CandidateEmail, Job
from openpin.models.sequence import (
    Enrollment,
    Message,
    MessageStatus,
    Sequence,
    SequenceStatus,
)
from openpin.sequence import schemas
from openpin.sequence.lifecycle import stop_enrollment
from openpin.sequence.mailboxes import all_mailboxes
from openpin.sequence.rendering import VARIABLES
from openpin.sequence.repository import SequenceRepository
from openpin.sequence.service import (
    MessageService,
    PreviewEmail,
    SequenceService,
    step_problems,
)
from openpin.web.forms import form_data, text
from openpin.web.session import Viewer, flash, login_required, signed_in
from openpin.web.templating import render

router = APIRouter(include_in_schema=False, dependencies=[Depends(login_required)])

ACTIVE = "/sequences"
MAX_STEPS = 10
# Buttons that change the form (not save it): the builder comes back with the change made.
_EDIT_BUTTONS = ("add_step", "remove_step", "add_variant", "remove_variant")
_STEP_FIELD = re.compile(r"^steps\[(\d+)\]\.(?:variants\[(\w+)\]\.)?(subject|body)")
OUTBOX_TABS = (
    ("scheduled", "Scheduled", [MessageStatus.SCHEDULED, MessageStatus.DRAFTING]),
    ("sent", "Sent", [MessageStatus.SENT]),
    ("failed", "Failed", [MessageStatus.FAILED]),
    ("unknown", "Needs a check", [MessageStatus.UNKNOWN, MessageStatus.SENDING]),
    ("cancelled", "Cancelled", [MessageStatus.CANCELLED]),
)


def _sequences(session: Session, viewer: Viewer) -> SequenceService:
    return SequenceService(session, viewer.workspace_id, viewer.user_id)


def _jobs(session: Session, workspace_id: int) -> list[Job]:
    query = select(Job).where(Job.workspace_id == workspace_id).order_by(Job.title)
    return list(session.scalars(query))


# --- list --------------------------------------------------------------------------------------


@router.get("/sequences")
def sequence_list(request: Request) -> Response:
    with signed_in(request) as (session, viewer):
        repo = SequenceRepository(session, viewer.workspace_id)
        sequences = repo.for_job(None)
        counts = repo.enrollment_counts(s.id for s in sequences)
        jobs = {job.id: job for job in _jobs(session, viewer.workspace_id)}
        has_mailbox = bool(all_mailboxes(session, viewer.workspace_id))
        outbox = MessageService(session, viewer.workspace_id).repo.status_counts()
    by_job: dict[int, list[Sequence]] = {}
    for sequence in sequences:
        by_job.setdefault(sequence.job_id, []).append(sequence)
    context = {
        "groups": [(jobs[job_id], items) for job_id, items in by_job.items() if job_id in jobs],
        "counts": counts,
        "jobs": list(jobs.values()),
        "has_mailbox": has_mailbox,
        "outbox": outbox,
        "active": ACTIVE,
    }
    return render(request, "sequences/list.html", context)


# --- the builder -------------------------------------------------------------------------------


def _blank_step(position: int) -> dict[str, Any]:
    return {
        "delay_days": 0 if position == 1 else 3,
        "subject": "",
        "body": "",
        "reply_in_thread": True,
        "variants": [],
    }


def _starter_values(job_id: int | None) -> dict[str, Any]:
    first = _blank_step(1) | {
        "subject": "{{ job_title }} at {{ hiring_company }}",
        "body": "Hi {{ first_name }},\n\n{{ personal_line }}\n\nWe are hiring a {{ job_title }} "
        "and I think you would be a great fit. Open to a short chat this week?\n\n"
        "{{ recruiter_name }}",
    }
    second = _blank_step(2) | {
        "body": "Hi {{ first_name }}, just bringing this back to the top of your inbox. "
        "Would a 15-minute call work?\n\n{{ recruiter_name }}"
    }
    return {
        "name": "",
        "job_id": job_id or "",
        "mailbox_id": "",
        "status": "active",
        "steps": [first, second],
    }


def _values_from_view(view: Any) -> dict[str, Any]:
    steps = []
    for step in view.steps:
        variants = [
            {"label": v.label, "subject": v.subject_template, "body": v.body_template}
            for v in view.variants.get(step.id, [])
        ]
        steps.append(
            {
                "delay_days": step.delay_days,
                "subject": step.subject_template,
                "body": step.body_template,
                "reply_in_thread": step.reply_in_thread,
                "variants": variants,
            }
        )
    seq = view.sequence
    return {
        "name": seq.name,
        "job_id": seq.job_id,
        "mailbox_id": seq.mailbox_id or "",
        "status": seq.status.value,
        "steps": steps,
    }


def _variants_from_form(form: FormData, prefix: str) -> list[dict[str, str]]:
    """A step's extra versions, posted as `step-N-variant-I-{label,subject,body}`, I = 1, 2, …"""
    variants = []
    for index in range(1, schemas.MAX_VARIANTS + 1):
        field = f"{prefix}variant-{index}-"
        label = text(form, field + "label").upper()
        if label:
            variants.append(
                {
                    "label": label,
                    "subject": text(form, field + "subject"),
                    "body": str(form.get(field + "body") or "").strip(),
                }
            )
    return variants


def _next_label(variants: list[dict[str, str]]) -> str:
    """The letter after the highest in use. Letters are never shifted down when one is removed:
    messages already sent as "C" keep meaning the text written as C."""
    used = {"A"} | {v["label"] for v in variants}
    highest = max(label for label in used if len(label) == 1 and label.isalpha())
    letters = [chr(c) for c in range(ord(highest) + 1, ord("Z") + 1)]
    letters += [chr(c) for c in range(ord("B"), ord("Z") + 1)]
    return next(letter for letter in letters if letter not in used)


def _edit_variants(form: FormData, steps: list[dict[str, Any]]) -> str:
    """Apply an "add variant" or "remove variant" button; returns the field to focus, if any."""
    added = text(form, "add_variant")
    if added.isdigit() and 1 <= int(added) <= len(steps):
        variants = steps[int(added) - 1]["variants"]
        if len(variants) < schemas.MAX_VARIANTS:
            variants.append({"label": _next_label(variants), "subject": "", "body": ""})
            return f"f-step-{added}-variant-{len(variants)}-subject"
    position, _, label = text(form, "remove_variant").partition("-")
    if position.isdigit() and 1 <= int(position) <= len(steps):
        step = steps[int(position) - 1]
        step["variants"] = [v for v in step["variants"] if v["label"] != label]
    return ""


def _values_from_form(form: FormData) -> dict[str, Any]:
    count = int(text(form, "step_count") or "1")
    steps = []
    for position in range(1, min(count, MAX_STEPS) + 1):
        prefix = f"step-{position}-"
        steps.append(
            {
                "delay_days": text(form, prefix + "delay") or "0",
                "subject": text(form, prefix + "subject"),
                "body": str(form.get(prefix + "body") or "").strip(),
                "reply_in_thread": bool(form.get(prefix + "thread")) or position == 1,
                "variants": _variants_from_form(form, prefix),
            }
        )
    focus = _edit_variants(form, steps)
    removed = text(form, "remove_step")
    if removed.isdigit() and len(steps) > 1:
        steps.pop(int(removed) - 1)
    if text(form, "add_step") and len(steps) < MAX_STEPS:
        steps.append(_blank_step(len(steps) + 1))
    return {
        "name": text(form, "name"),
        "job_id": text(form, "job_id"),
        "mailbox_id": text(form, "mailbox_id"),
        "status": text(form, "status") or "active",
        "steps": steps,
        "preview_candidate_id": text(form, "preview_candidate_id"),
        "focus": focus,
    }


def _steps_in(values: dict[str, Any]) -> list[schemas.StepIn]:
    """The API's shape of the builder's steps; a variant still without a body is left out."""
    steps = []
    for step in values["steps"]:
        variants = [
            schemas.VariantIn(label=v["label"], subject=v["subject"], body=v["body"])
            for v in step["variants"]
            if v["body"]
        ]
        delay = str(step["delay_days"]).strip()
        steps.append(
            schemas.StepIn(
                delay_days=int(delay) if delay.isdigit() else -1,
                subject=step["subject"],
                body=step["body"],
                reply_in_thread=step["reply_in_thread"],
                variants=variants,
            )
        )
    return steps


def _builder_problems(values: dict[str, Any], steps: list[schemas.StepIn]) -> dict[str, str]:
    """Everything to fix before saving, each keyed to its field, so all show at once."""
    errors: dict[str, str] = {}
    for position, step in enumerate(values["steps"], start=1):
        for variant in step["variants"]:
            if not variant["body"]:
                key = f"step-{position}-variant-{variant['label']}-body"
                errors[key] = (
                    f"Step {position}, variant {variant['label']}: write its body, "
                    "or remove the variant."
                )
    for problem in step_problems(steps):
        errors.update(_form_errors(problem))
    return errors


def _readable(message: str) -> str:
    """'steps[2].variants[B].body: …' as a recruiter reads it: 'Step 2, variant B, body: …'."""
    message = re.sub(r"steps\[(\d+)\]\.", r"Step \1, ", message)
    return re.sub(r"variants\[(\w+)\]\.", r"variant \1, ", message)


def _pydantic_errors(exc: ValidationError) -> dict[str, str]:
    """Pydantic's errors keyed like the form's fields, in words: 'Step 2, body: cannot be empty'."""
    errors: dict[str, str] = {}
    for error in exc.errors():
        loc = [str(part) for part in error["loc"]]
        words = str(error["msg"]).removeprefix("Value error, ")
        if error["type"] == "string_too_short":
            words = "cannot be empty."
        if loc[:1] == ["steps"] and len(loc) > 2:
            field = "delay" if loc[-1] == "delay_days" else loc[-1]
            key = f"step-{int(loc[1]) + 1}-{field}"
            words = f"Step {int(loc[1]) + 1}, {field}: {words}"
        else:
            key = loc[0] if loc else "_form"
            words = words[:1].upper() + words[1:]
        errors.setdefault(key, words)
    return errors


def _form_errors(exc: Exception) -> dict[str, str]:
    """Errors keyed like the form's fields (`step-2-body`, `step-1-variant-B-subject`, `name`)."""
    if isinstance(exc, ValidationError):
        return _pydantic_errors(exc)
    assert isinstance(exc, OpenPinError)
    message = _readable(f"{exc.message} {exc.hint}".strip())
    field = str(exc.details.get("field") or "")
    match = _STEP_FIELD.match(field)
    if match:
        variant = f"variant-{match[2]}-" if match[2] else ""
        return {f"step-{match[1]}-{variant}{match[3]}": message}
    return {field or "_form": message}


def _builder_context(session: Session, viewer: Viewer, values: dict[str, Any]) -> dict[str, Any]:
    recent = session.scalars(
        select(Candidate)
        .join(CandidateEmail, CandidateEmail.candidate_id == Candidate.id)
        .where(Candidate.workspace_id == viewer.workspace_id)
        .order_by(Candidate.id.desc())
        .limit(50)
    ).unique()
    return {
        "values": values,
        "jobs": _jobs(session, viewer.workspace_id),
        "mailboxes": all_mailboxes(session, viewer.workspace_id),
        "candidates": list(recent),
        "variables": VARIABLES,
        "statuses": list(SequenceStatus),
        "max_variants": schemas.MAX_VARIANTS,
        "active": ACTIVE,
    }


def _builder(
    request: Request,
    values: dict[str, Any],
    sequence_id: int | None,
    errors: dict[str, str] | None = None,
    status: int = 200,
    preview: list[PreviewEmail] | None = None,
) -> Response:
    with signed_in(request) as (session, viewer):
        if sequence_id is not None:
            SequenceRepository(session, viewer.workspace_id).get(sequence_id)
        context = _builder_context(session, viewer, values)
        if preview is None and values.get("steps") and not errors:
            preview, preview_error = _try_preview(session, viewer, values)
            context["preview_error"] = preview_error
    context.update(sequence_id=sequence_id, errors=errors or {}, preview=preview or [])
    return render(request, "sequences/builder.html", context, status_code=status)


def _try_preview(
    session: Session, viewer: Viewer, values: dict[str, Any]
) -> tuple[list[PreviewEmail], str]:
    candidate_id = str(values.get("preview_candidate_id") or "")
    if not candidate_id.isdigit() or not str(values.get("job_id") or "").isdigit():
        return [], ""
    mailbox = str(values.get("mailbox_id") or "")
    try:
        rendered = _sequences(session, viewer).preview(
            _steps_in(values),
            int(values["job_id"]),
            int(mailbox) if mailbox.isdigit() else None,
            int(candidate_id),
        )
    except (OpenPinError, ValidationError) as exc:
        return [], " ".join(_form_errors(exc).values())
    return rendered, ""


@router.get("/sequences/new")
def new_sequence(request: Request, job_id: int | None = None) -> Response:
    return _builder(request, _starter_values(job_id), None)


@router.get("/sequences/{sequence_id:int}")
def edit_sequence(request: Request, sequence_id: int, candidate_id: int | None = None) -> Response:
    with signed_in(request) as (session, viewer):
        values = _values_from_view(_sequences(session, viewer).view(sequence_id))
    values["preview_candidate_id"] = candidate_id or ""
    return _builder(request, values, sequence_id)


@router.post("/sequences/preview")
def preview(request: Request, form: FormData = Depends(form_data)) -> Response:
    """The live preview: htmx posts the builder form here as the recruiter types."""
    values = _values_from_form(form)
    with signed_in(request) as (session, viewer):
        rendered, error = _try_preview(session, viewer, values)
    live = _live_errors(values, text(form, "shown_errors").split())
    context = {"preview": rendered, "preview_error": error, "values": values, "live": live}
    return render(request, "sequences/_preview_live.html", context)


def _live_errors(values: dict[str, Any], shown: list[str]) -> dict[str, Any]:
    """Which errors of the last save (`shown`) are fixed now and which are still wrong. Only the
    steps' errors are checked here; the rest stay until the next save."""
    try:
        problems = _builder_problems(values, _steps_in(values))
    except ValidationError:  # a step is incomplete: too early to tell
        return {"fixed": [], "still_wrong": {}, "remaining": shown}
    live = [key for key in shown if key.startswith("step-")]
    fixed = [key for key in live if key not in problems]
    return {
        "fixed": fixed,
        "still_wrong": {key: problems[key] for key in live if key in problems},
        "remaining": [key for key in shown if key not in fixed],
    }


def _save(request: Request, form: FormData, sequence_id: int | None) -> Response:
    values = _values_from_form(form)
    if any(text(form, button) for button in _EDIT_BUTTONS) or text(form, "action") == "preview":
        return _builder(request, values, sequence_id)
    try:
        steps = _steps_in(values)
        problems = _builder_problems(values, steps)
        if problems:
            return _builder(request, values, sequence_id, problems, status=422)
        with signed_in(request) as (session, viewer):
            service = _sequences(session, viewer)
            mailbox_id = int(values["mailbox_id"]) if str(values["mailbox_id"]).isdigit() else None
            if sequence_id is None:
                job_id = int(values["job_id"]) if str(values["job_id"]).isdigit() else 0
                view = service.create(
                    schemas.SequenceCreate(
                        job_id=job_id, name=values["name"], mailbox_id=mailbox_id, steps=steps
                    )
                )
            else:
                view = service.update(
                    sequence_id,
                    schemas.SequenceUpdate(
                        name=values["name"],
                        mailbox_id=mailbox_id,
                        status=SequenceStatus(values["status"]),
                        steps=steps,
                    ),
                )
    except (OpenPinError, ValidationError) as exc:
        if isinstance(exc, NotFound):
            raise
        return _builder(request, values, sequence_id, _form_errors(exc), status=422)
    flash(request, f"Sequence “{view.sequence.name}” saved.")
    return RedirectResponse(f"/sequences/{view.sequence.id}", status_code=303)


@router.post("/sequences/new")
def create_sequence(request: Request, form: FormData = Depends(form_data)) -> Response:
    return _save(request, form, None)


@router.post("/sequences/{sequence_id:int}")
def update_sequence(
    request: Request, sequence_id: int, form: FormData = Depends(form_data)
) -> Response:
    return _save(request, form, sequence_id)


# --- enrolment ---------------------------------------------------------------------------------


def _ids(values: list[str]) -> list[int]:
    return [int(v) for v in values if str(v).strip().isdigit()]


@router.get("/sequences/enrol")
def choose_sequence(request: Request) -> Response:
    """Step 1 of enrolling from the candidate list or a profile: pick the sequence."""
    candidate_ids = _ids(request.query_params.getlist("candidate_ids"))
    with signed_in(request) as (session, viewer):
        repo = SequenceRepository(session, viewer.workspace_id)
        candidates = list(repo.candidates(candidate_ids).values())
        sequences = [s for s in repo.for_job(None) if s.status == SequenceStatus.ACTIVE]
        jobs = {job.id: job for job in _jobs(session, viewer.workspace_id)}
    context = {"candidates": candidates, "sequences": sequences, "jobs": jobs, "active": ACTIVE}
    return render(request, "sequences/enrol.html", context)


@router.post("/sequences/enrol")
def enrol(request: Request, form: FormData = Depends(form_data)) -> Response:
    candidate_ids = _ids([str(v) for v in form.getlist("candidate_ids")])
    sequence_id = text(form, "sequence_id")
    if not sequence_id.isdigit() or not candidate_ids:
        flash(request, "Choose a sequence and at least one candidate.", "error")
        query = "&".join(f"candidate_ids={cid}" for cid in candidate_ids)
        return RedirectResponse(f"/sequences/enrol?{query}", status_code=303)
    with signed_in(request) as (session, viewer):
        results = _sequences(session, viewer).enroll(
            int(sequence_id), candidate_ids, secrets=request.app.state.secret_box
        )
        repo = SequenceRepository(session, viewer.workspace_id)
        names = {c.id: c.full_name for c in repo.candidates(candidate_ids).values()}
        sequence = repo.get(int(sequence_id))
    context = {"results": results, "names": names, "sequence": sequence, "active": ACTIVE}
    return render(request, "sequences/enrol_result.html", context)


@router.post("/enrollments/{enrollment_id:int}/stop")
def stop(request: Request, enrollment_id: int) -> Response:
    with signed_in(request) as (session, viewer):
        enrollment = SequenceRepository(session, viewer.workspace_id).enrollment_or_404(
            enrollment_id
        )
        stop_enrollment(session, enrollment.id, "manual", viewer.user_id)
        candidate_id = enrollment.candidate_id
    flash(request, "The sequence was stopped for this candidate; nothing more will be sent.")
    return RedirectResponse(f"/candidates/{candidate_id}", status_code=303)


# --- the outbox --------------------------------------------------------------------------------


@router.get("/sequences/outbox")
def outbox(request: Request, tab: str = "scheduled", cursor: str = "") -> Response:
    statuses = next((s for key, _, s in OUTBOX_TABS if key == tab), OUTBOX_TABS[0][2])
    with signed_in(request) as (session, viewer):
        service = MessageService(session, viewer.workspace_id)
        page = service.list(statuses, cursor=cursor or None, limit=50)
        counts = service.repo.status_counts()
        names = _candidate_names(session, viewer.workspace_id, {m.candidate_id for m in page.items})
        ab_steps = _ab_tested_steps(session, viewer.workspace_id, page.items)
    tab_counts = {key: sum(counts.get(s.value, 0) for s in sts) for key, _, sts in OUTBOX_TABS}
    context = {
        "page": page,
        "tab": tab,
        "tabs": OUTBOX_TABS,
        "tab_counts": tab_counts,
        "names": names,
        "ab_steps": ab_steps,
        "active": ACTIVE,
    }
    return render(request, "sequences/outbox.html", context)


def _ab_tested_steps(session: Session, workspace_id: int, messages: list[Message]) -> set[int]:
    """Steps that have variants: their messages say which one they are, "A" included."""
    step_ids = {m.step_id for m in messages if m.step_id is not None}
    variants = SequenceRepository(session, workspace_id).variants(step_ids)
    return {step_id for step_id, found in variants.items() if found}


def _candidate_names(session: Session, workspace_id: int, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    query = select(Candidate.id, Candidate.full_name).where(
        Candidate.workspace_id == workspace_id, Candidate.id.in_(ids)
    )
    return {row[0]: row[1] for row in session.execute(query)}


@router.get("/sequences/outbox/{message_id:int}")
def message_page(request: Request, message_id: int) -> Response:
    return _message_page(request, message_id, {}, None)


def _message_page(
    request: Request,
    message_id: int,
    errors: dict[str, str],
    values: dict[str, str] | None,
    status: int = 200,
) -> Response:
    with signed_in(request) as (session, viewer):
        message = MessageService(session, viewer.workspace_id).get(message_id)
        names = _candidate_names(session, viewer.workspace_id, {message.candidate_id})
        enrollment = session.get(Enrollment, message.enrollment_id)
        ab_steps = _ab_tested_steps(session, viewer.workspace_id, [message])
    context = {
        "message": message,
        "ab_steps": ab_steps,
        "name": names.get(message.candidate_id, ""),
        "enrollment": enrollment,
        "errors": errors,
        "values": values or {"subject": message.subject, "body": message.body},
        "editable": message.status in (MessageStatus.SCHEDULED, MessageStatus.DRAFTING),
        "active": ACTIVE,
    }
    return render(request, "sequences/message.html", context, status_code=status)


@router.post("/sequences/outbox/{message_id:int}")
def edit_message(
    request: Request, message_id: int, form: FormData = Depends(form_data)
) -> Response:
    values = {"subject": text(form, "subject"), "body": str(form.get("body") or "")}
    try:
        with signed_in(request) as (session, viewer):
            MessageService(session, viewer.workspace_id, viewer.user_id).update(
                message_id, schemas.MessageUpdate(**values)
            )
    except (OpenPinError, ValidationError) as exc:
        if isinstance(exc, NotFound):
            raise
        errors = _form_errors(exc) if isinstance(exc, ValidationError) else {"_form": exc.message}
        return _message_page(request, message_id, errors, values, status=422)
    flash(request, "Your edit was saved; the message goes out as you wrote it.")
    return RedirectResponse(f"/sequences/outbox/{message_id}", status_code=303)


@router.post("/sequences/outbox/{message_id:int}/settle")
def settle(request: Request, message_id: int, form: FormData = Depends(form_data)) -> Response:
    """For a message whose delivery is unknown: a person says it went ("sent") or not ("resend")."""
    choice = text(form, "outcome")
    with signed_in(request) as (session, viewer):
        service = MessageService(session, viewer.workspace_id, viewer.user_id)
        if choice == "sent":
            service.mark_unknown_as_sent(message_id)
        else:
            service.resend_unknown(message_id)
    flash(request, "Recorded as sent." if choice == "sent" else "It will be sent again shortly.")
    return RedirectResponse(f"/sequences/outbox/{message_id}", status_code=303)


# --- the candidate profile's outreach section ---------------------------------------------------


@router.get("/candidates/{candidate_id:int}/outreach")
def candidate_outreach(request: Request, candidate_id: int) -> Response:
    """The thread and enrolments of one candidate, loaded into the profile page."""
    with signed_in(request) as (session, viewer):
        repo = SequenceRepository(session, viewer.workspace_id)
        if not repo.candidates([candidate_id]):
            raise NotFound(f"No candidate with id {candidate_id} in this workspace.")
        enrollments = repo.enrollments_for_candidate(candidate_id)
        sequences = {s.id: s for s in repo.for_job(None)}
        thread: list[Message] = MessageService(session, viewer.workspace_id).thread(candidate_id)
    context = {
        "candidate_id": candidate_id,
        "enrollments": enrollments,
        "sequences": sequences,
        "thread": thread,
    }
    return render(request, "sequences/_profile_outreach.html", context)
