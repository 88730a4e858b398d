"""The job's Source tab: ranked, explained candidates, filters, Ask, feedback and bulk enrolment."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from openpin.errors import OpenPinError, ValidationFailed
from openpin.models.sourcing import DeclineReason, FeedbackDecision
from openpin.sourcing.search import MatchFilters
from openpin.sourcing.service import SourcingService
from openpin.web.forms import form_data, text
from openpin.web.session import Viewer, flash, login_required, signed_in
from openpin.web.templating import render

router = APIRouter(include_in_schema=False, dependencies=[Depends(login_required)])

PAGE_SIZE = 25
FILTER_NAMES = (
    "ask",
    "country",
    "city",
    "remote",
    "min_years",
    "max_years",
    "current_title",
    "must_have_required",
    "exclude_contacted",
    "exclude_in_ats",
)
REASON_LABELS = {
    DeclineReason.WRONG_LOCATION: "Wrong location",
    DeclineReason.TOO_JUNIOR: "Too junior",
    DeclineReason.TOO_SENIOR: "Too senior",
    DeclineReason.WRONG_SKILLS: "Wrong skills",
    DeclineReason.OTHER: "Other",
}


def _params(request: Request) -> dict[str, str]:
    return {name: request.query_params.get(name, "").strip() for name in FILTER_NAMES}


def _years(value: str, name: str) -> float | None:
    if not value:
        return None
    try:
        years = float(value)
    except ValueError:
        raise ValidationFailed(f"{value!r} is not a number of years.", field=name) from None
    if not 0 <= years <= 60:
        raise ValidationFailed("Years must be between 0 and 60.", field=name)
    return years


def _filters(params: dict[str, str]) -> MatchFilters:
    return MatchFilters(
        country=params["country"] or None,
        city=params["city"] or None,
        remote={"yes": True, "no": False}.get(params["remote"]),
        min_years=_years(params["min_years"], "min_years"),
        max_years=_years(params["max_years"], "max_years"),
        current_title=params["current_title"] or None,
        must_have_required=params["must_have_required"] == "on",
        exclude_contacted=params["exclude_contacted"] == "on",
        exclude_in_ats=params["exclude_in_ats"] == "on",
    )


def _sequences(session: Session, viewer: Viewer, job_id: int) -> list[Any]:
    """The job's sequences that can take candidates; empty while sequences are not installed."""
    try:
        from openpin.models.sequence import Sequence, SequenceStatus
    except ImportError:  # pragma: no cover - sequences ship with the package
        return []
    query = select(Sequence).where(
        Sequence.workspace_id == viewer.workspace_id,
        Sequence.job_id == job_id,
        Sequence.status != SequenceStatus.ARCHIVED,
    )
    return list(session.scalars(query.order_by(Sequence.name)))


@router.get("/jobs/{job_id:int}/source")
def source_tab(request: Request, job_id: int, cursor: str = "", fragment: str = "") -> Response:
    params = _params(request)
    error = ""
    with signed_in(request) as (session, viewer):
        service = SourcingService(session, viewer.workspace_id, viewer.user_id)
        job = service.jobs.get(job_id)
        try:
            page = service.match_job(
                job.id, _filters(params), params["ask"], cursor or None, PAGE_SIZE
            )
        except ValidationFailed as exc:
            error = exc.message
            page = service.match_job(job.id, MatchFilters(), "", None, PAGE_SIZE)
        sequences = _sequences(session, viewer, job.id)
    query = {k: v for k, v in params.items() if v}
    context = {
        "job": job,
        "page": page,
        "params": params,
        "error": error,
        "sequences": sequences,
        "reasons": REASON_LABELS,
        "back": f"/jobs/{job.id}/source?{urlencode(query)}",
        "next_url": f"/jobs/{job.id}/source?{urlencode({**query, 'cursor': page.next_cursor})}"
        if page.next_cursor
        else "",
        "is_later_page": bool(cursor),
        "active": "/jobs",
    }
    template = "sourcing/_results.html" if fragment == "results" else "sourcing/source.html"
    return render(request, template, context)


def _back(form: FormData, job_id: int) -> str:
    back = text(form, "back")
    # Only ever back to this job's Source tab: the field comes from the browser.
    return back if back.startswith(f"/jobs/{job_id}/source") else f"/jobs/{job_id}/source"


@router.post("/jobs/{job_id:int}/source/feedback")
def source_feedback(request: Request, job_id: int, form: FormData = Depends(form_data)) -> Response:
    decision_text, reason_text = text(form, "decision"), text(form, "reason")
    with signed_in(request) as (session, viewer):
        service = SourcingService(session, viewer.workspace_id, viewer.user_id)
        try:
            decision = FeedbackDecision(decision_text)
            reason = DeclineReason(reason_text) if reason_text else None
            if decision == FeedbackDecision.DECLINE and reason is None:
                reason = DeclineReason.OTHER
            candidate_id = int(text(form, "candidate_id"))
        except ValueError:
            raise ValidationFailed(
                "That decision could not be read.", "Reload the page and try again."
            ) from None
        service.record_feedback(job_id, candidate_id, decision, reason, text(form, "note"))
    if decision == FeedbackDecision.ACCEPT:
        flash(request, "Accepted. Candidates like this one now rank higher for this job.")
    else:
        label = REASON_LABELS[reason or DeclineReason.OTHER].lower()
        flash(request, f"Declined ({label}). They no longer appear in this job's results.")
    return RedirectResponse(_back(form, job_id), status_code=303)


@router.post("/jobs/{job_id:int}/source/enroll")
def source_enroll(request: Request, job_id: int, form: FormData = Depends(form_data)) -> Response:
    ids = [int(v) for v in form.getlist("candidate_id") if isinstance(v, str) and v.isdigit()]
    back = _back(form, job_id)
    if not ids:
        flash(request, "Select at least one candidate first.", kind="error")
        return RedirectResponse(back, status_code=303)
    try:
        sequence_id = int(text(form, "sequence_id"))
    except ValueError:
        flash(request, "Choose the sequence to add them to.", kind="error")
        return RedirectResponse(back, status_code=303)
    try:
        with signed_in(request) as (session, viewer):
            results = _enroll(request, session, viewer, job_id, sequence_id, ids)
    except OpenPinError as exc:
        flash(request, exc.message, kind="error")
        return RedirectResponse(back, status_code=303)
    _flash_enrolment(request, results)
    return RedirectResponse(back, status_code=303)


def _enroll(
    request: Request,
    session: Session,
    viewer: Viewer,
    job_id: int,
    sequence_id: int,
    ids: list[int],
) -> list[Any]:
    from openpin.sequence.enrolment import enroll_candidates

    SourcingService(session, viewer.workspace_id).jobs.get(job_id)
    if sequence_id not in {s.id for s in _sequences(session, viewer, job_id)}:
        raise ValidationFailed("That sequence does not belong to this job.", field="sequence_id")
    secrets = getattr(request.app.state, "secret_box", None)
    return enroll_candidates(
        session, viewer.workspace_id, sequence_id, ids, viewer.user_id, secrets=secrets
    )


def _flash_enrolment(request: Request, results: list[Any]) -> None:
    added = sum(1 for r in results if r.enrolled)
    skipped = [r for r in results if not r.enrolled]
    message = f"Added {added} {'candidate' if added == 1 else 'candidates'} to the sequence."
    if skipped:
        reasons = "; ".join(sorted({str(r.reason) for r in skipped if r.reason}))
        message += f" Skipped {len(skipped)}: {reasons}."
    flash(request, message, kind="success" if added else "error")
