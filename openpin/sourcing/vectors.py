"""The process-wide matrix of a workspace's profile embeddings, refreshed incrementally.

Reading 100,000 blobs from the database takes a second or two, scoring them with numpy a few
milliseconds; so each process keeps every workspace's matrix in memory and, before each search,
reads only the rows embedded since its last look (a max() read from an index). Rows are
replaced by candidate id, so a re-embedded profile overwrites its old vector; fewer rows in the
database than in memory (deletions, counted every few seconds) triggers a full reload.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from openpin.db import database_key
from openpin.kit.embeddings import DIMENSIONS, Vectors
from openpin.models import Workspace
from openpin.models.sourcing import SourcingProfile

# Transactions commit in a different order than they took their timestamps; re-reading this
# far behind the newest row seen catches a row that committed late with an older time.
LATE_COMMIT_MARGIN = timedelta(seconds=60)
_INITIAL_CAPACITY = 1024
DELETION_CHECK_SECONDS = 30.0


@dataclass
class WorkspaceVectors:
    ids: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    matrix: Vectors = field(default_factory=lambda: np.zeros((0, DIMENSIONS), dtype=np.float32))
    size: int = 0
    position: dict[int, int] = field(default_factory=dict)
    watermark: datetime | None = None
    counted_at: float = 0.0  # time.monotonic() of the last row count
    lock: threading.Lock = field(default_factory=threading.Lock)

    def reset(self) -> None:
        self.ids = np.zeros(0, dtype=np.int64)
        self.matrix = np.zeros((0, DIMENSIONS), dtype=np.float32)
        self.size, self.position, self.watermark, self.counted_at = 0, {}, None, 0.0

    def view(self) -> tuple[np.ndarray, Vectors]:
        return self.ids[: self.size], self.matrix[: self.size]

    def vector_of(self, candidate_id: int) -> Vectors | None:
        row = self.position.get(candidate_id)
        return None if row is None else self.matrix[row]

    def upsert(self, rows: list[tuple[int, bytes, datetime]]) -> None:
        fresh = [(cid, blob) for cid, blob, _ in rows if cid not in self.position]
        self._grow(self.size + len(fresh))
        for candidate_id, blob, embedded_at in rows:
            row = self.position.get(candidate_id)
            if row is None:
                row = self.size
                self.position[candidate_id] = row
                self.ids[row] = candidate_id
                self.size += 1
            self.matrix[row] = np.frombuffer(blob, dtype=np.float32)
            if self.watermark is None or embedded_at > self.watermark:
                self.watermark = embedded_at

    def _grow(self, needed: int) -> None:
        capacity = len(self.ids)
        if needed <= capacity:
            return
        capacity = max(needed, capacity * 2, _INITIAL_CAPACITY)
        ids = np.zeros(capacity, dtype=np.int64)
        matrix = np.zeros((capacity, DIMENSIONS), dtype=np.float32)
        ids[: self.size] = self.ids[: self.size]
        matrix[: self.size] = self.matrix[: self.size]
        self.ids, self.matrix = ids, matrix


_caches: dict[tuple[str, int, str], WorkspaceVectors] = {}
_caches_lock = threading.Lock()


def _cache_key(session: Session, workspace_id: int) -> tuple[str, int, str]:
    # The workspace's creation time tells a recreated database (tests, a restore) from the one
    # the cached vectors came from, even when the ids repeat.
    created = session.scalar(select(Workspace.created_at).where(Workspace.id == workspace_id))
    url = database_key(session)
    return (url, workspace_id, created.isoformat() if created else "")


def workspace_vectors(session: Session, workspace_id: int) -> WorkspaceVectors:
    """The workspace's vectors, brought up to date with the database once per session."""
    seen = session.info.setdefault("sourcing_vectors", {})
    if workspace_id in seen:
        return seen[workspace_id]
    key = _cache_key(session, workspace_id)
    with _caches_lock:
        cache = _caches.setdefault(key, WorkspaceVectors())
    with cache.lock:
        _refresh(session, workspace_id, cache)
    seen[workspace_id] = cache
    return cache


def _embedded(workspace_id: int) -> list[object]:
    return [
        SourcingProfile.workspace_id == workspace_id,
        SourcingProfile.embedded_at.is_not(None),
        SourcingProfile.embedding.is_not(None),
    ]


def _refresh(session: Session, workspace_id: int, cache: WorkspaceVectors) -> None:
    newest = session.scalar(
        select(func.max(SourcingProfile.embedded_at)).where(
            SourcingProfile.workspace_id == workspace_id
        )
    )
    if _deletions_due(cache) and _count(session, workspace_id) < cache.size:
        cache.reset()  # rows were deleted: start again
    if cache.size and newest == cache.watermark:
        return
    if newest is None:
        return
    query = select(
        SourcingProfile.candidate_id, SourcingProfile.embedding, SourcingProfile.embedded_at
    ).where(*_embedded(workspace_id))  # type: ignore[arg-type]
    if cache.watermark is not None:
        query = query.where(SourcingProfile.embedded_at >= cache.watermark - LATE_COMMIT_MARGIN)
    rows = [(int(cid), bytes(blob), at) for cid, blob, at in session.execute(query) if blob and at]
    cache.upsert(rows)


def _deletions_due(cache: WorkspaceVectors) -> bool:
    """Counting the rows (to notice deletions) scans an index: done every few seconds only. A
    deleted candidate's vector meanwhile is harmless: ranking reads the profile rows, and
    there is none left for it."""
    now = time.monotonic()
    if cache.size and now - cache.counted_at < DELETION_CHECK_SECONDS:
        return False
    cache.counted_at = now
    return True


def _count(session: Session, workspace_id: int) -> int:
    query = select(func.count()).where(
        SourcingProfile.workspace_id == workspace_id, SourcingProfile.embedded_at.is_not(None)
    )
    return int(session.scalar(query) or 0)


def clear_vector_caches() -> None:
    """Forget every cached matrix (tests and benchmarks that rebuild a database use this)."""
    with _caches_lock:
        _caches.clear()
