"""The Harvest v3 records OpenPin reads, as far as it reads them; unknown keys are ignored.

Greenhouse may add fields but never removes or renames them, so every model ignores extras and
every field OpenPin does not strictly need is optional.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Harvest(BaseModel):
    model_config = ConfigDict(extra="ignore")


class ContactEntry(Harvest):
    value: str
    type: str | None = None


class GhUser(Harvest):
    id: int
    name: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    primary_email: str | None = None
    deactivated: bool = False
    site_admin: bool = False

    @property
    def display_name(self) -> str:
        joined = " ".join(part for part in (self.first_name, self.last_name) if part)
        return self.name or joined or f"User {self.id}"


class GhJob(Harvest):
    id: int
    name: str
    status: str
    department_id: int | None = None
    office_ids: list[int] = []


class GhNamed(Harvest):
    """Departments and offices: only the name is shown."""

    id: int
    name: str


class GhSourceType(Harvest):
    id: int | None = None
    name: str | None = None


class GhSource(Harvest):
    id: int
    name: str
    type: GhSourceType | None = None


class GhCustomFieldOption(Harvest):
    id: int
    name: str
    custom_field_key: str | None = None
    active: bool = True


class GhCandidate(Harvest):
    id: int
    first_name: str | None = None
    last_name: str | None = None
    company: str | None = None
    title: str | None = None
    updated_at: str | None = None
    email_addresses: list[ContactEntry] = []
    phone_numbers: list[ContactEntry] = []
    addresses: list[ContactEntry] = []
    website_addresses: list[ContactEntry] = []
    social_media_addresses: list[ContactEntry] = []


class GhApplication(Harvest):
    id: int
    candidate_id: int
    job_id: int | None = None
    job_ids: list[int] = []
    prospect: bool = False
    status: str | None = None
    source_id: int | None = None
    updated_at: str | None = None

    @property
    def single_job_id(self) -> int | None:
        """The job of a candidate application (prospects may have none or several)."""
        if self.job_id is not None:
            return self.job_id
        return self.job_ids[0] if len(self.job_ids) == 1 else None

    def is_for_job(self, job_id: int) -> bool:
        return not self.prospect and (self.job_id == job_id or self.job_ids == [job_id])


class GhAttachment(Harvest):
    id: int | None = None
    candidate_id: int | None = None
    filename: str
    type: str | None = None


class GhNote(Harvest):
    id: int | None = None
    candidate_id: int | None = None
    body: str = ""


class GhEducation(Harvest):
    id: int | None = None
    candidate_id: int | None = None
    school_name: str | None = None
    degree: str | None = None
    discipline: str | None = None


class GhEmployment(Harvest):
    id: int | None = None
    candidate_id: int | None = None
    company_name: str | None = None
    title: str | None = None


class TokenGrant(Harvest):
    access_token: str
    token_type: str = "Bearer"
    expires_in: float | None = None
    expires_at: str | None = None
