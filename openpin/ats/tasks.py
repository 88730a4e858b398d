"""ATS background work: exports, the identity index and the ATS job cache; the trigger
subscribers are registered here too, since every domain's `tasks.py` is imported at start."""

from __future__ import annotations

import random

from openpin.activity.service import EVENT_LABELS, subscribe
from openpin.ats.flows import ExportFlow, IndexRefresh, live_connections, own_factory, secret_box
from openpin.ats.hires import HIRES_EVERY_SECONDS, HIRES_TASK, HireCheck
from openpin.ats.pipeline import EVENT_TRIGGERS, on_trigger_event
from openpin.ats.providers import provider_for
from openpin.ats.repository import AtsRepository
from openpin.ats.service import INDEX_TASK, JOBS_TASK
from openpin.db import transaction
from openpin.integrations.errors import AuthError, RateLimited
from openpin.logging import get_logger
from openpin.models.ats import AtsConnection, ConnectionStatus
from openpin.models.base import utcnow
from openpin.worker.enqueue import enqueue_task
from openpin.worker.errors import RetryLater
from openpin.worker.registry import TaskContext, task
from openpin.worker.scheduler import periodic

log = get_logger("openpin.ats")

for _event_type in EVENT_TRIGGERS:
    subscribe(_event_type, on_trigger_event)

# Timeline wording for this domain's events (the activity service falls back to the raw type).
for _type, _label in {
    "ats.exported": "Exported to the ATS",
    "ats.export_failed": "Export to the ATS failed",
    "ats.connected": "ATS connected",
    "ats.disconnected": "ATS disconnected",
    "ats.export_rule_enabled": "ATS export rule enabled",
    "ats.export_rule_disabled": "ATS export rule disabled",
    "ats.export_rule_changed": "ATS export rule changed",
    "ats.backfill_started": "ATS backfill started",
}.items():
    EVENT_LABELS.setdefault(_type, _label)

INDEX_EVERY_SECONDS = 300
JOBS_EVERY_SECONDS = 900


@task("ats.export_candidate", max_attempts=12)
def export_candidate(ctx: TaskContext, export_id: int) -> None:
    """Export one candidate to one ATS job (see `openpin.ats.flows`)."""
    ExportFlow(ctx).run(export_id)


@task(INDEX_TASK, max_attempts=8)
def refresh_index(ctx: TaskContext, connection_id: int) -> None:
    """Read the ATS's people into the identity index; more pages continue in a next run."""
    connection = _connection(ctx, connection_id)
    if connection is None:
        return
    provider = provider_for(connection, secret_box(ctx.settings))
    refresh = IndexRefresh(
        own_factory(ctx), connection, provider, f"task:{ctx.task_id}", ctx.settings
    )
    try:
        finished = refresh.run()
    except RateLimited as exc:
        raise RetryLater(exc.retry_after + random.uniform(0, 1.0), exc.message) from exc
    except AuthError as exc:
        _needs_reconnecting(ctx, connection_id, exc.message)
        return
    if not finished:
        raise RetryLater(2.0, "more pages to read, or another run holds the index")


@task(JOBS_TASK, max_attempts=5)
def refresh_jobs(ctx: TaskContext, connection_id: int) -> None:
    connection = _connection(ctx, connection_id)
    if connection is None:
        return
    provider = provider_for(connection, secret_box(ctx.settings))
    try:
        jobs = provider.list_open_jobs()  # before the first query: no lock held while waiting
    except RateLimited as exc:
        raise RetryLater(exc.retry_after, exc.message) from exc
    except AuthError as exc:
        _needs_reconnecting(ctx, connection_id, exc.message)
        return
    now = utcnow()
    AtsRepository(ctx.session, connection.workspace_id).store_jobs(connection_id, jobs, now)
    stored = ctx.session.get(AtsConnection, connection_id)
    if stored is not None:
        stored.jobs_refreshed_at = now


@task(HIRES_TASK, max_attempts=8)
def check_hires(ctx: TaskContext, connection_id: int) -> None:
    """Learn which exported applications were hired (see `openpin.ats.hires`)."""
    connection = _connection(ctx, connection_id)
    if connection is None:
        return
    provider = provider_for(connection, secret_box(ctx.settings))
    try:
        finished = HireCheck(own_factory(ctx), connection, provider).run()
    except RateLimited as exc:
        raise RetryLater(exc.retry_after + random.uniform(0, 1.0), exc.message) from exc
    except AuthError as exc:
        _needs_reconnecting(ctx, connection_id, exc.message)
        return
    if not finished:
        raise RetryLater(2.0, "more hired applications or new exports to read")


@periodic("ats.refresh_all_indexes", every=INDEX_EVERY_SECONDS)
def refresh_all_indexes(ctx: TaskContext) -> None:
    _fan_out(ctx, INDEX_TASK)


@periodic("ats.refresh_all_jobs", every=JOBS_EVERY_SECONDS)
def refresh_all_jobs(ctx: TaskContext) -> None:
    _fan_out(ctx, JOBS_TASK)


@periodic("ats.check_all_hires", every=HIRES_EVERY_SECONDS)
def check_all_hires(ctx: TaskContext) -> None:
    _fan_out(ctx, HIRES_TASK)


def _fan_out(ctx: TaskContext, name: str) -> None:
    for connection in live_connections(ctx.session):
        enqueue_task(
            ctx.session,
            name,
            args={"connection_id": connection.id},
            workspace_id=connection.workspace_id,
            unique_key=f"{name}:{connection.id}",
        )


def _connection(ctx: TaskContext, connection_id: int) -> AtsConnection | None:
    """Read in a short transaction of its own, so no lock is held during the ATS calls."""
    with transaction(own_factory(ctx)) as session:
        connection = session.get(AtsConnection, connection_id)
        if connection is None or connection.status != ConnectionStatus.CONNECTED:
            return None
        if ctx.workspace_id is not None and connection.workspace_id != ctx.workspace_id:
            return None
        session.expunge(connection)
        return connection


def _needs_reconnecting(ctx: TaskContext, connection_id: int, reason: str) -> None:
    connection = ctx.session.get(AtsConnection, connection_id)
    if connection is not None and connection.status == ConnectionStatus.CONNECTED:
        connection.status = ConnectionStatus.NEEDS_RECONNECTING
        connection.status_reason = reason
    log.warning("ats.needs_reconnecting", connection_id=connection_id)
