"""Applications after their creation: list (with incremental sync), info, and stage changes.

An application's status follows the type of its current stage (`seed.application_status`), so
moving it to the plan's Hired stage is what hires it, as in Ashby.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from openpin.sandboxes.ashby import permissions as p
from openpin.sandboxes.ashby import records as r
from openpin.sandboxes.ashby import views
from openpin.sandboxes.ashby.envelope import Page, invalid_input, not_found
from openpin.sandboxes.ashby.inputs import (
    ApplicationChangeStageBody,
    ApplicationInfoBody,
    ApplicationListBody,
)
from openpin.sandboxes.ashby.pagination import paginate
from openpin.sandboxes.ashby.registry import RpcContext, rpc
from openpin.sandboxes.ashby.seed import application_status


@rpc("application.list", permission=p.CANDIDATES_READ, body=ApplicationListBody)
def application_list(ctx: RpcContext, body: ApplicationListBody) -> Page:
    """Every application, filtered by `status` and `jobId`; with a `syncToken`, only those
    changed since (the filters apply to what changed)."""
    applications = [
        application
        for application in ctx.org.applications.values()
        if (body.status is None or application.status == body.status)
        and (body.job_id is None or application.job_id == body.job_id)
    ]
    return paginate(
        applications,
        body.page_request(),
        list_name="application.list",
        org=ctx.org,
        change_seq=lambda application: application.change_seq,
        created_at=lambda application: application.created_at,
        render=lambda application: views.application_view(application, ctx.org),
        sync_tokens_expired=ctx.sync_tokens_expired,
    )


@rpc("application.info", permission=p.CANDIDATES_READ, body=ApplicationInfoBody)
def application_info(ctx: RpcContext, body: ApplicationInfoBody) -> dict[str, Any]:
    if body.application_id is None:
        # The sandbox takes no application forms, so no submitted form instance exists.
        raise not_found("application", str(body.submitted_form_instance_id))
    return views.application_view(find_application(ctx.org, body.application_id), ctx.org)


@rpc(
    "application.changeStage",
    permission=p.CANDIDATES_WRITE,
    body=ApplicationChangeStageBody,
    writes=True,
)
def application_change_stage(ctx: RpcContext, body: ApplicationChangeStageBody) -> dict[str, Any]:
    application = find_application(ctx.org, body.application_id)
    stage = plan_stage(ctx.org, application, body.interview_stage_id)
    archiving = stage.type == "Archived"
    if not archiving and (body.archive_reason_id or body.archive_email):
        raise invalid_input("Archive fields are not allowed for non-archive stages")
    if archiving and body.archive_reason_id is None:
        raise invalid_input("Archive reason ID is required for archive stages")
    if body.archive_reason_id is not None:
        # The sandbox's organisation defines no archive reasons.
        raise not_found("archive_reason", body.archive_reason_id)
    move_to_stage(application, stage, ctx.now(), ctx.touch())
    return views.application_view(application, ctx.org)


def find_application(org: r.Organization, application_id: str) -> r.Application:
    application = org.applications.get(application_id)
    if application is None:
        raise not_found("application", application_id)
    return application


def plan_stage(org: r.Organization, application: r.Application, stage_id: str) -> r.InterviewStage:
    plan = org.interview_plans[application.interview_plan_id]
    stage = next((stage for stage in plan.stages if stage.id == stage_id), None)
    if stage is None:
        raise not_found("interview_stage", stage_id)
    return stage


def stage_of_type(org: r.Organization, application: r.Application, kind: str) -> r.InterviewStage:
    """The first stage of this type in the application's plan (every seeded plan has each)."""
    plan = org.interview_plans[application.interview_plan_id]
    return next(stage for stage in plan.stages if stage.type == kind)


def move_to_stage(
    application: r.Application, stage: r.InterviewStage, now: datetime, change_seq: int
) -> None:
    """The application enters `stage`: its status, history, `updatedAt` and sync position move."""
    application.stage_id = stage.id
    application.status = application_status(stage)
    application.history.append(r.StageEntry(stage_id=stage.id, entered_at=now))
    application.updated_at = now
    application.change_seq = change_seq
