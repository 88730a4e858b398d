"""Organisation and hiring-process metadata: apiKey, user, job, source, tag, customField."""

from __future__ import annotations

from typing import Any

from openpin.sandboxes.ashby import permissions as p
from openpin.sandboxes.ashby import records as r
from openpin.sandboxes.ashby import views
from openpin.sandboxes.ashby.envelope import Page, not_found
from openpin.sandboxes.ashby.inputs import (
    ArchivablePageBody,
    EmptyBody,
    JobInfoBody,
    JobListBody,
    SourceListBody,
    TagCreateBody,
    UserListBody,
)
from openpin.sandboxes.ashby.pagination import paginate
from openpin.sandboxes.ashby.registry import RpcContext, new_id, rpc


@rpc("apiKey.info", permission=p.API_KEYS_READ, body=EmptyBody)
def api_key_info(ctx: RpcContext, body: EmptyBody) -> dict[str, Any]:
    key = ctx.api_key
    return {
        "title": key.title,
        "createdAt": views.iso(key.created_at),
        "scopes": [p.as_scope(permission) for permission in key.permissions],
    }


@rpc("user.list", permission=p.ORGANIZATION_READ, body=UserListBody)
def user_list(ctx: RpcContext, body: UserListBody) -> Page:
    users = [u for u in ctx.org.users.values() if u.is_enabled or body.include_deactivated]
    return paginate(
        users,
        body.page_request(),
        list_name="user.list",
        org=ctx.org,
        change_seq=lambda user: user.change_seq,
        created_at=None,
        render=views.user_view,
        sync_tokens_expired=ctx.sync_tokens_expired,
    )


@rpc("job.list", permission=p.JOBS_READ, body=JobListBody)
def job_list(ctx: RpcContext, body: JobListBody) -> Page:
    # Drafts are listed only when asked for by status, as Ashby documents.
    statuses = set(body.status or ("Open", "Closed", "Archived"))
    jobs = [job for job in ctx.org.jobs.values() if job.status in statuses and _in_dates(job, body)]
    expand = frozenset(body.expand)
    return paginate(
        jobs,
        body.page_request(),
        list_name="job.list",
        org=ctx.org,
        change_seq=lambda job: job.change_seq,
        created_at=lambda job: job.created_at,
        render=lambda job: views.job_view(job, ctx.org, expand),
        sync_tokens_expired=ctx.sync_tokens_expired,
    )


def _in_dates(job: r.Job, body: JobListBody) -> bool:
    opened = job.opened_at.timestamp() * 1000 if job.opened_at else None
    closed = job.closed_at.timestamp() * 1000 if job.closed_at else None
    bounds = (
        (opened, body.opened_after, body.opened_before),
        (closed, body.closed_after, body.closed_before),
    )
    for moment, after, before in bounds:
        if after is not None and (moment is None or moment <= after):
            return False
        if before is not None and (moment is None or moment >= before):
            return False
    return True


@rpc("job.info", permission=p.JOBS_READ, body=JobInfoBody)
def job_info(ctx: RpcContext, body: JobInfoBody) -> dict[str, Any]:
    job = ctx.org.jobs.get(body.id)
    if job is None:
        raise not_found("job", body.id)
    return views.job_view(job, ctx.org, frozenset(body.expand))


@rpc("source.list", permission=p.HIRING_PROCESS_METADATA_READ, body=SourceListBody)
def source_list(ctx: RpcContext, body: SourceListBody) -> Page:
    # source.list takes no cursor: every source comes in one page.
    sources = [s for s in ctx.org.sources.values() if body.include_archived or not s.is_archived]
    return Page([views.source_view(source) for source in sources], more_data_available=False)


@rpc("candidateTag.list", permission=p.HIRING_PROCESS_METADATA_READ, body=ArchivablePageBody)
def candidate_tag_list(ctx: RpcContext, body: ArchivablePageBody) -> Page:
    tags = [t for t in ctx.org.tags.values() if body.include_archived or not t.is_archived]
    return paginate(
        tags,
        body.page_request(),
        list_name="candidateTag.list",
        org=ctx.org,
        change_seq=lambda tag: tag.change_seq,
        created_at=None,
        render=views.tag_view,
        sync_tokens_expired=ctx.sync_tokens_expired,
    )


@rpc(
    "candidateTag.create",
    permission=p.HIRING_PROCESS_METADATA_WRITE,
    body=TagCreateBody,
    writes=True,
)
def candidate_tag_create(ctx: RpcContext, body: TagCreateBody) -> dict[str, Any]:
    """Idempotent by title: an existing tag with the same title (any case) is returned."""
    wanted = body.title.casefold()
    existing = next((t for t in ctx.org.tags.values() if t.title.casefold() == wanted), None)
    if existing is not None:
        return views.tag_view(existing)
    tag = r.Tag(id=new_id(), title=body.title, change_seq=ctx.touch())
    ctx.org.tags[tag.id] = tag
    return views.tag_view(tag)


@rpc("customField.list", permission=p.HIRING_PROCESS_METADATA_READ, body=ArchivablePageBody)
def custom_field_list(ctx: RpcContext, body: ArchivablePageBody) -> Page:
    fields = [
        f for f in ctx.org.custom_fields.values() if body.include_archived or not f.is_archived
    ]
    return paginate(
        fields,
        body.page_request(),
        list_name="customField.list",
        org=ctx.org,
        change_seq=lambda field: field.change_seq,
        created_at=None,
        render=views.custom_field_definition_view,
        sync_tokens_expired=ctx.sync_tokens_expired,
    )
