"""Indexing in the foreground (the `openpin index` commands and the benchmarks).

The same steps as the background tasks, each batch in its own short transaction and the model
run outside any transaction, so a kill loses at most the batch under way and the next run
continues from the rows themselves.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from openpin.db import transaction
from openpin.kit.embeddings import Embedder, get_embedder
from openpin.sourcing import indexer

TEXT_BATCH = 2000


@dataclass
class RunStats:
    texts: int = 0
    embedded: int = 0
    embed_seconds: float = 0.0  # wall time of the embedding phase, database work included


def index_texts(factory: sessionmaker[Session], workspace_id: int | None) -> int:
    """Derive the keyword text of every pending candidate, a batch per transaction."""
    done = 0
    while True:
        with transaction(factory) as session:
            pending = indexer.pending_text_ids(session, workspace_id, limit=TEXT_BATCH)
            grouped: dict[int, list[int]] = {}
            for ws, candidate_id in pending:
                grouped.setdefault(ws, []).append(candidate_id)
            for ws, ids in grouped.items():
                done += indexer.index_candidates(session, ws, ids)
        if len(pending) < TEXT_BATCH:
            return done


def embed_all(
    factory: sessionmaker[Session],
    workspace_id: int | None,
    *,
    batch_size: int = 256,
    embedder: Embedder | None = None,
    after_batch: Callable[[int], None] | None = None,
    limit: int | None = None,
) -> int:
    """Embed every profile (or `limit` of them) whose text has no current embedding; returns
    how many were stored."""
    embedder = embedder or get_embedder()
    stored = 0
    while limit is None or stored < limit:
        size = batch_size if limit is None else min(batch_size, limit - stored)
        with transaction(factory) as session:
            pending = indexer.pending_embeddings(session, workspace_id, limit=size)
        if not pending:
            return stored
        blobs = indexer.embed_pending(pending, embedder)
        with transaction(factory) as session:
            stored += indexer.store_embeddings(session, pending, blobs)
        if after_batch is not None:
            after_batch(len(pending))
    return stored


def run_indexing(
    factory: sessionmaker[Session],
    workspace_id: int | None = None,
    *,
    batch_size: int = 256,
    embedder: Embedder | None = None,
    after_batch: Callable[[int], None] | None = None,
) -> RunStats:
    stats = RunStats(texts=index_texts(factory, workspace_id))
    started = time.perf_counter()
    stats.embedded = embed_all(
        factory, workspace_id, batch_size=batch_size, embedder=embedder, after_batch=after_batch
    )
    stats.embed_seconds = time.perf_counter() - started
    return stats


def reset(factory: sessionmaker[Session], workspace_id: int | None) -> int:
    with transaction(factory) as session:
        return indexer.reset_index(session, workspace_id)


def status(factory: sessionmaker[Session], workspace_id: int | None) -> indexer.IndexStatus:
    with transaction(factory) as session:
        return indexer.index_status(session, workspace_id)
