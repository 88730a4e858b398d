"""Keeping the sourcing index current: derive profile text (cheap), then embed it (slow).

The two steps are separate so that keyword search covers a candidate within seconds of an
import while the model works through the embeddings. All progress lives in the rows themselves
(`indexed_at` against the candidate's `updated_at`, `embedded_hash` against `content_hash`), so
any step can be killed and simply runs again on what is still pending.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, func, or_, select, update
from sqlalchemy.orm import Session, selectinload

from openpin.kit.embeddings import MODEL_ID, Embedder, get_embedder, to_blob
from openpin.models import Candidate
from openpin.models.base import utcnow
from openpin.models.sourcing import SourcingProfile
from openpin.sourcing.profile import build_document
from openpin.worker.enqueue import dialect_insert


@dataclass(frozen=True)
class IndexStatus:
    candidates: int
    indexed: int  # searchable by keyword with current text
    embedded: int  # with an embedding of their current text
    pending_text: int
    pending_embedding: int

    @property
    def complete(self) -> bool:
        return self.pending_text == 0 and self.pending_embedding == 0

    @property
    def percent_embedded(self) -> int:
        return 100 if not self.candidates else int(100 * self.embedded / self.candidates)


@dataclass(frozen=True)
class PendingEmbedding:
    candidate_id: int
    content_hash: str
    text: str


def _outdated_text() -> ColumnElement[bool]:
    return or_(
        SourcingProfile.candidate_id.is_(None),
        SourcingProfile.stale.is_(True),
        SourcingProfile.indexed_at < Candidate.updated_at,
    )


def _needs_embedding() -> ColumnElement[bool]:
    return or_(
        SourcingProfile.embedded_hash.is_(None),
        SourcingProfile.embedded_hash != SourcingProfile.content_hash,
        SourcingProfile.model_id != MODEL_ID,
    )


def pending_text_ids(
    session: Session, workspace_id: int | None = None, limit: int = 1000
) -> list[tuple[int, int]]:
    """(workspace_id, candidate_id) of candidates whose index text is missing or out of date."""
    query = (
        select(Candidate.workspace_id, Candidate.id)
        .outerjoin(SourcingProfile, SourcingProfile.candidate_id == Candidate.id)
        .where(_outdated_text())
        .order_by(Candidate.id)
        .limit(limit)
    )
    if workspace_id is not None:
        query = query.where(Candidate.workspace_id == workspace_id)
    return [(int(ws), int(cid)) for ws, cid in session.execute(query)]


def derive_rows(
    session: Session, workspace_id: int, candidate_ids: Sequence[int], today: date | None = None
) -> list[dict[str, Any]]:
    """The `sourcing_profile` rows of these candidates, computed from their profiles (reads only).

    Ids of candidates that no longer exist are skipped (their rows went with them).
    """
    if not candidate_ids:
        return []
    today = today or utcnow().date()
    query = (
        select(Candidate)
        .where(Candidate.workspace_id == workspace_id, Candidate.id.in_(list(candidate_ids)))
        .options(selectinload(Candidate.experiences), selectinload(Candidate.educations))
    )
    now = utcnow()
    rows = []
    for candidate in session.scalars(query):
        row = build_document(candidate, today).row(workspace_id, candidate.id)
        row["indexed_at"] = max(now, candidate.updated_at)
        rows.append(row)
    return rows


def write_rows(session: Session, rows: list[dict[str, Any]]) -> int:
    _upsert(session, rows)
    return len(rows)


def index_candidates(
    session: Session, workspace_id: int, candidate_ids: Sequence[int], today: date | None = None
) -> int:
    """Derive and store the keyword text and facts of these candidates; returns how many."""
    return write_rows(session, derive_rows(session, workspace_id, candidate_ids, today))


def embeddings_needed(session: Session, rows: list[dict[str, Any]]) -> list[PendingEmbedding]:
    """Of freshly derived rows, those whose text differs from what was last embedded."""
    ids = [row["candidate_id"] for row in rows]
    if not ids:
        return []
    query = select(SourcingProfile.candidate_id, SourcingProfile.embedded_hash).where(
        SourcingProfile.candidate_id.in_(ids), SourcingProfile.model_id == MODEL_ID
    )
    embedded = {int(cid): hash_ for cid, hash_ in session.execute(query)}
    return [
        PendingEmbedding(row["candidate_id"], row["content_hash"], row["embed_text"])
        for row in rows
        if embedded.get(row["candidate_id"]) != row["content_hash"]
    ]


def _upsert(session: Session, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    insert = dialect_insert(session)(SourcingProfile)
    updated = {name: insert.excluded[name] for name in rows[0] if name != "candidate_id"}
    session.execute(
        insert.on_conflict_do_update(index_elements=["candidate_id"], set_=updated), rows
    )


def mark_stale(session: Session, workspace_id: int, candidate_id: int) -> None:
    """Flag a candidate's text as out of date (changes that do not touch `updated_at`)."""
    session.execute(
        update(SourcingProfile)
        .where(
            SourcingProfile.workspace_id == workspace_id,
            SourcingProfile.candidate_id == candidate_id,
        )
        .values(stale=True)
        .execution_options(synchronize_session=False)
    )


def pending_embeddings(
    session: Session, workspace_id: int | None = None, limit: int = 256
) -> list[PendingEmbedding]:
    query = (
        select(
            SourcingProfile.candidate_id, SourcingProfile.content_hash, SourcingProfile.embed_text
        )
        .where(_needs_embedding())
        .order_by(SourcingProfile.candidate_id)
        .limit(limit)
    )
    if workspace_id is not None:
        query = query.where(SourcingProfile.workspace_id == workspace_id)
    return [PendingEmbedding(int(c), h, t) for c, h, t in session.execute(query)]


def embed_pending(
    items: Sequence[PendingEmbedding], embedder: Embedder | None = None
) -> list[bytes]:
    """The slow part, with no database work: run it outside any transaction."""
    vectors = (embedder or get_embedder()).embed([item.text for item in items])
    return [to_blob(vector) for vector in vectors]


def store_embeddings(
    session: Session, items: Sequence[PendingEmbedding], blobs: Sequence[bytes]
) -> int:
    """Save embeddings, each only if its text has not changed since it was read."""
    now = utcnow()
    stored = 0
    for item, blob in zip(items, blobs, strict=True):
        result = session.execute(
            update(SourcingProfile)
            .where(
                SourcingProfile.candidate_id == item.candidate_id,
                SourcingProfile.content_hash == item.content_hash,
            )
            .values(
                embedding=blob, embedded_hash=item.content_hash, embedded_at=now, model_id=MODEL_ID
            )
            .execution_options(synchronize_session=False)
        )
        stored += result.rowcount  # type: ignore[attr-defined]
    return stored


def reset_index(session: Session, workspace_id: int | None = None) -> int:
    """Mark every row for re-derivation and re-embedding; old vectors serve until replaced."""
    query = update(SourcingProfile).values(stale=True, embedded_hash=None)
    if workspace_id is not None:
        query = query.where(SourcingProfile.workspace_id == workspace_id)
    return session.execute(query.execution_options(synchronize_session=False)).rowcount  # type: ignore[attr-defined]


def drop_index(session: Session, workspace_id: int) -> None:
    session.execute(delete(SourcingProfile).where(SourcingProfile.workspace_id == workspace_id))


def index_status(session: Session, workspace_id: int | None = None) -> IndexStatus:
    join = and_(SourcingProfile.candidate_id == Candidate.id)
    query = (
        select(
            func.count(Candidate.id),
            func.count(SourcingProfile.candidate_id),
            func.count(SourcingProfile.candidate_id).filter(_outdated_text()),
            func.count(SourcingProfile.candidate_id).filter(_needs_embedding()),
        )
        .select_from(Candidate)
        .outerjoin(SourcingProfile, join)
    )
    if workspace_id is not None:
        query = query.where(Candidate.workspace_id == workspace_id)
    total, rows, outdated, unembedded = session.execute(query).one()
    missing = total - rows
    return IndexStatus(
        candidates=total,
        indexed=rows - outdated,
        embedded=rows - unembedded,
        pending_text=missing + outdated,
        pending_embedding=missing + unembedded,
    )


def change_signals(session: Session, workspace_id: int) -> tuple[Any, ...]:
    """Values that move whenever the index status may have: candidates added or edited,
    profile text derived, embeddings stored. Each is read from an index, in
    milliseconds at 100,000 candidates, where counting the status itself takes a scan."""
    # One max() per query: SQLite answers a lone max() from the index's end, not by a scan.
    # (A deletion alone moves none of them; the cache's age limit covers that.)
    edited = session.scalar(
        select(func.max(Candidate.updated_at)).where(Candidate.workspace_id == workspace_id)
    )
    in_workspace = SourcingProfile.workspace_id == workspace_id
    indexed = session.scalar(select(func.max(SourcingProfile.indexed_at)).where(in_workspace))
    embedded = session.scalar(select(func.max(SourcingProfile.embedded_at)).where(in_workspace))
    return (edited, indexed, embedded)


def last_embedded_at(session: Session, workspace_id: int) -> datetime | None:
    return session.scalar(
        select(func.max(SourcingProfile.embedded_at)).where(
            SourcingProfile.workspace_id == workspace_id
        )
    )
