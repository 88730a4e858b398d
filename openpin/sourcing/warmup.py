"""Loading what search needs before a recruiter's first search has to wait for it.

A server's first job search would otherwise read every profile embedding of its workspace into
memory (about two seconds at 100,000 profiles) and load the model for the query (about one).
`openpin serve` starts this in a background thread instead; a search that comes first simply
does the same work itself (the caches are shared and locked).
"""

from __future__ import annotations

import threading
import time

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from openpin.db import transaction
from openpin.kit.embeddings import get_embedder
from openpin.logging import get_logger
from openpin.models.sourcing import SourcingProfile
from openpin.sourcing.vectors import workspace_vectors

log = get_logger("openpin.sourcing")


def start_warm_up(factory: sessionmaker[Session]) -> threading.Thread:
    thread = threading.Thread(
        target=warm_up, args=(factory,), name="openpin-search-warm-up", daemon=True
    )
    thread.start()
    return thread


def warm_up(factory: sessionmaker[Session]) -> None:
    """Load every workspace's embedding matrix and the model; failures are logged, not raised
    (search still works, only its first call is slower)."""
    started = time.perf_counter()
    try:
        with transaction(factory) as session:
            query = select(SourcingProfile.workspace_id).where(
                SourcingProfile.embedded_at.is_not(None)
            )
            workspace_ids = list(session.scalars(query.distinct()))
        loaded = 0
        for workspace_id in workspace_ids:
            with transaction(factory) as session:  # one short transaction per workspace
                loaded += workspace_vectors(session, workspace_id).size
        if workspace_ids:
            get_embedder().embed(["warm up the model"])
    except Exception as exc:  # a warm-up must never take the server down
        log.warning("sourcing.warm_up_failed", error=str(exc))
        return
    log.info(
        "sourcing.warmed_up",
        workspaces=len(workspace_ids),
        vectors=loaded,
        seconds=round(time.perf_counter() - started, 2),
    )
