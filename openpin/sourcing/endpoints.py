"""Thin HTTP layer over `SourcingService`: a job's ranked matches and the recruiter's feedback."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from openpin.auth.dependencies import PrincipalDep, SessionDep
from openpin.sourcing import schemas
from openpin.sourcing.search import MatchFilters
from openpin.sourcing.service import MAX_PAGE, SourcingService

router = APIRouter(prefix="/jobs", tags=["sourcing"])


def _service(session: SessionDep, principal: PrincipalDep) -> SourcingService:
    return SourcingService(session, principal.workspace_id, principal.user_id)


@router.get("/{job_id}/matches", response_model=schemas.MatchPage)
def job_matches(
    job_id: int,
    session: SessionDep,
    principal: PrincipalDep,
    ask: Annotated[
        str, Query(max_length=500, description="Refine in plain words, e.g. 'has led a team'")
    ] = "",
    country: Annotated[str | None, Query(description="ISO 3166 alpha-2 code")] = None,
    city: str | None = None,
    remote: Annotated[
        bool | None,
        Query(description="Treat the role as remote (location does not count); default: the job"),
    ] = None,
    min_years: Annotated[float | None, Query(ge=0, le=60)] = None,
    max_years: Annotated[float | None, Query(ge=0, le=60)] = None,
    current_title: Annotated[
        str | None, Query(description="Words the current title contains")
    ] = None,
    must_have_required: Annotated[
        bool, Query(description="Only candidates showing every must-have skill")
    ] = False,
    exclude_contacted: bool = False,
    exclude_in_ats: bool = False,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
) -> schemas.MatchPage:
    filters = MatchFilters(
        country=country,
        city=city,
        remote=remote,
        min_years=min_years,
        max_years=max_years,
        current_title=current_title,
        must_have_required=must_have_required,
        exclude_contacted=exclude_contacted,
        exclude_in_ats=exclude_in_ats,
    )
    page = _service(session, principal).match_job(job_id, filters, ask, cursor, limit)
    return schemas.MatchPage(
        items=[
            schemas.Match(
                candidate_id=m.candidate_id,
                full_name=m.name,
                headline=m.headline,
                score=m.score,
                decision=m.decision,
                explanation=schemas.explanation_schema(m.explanation),
            )
            for m in page.items
        ],
        next_cursor=page.next_cursor,
        total=page.total,
        learned_from=page.learned_from,
        notes=page.notes,
        index=schemas.IndexStatus(**vars(page.index), complete=page.index.complete),
    )


@router.post("/{job_id}/feedback", response_model=schemas.Feedback, status_code=201)
def job_feedback(
    job_id: int, body: schemas.FeedbackCreate, session: SessionDep, principal: PrincipalDep
) -> schemas.Feedback:
    row = _service(session, principal).record_feedback(
        job_id, body.candidate_id, body.decision, body.reason, body.note
    )
    return schemas.Feedback(
        job_id=row.job_id,
        candidate_id=row.candidate_id,
        decision=row.decision,
        reason=row.reason,
        note=row.note,
    )
