"""Candidates, their notes and tags, and applications (considering a candidate for a job)."""

from __future__ import annotations

from typing import Any

from openpin.sandboxes.ashby import permissions as p
from openpin.sandboxes.ashby import records as r
from openpin.sandboxes.ashby import views
from openpin.sandboxes.ashby.envelope import Page, invalid_input, not_found
from openpin.sandboxes.ashby.inputs import (
    AddTagBody,
    ApplicationCreateBody,
    CandidateCreateBody,
    CandidateInfoBody,
    CandidateSearchBody,
    CandidateUpdateBody,
    CreateNoteBody,
    LocationIn,
    PageBody,
    StageHistoryIn,
)
from openpin.sandboxes.ashby.notes import sanitise_note_html
from openpin.sandboxes.ashby.pagination import paginate
from openpin.sandboxes.ashby.registry import RpcContext, new_id, rpc
from openpin.sandboxes.ashby.seed import application_status

SEARCH_RESULT_LIMIT = 100


def find_candidate(ctx: RpcContext, candidate_id: str) -> r.Candidate:
    candidate = ctx.org.candidates.get(candidate_id)
    if candidate is None:
        raise not_found("candidate", candidate_id)
    return candidate


def render(ctx: RpcContext, candidate: r.Candidate) -> dict[str, Any]:
    return views.candidate_view(candidate, ctx.org, ctx.base_url)


def mark_updated(ctx: RpcContext, candidate: r.Candidate) -> None:
    candidate.updated_at = ctx.now()
    candidate.change_seq = ctx.touch()


def check_references(ctx: RpcContext, source_id: str | None, user_id: str | None) -> None:
    if source_id is not None and source_id not in ctx.org.sources:
        raise not_found("source", source_id)
    if user_id is not None and user_id not in ctx.org.users:
        raise not_found("user", user_id)


# --- reads ---------------------------------------------------------------------------------------


@rpc("candidate.search", permission=p.CANDIDATES_READ, body=CandidateSearchBody)
def candidate_search(ctx: RpcContext, body: CandidateSearchBody) -> list[dict[str, Any]]:
    """Email (exact, any of the candidate's addresses) AND name (contains), case-insensitive."""
    email = body.email.strip().casefold() if body.email else None
    name = body.name.strip().casefold() if body.name else None
    matches = [
        candidate
        for candidate in sorted(ctx.org.candidates.values(), key=lambda c: c.created_at)
        if (email is None or any(e.value.casefold() == email for e in candidate.emails))
        and (name is None or name in candidate.name.casefold())
    ]
    return [render(ctx, candidate) for candidate in matches[:SEARCH_RESULT_LIMIT]]


@rpc("candidate.list", permission=p.CANDIDATES_READ, body=PageBody)
def candidate_list(ctx: RpcContext, body: PageBody) -> Page:
    return paginate(
        ctx.org.candidates.values(),
        body.page_request(),
        list_name="candidate.list",
        org=ctx.org,
        change_seq=lambda candidate: candidate.change_seq,
        created_at=lambda candidate: candidate.created_at,
        render=lambda candidate: render(ctx, candidate),
        sync_tokens_expired=ctx.sync_tokens_expired,
    )


@rpc("candidate.info", permission=p.CANDIDATES_READ, body=CandidateInfoBody)
def candidate_info(ctx: RpcContext, body: CandidateInfoBody) -> dict[str, Any]:
    if body.id is not None:
        return render(ctx, find_candidate(ctx, body.id))
    mapped = next(
        (
            c
            for c in ctx.org.candidates.values()
            if c.external_mapping_id == body.external_mapping_id
        ),
        None,
    )
    if mapped is None:
        raise not_found("candidate", str(body.external_mapping_id))
    return render(ctx, mapped)


# --- create and update ---------------------------------------------------------------------------


@rpc("candidate.create", permission=p.CANDIDATES_WRITE, body=CandidateCreateBody, writes=True)
def candidate_create(ctx: RpcContext, body: CandidateCreateBody) -> dict[str, Any]:
    """Creates a candidate; like Ashby, it never deduplicates (search before creating)."""
    check_references(ctx, body.source_id, body.credited_to_user_id)
    now = ctx.now()
    candidate = r.Candidate(
        id=new_id(), name=body.name, created_at=body.created_at or now, updated_at=now
    )
    if body.email:
        set_primary(candidate.emails, body.email, "Personal")
    for address in body.alternate_email_addresses:
        add_secondary(candidate.emails, address)
    if body.phone_number:
        set_primary(candidate.phones, body.phone_number, "Personal")
    set_link(candidate, "LinkedIn", body.linked_in_url)
    set_link(candidate, "GitHub", body.github_url)
    set_link(candidate, "Website", body.website)
    candidate.source_id = body.source_id
    candidate.credited_to_user_id = body.credited_to_user_id
    candidate.location = location_record(body.location)
    candidate.change_seq = ctx.touch()
    ctx.org.candidates[candidate.id] = candidate
    return render(ctx, candidate)


@rpc("candidate.update", permission=p.CANDIDATES_WRITE, body=CandidateUpdateBody, writes=True)
def candidate_update(ctx: RpcContext, body: CandidateUpdateBody) -> dict[str, Any]:
    candidate = find_candidate(ctx, body.candidate_id)
    check_references(ctx, body.source_id, body.credited_to_user_id)
    if body.name is not None:
        candidate.name = body.name
    if body.email is not None:
        set_primary(candidate.emails, body.email, "Personal")
    if body.alternate_email is not None:
        add_secondary(candidate.emails, body.alternate_email)
    if body.phone_number is not None:
        set_primary(candidate.phones, body.phone_number, "Personal")
    if body.social_links is not None:
        # socialLinks replaces every existing link; the single-URL fields below then apply on top.
        candidate.social_links = [r.SocialLink(type=s.type, url=s.url) for s in body.social_links]
    set_link(candidate, "LinkedIn", body.linked_in_url)
    set_link(candidate, "GitHub", body.github_url)
    set_link(candidate, "Website", body.website_url)
    candidate.source_id = body.source_id or candidate.source_id
    candidate.credited_to_user_id = body.credited_to_user_id or candidate.credited_to_user_id
    if body.location is not None:
        candidate.location = location_record(body.location)
    if body.created_at is not None:
        candidate.created_at = body.created_at
    mark_updated(ctx, candidate)
    return render(ctx, candidate)


def set_primary(points: list[r.ContactPoint], value: str, kind: r.ContactType) -> None:
    """`value` becomes the primary address or number; the previous primary stays, as secondary."""
    existing = next((pt for pt in points if pt.value.casefold() == value.casefold()), None)
    for point in points:
        point.is_primary = False
    if existing is not None:
        existing.is_primary = True
        points.remove(existing)
        points.insert(0, existing)
    else:
        points.insert(0, r.ContactPoint(value=value, type=kind, is_primary=True))


def add_secondary(points: list[r.ContactPoint], value: str) -> None:
    if any(point.value.casefold() == value.casefold() for point in points):
        return
    points.append(r.ContactPoint(value=value, type="Personal", is_primary=not points))


def set_link(candidate: r.Candidate, kind: r.SocialLinkType, url: str | None) -> None:
    if url is None:
        return
    others = [link for link in candidate.social_links if link.type != kind]
    candidate.social_links = [*others, r.SocialLink(type=kind, url=url)]


def location_record(location: LocationIn | None) -> r.CandidateLocation | None:
    if location is None or not (location.city or location.region or location.country):
        return None
    return r.CandidateLocation(
        id=new_id(), city=location.city, region=location.region, country=location.country
    )


# --- notes and tags ------------------------------------------------------------------------------


@rpc("candidate.createNote", permission=p.CANDIDATES_WRITE, body=CreateNoteBody, writes=True)
def candidate_create_note(ctx: RpcContext, body: CreateNoteBody) -> dict[str, Any]:
    find_candidate(ctx, body.candidate_id)
    content_type = "text/plain" if isinstance(body.note, str) else body.note.type
    content = body.note if isinstance(body.note, str) else body.note.value
    if content_type == "text/html":
        content = sanitise_note_html(content)
    if not content.strip():
        raise invalid_input("note: must not be empty")
    note = r.Note(
        id=new_id(),
        candidate_id=body.candidate_id,
        content=content,
        content_type=content_type,
        is_private=body.is_private,
        author_id=ctx.api_key.author_user_id,
        created_at=body.created_at or ctx.now(),
    )
    ctx.org.notes[note.id] = note
    ctx.touch()
    return views.note_view(note, ctx.org)


@rpc("candidate.addTag", permission=p.CANDIDATES_WRITE, body=AddTagBody, writes=True)
def candidate_add_tag(ctx: RpcContext, body: AddTagBody) -> dict[str, Any]:
    candidate = find_candidate(ctx, body.candidate_id)
    if body.tag_id not in ctx.org.tags:
        raise not_found("tag", body.tag_id)
    if body.tag_id not in candidate.tag_ids:
        candidate.tag_ids.append(body.tag_id)
        mark_updated(ctx, candidate)
    return render(ctx, candidate)


# --- applications --------------------------------------------------------------------------------


@rpc("application.create", permission=p.CANDIDATES_WRITE, body=ApplicationCreateBody, writes=True)
def application_create(ctx: RpcContext, body: ApplicationCreateBody) -> dict[str, Any]:
    candidate = find_candidate(ctx, body.candidate_id)
    job = open_job(ctx, body.job_id)
    check_references(ctx, body.source_id, body.credited_to_user_id)
    if any(ctx.org.applications[a].job_id == job.id for a in candidate.application_ids):
        raise invalid_input(f"Candidate {candidate.id} already has an application for job {job.id}")
    plan = interview_plan(ctx, job, body.interview_plan_id)
    history = stage_history(ctx, plan, body.application_history)
    stage = current_stage(plan, body.interview_stage_id, history)
    now = ctx.now()
    created = body.created_at or now
    application = r.Application(
        id=new_id(),
        candidate_id=candidate.id,
        job_id=job.id,
        interview_plan_id=plan.id,
        stage_id=stage.id,
        status=application_status(stage),
        source_id=body.source_id or candidate.source_id,
        credited_to_user_id=body.credited_to_user_id or candidate.credited_to_user_id,
        history=history or [r.StageEntry(stage_id=stage.id, entered_at=created)],
        created_at=created,
        updated_at=now,
        change_seq=ctx.touch(),
    )
    ctx.org.applications[application.id] = application
    candidate.application_ids.append(application.id)
    mark_updated(ctx, candidate)
    return views.application_view(application, ctx.org)


def open_job(ctx: RpcContext, job_id: str) -> r.Job:
    job = ctx.org.jobs.get(job_id)
    if job is None:
        raise not_found("job", job_id)
    if job.status != "Open":
        raise invalid_input(
            f"Job {job_id} is {job.status}; candidates can only be added to open jobs"
        )
    return job


def interview_plan(ctx: RpcContext, job: r.Job, plan_id: str | None) -> r.InterviewPlan:
    """The requested plan, which must be one of the job's, or the job's default plan."""
    if plan_id is not None and plan_id != job.interview_plan_id:
        raise not_found("interview_plan", plan_id)
    return ctx.org.interview_plans[job.interview_plan_id]


def stage_history(
    ctx: RpcContext, plan: r.InterviewPlan, entries: list[StageHistoryIn] | None
) -> list[r.StageEntry]:
    stage_ids = {stage.id for stage in plan.stages}
    history = []
    for entry in sorted(entries or [], key=lambda e: e.stage_number):
        if entry.stage_id not in stage_ids:
            raise not_found("interview_stage", entry.stage_id)
        if entry.archive_reason_id is not None:
            # The sandbox's organisation defines no archive reasons.
            raise not_found("archive_reason", entry.archive_reason_id)
        history.append(r.StageEntry(stage_id=entry.stage_id, entered_at=entry.entered_stage_at))
    return history


def current_stage(
    plan: r.InterviewPlan, stage_id: str | None, history: list[r.StageEntry]
) -> r.InterviewStage:
    """The requested stage, else the last one in the history, else the plan's first stage."""
    wanted = stage_id or (history[-1].stage_id if history else plan.stages[0].id)
    stage = next((stage for stage in plan.stages if stage.id == wanted), None)
    if stage is None:
        raise not_found("interview_stage", wanted)
    return stage
