"""ATS rules on the request side: connecting, ATS jobs, export rules, manual export, health.

Never commits. Calls to the ATS made here (verify, users, jobs) are short and happen where the
user waits for their answer; exports themselves run in tasks (see `flows.py`).
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from openpin.activity.service import record_event
from openpin.ats import schemas
from openpin.ats.errors import AtsUnreachable, NotConnected, VerificationFailed
from openpin.ats.hires import HIRES_EVERY_SECONDS
from openpin.ats.pipeline import TRIGGER_EVENTS, enqueue_export_task, queue_export
from openpin.ats.pipeline import requeue_parked_exports as _requeue_parked
from openpin.ats.providers import encrypt_credentials, forget_provider, provider_for
from openpin.ats.repository import AtsRepository
from openpin.config import Settings
from openpin.errors import Conflict, NotFound, ValidationFailed
from openpin.integrations import base
from openpin.integrations.errors import AuthError, IntegrationError
from openpin.integrations.registry import build_provider, provider_info
from openpin.kit.crypto import SecretBox, mask_secret, new_token
from openpin.logging import get_logger
from openpin.models import ActivityEvent
from openpin.models.ats import (
    AtsConnection,
    AtsExport,
    AtsExportRule,
    AtsHireSyncState,
    AtsIndexState,
    AtsProviderName,
    ConnectionStatus,
    ExportStatus,
    ExportTrigger,
)
from openpin.models.base import utcnow
from openpin.worker.enqueue import enqueue_task

log = get_logger("openpin.ats")

INDEX_TASK = "ats.refresh_index"
JOBS_TASK = "ats.refresh_jobs"


def webhook_url(settings: Settings, connection: AtsConnection) -> str | None:
    if connection.provider.value != "ashby":
        return None
    base_url = settings.base_url.rstrip("/")
    return f"{base_url}/api/v1/ats/webhooks/ashby/{connection.webhook_token}"


def connection_schema(
    settings: Settings, connection: AtsConnection, webhook_secret: str | None = None
) -> schemas.Connection:
    report = connection.permissions or {}
    return schemas.Connection(
        id=connection.id,
        provider=connection.provider.value,
        provider_name=provider_info(connection.provider.value).display_name,
        status=connection.status.value,
        status_reason=connection.status_reason,
        base_url=connection.base_url,
        account=connection.account_name,
        credentials=dict(connection.credentials_masked or {}),
        acting_user_id=(connection.options or {}).get("on_behalf_of_user_id"),
        permissions_ok=bool(report.get("ok", False)),
        permissions=[schemas.PermissionCheck(**check) for check in report.get("permissions", [])],
        warnings=list(report.get("warnings", [])),
        verified_at=connection.verified_at,
        jobs_refreshed_at=connection.jobs_refreshed_at,
        webhook_url=webhook_url(settings, connection),
        webhook_secret=webhook_secret,
    )


def clean_base_url(value: str) -> str:
    value = value.strip().rstrip("/")
    if not value:
        return ""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValidationFailed(
            f"{value!r} is not a web address.",
            "Leave it empty for the vendor's default, or give the full address, e.g. "
            "https://api.eu.ashbyhq.com.",
            field="base_url",
        )
    return value


@dataclass(frozen=True)
class HiresRead:
    """Where reading hire status back stands, as the health page and the API show it.

    `status`: "failed" (the last run stored its reason in `last_error`), "paused" (the
    connection needs reconnecting, so no run happens), "not_run" (no run has finished yet) or "ok".
    """

    status: schemas.HiresStatus
    last_success_at: datetime | None
    hires_recorded: int
    exports_watched: int
    awaiting_first_check: int
    reading: bool
    last_error: str
    runs_every_seconds: int = HIRES_EVERY_SECONDS

    @classmethod
    def of(
        cls,
        connection: AtsConnection,
        state: AtsHireSyncState | None,
        counts: tuple[int, int],
    ) -> HiresRead:
        last_error = state.last_error if state else ""
        last_success_at = state.last_checked_at if state else None
        status: schemas.HiresStatus
        if last_error:
            status = "failed"
        elif connection.status == ConnectionStatus.NEEDS_RECONNECTING:
            status = "paused"
        else:
            status = "ok" if last_success_at else "not_run"
        return cls(
            status=status,
            last_success_at=last_success_at,
            hires_recorded=state.hires_recorded if state else 0,
            exports_watched=counts[0],
            awaiting_first_check=counts[1],
            reading=bool(state and state.read_checkpoint),
            last_error=last_error,
        )

    @property
    def schedule(self) -> str:
        minutes = self.runs_every_seconds / 60
        return f"every {minutes:g} minutes" if minutes != 1 else "every minute"

    @property
    def message(self) -> str:
        """One plain sentence on the state; the error itself (with what to do) when failed."""
        if self.status == "failed":
            return self.last_error
        if self.status == "paused":
            return "Paused until the ATS connection is reconnected."
        if self.status == "not_run":
            return f"Not run yet — runs {self.schedule}."
        return f"Working: runs {self.schedule}."


@dataclass
class Health:
    connection: AtsConnection
    counts: dict[str, int]
    recent: list[tuple[AtsExport, str]]
    failures: list[tuple[str, int]]
    waiting_tasks: dict[str, int]
    index: AtsIndexState | None
    index_people: int
    hires: HiresRead
    rules_enabled: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


class AtsService:
    def __init__(
        self,
        session: Session,
        workspace_id: int,
        actor_user_id: int | None,
        secret_box: SecretBox,
        settings: Settings,
    ) -> None:
        self.session = session
        self.workspace_id = workspace_id
        self.actor_user_id = actor_user_id
        self.box = secret_box
        self.settings = settings
        self.repo = AtsRepository(session, workspace_id)

    # -- the connection ------------------------------------------------------------------------

    def connection(self) -> AtsConnection | None:
        return self.repo.live_connection()

    def require_connection(self) -> AtsConnection:
        connection = self.repo.live_connection()
        if connection is None:
            raise NotConnected()
        return connection

    def list_users(self, probe: schemas.CredentialsProbe) -> list[base.AtsUser]:
        """The ATS users these credentials can see (Greenhouse: whom to act as). Saves nothing."""
        credentials = _clean_credentials(probe.provider, probe.credentials)
        provider = build_provider(probe.provider, credentials, clean_base_url(probe.base_url))
        try:
            with _classified(probe.provider):
                return provider.list_users()
        finally:
            provider.close()

    def connect(self, data: schemas.ConnectionCreate) -> tuple[AtsConnection, str | None]:
        """Verify, then save. Returns the connection and, when newly made, the webhook secret."""
        credentials = _clean_credentials(data.provider, data.credentials)
        base_url = clean_base_url(data.base_url)
        live = self.repo.live_connection(for_update=True)
        same_account = live is not None and (live.provider.value, live.base_url) == (
            data.provider,
            base_url,
        )
        if live is not None and not same_account and not data.confirm_switch:
            raise _switch_conflict(live, data.provider)
        options = self._options(data, credentials, base_url)
        report = _verify(data.provider, credentials, base_url, options)
        connection, webhook_secret = self._connection_row(live, same_account, data, base_url)
        self._store(connection, credentials, options, report)
        self._after_connect(connection)
        record_event(
            self.session,
            self.workspace_id,
            "ats.connected",
            actor_user_id=self.actor_user_id,
            data={"provider": data.provider, "account": report.account},
        )
        return connection, webhook_secret

    def _options(
        self, data: schemas.ConnectionCreate, credentials: dict[str, str], base_url: str
    ) -> dict[str, Any]:
        if data.provider != "greenhouse":
            return {}
        if not data.acting_user_id:
            probe = schemas.CredentialsProbe(
                provider="greenhouse", credentials=credentials, base_url=base_url
            )
            eligible = [user for user in self.list_users(probe) if user.can_act_as]
            names = ", ".join(f"{u.name} (id {u.id})" for u in eligible[:8]) or "none found"
            raise ValidationFailed(
                "Choose the Greenhouse user the integration acts as.",
                f"Greenhouse records every change under a user; it must be a Site Admin. "
                f"Users these credentials can act as: {names}.",
                field="acting_user_id",
            )
        return {"on_behalf_of_user_id": data.acting_user_id.strip()}

    def _connection_row(
        self,
        live: AtsConnection | None,
        same_account: bool,
        data: schemas.ConnectionCreate,
        base_url: str,
    ) -> tuple[AtsConnection, str | None]:
        if live is not None and same_account:
            return live, None
        if live is not None:
            self._retire(live, f"Replaced by a connection to {data.provider}.")
        reusable = self.repo.reusable_connection(data.provider, base_url)
        if reusable is not None:
            return reusable, None
        secret = secrets.token_urlsafe(32)
        connection = AtsConnection(
            workspace_id=self.workspace_id,
            provider=AtsProviderName(data.provider),
            base_url=base_url,
            credentials_encrypted="",
            webhook_token=new_token("wh_"),
            webhook_secret_encrypted=self.box.encrypt(secret),
        )
        self.session.add(connection)
        return connection, secret

    def _store(
        self,
        connection: AtsConnection,
        credentials: dict[str, str],
        options: dict[str, Any],
        report: base.PermissionReport,
    ) -> None:
        connection.credentials_encrypted = encrypt_credentials(credentials, self.box)
        connection.credentials_masked = {k: mask_secret(v) for k, v in credentials.items()}
        connection.options = options
        connection.permissions = report.as_dict()
        connection.account_name = report.account[:300]
        connection.status = ConnectionStatus.CONNECTED
        connection.status_reason = ""
        connection.verified_at = utcnow()
        connection.disconnected_at = None
        connection.connected_by = self.actor_user_id
        self.session.flush()
        forget_provider(connection.id)

    def _after_connect(self, connection: AtsConnection) -> None:
        try:
            self.refresh_jobs(connection)
        except IntegrationError as exc:
            # Connected all the same: the periodic refresh (or the button) tries again.
            log.warning("ats.jobs_refresh_failed", connection_id=connection.id, error=exc.message)
            self._enqueue(JOBS_TASK, connection)
        self._enqueue(INDEX_TASK, connection)
        _requeue_parked(self.session, connection)

    def _enqueue(self, name: str, connection: AtsConnection) -> None:
        enqueue_task(
            self.session,
            name,
            args={"connection_id": connection.id},
            workspace_id=self.workspace_id,
            unique_key=f"{name}:{connection.id}",
        )

    def disconnect(self) -> None:
        connection = self.repo.live_connection(for_update=True)
        if connection is None:
            raise NotConnected()
        self._retire(connection, "Disconnected by a user.")
        record_event(
            self.session,
            self.workspace_id,
            "ats.disconnected",
            actor_user_id=self.actor_user_id,
            data={"provider": connection.provider.value},
        )

    def _retire(self, connection: AtsConnection, reason: str) -> None:
        # The secret is erased, not kept: reconnecting asks for the credentials again.
        connection.status = ConnectionStatus.DISCONNECTED
        connection.status_reason = reason
        connection.credentials_encrypted = ""
        connection.credentials_masked = {}
        connection.disconnected_at = utcnow()
        self.session.flush()
        forget_provider(connection.id)

    def new_webhook_secret(self) -> tuple[AtsConnection, str]:
        connection = self.require_connection()
        secret = secrets.token_urlsafe(32)
        connection.webhook_secret_encrypted = self.box.encrypt(secret)
        self.session.flush()
        return connection, secret

    # -- ATS jobs ------------------------------------------------------------------------------

    def refresh_jobs(self, connection: AtsConnection | None = None) -> None:
        connection = connection or self.require_connection()
        provider = provider_for(connection, self.box)
        with _classified(connection.provider.value):
            jobs = provider.list_open_jobs()
        now = utcnow()
        self.repo.store_jobs(connection.id, jobs, now)
        connection.jobs_refreshed_at = now

    def jobs(self) -> tuple[AtsConnection, list[Any]]:
        connection = self.require_connection()
        return connection, self.repo.cached_jobs(connection.id)

    def _open_ats_job(self, connection: AtsConnection, ats_job_id: str) -> Any:
        job = self.repo.cached_job(connection.id, ats_job_id.strip())
        if job is None or not job.is_open:
            name = provider_info(connection.provider.value).display_name
            raise ValidationFailed(
                f"{ats_job_id!r} is not an open job in {name}.",
                "Choose one of the ATS jobs listed (refresh the list if it was just opened).",
                field="ats_job_id",
            )
        return job

    # -- export rules --------------------------------------------------------------------------

    def rule(self, job_id: int) -> AtsExportRule | None:
        self._job(job_id)
        return self.repo.rule_for_job(job_id)

    def _job(self, job_id: int) -> Any:
        job = self.repo.job(job_id)
        if job is None:
            raise NotFound(f"No job with id {job_id} in this workspace.", "Check the id.")
        return job

    def set_rule(self, job_id: int, data: schemas.ExportRuleIn) -> AtsExportRule:
        self._job(job_id)
        connection = self.require_connection()
        ats_job = self._open_ats_job(connection, data.ats_job_id)
        rule = self.repo.rule_for_job(job_id)
        before = _rule_summary(rule)
        if rule is None:
            rule = AtsExportRule(workspace_id=self.workspace_id, job_id=job_id)
            self.session.add(rule)
        trigger = ExportTrigger(data.trigger)
        changed = before.get("ats_job_id") != ats_job.external_id or (
            before.get("trigger") != trigger.value or before.get("connection_id") != connection.id
        )
        if data.enabled and (changed or not before.get("enabled")):
            # Only events from now on export: a changed rule is a new promise.
            rule.enabled_at = utcnow()
        rule.connection_id = connection.id
        rule.ats_job_id, rule.ats_job_name = ats_job.external_id, ats_job.name
        rule.trigger, rule.enabled, rule.updated_by = trigger, data.enabled, self.actor_user_id
        self.session.flush()
        self._record_rule_change(job_id, before, _rule_summary(rule))
        return rule

    def _record_rule_change(
        self, job_id: int, before: dict[str, Any], after: dict[str, Any]
    ) -> None:
        if before == after:
            return
        verb = "enabled" if after["enabled"] and not before.get("enabled") else "changed"
        if not after["enabled"] and before.get("enabled"):
            verb = "disabled"
        record_event(
            self.session,
            self.workspace_id,
            f"ats.export_rule_{verb}",
            job_id=job_id,
            actor_user_id=self.actor_user_id,
            data={"before": before, "after": after},
        )

    def rule_schema(self, rule: AtsExportRule) -> schemas.ExportRule:
        live = self.repo.live_connection()
        provider = live.provider.value if live is not None else ""
        return schemas.ExportRule(
            job_id=rule.job_id,
            provider=provider,
            ats_job_id=rule.ats_job_id,
            ats_job_name=rule.ats_job_name,
            trigger=rule.trigger,
            enabled=rule.enabled,
            enabled_at=rule.enabled_at,
            updated_at=rule.updated_at,
            active=live is not None and live.id == rule.connection_id and rule.enabled,
        )

    # -- backfill ------------------------------------------------------------------------------

    def backfill_candidates(self, job_id: int) -> tuple[AtsExportRule, list[int]]:
        """Candidates who met the rule's trigger for this job before it was enabled and have
        no export to its ATS job yet: what an opt-in backfill would export."""
        rule = self.rule(job_id)
        connection = self.require_connection()
        if rule is None or not rule.enabled or rule.connection_id != connection.id:
            raise Conflict(
                "This job has no enabled export rule for the connected ATS.",
                "Enable the rule first; the backfill exports who met its trigger before.",
            )
        assert rule.enabled_at is not None
        query = (
            select(ActivityEvent.candidate_id)
            .where(ActivityEvent.workspace_id == self.workspace_id)
            .where(ActivityEvent.job_id == job_id)
            .where(ActivityEvent.type == TRIGGER_EVENTS[rule.trigger])
            .where(ActivityEvent.created_at < rule.enabled_at)
            .where(ActivityEvent.candidate_id.is_not(None))
            .distinct()
        )
        met = [cid for cid in self.session.scalars(query) if cid is not None]
        exports = self.repo.exports_by_candidate(connection.id, met)
        pending = [
            cid
            for cid in sorted(met)
            if not any(e.ats_job_id == rule.ats_job_id for e in exports.get(cid, []))
        ]
        return rule, pending

    def run_backfill(self, job_id: int, expected_count: int) -> int:
        rule, candidate_ids = self.backfill_candidates(job_id)
        if len(candidate_ids) != expected_count:
            raise Conflict(
                f"The number of candidates to export changed from {expected_count} to "
                f"{len(candidate_ids)} since you looked.",
                "Review the new count and run the backfill again.",
            )
        connection = self.require_connection()
        for candidate_id in candidate_ids:
            queue_export(
                self.session,
                connection,
                candidate_id,
                rule.ats_job_id,
                trigger="backfill",
                ats_job_name=rule.ats_job_name,
                job_id=job_id,
                requested_by=self.actor_user_id,
            )
        record_event(
            self.session,
            self.workspace_id,
            "ats.backfill_started",
            job_id=job_id,
            actor_user_id=self.actor_user_id,
            data={"count": len(candidate_ids), "ats_job_id": rule.ats_job_id},
        )
        return len(candidate_ids)

    # -- manual export -------------------------------------------------------------------------

    def export_manually(
        self, candidate_ids: Sequence[int], ats_job_id: str
    ) -> schemas.ExportResult:
        connection = self._usable_connection()
        ats_job = self._open_ats_job(connection, ats_job_id)
        ids = list(dict.fromkeys(candidate_ids))
        known = self.repo.candidate_ids_in_workspace(ids)
        links = self.repo.links_by_candidate(connection.id, ids)
        exports = self.repo.exports_by_candidate(connection.id, ids)
        name = provider_info(connection.provider.value).display_name
        results = []
        for candidate_id in ids:
            refusal = _refusal(candidate_id, known, links, exports, name, ats_job.external_id)
            if refusal is not None:
                results.append(refusal)
                continue
            results.append(self._queue_manual(connection, candidate_id, ats_job, exports))
        return _export_result(results, name)

    def _usable_connection(self) -> AtsConnection:
        connection = self.require_connection()
        if connection.status != ConnectionStatus.CONNECTED:
            raise Conflict(
                f"The ATS connection needs reconnecting: {connection.status_reason}",
                "Reconnect it under Settings > ATS integrations, then export again.",
            )
        return connection

    def _queue_manual(
        self,
        connection: AtsConnection,
        candidate_id: int,
        ats_job: Any,
        exports: dict[int, list[AtsExport]],
    ) -> schemas.ExportOutcome:
        failed = [e for e in exports.get(candidate_id, []) if e.ats_job_id == ats_job.external_id]
        if failed:  # an earlier export to this very job failed: exporting again is its retry
            export = self.retry_export(failed[0].id)
        else:
            queued = queue_export(
                self.session,
                connection,
                candidate_id,
                ats_job.external_id,
                trigger="manual",
                ats_job_name=ats_job.name,
                requested_by=self.actor_user_id,
            )
            assert queued is not None  # no export for this job existed (checked above)
            export = queued
        return schemas.ExportOutcome(
            candidate_id=candidate_id, status="queued", export_id=export.id
        )

    def retry_export(self, export_id: int) -> AtsExport:
        export = self.repo.get_export(export_id, for_update=True)
        if export is None:
            raise NotFound(f"No ATS export with id {export_id} in this workspace.")
        if export.status not in (ExportStatus.FAILED, ExportStatus.WAITING_RECONNECT):
            raise Conflict(
                f"This export is {export.status.value.replace('_', ' ')}; "
                "only a failed export can be retried."
            )
        live = self._usable_connection()
        if live.id != export.connection_id:
            raise Conflict(
                "This export was for an ATS the workspace is no longer connected to.",
                "Export the candidate again to the connected ATS.",
            )
        export.status, export.last_error, export.error_kind = ExportStatus.PENDING, "", ""
        export.attempts = 0
        self.session.flush()
        enqueue_export_task(self.session, export)
        return export

    # -- health --------------------------------------------------------------------------------

    def health(self) -> Health:
        connection = self.require_connection()
        rules = [r for _, r in self.repo.jobs_with_rules() if r is not None]
        return Health(
            connection=connection,
            counts=self.repo.export_counts(connection.id),
            recent=self.repo.recent_exports(connection.id),
            failures=self.repo.failures_by_reason(connection.id),
            waiting_tasks=self.repo.waiting_tasks(),
            index=self.repo.index_state(connection.id),
            index_people=self.repo.index_size(connection.id),
            hires=HiresRead.of(
                connection,
                self.repo.hire_state(connection.id),
                self.repo.hire_watch_counts(connection.id),
            ),
            rules_enabled=sum(1 for r in rules if r.enabled and r.connection_id == connection.id),
        )


# -- helpers -------------------------------------------------------------------------------------


class _classified:
    """Turn the ATS's classified failures into errors worded for the person waiting."""

    def __init__(self, provider: str) -> None:
        self.name = provider_info(provider).display_name

    def __enter__(self) -> None:
        return None

    def __exit__(self, exc_type: Any, exc: BaseException | None, _tb: Any) -> None:
        if isinstance(exc, AuthError):
            # The provider's message already says what is wrong and where to fix it.
            raise VerificationFailed(exc.message) from exc
        if isinstance(exc, IntegrationError):
            raise AtsUnreachable(
                f"{self.name} did not answer as expected: {exc.message}",
                "Check the base URL, or try again in a minute.",
            ) from exc


def _clean_credentials(provider: str, credentials: dict[str, str]) -> dict[str, str]:
    info = provider_info(provider)
    cleaned = {name: str(credentials.get(name, "")).strip() for name in info.credential_fields}
    missing = [name for name, value in cleaned.items() if not value]
    if missing:
        fields = ", ".join(name.replace("_", " ") for name in missing)
        raise ValidationFailed(
            f"{info.display_name} needs {fields}.",
            f"Create them in {info.display_name} (see Settings > ATS integrations for how).",
            field=f"credentials.{missing[0]}",
        )
    return cleaned


def _verify(
    provider_name: str, credentials: dict[str, str], base_url: str, options: dict[str, Any]
) -> base.PermissionReport:
    provider = build_provider(provider_name, credentials, base_url or None, options)
    try:
        with _classified(provider_name):
            report = provider.verify()
    finally:
        provider.close()
    if not report.ok:
        missing = ", ".join(c.label for c in report.missing if c.required)
        raise VerificationFailed(
            f"The credentials work but lack permissions OpenPin needs: {missing}.",
            "Grant each missing permission as the report says, then connect again.",
            report=report.as_dict(),
        )
    return report


def _switch_conflict(live: AtsConnection, provider: str) -> Conflict:
    current = provider_info(live.provider.value).display_name
    new = provider_info(provider).display_name
    return Conflict(
        f"This workspace is connected to {current}. Connecting {new} replaces that connection: "
        f"export rules set for {current} stop, and candidates already exported stay there.",
        "Send confirm_switch: true to switch (the UI asks for confirmation).",
    )


def _rule_summary(rule: AtsExportRule | None) -> dict[str, Any]:
    if rule is None:
        return {}
    return {
        "connection_id": rule.connection_id,
        "ats_job_id": rule.ats_job_id,
        "ats_job_name": rule.ats_job_name,
        "trigger": rule.trigger.value if rule.trigger else None,
        "enabled": rule.enabled,
    }


def _refusal(
    candidate_id: int,
    known: set[int],
    links: dict[int, Any],
    exports: dict[int, list[AtsExport]],
    ats_name: str,
    ats_job_id: str,
) -> schemas.ExportOutcome | None:
    def refused(code: str, reason: str) -> schemas.ExportOutcome:
        return schemas.ExportOutcome(
            candidate_id=candidate_id, status="refused", reason_code=code, reason=reason
        )

    if candidate_id not in known:
        return refused("not_found", f"No candidate with id {candidate_id} in this workspace.")
    link = links.get(candidate_id)
    mine = exports.get(candidate_id, [])
    if (link is not None and link.ats_candidate_id) or any(
        e.status == ExportStatus.EXPORTED for e in mine
    ):
        return refused(
            "already_exported",
            f"Already exported to {ats_name}. Contact data is synced only once; export rules "
            "add applications to other jobs.",
        )
    if any(e.status in (ExportStatus.PENDING, ExportStatus.WAITING_RECONNECT) for e in mine):
        return refused("export_pending", f"An export to {ats_name} is already under way.")
    return None


def _export_result(results: list[schemas.ExportOutcome], ats_name: str) -> schemas.ExportResult:
    queued = sum(1 for r in results if r.status == "queued")
    if queued == 0 and any(r.reason_code == "already_exported" for r in results):
        detail = [r.model_dump() for r in results]
        one = len(results) == 1
        raise Conflict(
            results[0].reason
            if one
            else f"None of these candidates can be exported to {ats_name}.",
            "Candidates already in the ATS get new applications through export rules.",
            results=detail,
        )
    return schemas.ExportResult(queued=queued, refused=len(results) - queued, results=results)
