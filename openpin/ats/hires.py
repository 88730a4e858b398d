"""Reading hire status back from the ATS: which exported applications were hired since.

A run of `ats.check_hires` for one connection:
1. lists the exports not yet known hired; with none, it stops there (no request);
2. reads the ATS's hired applications changed since the last complete read: one listing for the
   whole account, usually one request (Greenhouse `GET /v3/applications?status=hired&updated_at=
   gte|...|lte|...`, Ashby `application.list {status: "Hired", syncToken}`), checkpointed after
   every page. The first read (and one after an expired sync token) is a full one, and it counts
   as the direct check of every export it saw waiting;
3. reads once, straight from the ATS, the state of each export not checked before: an application
   already hired before the listing's window (a person linked with an application hired long ago)
   is in no incremental read.
Each hire found sets `ats_export.hired_at` with a conditional update and, in the same transaction,
records `candidate.hired`, whose subscribers stop the person's sequences: a second run, or two runs
at once, record nothing more. As for exports, no transaction is held across a call to the ATS.

A run that finishes stamps `last_checked_at` and clears `last_error`; a run that fails stores its
reason there, worded for the admin (the health page and `GET /api/v1/ats/health` show it).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from openpin.activity.service import record_event
from openpin.ats.repository import AtsRepository
from openpin.db import transaction
from openpin.integrations import base
from openpin.integrations.errors import (
    AuthError,
    IntegrationError,
    RateLimited,
    SyncExpired,
    TransientError,
)
from openpin.integrations.registry import provider_info
from openpin.logging import get_logger
from openpin.models.ats import AtsConnection, AtsExport
from openpin.models.base import utcnow
from openpin.worker.errors import RetryLater

log = get_logger("openpin.ats")

HIRES_TASK = "ats.check_hires"
# Hire status is read back every 10 minutes: one request per connection (Greenhouse's budget is
# shared with exports), and a sequence's next step is days away, not minutes.
HIRES_EVERY_SECONDS = 600
HIRED_EVENT = "candidate.hired"
# Pages of the hires listing per run (each is checkpointed; a long first read continues).
PAGES_PER_RUN = 50
# Exports checked straight from the ATS per batch (Greenhouse reads 50 ids a request) and per run.
CHECK_BATCH = 50
CHECKS_PER_RUN = 500
MAX_ERROR_CHARS = 2000


@dataclass(frozen=True)
class AwaitingHire:
    """An exported application not yet known hired, detached from the session."""

    export_id: int
    candidate_id: int
    job_id: int | None
    ats_job_name: str
    ref: base.ApplicationRef
    checked: bool

    @classmethod
    def of(cls, export: AtsExport, ats_candidate_id: str | None) -> AwaitingHire:
        ref = base.ApplicationRef(export.ats_application_id, ats_candidate_id, export.ats_job_id)
        return cls(
            export_id=export.id,
            candidate_id=export.candidate_id,
            job_id=export.job_id,
            ats_job_name=export.ats_job_name,
            ref=ref,
            checked=export.hire_checked_at is not None,
        )


class Waiting:
    """The exports still waiting in this run, findable from an application the ATS lists."""

    def __init__(self, items: Iterable[AwaitingHire]) -> None:
        self._items = {item.export_id: item for item in items}
        self._by_application = {
            item.ref.application_id: item.export_id
            for item in self._items.values()
            if item.ref.application_id
        }
        self._by_person_and_job: dict[tuple[str | None, str | None], int] = {
            (item.ref.ats_candidate_id, item.ref.ats_job_id): item.export_id
            for item in self._items.values()
            if item.ref.application_id is None and item.ref.ats_candidate_id
        }

    def __bool__(self) -> bool:
        return bool(self._items)

    def matching(self, application: base.AtsApplication) -> AwaitingHire | None:
        export_id = self._by_application.get(application.id)
        if export_id is None:
            key = (application.ats_candidate_id, application.ats_job_id)
            export_id = self._by_person_and_job.get(key)
        return self._items.get(export_id) if export_id is not None else None

    def unchecked(self) -> list[AwaitingHire]:
        return [item for item in self._items.values() if not item.checked]

    def hired(self, item: AwaitingHire) -> None:
        self._items.pop(item.export_id, None)

    def all_checked(self) -> None:
        self._items = {key: replace(item, checked=True) for key, item in self._items.items()}


class HireCheck:
    """One run for one connection; `run()` is True when done, False when more remains."""

    def __init__(
        self,
        factory: sessionmaker[Session],
        connection: AtsConnection,
        provider: base.AtsProvider,
    ) -> None:
        self.factory = factory
        self.connection_id = connection.id
        self.workspace_id = connection.workspace_id
        self.provider_name = connection.provider.value
        self.provider = provider
        self._resuming = False

    def run(self) -> bool:
        waiting = Waiting(self._awaiting())
        try:
            # With no export waiting there is nothing to ask the ATS: the run is done, and fine.
            finished = not waiting or (
                self._read_hires(waiting) and self._check_directly(waiting.unchecked())
            )
        except SyncExpired:
            self._start_again()
            raise RetryLater(0.5, "the ATS's hires read cannot continue: reading again") from None
        except Exception as exc:
            self._note_error(hire_error_text(exc, self.provider_name))
            raise
        if finished:
            self._note_success()
        return finished

    # -- the listing ---------------------------------------------------------------------------

    def _read_hires(self, waiting: Waiting) -> bool:
        since, resume_from = self._start()
        self._resuming = resume_from is not None
        pages = self.provider.read_hires(since=since, resume_from=resume_from)
        for count, page in enumerate(pages, start=1):
            self._store_page(page, waiting, since)
            if page.complete:
                return True
            if count >= PAGES_PER_RUN:
                return False
        return True

    def _start(self) -> tuple[str | None, str | None]:
        with transaction(self.factory) as session:
            state = AtsRepository(session, self.workspace_id).hire_sync_state(self.connection_id)
            if state.read_checkpoint:
                return state.read_since, state.read_checkpoint
            return state.watermark, None

    def _store_page(self, page: base.HirePage, waiting: Waiting, since: str | None) -> None:
        now = utcnow()
        with transaction(self.factory) as session:
            repo = AtsRepository(session, self.workspace_id)
            recorded = 0
            for application in page.hired:
                item = waiting.matching(application)
                if item is not None:
                    recorded += self._record(session, repo, item, application, now)
                    waiting.hired(item)
            state = repo.hire_sync_state(self.connection_id)
            state.hires_recorded += recorded
            if not page.complete:
                state.read_checkpoint, state.read_since = page.checkpoint, since
                return
            state.watermark, state.read_checkpoint, state.read_since = page.watermark, None, None
            if since is None and not self._resuming:
                # A full read made in this run saw every application hired now: it is the direct
                # check of every export waiting before it started (a resumed one is not: earlier
                # pages were read before some of these exports existed).
                checked = [(item.export_id, None) for item in waiting.unchecked()]
                repo.mark_hire_checked(checked, now)
                waiting.all_checked()

    # -- the direct check of new exports ---------------------------------------------------------

    def _check_directly(self, unchecked: Sequence[AwaitingHire]) -> bool:
        for start in range(0, min(len(unchecked), CHECKS_PER_RUN), CHECK_BATCH):
            batch = unchecked[start : start + CHECK_BATCH]
            states = self.provider.application_states([item.ref for item in batch])
            self._store_checks(batch, states)
        return len(unchecked) <= CHECKS_PER_RUN

    def _store_checks(
        self,
        batch: Sequence[AwaitingHire],
        states: dict[base.ApplicationRef, base.AtsApplication],
    ) -> None:
        now = utcnow()
        with transaction(self.factory) as session:
            repo = AtsRepository(session, self.workspace_id)
            checked: list[tuple[int, str | None]] = []
            recorded = 0
            for item in batch:
                application = states.get(item.ref)
                checked.append((item.export_id, application.id if application else None))
                if application is not None and application.hired:
                    recorded += self._record(session, repo, item, application, now)
            repo.mark_hire_checked(checked, now)
            repo.hire_sync_state(self.connection_id).hires_recorded += recorded

    # -- recording a hire ------------------------------------------------------------------------

    def _record(
        self,
        session: Session,
        repo: AtsRepository,
        item: AwaitingHire,
        application: base.AtsApplication,
        now: datetime,
    ) -> int:
        """Set the hire and record `candidate.hired` in the same transaction; 1 if recorded."""
        hired_at = min(application.updated_at or now, now)
        if not repo.record_hire(item.export_id, hired_at, application.id):
            return 0  # recorded already, by an earlier or a concurrent run
        record_event(
            session,
            self.workspace_id,
            HIRED_EVENT,
            candidate_id=item.candidate_id,
            job_id=item.job_id,
            data={
                "connection_id": self.connection_id,
                "provider": self.provider_name,
                "ats_application_id": application.id,
                "ats_job_id": application.ats_job_id or item.ref.ats_job_id,
                "ats_job_name": item.ats_job_name,
                "ats_candidate_id": application.ats_candidate_id,
                "ats_status": application.status,
                "hired_at": hired_at.isoformat(),
            },
        )
        log.info("ats.hire_recorded", export_id=item.export_id, connection_id=self.connection_id)
        return 1

    # -- state after a failure ------------------------------------------------------------------

    def _start_again(self) -> None:
        """A resume that failed restarts from the same watermark; a watermark the ATS no longer
        accepts (an expired sync token) is dropped, so the next read is a full one."""
        with transaction(self.factory) as session:
            state = AtsRepository(session, self.workspace_id).hire_sync_state(self.connection_id)
            if not self._resuming:
                state.watermark = None
            state.read_checkpoint, state.read_since = None, None
            state.last_error = (
                "The ATS no longer accepted where the last hires read stopped; OpenPin is reading "
                "again by itself. Nothing to do."
            )

    def _note_error(self, message: str) -> None:
        with transaction(self.factory) as session:
            state = AtsRepository(session, self.workspace_id).hire_sync_state(self.connection_id)
            state.last_error = message[:MAX_ERROR_CHARS]

    def _note_success(self) -> None:
        with transaction(self.factory) as session:
            state = AtsRepository(session, self.workspace_id).hire_sync_state(self.connection_id)
            state.last_checked_at, state.last_error = utcnow(), ""

    def _awaiting(self) -> list[AwaitingHire]:
        with transaction(self.factory) as session:
            rows = AtsRepository(session, self.workspace_id).exports_awaiting_hire(
                self.connection_id
            )
            return [AwaitingHire.of(export, ats_candidate_id) for export, ats_candidate_id in rows]


def hire_error_text(exc: Exception, provider: str) -> str:
    """Why a hires read failed and what to do, for the admin. Classified messages are worded by
    the clients and never carry credentials; anything unclassified is named by its type only,
    since its text may hold whatever the ATS sent."""
    name = provider_info(provider).display_name
    if isinstance(exc, AuthError):
        # The client's message says what is wrong and where to fix it.
        return f"{exc.message} Hires are not read back until then."
    if isinstance(exc, RateLimited):
        return (
            f"{exc.message} The read waits {exc.retry_after:g} s and continues by itself; "
            f"nothing to do unless this keeps happening (other tools may share {name}'s limit)."
        )
    if isinstance(exc, TransientError):
        return (
            f"{exc.message} OpenPin retries by itself. If this lasts, check that {name} is up "
            "and the base URL under Settings > ATS integrations."
        )
    if isinstance(exc, IntegrationError):
        return (
            f"{exc.message} OpenPin tries again at the next run. If this keeps failing, "
            "reconnect under Settings > ATS integrations."
        )
    return (
        f"The hires read failed unexpectedly ({type(exc).__name__}). OpenPin retries by itself; "
        "if this keeps failing, the worker log (openpin.ats) has the details."
    )
