"""Automation: per job, export its engaged candidates to the connected ATS on a trigger."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from pydantic import ValidationError
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from openpin.ats import schemas
from openpin.ats.service import AtsService
from openpin.errors import OpenPinError
from openpin.integrations.registry import provider_info
from openpin.models.ats import ExportTrigger
from openpin.web.forms import form_data, text
from openpin.web.session import flash, login_required, signed_in
from openpin.web.templating import render

router = APIRouter(include_in_schema=False, dependencies=[Depends(login_required)])

TRIGGER_LABELS = {
    ExportTrigger.ADDED_TO_SEQUENCE.value: "When added to an outreach sequence",
    ExportTrigger.REPLIED.value: "When they reply to an email",
    ExportTrigger.REPLIED_INTERESTED.value: "When they reply and are interested",
}


def _service(request: Request, session: Any, viewer: Any) -> AtsService:
    state = request.app.state
    return AtsService(
        session, viewer.workspace_id, viewer.user_id, state.secret_box, state.settings
    )


def _rows(service: AtsService, connection_id: int) -> list[dict[str, Any]]:
    rows = []
    for job, rule in service.repo.jobs_with_rules():
        current = rule is not None and rule.connection_id == connection_id
        backfill = None
        if current and rule is not None and rule.enabled:
            backfill = len(service.backfill_candidates(job.id)[1])
        rows.append(
            {
                "job": job,
                "rule": rule if current else None,
                "stale": rule if not current else None,
                "backfill": backfill,
            }
        )
    return rows


@router.get("/automation")
def automation_page(request: Request) -> Response:
    with signed_in(request) as (session, viewer):
        service = _service(request, session, viewer)
        connection = service.connection()
        context: dict[str, Any] = {
            "active": "/automation",
            "connection": connection,
            "triggers": TRIGGER_LABELS,
        }
        if connection is not None:
            context["provider"] = provider_info(connection.provider.value).display_name
            context["ats_jobs"] = service.repo.cached_jobs(connection.id)
            context["rows"] = _rows(service, connection.id)
    return render(request, "automation/page.html", context)


@router.post("/automation/jobs/{job_id:int}/rule")
def save_rule(request: Request, job_id: int, form: FormData = Depends(form_data)) -> Response:
    enabled = text(form, "action") != "disable"
    try:
        with signed_in(request) as (session, viewer):
            body = schemas.ExportRuleIn(
                ats_job_id=text(form, "ats_job_id"),
                trigger=text(form, "trigger"),
                enabled=enabled,
            )
            rule = _service(request, session, viewer).set_rule(job_id, body)
            job_title = rule.ats_job_name
    except ValidationError:
        flash(request, "Choose both the ATS job and the trigger, then enable the rule.", "error")
        return RedirectResponse(f"/automation#job-{job_id}", status_code=303)
    except OpenPinError as exc:
        if exc.status_code == 404:
            raise
        flash(request, f"{exc.message} {exc.hint}".strip(), "error")
        return RedirectResponse(f"/automation#job-{job_id}", status_code=303)
    if enabled:
        flash(
            request,
            f"Enabled: candidates of this job go to “{job_title}” from now on. Earlier ones are "
            "not exported; use the backfill or Export to ATS for them.",
        )
    else:
        flash(request, "Disabled: no more automatic exports for this job.", "info")
    return RedirectResponse(f"/automation#job-{job_id}", status_code=303)


@router.post("/automation/jobs/{job_id:int}/backfill")
def run_backfill(request: Request, job_id: int, form: FormData = Depends(form_data)) -> Response:
    raw = text(form, "expected_count")
    try:
        with signed_in(request) as (session, viewer):
            count = _service(request, session, viewer).run_backfill(job_id, int(raw or -1))
    except (OpenPinError, ValueError) as exc:
        if isinstance(exc, OpenPinError) and exc.status_code == 404:
            raise
        message = f"{exc.message} {exc.hint}" if isinstance(exc, OpenPinError) else str(exc)
        flash(request, message.strip(), "error")
        return RedirectResponse(f"/automation#job-{job_id}", status_code=303)
    flash(
        request,
        f"{count} {'candidate' if count == 1 else 'candidates'} queued for export. "
        "Watch them on the integration health page.",
    )
    return RedirectResponse(f"/automation#job-{job_id}", status_code=303)
