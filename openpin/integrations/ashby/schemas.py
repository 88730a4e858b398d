"""The Ashby records OpenPin reads, as far as it reads them; unknown keys are ignored."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Ashby(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class ErrorInfo(Ashby):
    code: str = "unknown"
    message: str | None = None
    requestId: str | None = None


class ContactPoint(Ashby):
    value: str
    type: str | None = None
    isPrimary: bool = False


class SocialLink(Ashby):
    type: str
    url: str


class FileHandle(Ashby):
    id: str | None = None
    name: str = ""
    handle: str | None = None


class AshbyCandidate(Ashby):
    id: str
    name: str = ""
    emailAddresses: list[ContactPoint] = []
    primaryEmailAddress: ContactPoint | None = None
    socialLinks: list[SocialLink] = []
    applicationIds: list[str] = []
    resumeFileHandle: FileHandle | None = None
    profileUrl: str | None = None
    updatedAt: str | None = None


class IdOnly(Ashby):
    id: str


class AshbyApplication(Ashby):
    id: str
    status: str
    updatedAt: str | None = None
    candidate: IdOnly
    job: IdOnly | None = None


class AshbyUser(Ashby):
    id: str
    firstName: str = ""
    lastName: str = ""
    email: str | None = None
    globalRole: str | None = None
    isEnabled: bool = True


class AshbyLocation(Ashby):
    name: str = ""


class AshbyJob(Ashby):
    id: str
    title: str
    status: str
    location: AshbyLocation | None = None


class SourceType(Ashby):
    title: str | None = None


class AshbySource(Ashby):
    id: str
    title: str
    isArchived: bool = False
    sourceType: SourceType | None = None


class ApiKeyInfo(Ashby):
    title: str = ""
    scopes: list[str] = []


class UploadHandle(Ashby):
    handle: str
    url: str
    fields: dict[str, str] = {}
