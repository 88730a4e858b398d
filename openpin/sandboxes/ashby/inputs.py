"""Request bodies the sandbox accepts, one model per endpoint, with Ashby's field names.

Bodies are parsed from the raw JSON in pydantic's strict mode, so a wrong type is refused rather
than coerced (`"limit": "10"` is invalid input, as it is for Ashby). Unknown fields are ignored.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Annotated, Literal, TypeVar
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationError, model_validator
from pydantic.alias_generators import to_camel

from openpin.sandboxes.ashby.envelope import AshbyError, invalid_input
from openpin.sandboxes.ashby.pagination import PageRequest
from openpin.sandboxes.ashby.records import (
    ApplicationStatus,
    FileUploadContext,
    JobStatus,
    SocialLinkType,
)

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _uuid(value: str) -> str:
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise ValueError("must be a UUID") from None


def _email(value: str) -> str:
    value = value.strip()
    if not _EMAIL.match(value):
        raise ValueError("must be an email address")
    return value


def _url(value: str) -> str:
    value = value.strip()
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError("must be a valid URL")
    return value


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    return value.strip()


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


Uuid = Annotated[str, AfterValidator(_uuid)]
Email = Annotated[str, AfterValidator(_email)]
Url = Annotated[str, AfterValidator(_url)]
Text = Annotated[str, AfterValidator(_not_blank)]
Timestamp = Annotated[datetime, AfterValidator(_utc)]


class Body(BaseModel):
    model_config = ConfigDict(
        extra="ignore", strict=True, frozen=True, alias_generator=to_camel, populate_by_name=True
    )


M = TypeVar("M", bound=Body)


class EmptyBody(Body):
    pass


class PageBody(Body):
    cursor: str | None = None
    sync_token: str | None = None
    limit: int | float | None = None
    created_after: int | None = None

    def page_request(self) -> PageRequest:
        return PageRequest(self.cursor, self.sync_token, self.limit, self.created_after)


class UserListBody(PageBody):
    include_deactivated: bool = False


JobExpand = Literal["location", "openings"]


class JobListBody(PageBody):
    status: list[JobStatus] | None = None
    opened_after: int | None = None
    opened_before: int | None = None
    closed_after: int | None = None
    closed_before: int | None = None
    include_unpublished_job_postings_ids: bool = False
    expand: list[JobExpand] = []


class JobInfoBody(Body):
    id: Uuid
    include_unpublished_job_postings_ids: bool = False
    expand: list[JobExpand] = []


class SourceListBody(Body):
    include_archived: bool = False


class ArchivablePageBody(PageBody):
    include_archived: bool = False


class TagCreateBody(Body):
    title: Text


class CandidateSearchBody(Body):
    email: str | None = None
    name: str | None = None

    @model_validator(mode="after")
    def _needs_a_criterion(self) -> CandidateSearchBody:
        if not (self.email or self.name):
            raise ValueError("give email or name (or both)")
        return self


class CandidateInfoBody(Body):
    id: Uuid | None = None
    external_mapping_id: str | None = None

    @model_validator(mode="after")
    def _needs_one_identifier(self) -> CandidateInfoBody:
        if (self.id is None) == (self.external_mapping_id is None):
            raise ValueError("give exactly one of id or externalMappingId")
        return self


class LocationIn(Body):
    city: str | None = None
    region: str | None = None
    country: str | None = None


class CandidateCreateBody(Body):
    name: Text
    email: Email | None = None
    phone_number: str | None = None
    linked_in_url: Url | None = None
    github_url: Url | None = None
    website: Url | None = None
    alternate_email_addresses: list[Email] = []
    source_id: Uuid | None = None
    credited_to_user_id: Uuid | None = None
    location: LocationIn | None = None
    created_at: Timestamp | None = None


class SocialLinkIn(Body):
    type: SocialLinkType
    url: Url


class CandidateUpdateBody(Body):
    candidate_id: Uuid
    name: Text | None = None
    email: Email | None = None
    phone_number: str | None = None
    linked_in_url: Url | None = None
    github_url: Url | None = None
    website_url: Url | None = None
    alternate_email: Email | None = None
    social_links: list[SocialLinkIn] | None = None
    source_id: Uuid | None = None
    credited_to_user_id: Uuid | None = None
    location: LocationIn | None = None
    created_at: Timestamp | None = None
    send_notifications: bool = True


class NoteContent(Body):
    type: Literal["text/plain", "text/html"]
    value: str


class CreateNoteBody(Body):
    candidate_id: Uuid
    note: str | NoteContent
    send_notifications: bool = False
    is_private: bool = False
    created_at: Timestamp | None = None


class AddTagBody(Body):
    candidate_id: Uuid
    tag_id: Uuid


class StageHistoryIn(Body):
    stage_id: Uuid
    stage_number: int
    entered_stage_at: Timestamp
    archive_reason_id: Uuid | None = None


class ApplicationCreateBody(Body):
    candidate_id: Uuid
    job_id: Uuid
    interview_plan_id: Uuid | None = None
    interview_stage_id: Uuid | None = None
    source_id: Uuid | None = None
    credited_to_user_id: Uuid | None = None
    created_at: Timestamp | None = None
    application_history: list[StageHistoryIn] | None = None


ApplicationExpand = Literal["openings", "applicationFormSubmissions", "referrals"]


class ApplicationListBody(PageBody):
    status: ApplicationStatus | None = None
    job_id: Uuid | None = None
    expand: list[Literal["openings"]] = []


class ApplicationInfoBody(Body):
    """By `applicationId` or `submittedFormInstanceId`; with both, `applicationId` wins."""

    application_id: Uuid | None = None
    submitted_form_instance_id: Uuid | None = None
    expand: list[ApplicationExpand] = []

    @model_validator(mode="after")
    def _needs_an_identifier(self) -> ApplicationInfoBody:
        if self.application_id is None and self.submitted_form_instance_id is None:
            raise ValueError("give applicationId or submittedFormInstanceId")
        return self


class ArchiveEmailIn(Body):
    communication_template_id: Uuid
    send_at: Timestamp | None = None


class ApplicationChangeStageBody(Body):
    application_id: Uuid
    interview_stage_id: Uuid
    archive_reason_id: Uuid | None = None
    archive_email: ArchiveEmailIn | None = None


class UploadHandleBody(Body):
    file_upload_context: FileUploadContext
    filename: Text
    content_type: Text
    content_length: int


class UploadResumeBody(Body):
    candidate_id: Uuid
    resume_handle: Text


class UploadFileBody(Body):
    candidate_id: Uuid
    file_handle: Text


class MultipartUpload(Body):
    """The deprecated multipart form of uploadResume/uploadFile: `candidateId` plus the file."""

    candidate_id: Uuid
    filename: str
    content_type: str
    data: bytes


def parse_json_body(model: type[M], raw: bytes) -> M:
    """The body as `model`, or `invalid_input` naming every field that is wrong."""
    try:
        return model.model_validate_json(raw or b"{}")
    except ValidationError as error:
        raise _invalid(error) from None


def parse_fields(model: type[M], fields: Mapping[str, object]) -> M:
    try:
        return model.model_validate(fields, strict=False)
    except ValidationError as error:
        raise _invalid(error) from None


def _invalid(error: ValidationError) -> AshbyError:
    problems = []
    for detail in error.errors(include_url=False):
        if detail["type"] == "json_invalid":
            return invalid_input("Request payload is malformed: the body is not valid JSON")
        where = ".".join(str(part) for part in detail["loc"]) or "body"
        problems.append(f"{where}: {detail['msg']}")
    return invalid_input("; ".join(problems))
