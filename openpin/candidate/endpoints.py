"""Thin HTTP layer over `CandidateService`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response, UploadFile, status

from openpin.activity.service import event_label
from openpin.ats.pipeline import ats_statuses
from openpin.auth.dependencies import PrincipalDep, SessionDep
from openpin.candidate import schemas
from openpin.candidate.importing import import_candidates
from openpin.candidate.repository import CandidateFilters
from openpin.candidate.resume import ResumeData, render_resume_pdf, resume_filename
from openpin.candidate.service import CandidateService
from openpin.errors import ValidationFailed
from openpin.sourcing.pool import ranked_candidate_page

router = APIRouter(prefix="/candidates", tags=["candidates"])

MAX_IMPORT_BYTES = 200 * 1024 * 1024


def _service(request: Request, session: SessionDep, principal: PrincipalDep) -> CandidateService:
    region = request.app.state.settings.candidate.default_phone_region
    return CandidateService(session, principal.workspace_id, principal.user_id, region)


@router.get("", response_model=schemas.CandidatePage)
def list_candidates(
    request: Request,
    session: SessionDep,
    principal: PrincipalDep,
    q: Annotated[
        str | None, Query(description="Words to find in name, email, title, company, skills")
    ] = None,
    country: Annotated[str | None, Query(description="ISO 3166 alpha-2 code")] = None,
    city: str | None = None,
    skill: str | None = None,
    source: str | None = None,
    has_email: bool | None = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> schemas.CandidatePage:
    service = _service(request, session, principal)
    filters = CandidateFilters(country, city, skill, source, has_email)
    if q and q.strip():  # a search: ranked by relevance (sourcing's hybrid search)
        workspace_id = principal.workspace_id
        page = ranked_candidate_page(session, workspace_id, q.strip(), filters, cursor, limit)
    else:
        page = service.list(q, filters, cursor, limit)
    ats = ats_statuses(session, principal.workspace_id, [c.id for c in page.items])
    return schemas.CandidatePage(
        items=[service.to_schema(c).model_copy(update={"ats": ats.get(c.id)}) for c in page.items],
        next_cursor=page.next_cursor,
        total=page.total,
    )


@router.post("", response_model=schemas.CandidateWriteResult, status_code=201)
def create_candidate(
    body: schemas.CandidateCreate,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: PrincipalDep,
) -> schemas.CandidateWriteResult:
    result = _service(request, session, principal).create(body, via="api")
    if result.merged:
        response.status_code = status.HTTP_200_OK
    return result


@router.post("/import", response_model=schemas.ImportResult)
def import_file(
    file: UploadFile, request: Request, session: SessionDep, principal: PrincipalDep
) -> schemas.ImportResult:
    data = file.file.read(MAX_IMPORT_BYTES + 1)
    if len(data) > MAX_IMPORT_BYTES:
        raise ValidationFailed(
            "The file is larger than 200 MB.", "Split it, or use `openpin import`.", field="file"
        )
    region = request.app.state.settings.candidate.default_phone_region
    return import_candidates(
        session,
        principal.workspace_id,
        principal.user_id,
        file.filename or "upload",
        data,
        default_region=region,
    )


@router.get("/{candidate_id}", response_model=schemas.Candidate)
def get_candidate(
    candidate_id: int, request: Request, session: SessionDep, principal: PrincipalDep
) -> schemas.Candidate:
    service = _service(request, session, principal)
    candidate = service.to_schema(service.get(candidate_id))
    candidate.ats = ats_statuses(session, principal.workspace_id, [candidate_id]).get(candidate_id)
    return candidate


@router.patch("/{candidate_id}", response_model=schemas.Candidate)
def update_candidate(
    candidate_id: int,
    body: schemas.CandidateUpdate,
    request: Request,
    session: SessionDep,
    principal: PrincipalDep,
) -> schemas.Candidate:
    service = _service(request, session, principal)
    return service.to_schema(service.update(candidate_id, body))


@router.delete("/{candidate_id}", status_code=204)
def delete_candidate(
    candidate_id: int, request: Request, session: SessionDep, principal: PrincipalDep
) -> Response:
    _service(request, session, principal).delete(candidate_id)
    return Response(status_code=204)


@router.get("/{candidate_id}/timeline", response_model=list[schemas.TimelineEvent])
def candidate_timeline(
    candidate_id: int, request: Request, session: SessionDep, principal: PrincipalDep
) -> list[dict[str, Any]]:
    events = _service(request, session, principal).timeline(candidate_id)
    return [
        {
            "id": e.id,
            "type": e.type,
            "label": event_label(e.type),
            "data": e.data,
            "job_id": e.job_id,
            "created_at": e.created_at,
        }
        for e in events
    ]


@router.get(
    "/{candidate_id}/resume.pdf",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}},
)
def candidate_resume(
    candidate_id: int, request: Request, session: SessionDep, principal: PrincipalDep
) -> Response:
    candidate = _service(request, session, principal).get(candidate_id)
    pdf = render_resume_pdf(ResumeData.from_model(candidate))
    disposition = f'attachment; filename="{resume_filename(candidate)}"'
    return Response(pdf, media_type="application/pdf", headers={"Content-Disposition": disposition})
