"""What the Ashby sandbox stores: one organisation's data, as plain records.

Records hold facts in the sandbox's own terms; `views.py` renders them in Ashby's JSON shapes.
Every record that a list endpoint can sync carries `change_seq`, the value of the organisation's
change counter when it was last written: incremental sync (`syncToken`) is "change_seq above N".
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

GlobalRole = Literal[
    "Organization Admin", "Elevated Access", "Limited Access", "External Recruiter"
]
JobStatus = Literal["Draft", "Open", "Closed", "Archived"]
EmploymentType = Literal["FullTime", "PartTime", "Intern", "Contract", "Temporary"]
ContactType = Literal["Personal", "Work", "Other"]
SocialLinkType = Literal[
    "LinkedIn", "GitHub", "Twitter", "Medium", "StackOverflow", "YouTube", "CodePen", "Website"
]
ApplicationStatus = Literal["Hired", "Archived", "Active", "Lead"]
FileUploadContext = Literal["CandidateResume", "CandidateFiles", "ApplicationForm"]
CustomFieldValue = bool | float | list[str]


class Record(BaseModel):
    # Records are mutated in place under the state lock; validation happens at the API edge.
    model_config = ConfigDict(ser_json_bytes="base64", val_json_bytes="base64")


class User(Record):
    id: str
    first_name: str
    last_name: str
    email: str
    global_role: GlobalRole
    is_enabled: bool = True
    updated_at: datetime
    change_seq: int = 0


class SourceType(Record):
    id: str
    title: str


class Source(Record):
    id: str
    title: str
    is_archived: bool = False
    source_type: SourceType


class Tag(Record):
    id: str
    title: str
    is_archived: bool = False
    change_seq: int = 0


class CustomField(Record):
    id: str
    title: str
    object_type: Literal["Application", "Candidate", "Job"]
    field_type: Literal["Boolean", "Number", "MultiValueSelect", "String", "ValueSelect"]
    is_private: bool = False
    is_archived: bool = False
    is_required: bool = False
    selectable_values: list[str] = Field(default_factory=list)
    change_seq: int = 0


class Location(Record):
    id: str
    name: str
    city: str
    region: str
    country: str
    workplace_type: Literal["OnSite", "Hybrid", "Remote"]


class Department(Record):
    id: str
    name: str


class InterviewStage(Record):
    id: str
    title: str
    # Ashby's stage types; the first stage of every seeded plan is a "Lead" stage.
    type: Literal["Lead", "PreInterviewScreen", "Active", "Offer", "Hired", "Archived"]
    order: int


class InterviewPlan(Record):
    id: str
    title: str
    stages: list[InterviewStage]


class HiringTeamMember(Record):
    user_id: str
    role: str


class Opening(Record):
    id: str
    opened_at: datetime
    closed_at: datetime | None = None
    state: Literal["Approved", "Closed", "Draft", "Filled", "Open"]


class Job(Record):
    id: str
    title: str
    status: JobStatus
    employment_type: EmploymentType
    confidential: bool = False
    location_id: str
    department_id: str
    interview_plan_id: str
    hiring_team: list[HiringTeamMember]
    author_id: str
    openings: list[Opening] = Field(default_factory=list)
    created_at: datetime
    updated_at: datetime
    opened_at: datetime | None = None
    closed_at: datetime | None = None
    change_seq: int = 0


class ContactPoint(Record):
    value: str
    type: ContactType
    is_primary: bool


class SocialLink(Record):
    type: SocialLinkType
    url: str


class CandidateLocation(Record):
    id: str
    city: str | None = None
    region: str | None = None
    country: str | None = None


class FileRef(Record):
    """A file attached to a candidate (`resumeFileHandle`, `fileHandles[]`)."""

    id: str
    name: str
    handle: str


class Candidate(Record):
    id: str
    name: str
    emails: list[ContactPoint] = Field(default_factory=list)
    phones: list[ContactPoint] = Field(default_factory=list)
    social_links: list[SocialLink] = Field(default_factory=list)
    tag_ids: list[str] = Field(default_factory=list)
    source_id: str | None = None
    credited_to_user_id: str | None = None
    location: CandidateLocation | None = None
    position: str | None = None
    company: str | None = None
    school: str | None = None
    application_ids: list[str] = Field(default_factory=list)
    resume: FileRef | None = None
    files: list[FileRef] = Field(default_factory=list)
    custom_field_values: dict[str, CustomFieldValue] = Field(default_factory=dict)
    external_mapping_id: str | None = None
    created_at: datetime
    updated_at: datetime
    change_seq: int = 0


class StageEntry(Record):
    stage_id: str
    entered_at: datetime


class Application(Record):
    id: str
    candidate_id: str
    job_id: str
    interview_plan_id: str
    stage_id: str
    status: ApplicationStatus
    source_id: str | None = None
    credited_to_user_id: str | None = None
    history: list[StageEntry] = Field(default_factory=list)
    created_at: datetime
    updated_at: datetime
    change_seq: int = 0


class Note(Record):
    id: str
    candidate_id: str
    content: str
    content_type: Literal["text/plain", "text/html"] = "text/plain"
    is_private: bool
    author_id: str
    created_at: datetime


class StoredFile(Record):
    """An upload handle and, once the bytes arrived at the storage URL, its content."""

    handle: str
    id: str
    context: FileUploadContext
    filename: str
    content_type: str
    content_length: int
    upload_token: str
    data: bytes | None = None
    created_at: datetime


class ApiKey(Record):
    key: str
    title: str
    permissions: list[str]
    author_user_id: str
    is_active: bool = True
    created_at: datetime


class Organization(Record):
    """Everything one sandbox serves; persisted as one JSON document."""

    seed: int
    epoch: str
    """Changes on reset/reseed: sync tokens and cursors from an earlier epoch are expired."""
    change_seq: int = 0
    users: dict[str, User] = Field(default_factory=dict)
    sources: dict[str, Source] = Field(default_factory=dict)
    tags: dict[str, Tag] = Field(default_factory=dict)
    custom_fields: dict[str, CustomField] = Field(default_factory=dict)
    locations: dict[str, Location] = Field(default_factory=dict)
    departments: dict[str, Department] = Field(default_factory=dict)
    interview_plans: dict[str, InterviewPlan] = Field(default_factory=dict)
    jobs: dict[str, Job] = Field(default_factory=dict)
    candidates: dict[str, Candidate] = Field(default_factory=dict)
    applications: dict[str, Application] = Field(default_factory=dict)
    notes: dict[str, Note] = Field(default_factory=dict)
    files: dict[str, StoredFile] = Field(default_factory=dict)
    api_keys: dict[str, ApiKey] = Field(default_factory=dict)

    def next_change(self) -> int:
        self.change_seq += 1
        return self.change_seq
