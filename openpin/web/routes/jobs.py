"""Job screens: list, view, create, edit and delete job openings."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from openpin.errors import OpenPinError
from openpin.job.schemas import JobCreate, JobUpdate
from openpin.job.service import JobService
from openpin.models import Job, JobStatus, Seniority
from openpin.web.forms import comma_list, errors_from, form_data, lines, text
from openpin.web.session import Viewer, current_viewer, flash, login_required, signed_in
from openpin.web.templating import render

router = APIRouter(include_in_schema=False, dependencies=[Depends(login_required)])

PAGE_SIZE = 50


def _service(session: Session, viewer: Viewer) -> JobService:
    return JobService(session, viewer.workspace_id, viewer.user_id)


def _choices() -> dict[str, Any]:
    return {"statuses": list(JobStatus), "seniorities": list(Seniority)}


def _status_filter(value: str) -> str | None:
    return value if value in {s.value for s in JobStatus} else None


@router.get("/jobs")
def job_list(request: Request, status: str = "", cursor: str = "") -> Response:
    with signed_in(request) as (session, viewer):
        page = _service(session, viewer).list(_status_filter(status), cursor or None, PAGE_SIZE)
    context = {
        "page": page,
        "status": _status_filter(status) or "",
        "active": "/jobs",
        **_choices(),
    }
    return render(request, "jobs/list.html", context)


@router.get("/jobs/{job_id:int}")
def job_detail(request: Request, job_id: int) -> Response:
    with signed_in(request) as (session, viewer):
        job = _service(session, viewer).get(job_id)
    return render(request, "jobs/detail.html", {"job": job, "active": "/jobs"})


# -- create and edit -------------------------------------------------------------------------


def _values_from_job(job: Job) -> dict[str, str]:
    return {
        "title": job.title,
        "description": job.description,
        "locations": "\n".join(job.locations),
        "must_have_skills": ", ".join(job.must_have_skills),
        "nice_to_have_skills": ", ".join(job.nice_to_have_skills),
        "seniority": job.seniority.value if job.seniority else "",
        "status": job.status.value,
    }


def _values_from_form(form: FormData) -> dict[str, str]:
    names = ("title", "description", "locations", "must_have_skills", "nice_to_have_skills")
    return {name: text(form, name) for name in (*names, "seniority", "status")}


def _fields_from_form(form: FormData) -> dict[str, Any]:
    return {
        "title": text(form, "title"),
        "description": text(form, "description"),
        "locations": lines(form, "locations"),
        "must_have_skills": comma_list(form, "must_have_skills"),
        "nice_to_have_skills": comma_list(form, "nice_to_have_skills"),
        "seniority": text(form, "seniority") or None,
        "status": text(form, "status") or JobStatus.OPEN.value,
    }


def _form_page(
    request: Request,
    values: dict[str, str],
    job_id: int | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    context = {
        "values": values,
        "errors": errors or {},
        "job_id": job_id,
        "active": "/jobs",
        **_choices(),
    }
    return render(request, "jobs/form.html", context, status_code=status_code)


@router.get("/jobs/new")
def new_job(request: Request) -> Response:
    current_viewer(request)
    return _form_page(request, {"status": JobStatus.OPEN.value})


@router.post("/jobs/new")
def create_job(request: Request, form: FormData = Depends(form_data)) -> Response:
    try:
        with signed_in(request) as (session, viewer):
            job = _service(session, viewer).create(JobCreate(**_fields_from_form(form)))
    except (OpenPinError, ValidationError) as exc:
        return _form_page(request, _values_from_form(form), None, errors_from(exc), 422)
    flash(request, f"The job “{job.title}” was created.")
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


@router.get("/jobs/{job_id:int}/edit")
def edit_job(request: Request, job_id: int) -> Response:
    with signed_in(request) as (session, viewer):
        values = _values_from_job(_service(session, viewer).get(job_id))
    return _form_page(request, values, job_id)


@router.post("/jobs/{job_id:int}/edit")
def update_job(request: Request, job_id: int, form: FormData = Depends(form_data)) -> Response:
    try:
        with signed_in(request) as (session, viewer):
            job = _service(session, viewer).update(job_id, JobUpdate(**_fields_from_form(form)))
    except (OpenPinError, ValidationError) as exc:
        if isinstance(exc, OpenPinError) and exc.status_code == 404:
            raise
        return _form_page(request, _values_from_form(form), job_id, errors_from(exc), 422)
    flash(request, "Your changes to the job were saved.")
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


# -- delete ----------------------------------------------------------------------------------


@router.get("/jobs/{job_id:int}/delete")
def confirm_delete(request: Request, job_id: int) -> Response:
    with signed_in(request) as (session, viewer):
        job = _service(session, viewer).get(job_id)
    return render(request, "jobs/delete.html", {"job": job, "active": "/jobs"})


@router.post("/jobs/{job_id:int}/delete")
def delete_job(request: Request, job_id: int) -> Response:
    with signed_in(request) as (session, viewer):
        service = _service(session, viewer)
        title = service.get(job_id).title
        service.delete(job_id)
    flash(request, f"The job “{title}” was deleted.")
    return RedirectResponse("/jobs", status_code=303)
