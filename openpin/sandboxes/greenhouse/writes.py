"""The write endpoints: validate the whole body first, then change the state in one step."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from starlette.responses import JSONResponse, Response

from openpin.sandboxes.common import utc_now_iso
from openpin.sandboxes.greenhouse.errors import not_found, unprocessable
from openpin.sandboxes.greenhouse.http import HarvestCall
from openpin.sandboxes.greenhouse.seed import education_record
from openpin.sandboxes.greenhouse.state import GreenhouseState, Record
from openpin.sandboxes.greenhouse.validation import (
    ADDRESS_TYPES,
    EMAIL_TYPES,
    PHONE_TYPES,
    WEBSITE_TYPES,
    BodyReader,
)

CONTACT_FIELDS: dict[str, tuple[str, ...] | None] = {
    "email_addresses": EMAIL_TYPES,
    "phone_numbers": PHONE_TYPES,
    "addresses": ADDRESS_TYPES,
    "website_addresses": WEBSITE_TYPES,
    "social_media_addresses": None,
}
PERSON_TEXT_FIELDS = ("first_name", "last_name", "preferred_name", "company", "title")
PERSON_FIELDS = (*PERSON_TEXT_FIELDS, "private", "can_email", "tags", *CONTACT_FIELDS)
CANDIDATE_ARM_FIELDS = (
    "job_id",
    "initial_stage_id",
    "source_id",
    "referrer_id",
    "recruiter_id",
    "coordinator_id",
)
PROSPECT_ARM_FIELDS = (
    "prospect",
    "job_ids",
    "source_id",
    "referrer_id",
    "recruiter_id",
    "coordinator_id",
)
ATTACHMENT_TYPES = (
    "resume",
    "cover_letter",
    "take_home_test",
    "offer_packet",
    "offer_letter",
    "signed_offer_letter",
    "form_attachment",
    "midfunnel_agreement",
    "automated_agreement",
    "other",
)
ATTACHMENT_CONTENT_TYPES = (
    "application/pdf",
    "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/rtf",
    "text/plain",
    "text/html",
    "image/png",
    "image/jpeg",
    "image/gif",
)
NOTE_TYPES = ("NOTE", "ACTIVITY", "EMAIL")
EMAIL_NOTE_FIELDS = ("subject", "email_from", "email_to", "email_cc")
VISIBILITY_ON_READ = {
    "public": "publicly_visible",
    "private": "privately_visible",
    "admin_only": "admin_only_visible",
}


def _created(record: Record) -> JSONResponse:
    return JSONResponse(record, status_code=201)


def _touch(state: GreenhouseState, candidate_id: int, moment: str) -> None:
    """Activity on a candidate moves its `updated_at`, which incremental syncs watch."""
    candidate = state.get("candidates", candidate_id)
    if candidate is not None:
        candidate["updated_at"] = moment
        candidate["last_activity_at"] = moment


def _read_person(reader: BodyReader, *, creating: bool) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for key in PERSON_TEXT_FIELDS:
        required = creating and key in ("first_name", "last_name")
        if reader.has(key) or required:
            fields[key] = reader.string(key, required=required)
    for key in ("private", "can_email"):
        if reader.has(key):
            fields[key] = reader.boolean(key)
    if reader.has("tags"):
        fields["tags"] = reader.strings("tags")
    for key, types in CONTACT_FIELDS.items():
        if reader.has(key):
            fields[key] = reader.contacts(key, types)
    return fields


# --- candidates ----------------------------------------------------------------------------------


async def create_candidate(call: HarvestCall) -> Response:
    body = await call.body()
    reader = BodyReader(body, (*PERSON_FIELDS, "application"))
    person = _read_person(reader, creating=True)
    application_body = body.get("application")
    if application_body is not None and not isinstance(application_body, dict):
        reader.fail("application", "must be an object")
        application_body = None
    plan = _plan_application(call.sandbox.state, application_body, reader, "application.")
    reader.raise_if_invalid()
    state, now = call.sandbox.state, utc_now_iso()
    candidate = state.add("candidates", _new_candidate(person, now))
    application = _apply_plan(state, candidate["id"], plan, now) if plan else None
    call.sandbox.hide_new_candidate(candidate["id"])
    call.sandbox.changed()
    return _created({"candidate": candidate, "application": application})


def _new_candidate(person: dict[str, Any], now: str) -> Record:
    defaults: Record = {
        "preferred_name": None,
        "company": None,
        "title": None,
        "private": False,
        "can_email": True,
        "tags": [],
        **{key: [] for key in CONTACT_FIELDS},
    }
    timestamps = {"created_at": now, "updated_at": now, "last_activity_at": now}
    extra: Record = {"custom_fields": {}, "linked_user_ids": []}
    return {**defaults, **{k: v for k, v in person.items() if v is not None}, **timestamps, **extra}


def _visible_candidate(call: HarvestCall, candidate_id: int) -> Record:
    candidate = call.sandbox.state.get("candidates", candidate_id)
    if candidate is None or call.sandbox.state.is_hidden(candidate_id):
        raise not_found()
    return candidate


async def update_candidate(call: HarvestCall) -> Response:
    candidate = _visible_candidate(call, int(call.request.path_params["candidate_id"]))
    reader = BodyReader(await call.body(), PERSON_FIELDS)
    changes = _read_person(reader, creating=False)
    for key in ("first_name", "last_name"):
        if key in changes and not (changes[key] or "").strip():
            reader.fail(key, "must not be blank")
    reader.raise_if_invalid()
    # Arrays replace the stored ones (and [] clears them), as in Greenhouse.
    candidate.update(changes)
    _touch(call.sandbox.state, candidate["id"], utc_now_iso())
    call.sandbox.changed()
    return JSONResponse(candidate)


async def merge_candidates(call: HarvestCall) -> Response:
    primary = _visible_candidate(call, int(call.request.path_params["candidate_id"]))
    reader = BodyReader(await call.body(), ("duplicate_candidate_id",))
    duplicate_id = reader.integer("duplicate_candidate_id", required=True)
    state = call.sandbox.state
    duplicate = state.get("candidates", duplicate_id) if duplicate_id is not None else None
    if duplicate_id is not None and duplicate is None:
        reader.fail("duplicate_candidate_id", f"Candidate {duplicate_id} does not exist")
    if duplicate_id == primary["id"]:
        reader.fail("duplicate_candidate_id", "must differ from the primary candidate")
    reader.raise_if_invalid()
    assert duplicate is not None
    _merge_into(state, primary, duplicate)
    call.sandbox.changed()
    return JSONResponse(primary)


def _merge_into(state: GreenhouseState, primary: Record, duplicate: Record) -> None:
    """The primary keeps its fields and gains the duplicate's contacts, tags and children."""
    for key in CONTACT_FIELDS:
        seen = {entry["value"].lower() for entry in primary[key]}
        primary[key] += [entry for entry in duplicate[key] if entry["value"].lower() not in seen]
    primary["tags"] += [tag for tag in duplicate["tags"] if tag not in primary["tags"]]
    for collection in (
        "applications",
        "attachments",
        "notes",
        "candidate_educations",
        "candidate_employments",
    ):
        for record in state.all(collection):
            if record["candidate_id"] == duplicate["id"]:
                record["candidate_id"] = primary["id"]
    del state.records["candidates"][duplicate["id"]]
    _touch(state, primary["id"], utc_now_iso())


# --- applications --------------------------------------------------------------------------------


def _plan_application(
    state: GreenhouseState, body: dict[str, Any] | None, parent: BodyReader, prefix: str
) -> Record | None:
    """Validates one application arm; its problems join the parent body's errors."""
    if body is None:
        return None
    prospect = "prospect" in body
    reader = BodyReader(body, PROSPECT_ARM_FIELDS if prospect else CANDIDATE_ARM_FIELDS, prefix)
    plan = _read_prospect_arm(state, reader) if prospect else _read_candidate_arm(state, reader)
    for key in ("source_id", "referrer_id", "recruiter_id", "coordinator_id"):
        plan[key] = reader.integer(key)
        collection = "sources" if key == "source_id" else "users"
        if plan[key] is not None and state.get(collection, plan[key]) is None:
            reader.fail(key, f"{plan[key]} does not exist")
    parent.errors += reader.errors
    return plan


def _read_candidate_arm(state: GreenhouseState, reader: BodyReader) -> Record:
    job_id = reader.integer("job_id", required=True)
    job = state.get("jobs", job_id) if job_id is not None else None
    if job_id is not None and job is None:
        reader.fail("job_id", f"Job {job_id} does not exist")
    elif job is not None and job["status"] != "open":
        reader.fail("job_id", f"Job {job_id} is {job['status']}; applications need an open job")
    stage_id = reader.integer("initial_stage_id")
    stages = [s for s in state.all("job_interview_stages") if s["job_id"] == job_id]
    if stage_id is not None and stage_id not in {stage["id"] for stage in stages}:
        reader.fail("initial_stage_id", f"Stage {stage_id} is not a stage of job {job_id}")
    first_stage = min(stages, key=lambda stage: stage["priority"])["id"] if stages else None
    return {"prospect": False, "job_id": job_id, "stage_id": stage_id or first_stage}


def _read_prospect_arm(state: GreenhouseState, reader: BodyReader) -> Record:
    if reader.body.get("prospect") is not True:
        reader.fail("prospect", "must be true for a prospect application")
    job_ids = reader.integers("job_ids") or []
    for job_id in job_ids:
        if state.get("jobs", job_id) is None:
            reader.fail("job_ids", f"Job {job_id} does not exist")
    return {"prospect": True, "job_ids": job_ids}


def _apply_plan(state: GreenhouseState, candidate_id: int, plan: Record, now: str) -> Record:
    prospect = plan["prospect"]
    record = {
        "candidate_id": candidate_id,
        "job_id": None if prospect else plan["job_id"],
        "job_ids": plan["job_ids"] if prospect else [plan["job_id"]],
        "prospect": prospect,
        "status": "in_process",
        "source_id": plan["source_id"],
        "referrer_id": plan["referrer_id"],
        "recruiter_id": plan["recruiter_id"],
        "coordinator_id": plan["coordinator_id"],
        "current_stage_id": None if prospect else plan["stage_id"],
        "created_at": now,
        "updated_at": now,
        "last_activity_at": now,
        "rejected_at": None,
    }
    application = state.add("applications", record)
    _touch(state, candidate_id, now)
    return application


async def create_application(call: HarvestCall) -> Response:
    body = await call.body()
    state = call.sandbox.state
    candidate_id = body.pop("candidate_id", None)
    outer = BodyReader({"candidate_id": candidate_id}, ("candidate_id",))
    candidate_id = outer.integer("candidate_id", required=True)
    if candidate_id is not None and state.get("candidates", candidate_id) is None:
        outer.fail("candidate_id", f"Candidate {candidate_id} does not exist")
    plan = _plan_application(state, body, outer, "")
    outer.raise_if_invalid()
    assert plan is not None and candidate_id is not None
    if not plan["prospect"] and _has_active_application(state, candidate_id, plan["job_id"]):
        raise unprocessable(
            [{"job_id": "The candidate already has an active application on this job"}]
        )
    application = _apply_plan(state, candidate_id, plan, utc_now_iso())
    call.sandbox.changed()
    return _created(application)


def _has_active_application(state: GreenhouseState, candidate_id: int, job_id: int) -> bool:
    return any(
        app["candidate_id"] == candidate_id
        and app["job_id"] == job_id
        and app["status"] == "in_process"
        for app in state.all("applications")
    )


# --- attachments ---------------------------------------------------------------------------------

ATTACHMENT_FIELDS = (
    "candidate_id",
    "application_id",
    "filename",
    "type",
    "content",
    "content_type",
    "url",
)


async def create_attachment(call: HarvestCall) -> Response:
    state = call.sandbox.state
    reader = BodyReader(await call.body(), ATTACHMENT_FIELDS)
    candidate_id = _existing_candidate_id(state, reader)
    application_id = reader.integer("application_id")
    application = state.get("applications", application_id) if application_id else None
    if application_id is not None and (
        application is None or application["candidate_id"] != candidate_id
    ):
        reader.fail("application_id", "is not an application of this candidate")
    filename = reader.string("filename", required=True)
    kind = reader.choice("type", ATTACHMENT_TYPES, required=True)
    stored_file = _read_attachment_source(reader)
    reader.raise_if_invalid()
    assert candidate_id is not None and stored_file is not None
    attachment = _store_attachment(call, candidate_id, application_id, filename, kind, stored_file)
    call.sandbox.changed()
    return _created(attachment)


def _existing_candidate_id(state: GreenhouseState, reader: BodyReader) -> int | None:
    candidate_id = reader.integer("candidate_id", required=True)
    if candidate_id is not None and state.get("candidates", candidate_id) is None:
        reader.fail("candidate_id", f"Candidate {candidate_id} does not exist")
    return candidate_id


def _read_attachment_source(reader: BodyReader) -> Record | None:
    """Exactly one of base64 `content` (with `content_type`) or a fetchable `url`."""
    content = reader.string("content", max_length=30_000_000)
    url = reader.string("url", max_length=2048)
    if (content is None) == (url is None):
        reader.fail("content", "send exactly one of content or url")
        return None
    if url is not None:
        if not url.startswith(("https://", "http://")):
            reader.fail("url", "must be an http or https URL")
        return {"source_url": url, "content_type": None}
    content_type = reader.choice("content_type", ATTACHMENT_CONTENT_TYPES, required=True)
    try:
        base64.b64decode(content or "", validate=True)
    except binascii.Error:
        reader.fail("content", "is not valid base64")
    return {"content": content, "content_type": content_type}


def _store_attachment(
    call: HarvestCall,
    candidate_id: int,
    application_id: int | None,
    filename: str | None,
    kind: str | None,
    stored_file: Record,
) -> Record:
    state, now = call.sandbox.state, utc_now_iso()
    if kind == "resume":
        _drop_previous_resumes(state, candidate_id)  # a new resume replaces the prior one
    attachment_id = state.new_id("attachments")
    base_url = f"{call.request.url.scheme}://{call.request.url.netloc}"
    record = {
        "id": attachment_id,
        "candidate_id": candidate_id,
        "application_id": application_id,
        "filename": filename,
        "type": kind,
        "content_type": stored_file["content_type"],
        "url": f"{base_url}/_sandbox/files/{attachment_id}",
        "created_at": now,
    }
    state.attachment_files[attachment_id] = stored_file
    _touch(state, candidate_id, now)
    return state.add("attachments", record)


def _drop_previous_resumes(state: GreenhouseState, candidate_id: int) -> None:
    for attachment in state.all("attachments"):
        if attachment["candidate_id"] == candidate_id and attachment["type"] == "resume":
            del state.records["attachments"][attachment["id"]]
            state.attachment_files.pop(attachment["id"], None)


# --- notes ---------------------------------------------------------------------------------------

NOTE_FIELDS = (
    "candidate_id",
    "application_id",
    "user_id",
    "body",
    "note_type",
    "visibility",
    *EMAIL_NOTE_FIELDS,
)


async def create_note(call: HarvestCall) -> Response:
    state = call.sandbox.state
    reader = BodyReader(await call.body(), NOTE_FIELDS)
    # Greenhouse does not check that the candidate exists: a wrong id makes an orphan note.
    candidate_id = reader.integer("candidate_id", required=True)
    text = reader.string("body", required=True, max_length=100_000)
    # Upper-case values only, though the error lists them lower-case (seen live).
    note_type = reader.choice("note_type", NOTE_TYPES, listed="note, activity, email") or "NOTE"
    visibility = reader.choice("visibility", tuple(VISIBILITY_ON_READ), required=True)
    user_id = reader.integer("user_id") or call.caller.acting_user_id
    if state.get("users", user_id) is None:
        reader.fail("user_id", f"User {user_id} does not exist")
    email_fields = _read_email_note_fields(reader, note_type)
    reader.raise_if_invalid()
    now = utc_now_iso()
    note = {
        "candidate_id": candidate_id,
        "application_id": reader.body.get("application_id"),
        "user_id": user_id,
        "body": text,
        "type": note_type,
        "visibility": VISIBILITY_ON_READ[visibility or "private"],
        **email_fields,
        "created_at": now,
        "updated_at": now,
    }
    assert candidate_id is not None
    _touch(state, candidate_id, now)
    call.sandbox.changed()
    return _created(state.add("notes", note))


def _read_email_note_fields(reader: BodyReader, note_type: str) -> Record:
    if note_type != "EMAIL":
        for key in EMAIL_NOTE_FIELDS:
            if reader.has(key):
                reader.fail(key, f"is only accepted when note_type is EMAIL, not {note_type}")
        return {}
    fields: Record = {"subject": reader.string("subject", required=True)}
    for key in ("email_from", "email_to", "email_cc"):
        if not reader.has(key):
            reader.fail(key, "is required for EMAIL notes (it may be an empty array)")
        fields[key] = reader.strings(key) or []
    return fields


# --- educations and employments ------------------------------------------------------------------


async def create_education(call: HarvestCall) -> Response:
    state = call.sandbox.state
    allowed = ("candidate_id", "school_id", "degree_id", "discipline_id", "start_date", "end_date")
    reader = BodyReader(await call.body(), allowed)
    candidate_id = _existing_candidate_id(state, reader)
    school = _option(state, reader, "school_id", "school_name")
    degree = _option(state, reader, "degree_id", "degree")
    discipline = _option(state, reader, "discipline_id", "discipline")
    start_date, end_date = reader.timestamp("start_date"), reader.timestamp("end_date")
    reader.raise_if_invalid()
    assert candidate_id is not None
    now = utc_now_iso()
    record = education_record(candidate_id, school, degree, discipline, start_date, end_date, now)
    _touch(state, candidate_id, now)
    call.sandbox.changed()
    return _created(state.add("candidate_educations", record))


def _option(state: GreenhouseState, reader: BodyReader, key: str, field_key: str) -> Record | None:
    option_id = reader.integer(key)
    if option_id is None:
        return None
    option = state.get("custom_field_options", option_id)
    if option is None or option["custom_field_key"] != field_key:
        reader.fail(key, f"{option_id} is not a {field_key} custom field option")
        return None
    return option


async def create_employment(call: HarvestCall) -> Response:
    state = call.sandbox.state
    allowed = ("candidate_id", "company_name", "title", "start_date", "end_date")
    reader = BodyReader(await call.body(), allowed)
    candidate_id = _existing_candidate_id(state, reader)
    now = utc_now_iso()
    record = {
        "candidate_id": candidate_id,
        "company_name": reader.string("company_name", required=True),
        "title": reader.string("title", required=True),
        "start_date": reader.timestamp("start_date", required=True),
        "end_date": reader.timestamp("end_date"),
        "created_at": now,
        "updated_at": now,
    }
    reader.raise_if_invalid()
    assert candidate_id is not None
    _touch(state, candidate_id, now)
    call.sandbox.changed()
    return _created(state.add("candidate_employments", record))
