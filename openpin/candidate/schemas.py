"""Candidate shapes: `CandidateCreate` in (API, UI, importers), `Candidate` out.

Input fields are raw user text; the service normalises them (see `openpin.kit.normalise`) and
answers with a clear error when a value cannot be read.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from openpin.ats.schemas import CandidateAtsStatus


class ExperienceIn(BaseModel):
    title: str = Field(default="", max_length=300)
    company: str = Field(default="", max_length=300)
    start_date: date | None = None
    end_date: date | None = None
    is_current: bool = False
    description: str = ""


class EducationIn(BaseModel):
    school: str = Field(default="", max_length=300)
    degree: str = Field(default="", max_length=200)
    field_of_study: str = Field(default="", max_length=200)
    start_date: date | None = None
    end_date: date | None = None


class LocationIn(BaseModel):
    city: str = ""
    region: str = ""
    # A country name, ISO alpha-2 or alpha-3 code; normalised to the ISO 3166 name and code.
    country: str = ""


class CandidateCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    full_name: str = Field(default="", max_length=300)
    first_name: str = Field(default="", max_length=150)
    last_name: str = Field(default="", max_length=150)
    emails: list[str] = Field(default_factory=list)
    phones: list[str] = Field(default_factory=list)
    linkedin_url: str | None = None
    links: list[str] = Field(default_factory=list)
    location: LocationIn = Field(default_factory=LocationIn)
    headline: str = Field(default="", max_length=300)
    summary: str = ""
    skills: list[str] = Field(default_factory=list)
    experiences: list[ExperienceIn] = Field(default_factory=list)
    educations: list[EducationIn] = Field(default_factory=list)
    source: str = Field(default="", max_length=100)
    owner_id: int | None = None


class CandidateUpdate(BaseModel):
    """A partial update: only the fields present are changed; lists given replace the old list."""

    model_config = ConfigDict(extra="forbid")

    full_name: str | None = Field(default=None, max_length=300)
    first_name: str | None = Field(default=None, max_length=150)
    last_name: str | None = Field(default=None, max_length=150)
    emails: list[str] | None = None
    phones: list[str] | None = None
    linkedin_url: str | None = None
    links: list[str] | None = None
    location: LocationIn | None = None
    headline: str | None = Field(default=None, max_length=300)
    summary: str | None = None
    skills: list[str] | None = None
    experiences: list[ExperienceIn] | None = None
    educations: list[EducationIn] | None = None
    source: str | None = Field(default=None, max_length=100)
    owner_id: int | None = None


class Experience(ExperienceIn):
    model_config = ConfigDict(from_attributes=True)
    id: int


class Education(EducationIn):
    model_config = ConfigDict(from_attributes=True)
    id: int


class Location(BaseModel):
    city: str
    region: str
    country_code: str
    country_name: str


class Candidate(BaseModel):
    id: int
    full_name: str
    first_name: str
    last_name: str
    emails: list[str]
    phones: list[str]
    linkedin_url: str | None
    links: list[str]
    location: Location
    headline: str
    summary: str
    skills: list[str]
    experiences: list[Experience]
    educations: list[Education]
    source: str
    owner_id: int | None
    created_at: datetime
    updated_at: datetime
    # Sync status in the connected ATS; null when never exported (see openpin.ats).
    ats: CandidateAtsStatus | None = None


class CandidateWriteResult(BaseModel):
    """What a create answers: the candidate, and whether it was merged into an existing one."""

    candidate: Candidate
    merged: bool
    merged_into_id: int | None = None


class ImportError_(BaseModel):
    line: int
    message: str


class ImportResult(BaseModel):
    created: int = 0
    merged: int = 0
    errors: list[ImportError_] = Field(default_factory=list)


class CandidatePage(BaseModel):
    items: list[Candidate]
    next_cursor: str | None
    total: int | None = None


class TimelineEvent(BaseModel):
    id: int
    type: str
    label: str
    data: dict[str, object]
    job_id: int | None
    created_at: datetime
