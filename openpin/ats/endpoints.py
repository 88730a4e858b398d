"""Thin HTTP layer over `AtsService`: the connection, ATS jobs, rules, exports, webhooks."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from openpin.ats import schemas
from openpin.ats.service import AtsService, connection_schema
from openpin.ats.webhooks import handle_ashby_webhook
from openpin.auth.dependencies import AdminDep, PrincipalDep, SessionDep
from openpin.auth.service import Principal
from openpin.db import transaction
from openpin.errors import NotFound
from openpin.models.ats import AtsConnection
from openpin.models.base import utcnow

router = APIRouter(prefix="/ats", tags=["ats"])
jobs_router = APIRouter(prefix="/jobs", tags=["ats"])


def _service(request: Request, session: SessionDep, principal: Principal) -> AtsService:
    state = request.app.state
    return AtsService(
        session, principal.workspace_id, principal.user_id, state.secret_box, state.settings
    )


def _view(
    request: Request, connection: AtsConnection, secret: str | None = None
) -> schemas.Connection:
    return connection_schema(request.app.state.settings, connection, secret)


# -- the connection --------------------------------------------------------------------------------


@router.post("/connection", response_model=schemas.Connection, status_code=201)
def connect(
    body: schemas.ConnectionCreate, request: Request, session: SessionDep, principal: AdminDep
) -> schemas.Connection:
    """Verify the credentials and connect; every permission is reported granted or missing."""
    connection, secret = _service(request, session, principal).connect(body)
    return _view(request, connection, secret)


@router.get("/connection", response_model=schemas.Connection)
def get_connection(
    request: Request, session: SessionDep, principal: PrincipalDep
) -> schemas.Connection:
    connection = _service(request, session, principal).connection()
    if connection is None:
        raise NotFound(
            "This workspace is not connected to an ATS.",
            "Connect one with POST /api/v1/ats/connection.",
        )
    return _view(request, connection)


@router.delete("/connection", status_code=204)
def disconnect(request: Request, session: SessionDep, principal: AdminDep) -> Response:
    _service(request, session, principal).disconnect()
    return Response(status_code=204)


@router.post("/connection/users", response_model=list[schemas.AtsUser])
def list_ats_users(
    body: schemas.CredentialsProbe, request: Request, session: SessionDep, principal: AdminDep
) -> list[schemas.AtsUser]:
    """The ATS users these credentials can see (Greenhouse: whom the integration acts as)."""
    users = _service(request, session, principal).list_users(body)
    return [schemas.AtsUser(**user.__dict__) for user in users]


@router.post("/connection/webhook-secret", response_model=schemas.Connection)
def rotate_webhook_secret(
    request: Request, session: SessionDep, principal: AdminDep
) -> schemas.Connection:
    """A new webhook secret, shown in this answer only."""
    connection, secret = _service(request, session, principal).new_webhook_secret()
    return _view(request, connection, secret)


# -- ATS jobs --------------------------------------------------------------------------------------


@router.get("/jobs", response_model=schemas.AtsJobList)
def list_ats_jobs(
    request: Request,
    session: SessionDep,
    principal: PrincipalDep,
    refresh: Annotated[bool, Query(description="Read the jobs from the ATS first")] = False,
) -> schemas.AtsJobList:
    service = _service(request, session, principal)
    if refresh:
        service.refresh_jobs()
    connection, jobs = service.jobs()
    return schemas.AtsJobList(
        provider=connection.provider.value,
        refreshed_at=connection.jobs_refreshed_at,
        items=[
            schemas.AtsJob(
                id=job.external_id,
                name=job.name,
                status=job.status,
                location=job.location,
                department=job.department,
                refreshed_at=job.refreshed_at,
            )
            for job in jobs
        ],
    )


# -- export rules ----------------------------------------------------------------------------------


@jobs_router.get("/{job_id}/ats-export-rule", response_model=schemas.ExportRule)
def get_export_rule(
    job_id: int, request: Request, session: SessionDep, principal: PrincipalDep
) -> schemas.ExportRule:
    service = _service(request, session, principal)
    rule = service.rule(job_id)
    if rule is None:
        raise NotFound("This job has no ATS export rule yet.", "Set one with PUT.")
    return service.rule_schema(rule)


@jobs_router.put("/{job_id}/ats-export-rule", response_model=schemas.ExportRule)
def put_export_rule(
    job_id: int,
    body: schemas.ExportRuleIn,
    request: Request,
    session: SessionDep,
    principal: PrincipalDep,
) -> schemas.ExportRule:
    """Set the job's ATS job and trigger. Only events after enabling export (never retroactive)."""
    service = _service(request, session, principal)
    return service.rule_schema(service.set_rule(job_id, body))


@jobs_router.get("/{job_id}/ats-export-rule/backfill", response_model=schemas.BackfillPreview)
def preview_backfill(
    job_id: int, request: Request, session: SessionDep, principal: PrincipalDep
) -> schemas.BackfillPreview:
    """How many candidates met the trigger before the rule was enabled (nothing is exported)."""
    rule, candidate_ids = _service(request, session, principal).backfill_candidates(job_id)
    return schemas.BackfillPreview(
        job_id=job_id, trigger=rule.trigger, ats_job_id=rule.ats_job_id, count=len(candidate_ids)
    )


@jobs_router.post("/{job_id}/ats-export-rule/backfill")
def run_backfill(
    job_id: int,
    body: schemas.BackfillRun,
    request: Request,
    session: SessionDep,
    principal: PrincipalDep,
) -> dict[str, int]:
    """Export them, opt-in: `expected_count` must be the count the preview showed."""
    queued = _service(request, session, principal).run_backfill(job_id, body.expected_count)
    return {"queued": queued}


# -- exports ---------------------------------------------------------------------------------------


@router.post("/exports", response_model=schemas.ExportResult, status_code=202)
def export_candidates(
    body: schemas.ExportRequest, request: Request, session: SessionDep, principal: PrincipalDep
) -> schemas.ExportResult:
    """Export candidates by hand; each is queued or refused with the reason. 409 when every one
    is already in the ATS."""
    service = _service(request, session, principal)
    return service.export_manually(body.candidate_ids, body.ats_job_id)


@router.get("/exports", response_model=list[schemas.Export])
def list_exports(
    request: Request,
    session: SessionDep,
    principal: PrincipalDep,
    candidate_id: int | None = None,
) -> list[schemas.Export]:
    service = _service(request, session, principal)
    connection = service.require_connection()
    if candidate_id is not None:
        exports = service.repo.exports_by_candidate(connection.id, [candidate_id])
        rows = exports.get(candidate_id, [])
    else:
        rows = [export for export, _name in service.repo.recent_exports(connection.id, 100)]
    return [schemas.Export.model_validate(row) for row in rows]


@router.post("/exports/{export_id}/retry", response_model=schemas.Export)
def retry_export(
    export_id: int, request: Request, session: SessionDep, principal: PrincipalDep
) -> schemas.Export:
    export = _service(request, session, principal).retry_export(export_id)
    return schemas.Export.model_validate(export)


@router.get("/health")
def health(request: Request, session: SessionDep, principal: PrincipalDep) -> dict[str, Any]:
    """Recent exports, failures by reason, tasks waiting, rate-limit waits, the index, and the
    hires read back from the ATS."""
    h = _service(request, session, principal).health()
    index = h.index
    return {
        "provider": h.connection.provider.value,
        "status": h.connection.status.value,
        "status_reason": h.connection.status_reason,
        "exports_by_status": h.counts,
        "failures_by_reason": [{"reason": r, "count": c} for r, c in h.failures],
        "tasks_waiting": h.waiting_tasks,
        "rate_limited": {
            "times": h.connection.rate_limited_count,
            "seconds_waited": round(h.connection.rate_limited_seconds, 1),
        },
        "index": {
            "people": h.index_people,
            "last_refresh_at": index.last_refresh_at if index else None,
            "full_read_completed_at": index.full_read_completed_at if index else None,
            "reading": bool(index and index.read_checkpoint),
            "last_error": index.last_refresh_error if index else "",
        },
        "hires": schemas.HiresHealth.model_validate(h.hires, from_attributes=True),
        "recent": [
            {**schemas.Export.model_validate(e).model_dump(), "candidate_name": name}
            for e, name in h.recent
        ],
        "checked_at": utcnow(),
    }


# -- webhooks (no token: the HMAC signature authenticates) -----------------------------------------


@router.post("/webhooks/ashby/{token}", response_model=schemas.WebhookAck)
async def ashby_webhook(
    token: str,
    request: Request,
    ashby_signature: Annotated[str | None, Header(alias="Ashby-Signature")] = None,
) -> schemas.WebhookAck:
    body = await request.body()  # the raw bytes: the signature is over them exactly

    def handle() -> schemas.WebhookAck:
        with transaction(request.app.state.session_factory) as session:
            box = request.app.state.secret_box
            return handle_ashby_webhook(session, box, token, body, ashby_signature)

    # Database work is synchronous: keep it off the event loop.
    return await run_in_threadpool(handle)
