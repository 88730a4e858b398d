"""The export of one candidate to one ATS job, and the identity index read: the task side.

How an export never creates a person twice:
- Exports of one candidate run one at a time (a lock with an expiry on its link row), so two
  exports to two jobs cannot both find nobody and both create.
- Before creating, the person is looked up by every email (the ATS's own search) and by every
  email and the LinkedIn URL in the local identity index, which is built in full before the first
  lookup that needs it and refreshed incrementally when stale.
- Just before a create, `create_started_at` is committed on its own. If the answer is lost, the
  next attempt waits for the ATS to settle, refreshes the index and looks the person up again:
  finding them means our create landed, and the export carries on from there.
- The ATS id is committed on its own the moment it is known, so later steps (application,
  history, resume, note), which are idempotent, are simply done again after any failure.

On SQLite a transaction holds the database's write lock, so nothing here keeps a transaction
open across a call to the ATS: reads and progress go through short transactions of their own
and only the final write uses the task's session (committed with the task's success).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from openpin.activity.service import record_event
from openpin.ats.providers import provider_for, rate_limit_totals
from openpin.ats.repository import (
    AtsRepository,
    add_identity_rows,
    identity_matches,
    release_lock,
    store_index_page,
    try_lock,
)
from openpin.candidate.resume import ResumeData, render_resume_pdf, resume_filename
from openpin.candidate.service import CandidateService
from openpin.config import Settings
from openpin.db import transaction
from openpin.integrations import base
from openpin.integrations.errors import (
    AuthError,
    IntegrationError,
    RateLimited,
    RejectedError,
    SyncExpired,
)
from openpin.kit.crypto import SecretBox, load_secret_key
from openpin.logging import get_logger
from openpin.models import Candidate
from openpin.models.ats import (
    AtsCandidateLink,
    AtsConnection,
    AtsExport,
    AtsIndexState,
    ConnectionStatus,
    ExportStatus,
)
from openpin.models.base import utcnow
from openpin.worker.enqueue import dialect_insert
from openpin.worker.errors import PermanentError, RetryLater
from openpin.worker.registry import TaskContext

log = get_logger("openpin.ats")

MAX_ERROR_CHARS = 2000


def own_factory(ctx: TaskContext) -> sessionmaker[Session]:
    """Short transactions beside the task's own (which stays unopened until the final write)."""
    return sessionmaker(bind=ctx.session.get_bind(), expire_on_commit=False)


def secret_box(settings: Settings) -> SecretBox:
    return SecretBox(load_secret_key(settings))


# -- what a run knows before it calls the ATS ---------------------------------------------------


@dataclass
class ExportPlan:
    export_id: int
    workspace_id: int
    connection: AtsConnection
    candidate_id: int
    ats_job_id: str
    ats_job_name: str
    job_id: int | None
    trigger: str
    ats_candidate_id: str | None
    created_by_openpin: bool
    profile_done: bool
    create_started_at: datetime | None
    application_id: str | None
    export: base.CandidateExport
    resume: ResumeData
    index_ready: bool
    index_refreshed_at: datetime | None


@dataclass
class ExportDone:
    ats_candidate_id: str
    created: bool
    application_id: str | None
    profile: base.ProfileOutcome | None


def export_from_candidate(candidate: Candidate, base_url: str) -> base.CandidateExport:
    """Everything OpenPin sends about a person (the resume is added once rendered)."""
    first, last = candidate.first_name, candidate.last_name
    if not first and not last:
        first, _, last = candidate.full_name.partition(" ")
    experiences = sorted(candidate.experiences, key=lambda e: (not e.is_current, e.position))
    return base.CandidateExport(
        first_name=first,
        last_name=last,
        emails=tuple(e.email for e in candidate.emails),
        phones=tuple(p.number for p in candidate.phones),
        linkedin_url=candidate.linkedin_url,
        location=base.Location(candidate.city, candidate.region, candidate.country_name),
        roles=tuple(
            base.Role(e.title, e.company, e.start_date, e.end_date, e.is_current)
            for e in experiences
        ),
        educations=tuple(
            base.Schooling(e.school, e.degree, e.field_of_study, e.start_date, e.end_date)
            for e in candidate.educations
        ),
        profile_url=f"{base_url.rstrip('/')}/candidates/{candidate.id}",
        headline=candidate.headline,
    )


class ExportFlow:
    """One run of `ats.export_candidate` for one export record."""

    def __init__(self, ctx: TaskContext) -> None:
        self.ctx = ctx
        self.settings = ctx.settings
        self.factory = own_factory(ctx)
        self.box = secret_box(ctx.settings)
        self.holder = f"task:{ctx.task_id}"
        self._rate_limits_before = (0, 0.0)

    def run(self, export_id: int) -> None:
        plan = self._prepare(export_id)
        if plan is None:
            return
        provider = provider_for(plan.connection, self.box)
        self._rate_limits_before = rate_limit_totals(provider)
        try:
            plan = replace(plan, export=self._with_resume(plan))
            done = ExportRun(self, plan, provider).perform()
        except Exception as exc:
            self._after_failure(plan, exc, provider)
            raise_for(exc, plan, self.ctx)
            return
        self._finish(plan, done, provider)

    def _count_rate_limit_waits(
        self, connection: AtsConnection, provider: base.AtsProvider
    ) -> None:
        """Add what the provider's pacer waited during this run to the connection's totals."""
        throttled, waited = rate_limit_totals(provider)
        before_throttled, before_waited = self._rate_limits_before
        connection.rate_limited_count += max(0, throttled - before_throttled)
        connection.rate_limited_seconds += max(0.0, waited - before_waited)

    # -- before ---------------------------------------------------------------------------

    def _prepare(self, export_id: int) -> ExportPlan | None:
        workspace_id = self.ctx.workspace_id
        assert workspace_id is not None
        with transaction(self.factory) as session:
            repo = AtsRepository(session, workspace_id)
            export = repo.get_export(export_id)
            if export is None or export.status != ExportStatus.PENDING:
                return None  # deleted, done, failed or parked: nothing to do
            connection = session.get(AtsConnection, export.connection_id)
            assert connection is not None
            if connection.status != ConnectionStatus.CONNECTED:
                _park(export, connection)
                return None
            if not self._lock_candidate(session, export):
                raise RetryLater(random.uniform(0.5, 2.0), "another export of this person runs")
            export.attempts += 1
            return self._plan(session, repo, export, connection)

    def _lock_candidate(self, session: Session, export: AtsExport) -> bool:
        now = utcnow()
        until = now + timedelta(seconds=self.settings.ats.candidate_lock_seconds)
        return try_lock(session, AtsCandidateLink, _link_where(export), self.holder, until, now)

    def _plan(
        self, session: Session, repo: AtsRepository, export: AtsExport, connection: AtsConnection
    ) -> ExportPlan:
        candidate = CandidateService(session, export.workspace_id).get(export.candidate_id)
        link = repo.link(connection.id, export.candidate_id)
        assert link is not None  # made with the export
        state = session.get(AtsIndexState, connection.id)
        session.expunge(connection)
        return ExportPlan(
            export_id=export.id,
            workspace_id=export.workspace_id,
            connection=connection,
            candidate_id=export.candidate_id,
            ats_job_id=export.ats_job_id,
            ats_job_name=export.ats_job_name,
            job_id=export.job_id,
            trigger=export.trigger,
            ats_candidate_id=link.ats_candidate_id,
            created_by_openpin=link.created_by_openpin,
            profile_done=link.resume_attached_at is not None,
            create_started_at=link.create_started_at,
            application_id=export.ats_application_id,
            export=export_from_candidate(candidate, self.settings.base_url),
            resume=ResumeData.from_model(candidate),
            index_ready=state is not None and state.watermark is not None,
            index_refreshed_at=state.last_refresh_at if state is not None else None,
        )

    def _with_resume(self, plan: ExportPlan) -> base.CandidateExport:
        # Rendered outside any transaction: it takes a moment and needs no database.
        pdf = render_resume_pdf(plan.resume)
        resume = base.ResumeFile(resume_filename(plan.resume), pdf)
        return replace(plan.export, resume=resume)

    # -- after ----------------------------------------------------------------------------

    def _finish(self, plan: ExportPlan, done: ExportDone, provider: base.AtsProvider) -> None:
        """The success record, in the task's own transaction (it commits with the task)."""
        session = self.ctx.session
        export = session.get(AtsExport, plan.export_id)
        if export is None:
            return  # the candidate was deleted meanwhile
        now = utcnow()
        export.status, export.outcome = (
            ExportStatus.EXPORTED,
            "created" if done.created else "linked",
        )
        export.ats_application_id = done.application_id
        export.exported_at, export.last_error, export.error_kind = now, "", ""
        link = AtsRepository(session, plan.workspace_id).link(plan.connection.id, plan.candidate_id)
        assert link is not None
        if done.profile is not None:
            link.resume_attached_at = link.resume_attached_at or now
            link.note_added_at = link.note_added_at or now
        link.locked_by, link.locked_until = None, None
        connection = session.get(AtsConnection, plan.connection.id)
        if connection is not None:
            self._count_rate_limit_waits(connection, provider)
        record_event(
            session,
            plan.workspace_id,
            "ats.exported",
            candidate_id=plan.candidate_id,
            job_id=plan.job_id,
            data=_event_data(plan, done),
        )
        log.info("ats.exported", export_id=plan.export_id, outcome=export.outcome)

    def _after_failure(
        self, plan: ExportPlan, exc: BaseException, provider: base.AtsProvider
    ) -> None:
        """Record what went wrong (own transaction: the task's rolls back) and let go."""
        with transaction(self.factory) as session:
            export = session.get(AtsExport, plan.export_id)
            connection = session.get(AtsConnection, plan.connection.id)
            if export is None or connection is None:
                return
            release_lock(session, AtsCandidateLink, _link_where(export), self.holder)
            self._count_rate_limit_waits(connection, provider)
            _record_failure(session, export, connection, exc, self.ctx.is_final_attempt)


def raise_for(exc: BaseException, plan: ExportPlan, ctx: TaskContext) -> None:
    """Steer the task's retry from the classified failure (see `_record_failure`)."""
    if isinstance(exc, RetryLater):
        raise exc
    if isinstance(exc, RateLimited):
        # A little jitter so the exports that waited together do not all return at once.
        raise RetryLater(exc.retry_after + random.uniform(0, 1.0), exc.message) from exc
    if isinstance(exc, AuthError):
        return  # parked until a reconnect; retrying cannot help and must not burn attempts
    if isinstance(exc, RejectedError):
        raise PermanentError(f"The ATS refused the export: {exc.message}") from exc
    raise exc


def _record_failure(
    session: Session,
    export: AtsExport,
    connection: AtsConnection,
    exc: BaseException,
    final_attempt: bool,
) -> None:
    now = utcnow()
    if isinstance(exc, RetryLater):
        return
    if isinstance(exc, RateLimited):  # the wait the task itself will now make
        connection.rate_limited_seconds += exc.retry_after
        return
    if isinstance(exc, AuthError):
        connection.status = ConnectionStatus.NEEDS_RECONNECTING
        connection.status_reason = exc.message
        _park(export, connection)
        return
    export.last_error = _error_text(exc)[:MAX_ERROR_CHARS]
    export.error_kind = type(exc).__name__
    export.updated_at = now
    if isinstance(exc, RejectedError) or final_attempt:
        export.status = ExportStatus.FAILED
        record_event(
            session,
            export.workspace_id,
            "ats.export_failed",
            candidate_id=export.candidate_id,
            job_id=export.job_id,
            data={"ats_job_id": export.ats_job_id, "reason": export.last_error},
        )


def _park(export: AtsExport, connection: AtsConnection) -> None:
    export.status = ExportStatus.WAITING_RECONNECT
    export.last_error = connection.status_reason or "The ATS connection was disconnected."
    export.error_kind = "needs_reconnecting"


def _error_text(exc: BaseException) -> str:
    if isinstance(exc, RejectedError) and exc.field_errors:
        fields = "; ".join(f"{k}: {v}" if k else v for k, v in exc.field_errors.items())
        return f"{exc.message} ({fields})"
    if isinstance(exc, IntegrationError):
        return exc.message
    return f"{type(exc).__name__}: {exc}"


def _link_where(export: AtsExport) -> Any:
    return (AtsCandidateLink.connection_id == export.connection_id) & (
        AtsCandidateLink.candidate_id == export.candidate_id
    )


def _event_data(plan: ExportPlan, done: ExportDone) -> dict[str, Any]:
    data: dict[str, Any] = {
        "provider": plan.connection.provider.value,
        "ats_job_id": plan.ats_job_id,
        "ats_job_name": plan.ats_job_name,
        "ats_candidate_id": done.ats_candidate_id,
        "outcome": "created" if done.created else "linked",
        "trigger": plan.trigger,
    }
    if done.profile is not None and done.profile.warnings:
        data["warnings"] = list(done.profile.warnings)
    return data


# -- the calls to the ATS --------------------------------------------------------------------------


class ExportRun:
    def __init__(self, flow: ExportFlow, plan: ExportPlan, provider: base.AtsProvider) -> None:
        self.flow = flow
        self.plan = plan
        self.provider = provider

    def perform(self) -> ExportDone:
        plan = self.plan
        ats_id, application_id = plan.ats_candidate_id, plan.application_id
        # OpenPin owes a person it created their history, resume and note (until written once).
        created_now, owes_profile = False, plan.created_by_openpin
        if ats_id is None:
            ats_id, created_now, application_id = self._find_or_create()
            owes_profile = created_now
        if application_id is None:
            application_id = self.provider.add_application(ats_id, plan.ats_job_id).application_id
        profile = None
        if owes_profile and not plan.profile_done:
            profile = self.provider.complete_profile(ats_id, plan.export, application_id)
        return ExportDone(ats_id, created_now, application_id, profile)

    def _find_or_create(self) -> tuple[str, bool, str | None]:
        plan = self.plan
        ambiguous = plan.create_started_at is not None
        if ambiguous:
            self._wait_for_the_ats_to_settle()
        found = self._look_up(refresh=ambiguous)
        if found is not None:
            # Found after a create of ours whose answer was lost: that create landed.
            self._save_link(found, created=ambiguous)
            return found, ambiguous, None
        return self._create()

    def _wait_for_the_ats_to_settle(self) -> None:
        assert self.plan.create_started_at is not None
        settle = timedelta(seconds=self.flow.settings.ats.settle_seconds)
        remaining = (self.plan.create_started_at + settle - utcnow()).total_seconds()
        if remaining > 0:
            raise RetryLater(remaining, "waiting for the ATS to show a possibly created person")

    def _look_up(self, *, refresh: bool) -> str | None:
        export = self.plan.export
        if export.emails:
            people = self.provider.find_candidates_by_email(list(export.emails))
            if people:
                return people[0].id
        if not (export.emails or export.linkedin_url):
            return None
        if refresh or not self.plan.index_ready or self._index_stale():
            self._refresh_index()
        with transaction(self.flow.factory) as session:
            ids = identity_matches(
                session, self.plan.connection.id, list(export.emails), export.linkedin_url
            )
        return ids[0] if ids else None

    def _index_stale(self) -> bool:
        refreshed = self.plan.index_refreshed_at
        max_age = timedelta(seconds=self.flow.settings.ats.index_max_age_seconds)
        return refreshed is None or utcnow() - refreshed > max_age

    def _refresh_index(self) -> None:
        finished = IndexRefresh(
            self.flow.factory,
            self.plan.connection,
            self.provider,
            self.flow.holder,
            self.flow.settings,
        ).run()
        if not finished:
            # Another run holds the index or it has more pages to read: look again shortly.
            raise RetryLater(random.uniform(1.0, 3.0), "the ATS identity index is being read")

    def _create(self) -> tuple[str, bool, str | None]:
        self._mark_create_started()
        try:
            created = self.provider.create_candidate(self.plan.export, self.plan.ats_job_id)
        except IntegrationError as exc:
            if exc.ats_candidate_id:
                self._save_link(exc.ats_candidate_id, created=True)
            raise
        self._save_link(created.ats_candidate_id, created=True, created_answer=created)
        return created.ats_candidate_id, True, created.application_id

    def _mark_create_started(self) -> None:
        with transaction(self.flow.factory) as session:
            link = self._link(session)
            link.create_started_at = utcnow()

    def _save_link(
        self, ats_id: str, *, created: bool, created_answer: base.CreatedCandidate | None = None
    ) -> None:
        """Commit the ATS id at once: whatever fails next, this person is never created again."""
        profile_url = created_answer.profile_url if created_answer else ""
        profile_url = profile_url or self.provider.profile_url(ats_id)
        now = utcnow()
        with transaction(self.flow.factory) as session:
            link = self._link(session)
            link.ats_candidate_id, link.profile_url = ats_id, profile_url
            link.created_by_openpin = created
            if created:
                link.contact_synced_at = link.contact_synced_at or now
            if created_answer is not None and created_answer.application_id:
                export = session.get(AtsExport, self.plan.export_id)
                if export is not None:
                    export.ats_application_id = created_answer.application_id
            self._remember_identity(session, ats_id, now)

    def _remember_identity(self, session: Session, ats_id: str, now: datetime) -> None:
        # The person's keys now belong to this ATS id, even before the next index read.
        export = self.plan.export
        rows = [("email", email, ats_id) for email in export.emails]
        if export.linkedin_url:
            rows.append(("linkedin", export.linkedin_url, ats_id))
        add_identity_rows(session, self.plan.connection.id, rows, now)

    def _link(self, session: Session) -> AtsCandidateLink:
        link = AtsRepository(session, self.plan.workspace_id).link(
            self.plan.connection.id, self.plan.candidate_id
        )
        assert link is not None
        return link


# -- the identity index ------------------------------------------------------------------------


class IndexRefresh:
    """Read the ATS's candidates into the identity index: in full the first time (or after an
    expired sync token), then incrementally; checkpointed after every page; one run per
    connection at a time. `run()` is True when a read completed, False if busy or unfinished."""

    def __init__(
        self,
        factory: sessionmaker[Session],
        connection: AtsConnection,
        provider: base.AtsProvider,
        holder: str,
        settings: Settings,
    ) -> None:
        self.factory = factory
        self.connection_id = connection.id
        self.provider = provider
        self.holder = holder
        self.settings = settings

    def run(self) -> bool:
        start = self._claim()
        if start is None:
            return False
        since, resume_from = start
        try:
            return self._read(since, resume_from)
        except SyncExpired:
            self._restart_in_full()
            raise RetryLater(0.5, "the ATS's sync token expired: reading in full") from None
        except IntegrationError as exc:
            self._note_error(exc.message)
            raise
        finally:
            self._release()

    def _claim(self) -> tuple[str | None, str | None] | None:
        now = utcnow()
        with transaction(self.factory) as session:
            insert = dialect_insert(session)(AtsIndexState).values(connection_id=self.connection_id)
            session.execute(insert.on_conflict_do_nothing())
            until = now + timedelta(seconds=self.settings.ats.candidate_lock_seconds)
            where = AtsIndexState.connection_id == self.connection_id
            if not try_lock(session, AtsIndexState, where, self.holder, until, now):
                return None
            state = session.get(AtsIndexState, self.connection_id)
            assert state is not None
            session.refresh(state)
            if state.read_checkpoint:
                return state.read_since, state.read_checkpoint
            return state.watermark, None

    def _read(self, since: str | None, resume_from: str | None) -> bool:
        pages = self.provider.read_candidate_index(since=since, resume_from=resume_from)
        for count, page in enumerate(pages, start=1):
            self._store(page, since)
            if page.complete:
                return True
            if count >= self.settings.ats.index_pages_per_run:
                return False
        return True

    def _store(self, page: base.IndexPage, since: str | None) -> None:
        now = utcnow()
        with transaction(self.factory) as session:
            store_index_page(session, self.connection_id, page.candidates, now)
            state = session.get(AtsIndexState, self.connection_id)
            assert state is not None
            state.pages_read += 1
            state.people_seen += len(page.candidates)
            state.locked_until = now + timedelta(seconds=self.settings.ats.candidate_lock_seconds)
            if page.complete:
                state.watermark, state.read_checkpoint, state.read_since = (
                    page.watermark,
                    None,
                    None,
                )
                state.last_refresh_at, state.last_refresh_error = now, ""
                if since is None:
                    state.full_read_completed_at = now
            else:
                state.read_checkpoint, state.read_since = page.checkpoint, since
                state.read_started_at = state.read_started_at or now

    def _restart_in_full(self) -> None:
        with transaction(self.factory) as session:
            state = session.get(AtsIndexState, self.connection_id)
            if state is not None:
                state.watermark, state.read_checkpoint, state.read_since = None, None, None
                state.last_refresh_error = "The sync token expired; reading everything again."

    def _note_error(self, message: str) -> None:
        with transaction(self.factory) as session:
            state = session.get(AtsIndexState, self.connection_id)
            if state is not None:
                state.last_refresh_error = message[:MAX_ERROR_CHARS]

    def _release(self) -> None:
        with transaction(self.factory) as session:
            where = AtsIndexState.connection_id == self.connection_id
            release_lock(session, AtsIndexState, where, self.holder)


def live_connections(session: Session) -> list[AtsConnection]:
    query = select(AtsConnection).where(AtsConnection.status == ConnectionStatus.CONNECTED)
    return list(session.scalars(query))
