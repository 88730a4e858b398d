"""Ashby as an `AtsProvider`: the domain's questions answered with Ashby RPC calls."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from openpin.integrations.ashby import mapping
from openpin.integrations.ashby.client import PAGE_LIMIT, PROVIDER, AshbyClient, Page, Record
from openpin.integrations.ashby.schemas import ApiKeyInfo, AshbyCandidate, UploadHandle
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
    normalised_linkedin_urls,
)
from openpin.integrations.errors import (
    IntegrationError,
    MissingPermission,
    NotFoundInAts,
    RejectedError,
    SyncExpired,
    with_candidate_id,
)

KEYS_FIX = (
    "In Ashby: Admin > Integrations > API Keys, edit this key and tick {module}, then verify again."
)


@dataclass(frozen=True)
class PermissionNeed:
    """A module permission, and a call that shows whether the key has it without changing
    anything (writes are probed with an empty body, which a granted key answers invalid_input)."""

    permission: str
    module: str
    used_for: str
    probe: str
    required: bool = True

    @property
    def scope(self) -> str:
        """apiKey.info's spelling: `candidatesRead` → `candidates:read`."""
        for action in ("Read", "Write"):
            if self.permission.endswith(action):
                return f"{self.permission.removesuffix(action)}:{action.lower()}"
        return self.permission


PERMISSIONS = (
    PermissionNeed(
        "candidatesRead", "Candidates: Read", "find people already there", "candidate.search"
    ),
    PermissionNeed(
        "candidatesWrite",
        "Candidates: Write",
        "add candidates, applications, resumes and notes",
        "candidate.createNote",
    ),
    PermissionNeed("jobsRead", "Jobs: Read", "pick the Ashby job to export to", "job.list"),
    PermissionNeed("organizationRead", "Organization: Read", "list users to credit", "user.list"),
    PermissionNeed("apiKeysRead", "API Keys: Read", "check this key's permissions", "apiKey.info"),
    PermissionNeed(
        "hiringProcessMetadataRead",
        "Hiring Process Metadata: Read",
        "find the OpenPin source to credit candidates to (source.list)",
        "source.list",
    ),
)


@dataclass(frozen=True)
class SyncedPage:
    """One page of a `syncToken` list: its records and where the read stands after it
    (`checkpoint` None on the last page, which carries the new sync token as `watermark`)."""

    results: list[Record]
    checkpoint: str | None
    watermark: str | None


# Cheap calls: one row, or an empty body a granted key refuses as invalid input.
PROBE_BODIES: dict[str, Record] = {
    "candidate.search": {"email": "permission-probe@openpin.invalid"},
    "job.list": {"limit": 1},
    "user.list": {"limit": 1},
}


class AshbyProvider:
    name = PROVIDER
    display_name = "Ashby"

    def __init__(
        self,
        client: AshbyClient,
        *,
        credited_to_user_id: str | None = None,
        index_page_size: int = PAGE_LIMIT,
        hire_page_size: int = PAGE_LIMIT,
    ) -> None:
        self.client = client
        self.index_page_size = index_page_size
        self.hire_page_size = hire_page_size
        self.credited_to_user_id = credited_to_user_id or None
        self._lock = threading.Lock()
        self._source: SourceChoice | None = None

    @classmethod
    def from_config(cls, config: ConnectionConfig) -> AshbyProvider:
        client = AshbyClient(
            config.credentials.get("api_key", ""),
            base_url=config.base_url or "https://api.ashbyhq.com",
            timeout_seconds=config.options.get("timeout_seconds"),
        )
        return cls(
            client,
            credited_to_user_id=config.options.get("credited_to_user_id"),
            index_page_size=int(config.options.get("index_page_size", PAGE_LIMIT)),
            hire_page_size=int(config.options.get("hire_page_size", PAGE_LIMIT)),
        )

    def close(self) -> None:
        self.client.close()

    # --- verification ---------------------------------------------------------------------------

    def verify(self) -> PermissionReport:
        try:
            info = ApiKeyInfo.model_validate(self.client.call("apiKey.info"))
            granted = {need.permission for need in PERMISSIONS if need.scope in info.scopes}
            account = f"API key {info.title!r}" if info.title else "API key"
        except MissingPermission:
            granted = {need.permission for need in PERMISSIONS if self._probe(need)}
            account = "API key (its name needs API Keys: Read)"
        checks = [_check(need, need.permission in granted) for need in PERMISSIONS]
        checks.append(self._source_check("hiringProcessMetadataRead" in granted))
        return PermissionReport(PROVIDER, account, tuple(checks))

    def _probe(self, need: PermissionNeed) -> bool:
        try:
            self.client.call(need.probe, PROBE_BODIES.get(need.probe, {}))
        except MissingPermission:
            return False
        except RejectedError:
            return True  # the permission let the call through to validation
        return True

    def _source_check(self, can_list: bool) -> PermissionCheck:
        choice = self.resolve_source() if can_list else None
        return PermissionCheck(
            key="source:OpenPin",
            label="A source named OpenPin",
            granted=bool(choice and choice.exact),
            required=False,
            used_for="show in Ashby that OpenPin sourced the candidate",
            fix=(choice.explanation if choice else "")
            or "In Ashby: Admin > Hiring Process > Sources, add a source named OpenPin.",
        )

    # --- users and jobs -------------------------------------------------------------------------

    def list_users(self) -> list[AtsUser]:
        users = [mapping.to_user(record) for record in self.client.list_all("user.list")]
        return [user for user in users if user.can_act_as]

    def list_open_jobs(self) -> list[AtsJob]:
        body = {"status": ["Open"], "expand": ["location"]}
        return [mapping.to_job(record) for record in self.client.list_all("job.list", body)]

    # --- reading candidates ---------------------------------------------------------------------

    def profile_url(self, ats_candidate_id: str) -> str:
        candidate = self.get_candidate(ats_candidate_id)
        if candidate is None or not candidate.profile_url:
            raise NotFoundInAts(f"Ashby has no candidate {ats_candidate_id}.", provider=PROVIDER)
        return candidate.profile_url

    def find_candidates_by_email(self, emails: Sequence[str]) -> list[AtsCandidate]:
        found: dict[str, AtsCandidate] = {}
        for email in dict.fromkeys(e.strip() for e in emails if e.strip()):
            for record in self.client.call("candidate.search", {"email": email}) or []:
                candidate = mapping.to_candidate(record)
                found.setdefault(candidate.id, candidate)
        return list(found.values())

    def find_after_failed_write(
        self, export: CandidateExport, since: datetime
    ) -> list[AtsCandidate]:
        # Ashby reads its own writes at once; besides the emails, a search by name finds a
        # person created with only a LinkedIn URL.
        found = {c.id: c for c in self.find_candidates_by_email(export.emails)}
        if export.full_name:
            for record in self.client.call("candidate.search", {"name": export.full_name}) or []:
                candidate = mapping.to_candidate(record)
                found.setdefault(candidate.id, candidate)
        wanted = set(normalised_linkedin_urls([export.linkedin_url or ""]))
        emails = {e.lower() for e in export.emails}
        return [
            c for c in found.values() if emails & set(c.emails) or wanted & set(c.linkedin_urls)
        ]

    def get_candidate(self, ats_candidate_id: str) -> AtsCandidate | None:
        record = self._candidate_record(ats_candidate_id)
        return mapping.to_candidate(record) if record is not None else None

    def _candidate_record(self, ats_candidate_id: str) -> Record | None:
        try:
            record = self.client.call("candidate.info", {"id": ats_candidate_id})
        except NotFoundInAts:
            return None
        except RejectedError as error:
            if error.code == "invalid_input":  # not even an id Ashby could hold
                return None
            raise
        return record if isinstance(record, dict) else None

    def read_candidate_index(
        self, since: str | None = None, resume_from: str | None = None
    ) -> Iterator[IndexPage]:
        pages = self._synced_read("candidate.list", {}, self.index_page_size, since, resume_from)
        for page in pages:
            candidates = tuple(mapping.to_candidate(record) for record in page.results)
            yield IndexPage(candidates, page.checkpoint, page.checkpoint is None, page.watermark)

    # --- reading hires ----------------------------------------------------------------------------

    def read_hires(
        self, since: str | None = None, resume_from: str | None = None
    ) -> Iterator[HirePage]:
        # `application.list` documents both `status` and `syncToken`; assumed: together they list
        # the applications hired now that changed since the token. Rows are checked for Hired
        # again, so an ignored filter costs only pages.
        filters = {"status": mapping.HIRED_STATUS}
        pages = self._synced_read(
            "application.list", filters, self.hire_page_size, since, resume_from
        )
        for page in pages:
            applications = (mapping.to_application(record) for record in page.results)
            hired = tuple(application for application in applications if application.hired)
            yield HirePage(hired, page.checkpoint, page.checkpoint is None, page.watermark)

    def application_states(
        self, refs: Sequence[ApplicationRef]
    ) -> dict[ApplicationRef, AtsApplication]:
        states = {ref: self._application_state(ref) for ref in refs}
        return {ref: state for ref, state in states.items() if state is not None}

    def _application_state(self, ref: ApplicationRef) -> AtsApplication | None:
        if ref.application_id is not None:
            record = self._application_record(ref.application_id)
            return mapping.to_application(record) if record is not None else None
        person = self._candidate_record(ref.ats_candidate_id) if ref.ats_candidate_id else None
        if person is None:
            return None
        # Ashby allows one application per person and job: the first for the job is the one.
        for application_id in AshbyCandidate.model_validate(person).applicationIds:
            record = self._application_record(application_id)
            application = mapping.to_application(record) if record is not None else None
            if application is not None and application.answers(ref):
                return application
        return None

    def _application_record(self, application_id: str) -> Record | None:
        try:
            record = self.client.call("application.info", {"applicationId": application_id})
        except NotFoundInAts:
            return None
        except RejectedError as error:
            if error.code == "invalid_input":  # not even an id Ashby could hold
                return None
            raise
        return record if isinstance(record, dict) else None

    def _synced_read(
        self,
        method: str,
        filters: Record,
        page_size: int,
        since: str | None,
        resume_from: str | None,
    ) -> Iterator[SyncedPage]:
        """Every page of `method` (changed since the sync token `since`, if given); the filters
        go with every request, cursor pages included."""
        request: Record = {"limit": page_size, **filters}
        if resume_from is not None:
            request["cursor"] = _read_checkpoint(resume_from)
        elif since is not None:
            request["syncToken"] = since
        while True:
            page = self._list_page(method, request, resuming="cursor" in request)
            if not page.more or not page.next_cursor:
                yield SyncedPage(page.results, None, page.sync_token)
                return
            checkpoint = json.dumps({"cursor": page.next_cursor})
            yield SyncedPage(page.results, checkpoint, None)
            request = {"limit": page_size, **filters, "cursor": page.next_cursor}

    def _list_page(self, method: str, request: Record, *, resuming: bool) -> Page:
        try:
            return self.client.page(method, request)
        except RejectedError as error:
            if resuming and error.code == "invalid_input":
                raise SyncExpired(
                    "Ashby no longer accepts this read's cursor; read again from the last "
                    "complete read (or a full read).",
                    provider=PROVIDER,
                ) from error
            raise

    # --- writing --------------------------------------------------------------------------------

    def resolve_source(self) -> SourceChoice:
        with self._lock:
            if self._source is None:
                records = self.client.call("source.list", {}) or []
                self._source = mapping.choose_source(records)
            return self._source

    def create_candidate(self, export: CandidateExport, ats_job_id: str) -> CreatedCandidate:
        source = self.resolve_source()
        body = mapping.candidate_body(export, source.source_id, self.credited_to_user_id)
        record = self.client.call("candidate.create", body)
        candidate = AshbyCandidate.model_validate(record)
        try:
            application = self.add_application(candidate.id, ats_job_id)
        except IntegrationError as error:
            raise with_candidate_id(error, candidate.id) from None
        return CreatedCandidate(
            ats_candidate_id=candidate.id,
            application_id=application.application_id,
            profile_url=candidate.profileUrl or "",
            source=source,
            warnings=() if source.exact else (source.explanation,),
        )

    def add_application(self, ats_candidate_id: str, ats_job_id: str) -> ApplicationResult:
        source_id = self.resolve_source().source_id
        body = mapping.application_body(
            ats_candidate_id, ats_job_id, source_id, self.credited_to_user_id
        )
        try:
            application = self.client.call("application.create", body)
        except RejectedError as error:
            # Ashby refuses a second application to the same job: the first one stands.
            if error.code == "invalid_input" and mapping.is_duplicate_application(error.message):
                return ApplicationResult(None, created=False)
            raise
        return ApplicationResult(str(application["id"]), created=True)

    def complete_profile(
        self, ats_candidate_id: str, export: CandidateExport, application_id: str | None = None
    ) -> ProfileOutcome:
        written: list[str] = []
        present: list[str] = []
        try:
            if export.resume is not None:
                resume_written = self.attach_resume(ats_candidate_id, export.resume)
                (written if resume_written else present).append("resume")
            self.add_note(ats_candidate_id, export)
            written.append("note with roles and education")
        except IntegrationError as error:
            raise with_candidate_id(error, ats_candidate_id) from None
        return ProfileOutcome(tuple(written), tuple(present))

    def attach_resume(
        self, ats_candidate_id: str, resume: ResumeFile, application_id: str | None = None
    ) -> bool:
        record = self._candidate_record(ats_candidate_id)
        if record is None:
            raise NotFoundInAts(f"Ashby has no candidate {ats_candidate_id}.", provider=PROVIDER)
        current = AshbyCandidate.model_validate(record).resumeFileHandle
        if current is not None and current.name == resume.filename:
            return False
        handle = UploadHandle.model_validate(
            self.client.call(
                "file.createFileUploadHandle",
                {
                    "fileUploadContext": "CandidateResume",
                    "filename": resume.filename,
                    "contentType": resume.content_type,
                    "contentLength": len(resume.content),
                },
            )
        )
        self.client.upload(handle, resume.filename, resume.content, resume.content_type)
        self.client.call(
            "candidate.uploadResume",
            {"candidateId": ats_candidate_id, "resumeHandle": handle.handle},
        )
        return True

    def add_note(self, ats_candidate_id: str, export: CandidateExport) -> bool:
        """Always written: the notes list is not read back, so the caller records that it was
        left and does not call this twice for one export."""
        note = {"type": "text/html", "value": mapping.note_html(export)}
        self.client.call("candidate.createNote", {"candidateId": ats_candidate_id, "note": note})
        return True


def _check(need: PermissionNeed, granted: bool) -> PermissionCheck:
    return PermissionCheck(
        key=need.permission,
        label=need.module,
        granted=granted,
        required=need.required,
        used_for=need.used_for,
        fix=KEYS_FIX.format(module=need.module),
    )


def _read_checkpoint(checkpoint: str) -> str:
    try:
        return str(json.loads(checkpoint)["cursor"])
    except (ValueError, KeyError, TypeError):
        raise SyncExpired(
            "The saved checkpoint is unreadable; read again from the last complete read.",
            provider=PROVIDER,
        ) from None
