"""The ATS provider interface: what the ATS domain may ask of any applicant tracking system.

The domain (`openpin/ats/`) talks only to these Protocols and dataclasses; each vendor package
(`greenhouse/`, `ashby/`) implements them over its own HTTP protocol. A third ATS joins by adding
one package and one line in `registry.py`.

Rules every implementation keeps:
- Every failure is raised as a class from `openpin.integrations.errors`, classified once in the
  client. Nothing is swallowed; a step that could not be done is either raised or reported in the
  returned outcome (`warnings`).
- Writes are not idempotent in either vendor's API. A write that failed ambiguously
  (`TransientError.ambiguous`) may have been applied: the caller looks the person up
  (`find_candidates_by_email`, the local index) before creating again. Methods documented as
  idempotent check the ATS's state first, so calling them again is harmless.
- Ids cross the boundary as strings (Greenhouse's are integers, Ashby's UUIDs).
- Emails and LinkedIn URLs that come back from the ATS are normalised with `openpin.kit.normalise`
  (values that do not normalise are skipped, never raised).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol, runtime_checkable

from openpin.kit.normalise import NormalisationError, normalise_email, normalise_linkedin_url


@dataclass(frozen=True)
class ConnectionConfig:
    """One workspace's connection to an ATS, credentials already decrypted.

    `credentials`: Greenhouse `{"client_id", "client_secret"}`; Ashby `{"api_key"}`.
    `options`: Greenhouse `{"on_behalf_of_user_id": "<user id>"}` (the `sub` of its tokens) and
    optionally `token_url` / `app_url`; every provider accepts `timeout_seconds`.
    `repr` hides the credentials so the object can never leak them into a log line.
    """

    provider: str
    credentials: dict[str, str] = field(repr=False)
    base_url: str = ""
    options: dict[str, Any] = field(default_factory=dict)


# --- verification -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PermissionCheck:
    """One permission the integration uses, as the ATS names it, granted or missing.

    `required`: export cannot work without it (False: it works with less, e.g. no source
    attribution). `fix` says where to grant it in the ATS; it is set even when granted so the UI
    can show the full list the user must tick.
    """

    key: str
    label: str
    granted: bool
    required: bool
    used_for: str
    fix: str


@dataclass(frozen=True)
class PermissionReport:
    """What `verify()` found: who the credentials are, and each permission granted or missing."""

    provider: str
    account: str
    checks: tuple[PermissionCheck, ...]
    warnings: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """True when every required permission is granted (export can run)."""
        return all(check.granted for check in self.checks if check.required)

    @property
    def missing(self) -> tuple[PermissionCheck, ...]:
        return tuple(check for check in self.checks if not check.granted)

    def as_dict(self) -> dict[str, Any]:
        return {
            "provider": self.provider,
            "account": self.account,
            "ok": self.ok,
            "warnings": list(self.warnings),
            "permissions": [check.__dict__.copy() for check in self.checks],
        }


# --- reads ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AtsUser:
    """A user of the ATS. `can_act_as`: the integration may act as this user (reason if not)."""

    id: str
    name: str
    email: str
    is_admin: bool
    can_act_as: bool
    why_not: str = ""


@dataclass(frozen=True)
class AtsJob:
    id: str
    name: str
    status: str
    location: str = ""
    department: str = ""


@dataclass(frozen=True)
class AtsCandidate:
    """A person in the ATS, as far as dedupe needs: normalised emails and LinkedIn URLs."""

    id: str
    name: str
    emails: tuple[str, ...]
    linkedin_urls: tuple[str, ...]
    profile_url: str
    updated_at: str | None = None


@dataclass(frozen=True)
class IndexPage:
    """One page of a candidate index read.

    Persist `candidates` and `checkpoint` together; if the read stops, pass `checkpoint` as
    `resume_from` to continue after this page. On the last page `complete` is True, `checkpoint`
    is None and `watermark` is the value to pass as `since` to the next incremental read (store it
    only once every page is stored).
    """

    candidates: tuple[AtsCandidate, ...]
    checkpoint: str | None
    complete: bool
    watermark: str | None = None


@dataclass(frozen=True)
class ApplicationRef:
    """An application OpenPin exported, as it knows it: the ATS's application id when known, else
    the person and the ATS job it was made for (Ashby does not say which application a repeated
    apply found)."""

    application_id: str | None
    ats_candidate_id: str | None
    ats_job_id: str


@dataclass(frozen=True)
class AtsApplication:
    """An application as the ATS shows it now. `status` is the ATS's own word (Greenhouse
    `in_process`/`rejected`/`hired`, Ashby `Active`/`Archived`/`Hired`/`Lead`); `hired` says
    whether that word means hired. `updated_at` is the ATS's last change to it, if it says."""

    id: str
    ats_candidate_id: str
    ats_job_id: str | None
    status: str
    hired: bool
    updated_at: datetime | None = None

    def answers(self, ref: ApplicationRef) -> bool:
        """True when this is the application `ref` means (by id, else by person and job)."""
        if ref.application_id is not None:
            return ref.application_id == self.id
        return ref.ats_candidate_id == self.ats_candidate_id and ref.ats_job_id == self.ats_job_id


def application_for(
    ref: ApplicationRef, applications: Iterable[AtsApplication]
) -> AtsApplication | None:
    """The application `ref` means among `applications`; matched by person and job, a hired one
    wins (an earlier, rejected application to the same job may still be listed)."""
    matches = [application for application in applications if application.answers(ref)]
    return max(matches, key=lambda application: application.hired) if matches else None


@dataclass(frozen=True)
class HirePage:
    """One page of a hired-applications read; checkpoint semantics as `IndexPage`.

    `hired` holds only applications the ATS shows as hired now. On the last page `complete` is
    True and `watermark` is the value to pass as `since` next time (store it only once every page
    is stored)."""

    hired: tuple[AtsApplication, ...]
    checkpoint: str | None
    complete: bool
    watermark: str | None = None


# --- normalising what an ATS sends back -------------------------------------------------------


def normalised_emails(values: Iterable[str]) -> tuple[str, ...]:
    return _unique(_or_none(normalise_email, value) for value in values)


def normalised_linkedin_urls(values: Iterable[str]) -> tuple[str, ...]:
    """LinkedIn profile URLs among any URLs (recruiters paste them as websites too)."""
    return _unique(_or_none(normalise_linkedin_url, value) for value in values)


def _or_none(normalise: Any, value: str) -> str | None:
    try:
        result: str = normalise(value)
        return result
    except (NormalisationError, ValueError):
        return None


def _unique(values: Iterable[str | None]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(value for value in values if value))


# --- writes ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Role:
    title: str
    company: str
    start_date: date | None = None
    end_date: date | None = None
    is_current: bool = False


@dataclass(frozen=True)
class Schooling:
    school: str
    degree: str = ""
    field_of_study: str = ""
    start_date: date | None = None
    end_date: date | None = None


@dataclass(frozen=True)
class Location:
    city: str = ""
    state: str = ""
    country: str = ""  # the country's name, e.g. "United Kingdom"

    def is_empty(self) -> bool:
        return not (self.city or self.state or self.country)


@dataclass(frozen=True)
class ResumeFile:
    filename: str
    content: bytes = field(repr=False)
    content_type: str = "application/pdf"


@dataclass(frozen=True)
class CandidateExport:
    """Everything OpenPin sends about a person, detached from the ORM.

    `emails`: normalised, primary first. `phones`: E.164. `roles`: current first.
    `profile_url`: the person's page in OpenPin, linked from the note left in the ATS.
    """

    first_name: str
    last_name: str
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    linkedin_url: str | None = None
    location: Location = Location()
    roles: tuple[Role, ...] = ()
    educations: tuple[Schooling, ...] = ()
    resume: ResumeFile | None = None
    profile_url: str = ""
    headline: str = ""

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part)

    @property
    def current_role(self) -> Role | None:
        current = [role for role in self.roles if role.is_current]
        return current[0] if current else (self.roles[0] if self.roles else None)


@dataclass(frozen=True)
class SourceChoice:
    """The ATS source credited for OpenPin's candidates.

    `exact`: a source named for OpenPin exists. Otherwise `source_id` is the closest documented
    fallback (or None) and `explanation` says what the user can do.
    """

    source_id: str | None
    name: str
    exact: bool
    explanation: str = ""


@dataclass(frozen=True)
class CreatedCandidate:
    ats_candidate_id: str
    application_id: str | None
    profile_url: str
    source: SourceChoice
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class ApplicationResult:
    """`created` is False when the person already had an application to that job
    (`application_id` is then None if the ATS does not say which, as with Ashby)."""

    application_id: str | None
    created: bool


@dataclass(frozen=True)
class ProfileOutcome:
    """What `complete_profile` wrote (`written`), found already there (`present`), or could not
    map (`warnings`, worded for the user)."""

    written: tuple[str, ...] = ()
    present: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()


# --- capabilities ---------------------------------------------------------------------------------


@runtime_checkable
class ConnectionVerifier(Protocol):
    def verify(self) -> PermissionReport:
        """Check the credentials and every permission the integration uses.

        Raises `AuthError` only when the credentials themselves are wrong (nothing can be
        checked); a missing permission is a `granted=False` entry in the report, with its fix.
        Also checks that a source named for OpenPin exists (a non-required entry).
        """
        ...

    def list_users(self) -> list[AtsUser]:
        """Every enabled user the credentials can see (Greenhouse: to choose who the integration
        acts as; only Site Admins can, since v3 reads need one)."""
        ...


@runtime_checkable
class JobDirectory(Protocol):
    def list_open_jobs(self) -> list[AtsJob]:
        """Every open job, all pages read, with location and department where the ATS has them."""
        ...


@runtime_checkable
class CandidateDirectory(Protocol):
    def find_candidates_by_email(self, emails: Sequence[str]) -> list[AtsCandidate]:
        """Every ATS candidate having any of `emails` (exact match, one lookup per email),
        without duplicates. The lookup to use before creating, including right after an
        ambiguous write failure."""
        ...

    def find_after_failed_write(
        self, export: CandidateExport, since: datetime
    ) -> list[AtsCandidate]:
        """After a create that failed ambiguously: the candidates created or changed since
        `since` that match `export` by any email or its LinkedIn URL. Waits out the ATS's
        not-found-right-after-create delay (Greenhouse), so a create that was applied is found
        and never made twice; an empty answer means the create was not applied."""
        ...

    def get_candidate(self, ats_candidate_id: str) -> AtsCandidate | None:
        """The candidate, or None if it does not exist. Retries briefly when the ATS answers
        not-found right after a create (Greenhouse), so a fresh id reads back."""
        ...

    def read_candidate_index(
        self, since: str | None = None, resume_from: str | None = None
    ) -> Iterator[IndexPage]:
        """Read the ATS's candidates page by page for the local dedupe index.

        `since=None`: a full read. `since=<watermark of the last complete read>`: only the
        candidates changed since (Greenhouse `updated_at` window, Ashby `syncToken`).
        `resume_from=<checkpoint of a page>`: continue an interrupted read (same mode, same
        final watermark). Raises `SyncExpired` when an incremental read or a resume can no
        longer continue: the caller discards it and starts a full read. Never reports deletions
        (neither ATS has a deletion feed), so the caller never drops entries because of a read.
        """
        ...

    def profile_url(self, ats_candidate_id: str) -> str:
        """The candidate's page in the ATS's web app."""
        ...


@runtime_checkable
class CandidateWriter(Protocol):
    def resolve_source(self) -> SourceChoice:
        """The source credited for OpenPin: one named "OpenPin" if it exists (looked up by name),
        else the closest documented fallback, with an explanation. Cached per provider object."""
        ...

    def create_candidate(self, export: CandidateExport, ats_job_id: str) -> CreatedCandidate:
        """Create the person with contact data, location, current role where the ATS has it,
        the source, and the application to `ats_job_id`.

        Not idempotent: look the person up first. If the person was created but the
        application failed, the raised error carries `ats_candidate_id`; record it and call
        `add_application`. Then call `complete_profile` for history, resume and note.
        """
        ...

    def add_application(self, ats_candidate_id: str, ats_job_id: str) -> ApplicationResult:
        """Apply an existing candidate to a job, crediting the OpenPin source. Idempotent: an
        existing application to that job is returned with `created=False`. Never touches the
        candidate's contact data."""
        ...

    def complete_profile(
        self, ats_candidate_id: str, export: CandidateExport, application_id: str | None = None
    ) -> ProfileOutcome:
        """Write what the create could not carry: history (where the ATS has it), the resume
        and the note linking back to OpenPin. Idempotent where the ATS lets us read back
        (Greenhouse: employments, educations, attachments, notes; Ashby: the resume)."""
        ...

    def attach_resume(
        self, ats_candidate_id: str, resume: ResumeFile, application_id: str | None = None
    ) -> bool:
        """Attach the resume unless one with the same file name is there; True if written."""
        ...

    def add_note(self, ats_candidate_id: str, export: CandidateExport) -> bool:
        """Leave the note linking back to the OpenPin profile (Ashby: with roles and education,
        which it cannot store otherwise). Skipped, returning False, if that note is there."""
        ...


@runtime_checkable
class HireReader(Protocol):
    def read_hires(
        self, since: str | None = None, resume_from: str | None = None
    ) -> Iterator[HirePage]:
        """Read the ATS's hired applications page by page, to learn which exports were hired.

        `since=None`: every application hired now (a full read; Ashby has no other way to hand
        out a sync token). `since=<watermark of the last complete read>`: only the hired
        applications changed since (Greenhouse `updated_at` window with `status=hired`, Ashby
        `syncToken` with `status: Hired`). `resume_from`: continue an interrupted read, as in
        `read_candidate_index`. Raises `SyncExpired` when the read cannot continue: a failed
        resume is started again from the same `since`, an unusable `since` with a full read.

        An application hired before the window and exported to later is not in any incremental
        read: the caller checks each new export once with `application_states`.
        """
        ...

    def application_states(
        self, refs: Sequence[ApplicationRef]
    ) -> dict[ApplicationRef, AtsApplication]:
        """Each application's current state, read straight from the ATS in as few requests as
        it allows (Greenhouse: 50 ids a request; Ashby: one `application.info` each, and for a
        ref without an application id, the person's applications until one is for the job).
        Refs the ATS no longer knows are left out."""
        ...


@runtime_checkable
class AtsProvider(
    ConnectionVerifier, JobDirectory, CandidateDirectory, CandidateWriter, HireReader, Protocol
):
    """Everything the ATS domain needs from one connection. Thread-safe; `close()` releases the
    HTTP connection pool."""

    name: str
    display_name: str

    def close(self) -> None: ...
