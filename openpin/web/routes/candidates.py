"""Candidate screens: list, profile, add, edit, delete and the resume PDF."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from openpin.auth.service import get_user
from openpin.candidate.repository import CandidateFilters
from openpin.candidate.resume import ResumeData, render_resume_pdf, resume_filename
from openpin.candidate.schemas import CandidateCreate, CandidateUpdate
from openpin.candidate.service import CandidateService
from openpin.errors import OpenPinError
from openpin.models import ActivityEvent, Candidate
from openpin.sourcing.pool import ranked_candidate_page
from openpin.web import candidate_form
from openpin.web.forms import FormInvalid, errors_from, form_data, text
from openpin.web.session import Viewer, current_viewer, flash, login_required, signed_in
from openpin.web.templating import render

router = APIRouter(include_in_schema=False, dependencies=[Depends(login_required)])

PAGE_SIZE = 25
_FORM_ERRORS = (OpenPinError, ValidationError, FormInvalid)


def _service(request: Request, session: Session, viewer: Viewer) -> CandidateService:
    region = request.app.state.settings.candidate.default_phone_region
    return CandidateService(session, viewer.workspace_id, viewer.user_id, region)


# -- list ------------------------------------------------------------------------------------


def _list_params(request: Request) -> dict[str, str]:
    names = ("q", "country", "skill", "source", "has_email")
    return {name: request.query_params.get(name, "").strip() for name in names}


def _filters(params: dict[str, str]) -> CandidateFilters:
    has_email = {"yes": True, "no": False}.get(params["has_email"])
    return CandidateFilters(
        country_code=params["country"] or None,
        skill=params["skill"] or None,
        source=params["source"] or None,
        has_email=has_email,
    )


def _filter_options(service: CandidateService) -> dict[str, Any]:
    options = service.filter_options()
    return {"countries": options.countries, "sources": options.sources}


@router.get("/candidates")
def candidate_list(request: Request, cursor: str = "", fragment: str = "") -> Response:
    params = _list_params(request)
    with signed_in(request) as (session, viewer):
        service = _service(request, session, viewer)
        if params["q"]:  # a search: ranked by relevance (sourcing's hybrid search)
            filters, after = _filters(params), cursor or None
            q, ws = params["q"], viewer.workspace_id
            page = ranked_candidate_page(session, ws, q, filters, after, PAGE_SIZE)
        else:
            page = service.list(None, _filters(params), cursor or None, PAGE_SIZE)
        options = _filter_options(service)
    query = {key: value for key, value in params.items() if value}
    next_url = f"/candidates?{urlencode({**query, 'cursor': page.next_cursor})}"
    context = {
        "page": page,
        "params": params,
        "options": options,
        "filtered": bool(query),
        "next_url": next_url if page.next_cursor else "",
        "first_url": f"/candidates?{urlencode(query)}",
        "is_later_page": bool(cursor),
        "active": "/candidates",
    }
    template = "candidates/_rows.html" if fragment == "rows" else "candidates/list.html"
    return render(request, template, context)


# -- profile ---------------------------------------------------------------------------------


def _user_names(session: Session, viewer: Viewer, user_ids: set[int | None]) -> dict[int, str]:
    names = {}
    for user_id in user_ids - {None}:
        assert user_id is not None
        user = get_user(session, user_id)
        # Never show a name from another workspace, even if a stale id points there.
        if user is not None and user.workspace_id == viewer.workspace_id:
            names[user_id] = user.full_name or user.email
    return names


def _timeline(events: list[ActivityEvent], names: dict[int, str]) -> list[dict[str, Any]]:
    return [
        {
            "event": event,
            "actor": names.get(event.actor_user_id or 0, ""),
            "details": _event_details(event.data or {}),
        }
        for event in events
    ]


def _event_details(data: dict[str, Any]) -> str:
    """One readable line from an event's data, e.g. 'via import · added emails, phones'."""
    parts = []
    if data.get("via"):
        parts.append(f"via {data['via']}")
    if data.get("fields"):
        parts.append("changed " + ", ".join(str(f).replace("_", " ") for f in data["fields"]))
    added = data.get("added")
    if isinstance(added, dict) and added:
        parts.append("added " + ", ".join(str(k).replace("_", " ") for k in added))
    return " · ".join(parts)


@router.get("/candidates/{candidate_id:int}")
def candidate_profile(request: Request, candidate_id: int) -> Response:
    with signed_in(request) as (session, viewer):
        service = _service(request, session, viewer)
        candidate = service.get(candidate_id)
        events = service.timeline(candidate_id)
        actors = {event.actor_user_id for event in events}
        names = _user_names(session, viewer, {candidate.owner_id, *actors})
    context = {
        "candidate": candidate,
        "owner": names.get(candidate.owner_id or 0, ""),
        "timeline": _timeline(events, names),
        "active": "/candidates",
    }
    return render(request, "candidates/profile.html", context)


@router.get("/candidates/{candidate_id:int}/resume.pdf")
def candidate_resume(request: Request, candidate_id: int) -> Response:
    with signed_in(request) as (session, viewer):
        candidate = _service(request, session, viewer).get(candidate_id)
        pdf = render_resume_pdf(ResumeData.from_model(candidate))
        filename = resume_filename(candidate)
    disposition = f'attachment; filename="{filename}"'
    return Response(pdf, media_type="application/pdf", headers={"Content-Disposition": disposition})


# -- add and edit ----------------------------------------------------------------------------


def _form_page(
    request: Request,
    values: dict[str, Any],
    candidate_id: int | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    context = {
        "values": values,
        "errors": errors or {},
        "candidate_id": candidate_id,
        "active": "/candidates",
    }
    return render(request, "candidates/form.html", context, status_code=status_code)


def _with_extra_row(form: FormData) -> dict[str, Any]:
    """'Add another role' submits the form without saving and comes back with one more row."""
    values = candidate_form.values_from_form(form)
    if text(form, "add_row") == "experience":
        values["experiences"].append(candidate_form.blank_experience())
    elif text(form, "add_row") == "education":
        values["educations"].append(candidate_form.blank_education())
    return values


@router.get("/candidates/new")
def new_candidate(request: Request) -> Response:
    current_viewer(request)
    return _form_page(request, candidate_form.empty_values())


@router.post("/candidates/new")
def create_candidate(request: Request, form: FormData = Depends(form_data)) -> Response:
    if text(form, "add_row"):
        current_viewer(request)
        return _form_page(request, _with_extra_row(form))
    try:
        with signed_in(request) as (session, viewer):
            data = CandidateCreate(**candidate_form.fields_from_form(form))
            result = _service(request, session, viewer).create(data, via="web")
    except _FORM_ERRORS as exc:
        values = candidate_form.values_from_form(form)
        return _form_page(request, values, errors=errors_from(exc), status_code=422)
    candidate = result.candidate
    if result.merged:
        flash(
            request,
            f"Merged into existing candidate {candidate.full_name}: the same email or LinkedIn "
            "profile was already here, so the new details were added to that profile.",
            "info",
            link=f"/candidates/{candidate.id}",
        )
    else:
        flash(request, f"{candidate.full_name} was added.")
    return RedirectResponse(f"/candidates/{candidate.id}", status_code=303)


@router.get("/candidates/{candidate_id:int}/edit")
def edit_candidate(request: Request, candidate_id: int) -> Response:
    with signed_in(request) as (session, viewer):
        candidate = _service(request, session, viewer).get(candidate_id)
        values = candidate_form.values_from_candidate(candidate)
    return _form_page(request, values, candidate_id)


@router.post("/candidates/{candidate_id:int}/edit")
def update_candidate(
    request: Request, candidate_id: int, form: FormData = Depends(form_data)
) -> Response:
    if text(form, "add_row"):
        with signed_in(request) as (session, viewer):
            _service(request, session, viewer).get(candidate_id)  # 404 for other workspaces
        return _form_page(request, _with_extra_row(form), candidate_id)
    try:
        # Errors are caught outside the transaction so a half-applied update is rolled back.
        with signed_in(request) as (session, viewer):
            data = CandidateUpdate(**candidate_form.fields_from_form(form))
            candidate = _service(request, session, viewer).update(candidate_id, data)
    except _FORM_ERRORS as exc:
        if isinstance(exc, OpenPinError) and exc.status_code == 404:
            raise
        values = candidate_form.values_from_form(form)
        return _form_page(request, values, candidate_id, errors_from(exc), status_code=422)
    flash(request, "Your changes were saved.")
    return RedirectResponse(f"/candidates/{candidate.id}", status_code=303)


# -- delete ----------------------------------------------------------------------------------


@router.get("/candidates/{candidate_id:int}/delete")
def confirm_delete(request: Request, candidate_id: int) -> Response:
    with signed_in(request) as (session, viewer):
        candidate: Candidate = _service(request, session, viewer).get(candidate_id)
    context = {"candidate": candidate, "active": "/candidates"}
    return render(request, "candidates/delete.html", context)


@router.post("/candidates/{candidate_id:int}/delete")
def delete_candidate(request: Request, candidate_id: int) -> Response:
    with signed_in(request) as (session, viewer):
        service = _service(request, session, viewer)
        name = service.get(candidate_id).full_name
        service.delete(candidate_id)
    flash(request, f"{name} was deleted.")
    return RedirectResponse("/candidates", status_code=303)
