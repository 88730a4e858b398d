"""Greenhouse as an `AtsProvider`: the domain's questions answered with Harvest v3 calls."""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from openpin.integrations.base import (
    ApplicationRef,
    ApplicationResult,
    AtsApplication,
    AtsCandidate,
    AtsJob,
    AtsUser,
    CandidateExport,
    ConnectionConfig,
    CreatedCandidate,
    HirePage,
    IndexPage,
    PermissionCheck,
    PermissionReport,
    ProfileOutcome,
    ResumeFile,
    SourceChoice,
    application_for,
)
from openpin.integrations.errors import (
    IntegrationError,
    MissingPermission,
    NotFoundInAts,
    RejectedError,
    SyncExpired,
    with_candidate_id,
)
from openpin.integrations.greenhouse import mapping
from openpin.integrations.greenhouse.client import (
    MAX_PER_PAGE,
    PROVIDER,
    GreenhouseClient,
    Page,
    Record,
)
from openpin.integrations.greenhouse.schemas import GhApplication, GhAttachment
from openpin.kit.crypto import mask_secret

T = TypeVar("T")
# An incremental window starts this long before the last one ended: rows whose `updated_at`
# the server stamped with a clock behind ours are still read (reading a row twice is harmless).
INDEX_OVERLAP = timedelta(minutes=5)
DEFAULT_SETTLE_SECONDS = 5.0
SCOPES_FIX = (
    "In Greenhouse: Configure > Dev Center > API Credentials > this credential > Manage Scopes > "
    "Harvest, tick {scope}, save, then reconnect (new scopes apply to new tokens)."
)


@dataclass(frozen=True)
class WindowPage:
    """One page of an `updated_at` window read: its records and where the read stands after it
    (`checkpoint` None on the last page, which carries the window's end as `watermark`)."""

    records: list[Record]
    checkpoint: str | None
    watermark: str | None


@dataclass(frozen=True)
class ScopeProbe:
    """How to learn whether a scope is granted without changing anything: a 403 means missing.

    List scopes: a one-row GET. Create scopes: a POST with an empty body, which a granted scope
    answers 422 (nothing is created). Update: a PATCH of a candidate id that cannot exist.
    """

    scope: str
    label: str
    used_for: str
    required: bool = True

    def request(self) -> tuple[str, str, dict[str, Any] | None, dict[str, Any] | None]:
        collection, _, action = self.scope.removeprefix("harvest:").partition(":")
        if action == "list":
            return "GET", f"/v3/{collection}", {"per_page": 1}, None
        if action == "update":
            return "PATCH", f"/v3/{collection}/0", None, {}
        return "POST", f"/v3/{collection}", None, {}


SCOPE_PROBES = (
    ScopeProbe("harvest:users:list", "Users: list", "choose the user the integration acts as"),
    ScopeProbe("harvest:jobs:list", "Jobs: list", "pick the Greenhouse job to export to"),
    ScopeProbe("harvest:candidates:list", "Candidates: list", "find people already there"),
    ScopeProbe("harvest:candidates:create", "Candidates: create", "add new candidates"),
    ScopeProbe(
        "harvest:candidates:update",
        "Candidates: update",
        "in the integration's setup guide; OpenPin never edits contact data after the first export",
        required=False,
    ),
    ScopeProbe("harvest:applications:list", "Applications: list", "never apply twice to a job"),
    ScopeProbe("harvest:applications:create", "Applications: create", "add to a job"),
    ScopeProbe("harvest:attachments:create", "Attachments: create", "attach the resume PDF"),
    ScopeProbe("harvest:notes:create", "Notes: create", "leave a note linking to OpenPin"),
    ScopeProbe("harvest:candidate_educations:create", "Educations: create", "record education"),
    ScopeProbe(
        "harvest:candidate_employments:create",
        "Employments: create",
        "record current and past roles",
    ),
    ScopeProbe("harvest:sources:list", "Sources: list", "credit candidates to OpenPin"),
    ScopeProbe(
        "harvest:custom_field_options:list",
        "Custom field options: list",
        "match schools, degrees and disciplines",
    ),
    ScopeProbe(
        "harvest:departments:list", "Departments: list", "show jobs' departments", required=False
    ),
    ScopeProbe("harvest:offices:list", "Offices: list", "show jobs' locations", required=False),
    *(
        ScopeProbe(
            f"harvest:{collection}:list",
            f"{label}: list",
            f"check for {label.lower()} already there, so a retried export adds no copy",
            required=False,
        )
        for collection, label in (
            ("attachments", "Attachments"),
            ("notes", "Notes"),
            ("candidate_educations", "Educations"),
            ("candidate_employments", "Employments"),
        )
    ),
)


class GreenhouseProvider:
    name = PROVIDER
    display_name = "Greenhouse"

    def __init__(
        self,
        client: GreenhouseClient,
        *,
        app_url: str | None = None,
        settle_seconds: float = DEFAULT_SETTLE_SECONDS,
        index_page_size: int = MAX_PER_PAGE,
        hire_page_size: int = MAX_PER_PAGE,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.client = client
        self.index_page_size = index_page_size
        self.hire_page_size = hire_page_size
        self.app_url = app_url or mapping.app_url_for(client.base_url)
        self.settle_seconds = settle_seconds
        self._sleep = sleep
        self._lock = threading.Lock()
        self._source: SourceChoice | None = None
        self._options: dict[str, dict[str, int]] | None = None

    @classmethod
    def from_config(cls, config: ConnectionConfig) -> GreenhouseProvider:
        options = config.options
        client = GreenhouseClient(
            config.credentials.get("client_id", ""),
            config.credentials.get("client_secret", ""),
            base_url=config.base_url or "https://harvest.greenhouse.io",
            on_behalf_of=options.get("on_behalf_of_user_id"),
            token_url=options.get("token_url"),
            timeout_seconds=options.get("timeout_seconds"),
        )
        return cls(
            client,
            app_url=options.get("app_url"),
            settle_seconds=float(options.get("settle_seconds", DEFAULT_SETTLE_SECONDS)),
            index_page_size=int(options.get("index_page_size", MAX_PER_PAGE)),
            hire_page_size=int(options.get("hire_page_size", MAX_PER_PAGE)),
        )

    def close(self) -> None:
        self.client.close()

    # --- verification ---------------------------------------------------------------------------

    def verify(self) -> PermissionReport:
        self.client.access_token()  # wrong credentials raise AuthError here, before any probe
        checks = [self._probe(probe) for probe in SCOPE_PROBES]
        account, acting_checks, warnings = self._acting_user_checks()
        checks += acting_checks
        checks.append(self._source_check(checks))
        return PermissionReport(PROVIDER, account, tuple(checks), tuple(warnings))

    def _probe(self, probe: ScopeProbe) -> PermissionCheck:
        method, path, params, body = probe.request()
        try:
            self.client.request(method, path, params=params, json=body)
            granted = True
        except MissingPermission:
            granted = False
        except (RejectedError, NotFoundInAts):
            granted = True  # the scope let the request through to validation
        return PermissionCheck(
            key=probe.scope,
            label=probe.label,
            granted=granted,
            required=probe.required,
            used_for=probe.used_for,
            fix=SCOPES_FIX.format(scope=probe.scope),
        )

    def _acting_user_checks(self) -> tuple[str, list[PermissionCheck], list[str]]:
        credential = f"credential {mask_secret(self.client._auth[0])}"
        user_id = self.client.on_behalf_of
        if user_id is None:
            warning = (
                "No Greenhouse user is chosen: exports are recorded as the credential's "
                "Integration Service User. Choose the user the integration acts as."
            )
            return f"{credential}, acting as the Integration Service User", [], [warning]
        try:
            users = self.client.list_by_ids("users", "ids", [int(user_id)])
        except MissingPermission:
            users = []
        is_admin = bool(users)  # v3 reads by a user who is not a Site Admin return nothing
        name = str(users[0].get("name") or user_id) if users else f"user {user_id}"
        check = PermissionCheck(
            key="site_admin",
            label=f"The user the integration acts as ({name}) is a Site Admin",
            granted=is_admin,
            required=True,
            used_for="Greenhouse v3 answers reads only for Site Admins",
            fix="Choose a Site Admin as the user the integration acts as, or make this user a "
            "Site Admin in Greenhouse (Configure > Users).",
        )
        return f"{credential}, acting as {name}", [check], []

    def _source_check(self, checks: list[PermissionCheck]) -> PermissionCheck:
        can_list = any(c.key == "harvest:sources:list" and c.granted for c in checks)
        choice = self.resolve_source() if can_list else None
        return PermissionCheck(
            key="source:OpenPin",
            label="A source named OpenPin",
            granted=bool(choice and choice.exact),
            required=False,
            used_for="show in Greenhouse that OpenPin sourced the candidate",
            fix=(choice.explanation if choice else "")
            or "In Greenhouse: Configure > Custom Options > Sources, add a source named OpenPin "
            "(type Prospecting).",
        )

    # --- users and jobs -------------------------------------------------------------------------

    def list_users(self) -> list[AtsUser]:
        return [mapping.to_user(record) for record in self.client.users()]

    def list_open_jobs(self) -> list[AtsJob]:
        departments = _optional(lambda: mapping.names_by_id(self.client.departments())) or {}
        offices = _optional(lambda: mapping.names_by_id(self.client.offices())) or {}
        return [mapping.to_job(job, departments, offices) for job in self.client.jobs("open")]

    # --- reading candidates ---------------------------------------------------------------------

    def profile_url(self, ats_candidate_id: str) -> str:
        return mapping.candidate_profile_url(self.app_url, ats_candidate_id)

    def _candidate(self, record: Record) -> AtsCandidate:
        return mapping.to_candidate(record, self.app_url)

    def find_candidates_by_email(self, emails: Sequence[str]) -> list[AtsCandidate]:
        found: dict[str, AtsCandidate] = {}
        for email in dict.fromkeys(e.strip() for e in emails if e.strip()):
            for record in self.client.candidates_by_email(email):
                candidate = self._candidate(record)
                found.setdefault(candidate.id, candidate)
        return list(found.values())

    def find_after_failed_write(
        self, export: CandidateExport, since: datetime
    ) -> list[AtsCandidate]:
        window = {"created_at": f"gte|{mapping.iso_utc(since - INDEX_OVERLAP)}"}
        deadline = time.monotonic() + self.settle_seconds
        while True:
            recent = [self._candidate(r) for r in self.client.list_all("candidates", window)]
            matches = [c for c in recent if _matches(c, export)]
            if matches or time.monotonic() >= deadline:
                return matches
            self._sleep(0.5)

    def get_candidate(self, ats_candidate_id: str) -> AtsCandidate | None:
        candidate_id = _greenhouse_id(ats_candidate_id, "candidate")
        deadline = time.monotonic() + self.settle_seconds
        while True:
            records = self.client.candidates_by_ids([candidate_id])
            if records:
                return self._candidate(records[0])
            if time.monotonic() >= deadline:
                return None
            self._sleep(0.5)  # created moments ago: Greenhouse answers not-found for a while

    def read_candidate_index(
        self, since: str | None = None, resume_from: str | None = None
    ) -> Iterator[IndexPage]:
        pages = self._window_read("candidates", {}, self.index_page_size, since, resume_from)
        for page in pages:
            candidates = tuple(self._candidate(record) for record in page.records)
            complete = page.checkpoint is None
            yield IndexPage(candidates, page.checkpoint, complete, page.watermark)

    # --- reading hires ----------------------------------------------------------------------------

    def read_hires(
        self, since: str | None = None, resume_from: str | None = None
    ) -> Iterator[HirePage]:
        # One listing for the whole org: `status=hired` within the `updated_at` window. Assumed
        # (not documented for v3): the two filters combine, and hiring an application moves its
        # `updated_at`. Rows are checked for `hired` again, so an ignored filter costs only pages.
        filters = {"status": mapping.HIRED_STATUS}
        pages = self._window_read("applications", filters, self.hire_page_size, since, resume_from)
        for page in pages:
            applications = (mapping.to_application(record) for record in page.records)
            hired = tuple(application for application in applications if application.hired)
            yield HirePage(hired, page.checkpoint, page.checkpoint is None, page.watermark)

    def application_states(
        self, refs: Sequence[ApplicationRef]
    ) -> dict[ApplicationRef, AtsApplication]:
        ids = sorted(
            {_greenhouse_id(r.application_id, "application") for r in refs if r.application_id}
        )
        people = sorted(
            {
                _greenhouse_id(ref.ats_candidate_id, "candidate")
                for ref in refs
                if ref.application_id is None and ref.ats_candidate_id
            }
        )
        records = self.client.list_by_ids("applications", "ids", ids) if ids else []
        if people:
            records += self.client.list_by_ids("applications", "candidate_ids", people)
        applications = [mapping.to_application(record) for record in records]
        states = {ref: application_for(ref, applications) for ref in refs}
        return {ref: state for ref, state in states.items() if state is not None}

    def _window_read(
        self,
        collection: str,
        filters: dict[str, str],
        page_size: int,
        since: str | None,
        resume_from: str | None,
    ) -> Iterator[WindowPage]:
        """`collection` changed from `since` (less the overlap) to now, or all of it up to now
        when `since` is None; Greenhouse pages by id, so the window's end is the watermark."""
        if resume_from is not None:
            next_url, until = _read_checkpoint(resume_from)
            page = self._resumed_page(collection, next_url)
        else:
            until = mapping.iso_utc(datetime.now(UTC), round_up=True)
            window = mapping.updated_window(_window_start(since), until)
            params: dict[str, str | int] = {"per_page": page_size, **filters, "updated_at": window}
            page = self.client.get_page(collection, params)
        while page.next_url is not None:
            checkpoint = json.dumps({"next_url": page.next_url, "until": until})
            yield WindowPage(page.records, checkpoint, None)
            page = self._resumed_page(collection, page.next_url)
        yield WindowPage(page.records, None, until)

    def _resumed_page(self, collection: str, next_url: str) -> Page:
        try:
            return self.client.get_page(collection, next_url=next_url)
        except RejectedError as error:
            if isinstance(error, NotFoundInAts) or error.status_code != 422:
                raise
            raise SyncExpired(
                "Greenhouse no longer accepts this read's cursor; read again from the last "
                "complete read (or a full read).",
                provider=PROVIDER,
            ) from error

    # --- writing --------------------------------------------------------------------------------

    def resolve_source(self) -> SourceChoice:
        with self._lock:
            if self._source is None:
                self._source = mapping.choose_source(self.client.sources())
            return self._source

    def _source_id(self) -> int | None:
        source = self.resolve_source()
        return int(source.source_id) if source.source_id else None

    def create_candidate(self, export: CandidateExport, ats_job_id: str) -> CreatedCandidate:
        job_id = _greenhouse_id(ats_job_id, "job")
        source = self.resolve_source()
        body = mapping.candidate_body(export, job_id, self._source_id())
        answer = self.client.create_candidate(body)
        # The documented answer nests the records; accept a bare candidate too.
        candidate = answer.get("candidate") if "candidate" in answer else answer
        application = answer.get("application")
        if not isinstance(candidate, dict) or "id" not in candidate:
            raise RejectedError("Greenhouse created no candidate id.", provider=PROVIDER)
        candidate_id = str(candidate["id"])
        warnings = () if source.exact else (source.explanation,)
        return CreatedCandidate(
            ats_candidate_id=candidate_id,
            application_id=str(application["id"]) if isinstance(application, dict) else None,
            profile_url=self.profile_url(candidate_id),
            source=source,
            warnings=warnings,
        )

    def add_application(self, ats_candidate_id: str, ats_job_id: str) -> ApplicationResult:
        candidate_id = _greenhouse_id(ats_candidate_id, "candidate")
        job_id = _greenhouse_id(ats_job_id, "job")
        existing = self._application_for(candidate_id, job_id)
        if existing is not None:
            return ApplicationResult(str(existing.id), created=False)
        body = mapping.application_body(candidate_id, job_id, self._source_id())
        try:
            created = self.client.create_application(body)
        except RejectedError as error:
            # Another export applied them a moment ago: that application is the one.
            existing = self._application_for(candidate_id, job_id)
            if existing is None or isinstance(error, NotFoundInAts):
                raise
            return ApplicationResult(str(existing.id), created=False)
        return ApplicationResult(str(created["id"]), created=True)

    def _application_for(self, candidate_id: int, job_id: int) -> GhApplication | None:
        for record in self.client.applications_of(candidate_id):
            application = GhApplication.model_validate(record)
            if application.is_for_job(job_id):
                return application
        return None

    def complete_profile(
        self, ats_candidate_id: str, export: CandidateExport, application_id: str | None = None
    ) -> ProfileOutcome:
        candidate_id = _greenhouse_id(ats_candidate_id, "candidate")
        outcome = _Outcome()
        try:
            self._add_employments(candidate_id, export, outcome)
            self._add_educations(candidate_id, export, outcome)
            if export.resume is not None:
                written = self.attach_resume(ats_candidate_id, export.resume, application_id)
                outcome.record("resume", written)
            outcome.record("note", self.add_note(ats_candidate_id, export))
        except IntegrationError as error:
            raise with_candidate_id(error, ats_candidate_id) from None
        return outcome.result()

    def _add_employments(self, candidate_id: int, export: CandidateExport, out: _Outcome) -> None:
        existing = {
            mapping.employment_key(r.get("company_name"), r.get("title"))
            for r in self._children("candidate_employments", candidate_id, out)
        }
        for role in export.roles:
            body = mapping.employment_body(candidate_id, role)
            label = f"role {role.title} at {role.company}"
            if body is None:
                out.warn(
                    f"The {label} has no start date, which Greenhouse requires; it is in the "
                    "resume only."
                )
            elif mapping.employment_key(role.company, role.title) in existing:
                out.present.append(label)
            else:
                self.client.post("candidate_employments", body)
                out.written.append(label)

    def _add_educations(self, candidate_id: int, export: CandidateExport, out: _Outcome) -> None:
        if not export.educations:
            return
        options = self._education_options()
        existing = {
            mapping.education_key(r)
            for r in self._children("candidate_educations", candidate_id, out)
        }
        for schooling in export.educations:
            body, unmatched = mapping.education_body(candidate_id, schooling, options)
            if unmatched:
                out.warn(
                    f"Greenhouse has no option for {', '.join(unmatched)}; it is in the "
                    "resume only."
                )
            label = f"education at {schooling.school}"
            if body is None:
                continue
            if mapping.education_key(body) in existing:
                out.present.append(label)
            else:
                self.client.post("candidate_educations", body)
                out.written.append(label)

    def _education_options(self) -> dict[str, dict[str, int]]:
        with self._lock:
            if self._options is None:
                keys = ("school_name", "degree", "discipline")
                self._options = {
                    key: mapping.option_index(
                        self.client.custom_field_options(key), by_level=key == "degree"
                    )
                    for key in keys
                }
            return self._options

    def _children(self, collection: str, candidate_id: int, out: _Outcome) -> list[Record]:
        try:
            return self.client.children_of(collection, candidate_id)
        except MissingPermission as error:
            out.warn(f"Could not check existing {collection.replace('_', ' ')} ({error.message})")
            return []

    def attach_resume(
        self, ats_candidate_id: str, resume: ResumeFile, application_id: str | None = None
    ) -> bool:
        candidate_id = _greenhouse_id(ats_candidate_id, "candidate")
        attachments = _optional(lambda: self.client.children_of("attachments", candidate_id)) or []
        for record in attachments:
            attachment = GhAttachment.model_validate(record)
            if attachment.type == "resume" and attachment.filename == resume.filename:
                return False
        body: Record = {
            "candidate_id": candidate_id,
            "filename": resume.filename,
            "type": "resume",
            "content": base64.b64encode(resume.content).decode("ascii"),
            "content_type": resume.content_type,
        }
        if application_id:
            body["application_id"] = _greenhouse_id(application_id, "application")
        self.client.post("attachments", body)
        return True

    def add_note(self, ats_candidate_id: str, export: CandidateExport) -> bool:
        candidate_id = _greenhouse_id(ats_candidate_id, "candidate")
        notes = _optional(lambda: self.client.children_of("notes", candidate_id)) or []
        if mapping.note_already_left((str(n.get("body", "")) for n in notes), export):
            return False
        body = {
            "candidate_id": candidate_id,
            "body": mapping.note_text(export, self.resolve_source()),
            "note_type": "NOTE",  # Greenhouse accepts only the upper-case spelling
            "visibility": "public",
        }
        self.client.post("notes", body)
        return True


class _Outcome:
    def __init__(self) -> None:
        self.written: list[str] = []
        self.present: list[str] = []
        self.warnings: list[str] = []

    def warn(self, message: str) -> None:
        self.warnings.append(message)

    def record(self, label: str, written: bool) -> None:
        (self.written if written else self.present).append(label)

    def result(self) -> ProfileOutcome:
        return ProfileOutcome(tuple(self.written), tuple(self.present), tuple(self.warnings))


def _optional(read: Callable[[], T]) -> T | None:
    """A read that only improves the answer: without its scope, do without it."""
    try:
        return read()
    except MissingPermission:
        return None


def _matches(candidate: AtsCandidate, export: CandidateExport) -> bool:
    emails = {e.lower() for e in export.emails}
    linkedin = _export_linkedin(export)
    return bool(emails & set(candidate.emails)) or (
        linkedin is not None and linkedin in candidate.linkedin_urls
    )


def _export_linkedin(export: CandidateExport) -> str | None:
    urls = mapping.normalised_linkedin_urls([export.linkedin_url or ""])
    return urls[0] if urls else None


def _greenhouse_id(value: str, kind: str) -> int:
    try:
        return int(str(value).strip())
    except ValueError:
        raise RejectedError(
            f"{value!r} is not a Greenhouse {kind} id (Greenhouse ids are numbers).",
            field_errors={f"{kind}_id": "must be a number"},
            provider=PROVIDER,
        ) from None


def _window_start(since: str | None) -> str | None:
    if since is None:
        return None
    try:
        moment = datetime.fromisoformat(since.replace("Z", "+00:00"))
    except ValueError:
        raise SyncExpired(
            f"The saved watermark {since!r} is unreadable; start a full read.", provider=PROVIDER
        ) from None
    return mapping.iso_utc(moment - INDEX_OVERLAP)


def _read_checkpoint(checkpoint: str) -> tuple[str, str]:
    try:
        state = json.loads(checkpoint)
        return str(state["next_url"]), str(state["until"])
    except (ValueError, KeyError, TypeError):
        raise SyncExpired(
            "The saved checkpoint is unreadable; read again from the last complete read.",
            provider=PROVIDER,
        ) from None
