"""Background indexing: one candidate after each change, and a periodic sweep for the rest.

Bulk imports write `candidate.created` events with a bulk INSERT that runs no subscribers, so
the periodic `sourcing.index_pending` sweep is what indexes imports; it works in batches and
queues its own next batch while work remains, so a 100,000-row import is indexed steadily and a
killed worker resumes from the rows themselves.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from openpin.activity.service import subscribe
from openpin.models import ActivityEvent, Task
from openpin.sourcing import indexer
from openpin.worker.enqueue import ACTIVE, enqueue_task
from openpin.worker.registry import TaskContext, task
from openpin.worker.scheduler import periodic

INDEX_EVENTS = ("candidate.created", "candidate.merged", "candidate.updated")
TEXT_BATCH = 1000
SWEEP_SECONDS = 30
CHAIN_KEY = "sourcing.index_more"


def _on_candidate_change(session: Session, event: ActivityEvent) -> None:
    if event.candidate_id is None:
        return
    # Roles and schools live in child tables: editing only them leaves `updated_at` alone.
    indexer.mark_stale(session, event.workspace_id, event.candidate_id)
    enqueue_task(
        session,
        "sourcing.index_candidate",
        args={"candidate_id": event.candidate_id},
        workspace_id=event.workspace_id,
        unique_key=f"sourcing.index_candidate:{event.candidate_id}",
    )


for _event_type in INDEX_EVENTS:
    subscribe(_event_type, _on_candidate_change)


def _read_session(ctx: TaskContext) -> Session:
    # A short session of its own for reads: on SQLite the task's own transaction takes the write
    # lock at its first statement and must not hold it while the model runs.
    return Session(bind=ctx.session.get_bind())


@task("sourcing.index_candidate")
def index_candidate(ctx: TaskContext, candidate_id: int) -> None:
    assert ctx.workspace_id is not None
    with _read_session(ctx) as reader, reader.begin():
        rows = indexer.derive_rows(reader, ctx.workspace_id, [candidate_id])
        pending = indexer.embeddings_needed(reader, rows)
    blobs = indexer.embed_pending(pending) if pending else []
    indexer.write_rows(ctx.session, rows)
    indexer.store_embeddings(ctx.session, pending, blobs)


@periodic("sourcing.index_pending", every=SWEEP_SECONDS)
def index_pending(ctx: TaskContext, chain: str = "") -> None:
    """One batch of keyword text and one batch of embeddings, across all workspaces.

    While work remains each run queues the next (alternating two unique keys, as a task cannot
    queue its own key while it holds it); the periodic run stands aside while such a chain is
    under way, so there is one chain at a time.
    """
    batch = ctx.settings.sourcing.embed_batch_size
    with _read_session(ctx) as reader, reader.begin():
        if not chain and _chain_under_way(reader):
            return
        stale = indexer.pending_text_ids(reader, limit=TEXT_BATCH)
        rows = [
            row
            for workspace_id, ids in _by_workspace(stale).items()
            for row in indexer.derive_rows(reader, workspace_id, ids)
        ]
        pending = indexer.pending_embeddings(reader, limit=batch)
    blobs = indexer.embed_pending(pending) if pending else []
    indexer.write_rows(ctx.session, rows)
    indexer.store_embeddings(ctx.session, pending, blobs)
    if rows or len(pending) == batch:
        # More remains (new text always needs embedding): the next batch runs right after.
        following = "b" if chain == "a" else "a"
        enqueue_task(
            ctx.session,
            "sourcing.index_pending",
            args={"chain": following},
            unique_key=f"{CHAIN_KEY}:{following}",
        )


def _chain_under_way(session: Session) -> bool:
    keys = [f"{CHAIN_KEY}:a", f"{CHAIN_KEY}:b"]
    query = select(Task.id).where(Task.unique_key.in_(keys), Task.status.in_(ACTIVE)).limit(1)
    return session.scalar(query) is not None


def _by_workspace(pairs: list[tuple[int, int]]) -> dict[int, list[int]]:
    grouped: dict[int, list[int]] = {}
    for workspace_id, candidate_id in pairs:
        grouped.setdefault(workspace_id, []).append(candidate_id)
    return grouped
