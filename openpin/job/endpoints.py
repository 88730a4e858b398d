"""Thin HTTP layer over `JobService`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel

from openpin.auth.dependencies import PrincipalDep, SessionDep
from openpin.job import schemas
from openpin.job.service import JobService
from openpin.models import JobStatus

router = APIRouter(prefix="/jobs", tags=["jobs"])


class JobPage(BaseModel):
    items: list[schemas.Job]
    next_cursor: str | None


def _service(session: SessionDep, principal: PrincipalDep) -> JobService:
    return JobService(session, principal.workspace_id, principal.user_id)


@router.get("", response_model=JobPage)
def list_jobs(
    session: SessionDep,
    principal: PrincipalDep,
    status: JobStatus | None = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> JobPage:
    page = _service(session, principal).list(status, cursor, limit)
    return JobPage(
        items=[schemas.Job.model_validate(job) for job in page.items], next_cursor=page.next_cursor
    )


@router.post("", response_model=schemas.Job, status_code=201)
def create_job(
    body: schemas.JobCreate, session: SessionDep, principal: PrincipalDep
) -> schemas.Job:
    return schemas.Job.model_validate(_service(session, principal).create(body))


@router.get("/{job_id}", response_model=schemas.Job)
def get_job(job_id: int, session: SessionDep, principal: PrincipalDep) -> schemas.Job:
    return schemas.Job.model_validate(_service(session, principal).get(job_id))


@router.patch("/{job_id}", response_model=schemas.Job)
def update_job(
    job_id: int, body: schemas.JobUpdate, session: SessionDep, principal: PrincipalDep
) -> schemas.Job:
    return schemas.Job.model_validate(_service(session, principal).update(job_id, body))


@router.delete("/{job_id}", status_code=204)
def delete_job(job_id: int, session: SessionDep, principal: PrincipalDep) -> Response:
    _service(session, principal).delete(job_id)
    return Response(status_code=204)
