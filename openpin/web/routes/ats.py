"""ATS screens: Settings > ATS integrations, the health page, exporting by hand, and the sync
status shown on a candidate's profile."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from openpin.ats import schemas
from openpin.ats.pipeline import ats_statuses
from openpin.ats.service import AtsService, connection_schema
from openpin.candidate.repository import CandidateRepository
from openpin.errors import OpenPinError, PermissionDenied
from openpin.integrations.registry import provider_info, provider_names
from openpin.web.forms import form_data, text
from openpin.web.session import Viewer, flash, login_required, signed_in
from openpin.web.templating import render

router = APIRouter(include_in_schema=False, dependencies=[Depends(login_required)])

ACTIVE = "/settings"

# What each provider's connect form asks for, and where in the ATS the user finds it.
PROVIDER_FORMS: dict[str, dict[str, Any]] = {
    "greenhouse": {
        "fields": [
            ("client_id", "Client ID", "text"),
            ("client_secret", "Client secret", "password"),
        ],
        "how": "In Greenhouse: Configure > Dev Center > API Credential Management > Create new "
        "API credential, type Harvest v3 (OAuth). Tick the permissions listed after connecting.",
        "base_url_hint": "https://harvest.greenhouse.io",
    },
    "ashby": {
        "fields": [("api_key", "API key", "password")],
        "how": "In Ashby: Admin > Integrations > API Keys > New. Give it Candidates (read and "
        "write), Jobs, Organization, Hiring Process Metadata and API Keys read.",
        "base_url_hint": "https://api.ashbyhq.com",
    },
}


def _service(request: Request, session: Session, viewer: Viewer) -> AtsService:
    state = request.app.state
    return AtsService(
        session, viewer.workspace_id, viewer.user_id, state.secret_box, state.settings
    )


def _require_admin(viewer: Viewer) -> None:
    if viewer.role != "admin":
        raise PermissionDenied(
            "Only workspace admins can change the ATS connection.",
            "Ask an admin of your workspace.",
        )


# -- settings --------------------------------------------------------------------------------------


def _settings_context(request: Request, service: AtsService) -> dict[str, Any]:
    connection = service.connection()
    view = connection_schema(request.app.state.settings, connection) if connection else None
    jobs = service.repo.cached_jobs(connection.id) if connection else []
    providers = [
        {"name": name, "display": provider_info(name).display_name, **PROVIDER_FORMS[name]}
        for name in provider_names()
        if name in PROVIDER_FORMS
    ]
    return {"connection": view, "jobs": jobs, "providers": providers, "active": ACTIVE}


def _settings_page(
    request: Request, extra: dict[str, Any] | None = None, status_code: int = 200
) -> Response:
    with signed_in(request) as (session, viewer):
        context = _settings_context(request, _service(request, session, viewer))
    context.update(extra or {})
    context["is_admin"] = viewer.role == "admin"
    context["webhook_secret"] = request.session.pop("ats_webhook_secret", None)
    return render(request, "ats/settings.html", context, status_code=status_code)


@router.get("/settings/ats")
def ats_settings(request: Request, provider: str = "") -> Response:
    return _settings_page(request, {"chosen": provider, "form": {}, "errors": {}})


def _credentials(form: FormData, provider: str) -> dict[str, str]:
    fields = PROVIDER_FORMS.get(provider, {}).get("fields", [])
    return {name: text(form, name) for name, _label, _type in fields}


@router.post("/settings/ats/users")
def load_greenhouse_users(request: Request, form: FormData = Depends(form_data)) -> Response:
    """Step one for Greenhouse: list the users these credentials can act as (saves nothing)."""
    values = {"provider": "greenhouse", "base_url": text(form, "base_url")}
    try:
        with signed_in(request) as (session, viewer):
            _require_admin(viewer)
            probe = schemas.CredentialsProbe(
                provider="greenhouse",
                credentials=_credentials(form, "greenhouse"),
                base_url=values["base_url"],
            )
            users = _service(request, session, viewer).list_users(probe)
    except (OpenPinError, ValidationError) as exc:
        return _connect_failed(request, "greenhouse", form, exc)
    extra = {"chosen": "greenhouse", "users": users, "form": _echo(form), "errors": {}}
    return _settings_page(request, extra)


def _echo(form: FormData) -> dict[str, str]:
    # What the user typed comes back only into the form they are still filling in; nothing
    # saved is ever rendered.
    return {key: text(form, key) for key in form}


@router.post("/settings/ats/connect")
def connect(request: Request, form: FormData = Depends(form_data)) -> Response:
    provider = text(form, "provider")
    try:
        with signed_in(request) as (session, viewer):
            _require_admin(viewer)
            data = schemas.ConnectionCreate(
                provider=provider,
                credentials=_credentials(form, provider),
                base_url=text(form, "base_url"),
                acting_user_id=text(form, "acting_user_id") or None,
                confirm_switch=text(form, "confirm_switch") == "yes",
            )
            connection, secret = _service(request, session, viewer).connect(data)
            name = provider_info(connection.provider.value).display_name
    except (OpenPinError, ValidationError) as exc:
        return _connect_failed(request, provider, form, exc)
    flash(request, f"Connected to {name}. Every permission OpenPin needs is granted.")
    if secret:
        request.session["ats_webhook_secret"] = secret  # shown once, on the next page
    return RedirectResponse("/settings/ats", status_code=303)


def _connect_failed(request: Request, provider: str, form: FormData, exc: Exception) -> Response:
    report = None
    if isinstance(exc, OpenPinError):
        message, hint = exc.message, exc.hint
        report = exc.details.get("report")
        needs_confirm = exc.status_code == 409
    else:
        message, hint, needs_confirm = "Some fields are missing or invalid.", str(exc), False
    extra = {
        "chosen": provider,
        "form": _echo(form),
        "error": {"message": message, "hint": hint},
        "report": report,
        "needs_confirm": needs_confirm,
        "errors": {},
    }
    return _settings_page(request, extra, status_code=422)


@router.post("/settings/ats/disconnect")
def disconnect(request: Request) -> Response:
    with signed_in(request) as (session, viewer):
        _require_admin(viewer)
        _service(request, session, viewer).disconnect()
    flash(request, "Disconnected. The credentials were erased; exports stop until you reconnect.")
    return RedirectResponse("/settings/ats", status_code=303)


@router.post("/settings/ats/refresh-jobs")
def refresh_jobs(request: Request) -> Response:
    try:
        with signed_in(request) as (session, viewer):
            _service(request, session, viewer).refresh_jobs()
    except OpenPinError as exc:
        flash(request, f"{exc.message} {exc.hint}", "error")
        return RedirectResponse("/settings/ats", status_code=303)
    flash(request, "The ATS jobs were refreshed.")
    return RedirectResponse("/settings/ats", status_code=303)


@router.post("/settings/ats/webhook-secret")
def new_webhook_secret(request: Request) -> Response:
    with signed_in(request) as (session, viewer):
        _require_admin(viewer)
        _connection, secret = _service(request, session, viewer).new_webhook_secret()
    request.session["ats_webhook_secret"] = secret
    flash(request, "A new webhook secret was made: paste it into Ashby now; it is shown once.")
    return RedirectResponse("/settings/ats", status_code=303)


@router.get("/settings/ats/health")
def health(request: Request) -> Response:
    with signed_in(request) as (session, viewer):
        service = _service(request, session, viewer)
        if service.connection() is None:
            return RedirectResponse("/settings/ats", status_code=303)
        h = service.health()
        view = connection_schema(request.app.state.settings, h.connection)
    context = {"h": h, "connection": view, "active": ACTIVE}
    return render(request, "ats/health.html", context)


# -- exporting by hand -----------------------------------------------------------------------------


def _selected_ids(request: Request, form: FormData | None = None) -> list[int]:
    # "candidate_ids" is what the candidate list's bulk checkboxes send.
    names = ("candidate_id", "candidate_ids")
    source = form if form is not None else request.query_params
    raw: list[Any] = [value for name in names for value in source.getlist(name)]
    ids = []
    for value in raw:
        if isinstance(value, str) and value.strip().isdigit():
            ids.append(int(value))
    return list(dict.fromkeys(ids))[:500]


@router.get("/ats/export")
def export_page(request: Request) -> Response:
    """Choose the ATS job for the selected candidates; those already in the ATS are set aside."""
    ids = _selected_ids(request)
    with signed_in(request) as (session, viewer):
        service = _service(request, session, viewer)
        connection = service.connection()
        candidates = CandidateRepository(session, viewer.workspace_id).load_full(ids)
        statuses = ats_statuses(session, viewer.workspace_id, ids)
        jobs = service.repo.cached_jobs(connection.id) if connection else []
        provider = provider_info(connection.provider.value).display_name if connection else ""
    rows = [(candidates[cid], statuses.get(cid)) for cid in ids if cid in candidates]
    context = {
        "rows": [{"candidate": c, "status": s} for c, s in rows],
        "exportable": [c for c, s in rows if s is None or s.status == "failed"],
        "jobs": jobs,
        "connected": connection is not None,
        "provider": provider,
        "back": request.query_params.get("back", ""),
        "active": "/candidates",
    }
    return render(request, "ats/export.html", context)


@router.post("/ats/export")
def export_selected(request: Request, form: FormData = Depends(form_data)) -> Response:
    ids = _selected_ids(request, form)
    ats_job_id = text(form, "ats_job_id")
    try:
        with signed_in(request) as (session, viewer):
            result = _service(request, session, viewer).export_manually(ids, ats_job_id)
    except OpenPinError as exc:
        flash(request, f"{exc.message} {exc.hint}".strip(), "error")
        return _back(form, ids)
    refused = [r for r in result.results if r.status == "refused"]
    message = (
        f"{result.queued} {'candidate' if result.queued == 1 else 'candidates'} queued for export."
    )
    if refused:
        message += " Not exported: " + "; ".join(r.reason for r in refused[:3])
    flash(
        request,
        message + " Refresh in a moment to see each one's status.",
        "success" if not refused else "info",
    )
    return _back(form, ids)


def _back(form: FormData, ids: list[int]) -> Response:
    back = text(form, "back")
    if back.startswith("/candidates") and not back.startswith("//"):
        return RedirectResponse(back, status_code=303)
    target = f"/candidates/{ids[0]}" if len(ids) == 1 else "/candidates"
    return RedirectResponse(target, status_code=303)


@router.post("/ats/exports/{export_id:int}/retry")
def retry_export(request: Request, export_id: int, form: FormData = Depends(form_data)) -> Response:
    try:
        with signed_in(request) as (session, viewer):
            export = _service(request, session, viewer).retry_export(export_id)
            candidate_id = export.candidate_id
    except OpenPinError as exc:
        flash(request, f"{exc.message} {exc.hint}".strip(), "error")
        return RedirectResponse(text(form, "back") or "/candidates", status_code=303)
    flash(request, "Export queued again.")
    return RedirectResponse(f"/candidates/{candidate_id}", status_code=303)


@router.get("/candidates/{candidate_id:int}/ats-status")
def candidate_ats_status(request: Request, candidate_id: int) -> Response:
    """The profile's ATS card (loaded by htmx): status, logo link, reason and retry, or export."""
    with signed_in(request) as (session, viewer):
        service = _service(request, session, viewer)
        CandidateRepository(session, viewer.workspace_id).get(candidate_id)  # 404 elsewhere
        connection = service.connection()
        status = ats_statuses(session, viewer.workspace_id, [candidate_id]).get(candidate_id)
        exports = (
            service.repo.exports_by_candidate(connection.id, [candidate_id]).get(candidate_id, [])
            if connection
            else []
        )
        provider = provider_info(connection.provider.value).display_name if connection else ""
    context = {
        "candidate_id": candidate_id,
        "status": status,
        "exports": exports,
        "provider": provider,
        "provider_key": connection.provider.value if connection else "",
        "connected": connection is not None,
    }
    return render(request, "ats/_candidate_status.html", context)
