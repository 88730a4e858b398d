from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from openpin.models.job import JobStatus, Seniority


class JobCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=300)
    description: str = ""
    locations: list[str] = Field(default_factory=list)
    must_have_skills: list[str] = Field(default_factory=list)
    nice_to_have_skills: list[str] = Field(default_factory=list)
    seniority: Seniority | None = None
    status: JobStatus = JobStatus.OPEN
    owner_id: int | None = None


class JobUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(default=None, min_length=1, max_length=300)
    description: str | None = None
    locations: list[str] | None = None
    must_have_skills: list[str] | None = None
    nice_to_have_skills: list[str] | None = None
    seniority: Seniority | None = None
    status: JobStatus | None = None
    owner_id: int | None = None


class Job(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    title: str
    description: str
    locations: list[str]
    must_have_skills: list[str]
    nice_to_have_skills: list[str]
    seniority: Seniority | None
    status: JobStatus
    owner_id: int | None
    created_at: datetime
    updated_at: datetime
