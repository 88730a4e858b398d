"""The index follows the pool: imports, edits and deletions, through the real task runner."""

from __future__ import annotations

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, sessionmaker

from openpin.candidate.schemas import CandidateUpdate
from openpin.candidate.service import CandidateService
from openpin.config import Settings
from openpin.db import transaction
from openpin.models import Task
from openpin.models.sourcing import SourcingProfile
from openpin.sourcing import indexer, tasks
from openpin.sourcing.keyword import keyword_search
from openpin.worker import Registry, Worker
from openpin.worker.enqueue import enqueue_task
from openpin.worker.registry import registry as default_registry
from tests.fixtures.app import ApiUser
from tests.fixtures.database import both_backends
from tests.sourcing.helpers import POOL, add_people

pytestmark = both_backends


def _worker(factory: sessionmaker[Session], batch: int = 2) -> Worker:
    own = Registry()
    for name in ("sourcing.index_candidate", "sourcing.index_pending"):
        spec = default_registry.get(name)
        assert spec is not None, f"{name} is not registered"
        own.add(spec)
    settings = Settings(sourcing={"embed_batch_size": batch})  # type: ignore[arg-type]
    return Worker(factory, settings, own, worker_id="w-sourcing")


def _drain(factory: sessionmaker[Session], worker: Worker) -> int:
    runs = 0
    while worker.run_once():
        runs += 1
    return runs


def _status(factory: sessionmaker[Session], user: ApiUser) -> indexer.IndexStatus:
    with transaction(factory) as session:
        return indexer.index_status(session, user.workspace_id)


def test_imports_are_indexed_by_the_periodic_sweep_in_batches(
    session_factory: sessionmaker[Session], alice: ApiUser
) -> None:
    add_people(session_factory, alice, POOL)  # bulk path: no subscriber runs
    assert _status(session_factory, alice).pending_embedding == len(POOL)
    with transaction(session_factory) as session:
        enqueue_task(session, "sourcing.index_pending", args={})
    runs = _drain(session_factory, _worker(session_factory, batch=2))
    assert runs >= 3  # 6 profiles, 2 per run: the sweep queues its own next batch
    state = _status(session_factory, alice)
    assert state.complete and state.embedded == len(POOL) == state.indexed


def test_an_edit_reindexes_the_candidate(
    session_factory: sessionmaker[Session], alice: ApiUser
) -> None:
    ids = add_people(session_factory, alice, POOL[:2])
    with transaction(session_factory) as session:
        enqueue_task(session, "sourcing.index_pending", args={})
    worker = _worker(session_factory)
    _drain(session_factory, worker)
    ana = ids["Ana Backend"]
    with transaction(session_factory) as session:
        before = session.get(SourcingProfile, ana)
        assert before is not None
        old_hash = before.embedded_hash
        service = CandidateService(session, alice.workspace_id, alice.user_id)
        service.update(ana, CandidateUpdate(skills=["Rust", "Zig"]))
        queued = session.scalar(
            select(func.count()).select_from(Task).where(Task.name == "sourcing.index_candidate")
        )
        assert queued == 1
    assert _status(session_factory, alice).pending_text == 1
    _drain(session_factory, worker)
    with transaction(session_factory) as session:
        after = session.get(SourcingProfile, ana)
        assert after is not None and after.skills_text == "Rust, Zig"
        assert after.embedded_hash == after.content_hash != old_hash
        hits = keyword_search(session, alice.workspace_id, ["zig"])
        assert [cid for cid, _ in hits] == [ana]
    assert _status(session_factory, alice).complete


def test_a_deleted_candidate_leaves_the_keyword_index(
    session_factory: sessionmaker[Session], alice: ApiUser
) -> None:
    ids = add_people(session_factory, alice, POOL[:2])
    with transaction(session_factory) as session:
        indexer.index_candidates(session, alice.workspace_id, list(ids.values()))
    with transaction(session_factory) as session:
        CandidateService(session, alice.workspace_id).delete(ids["Ana Backend"])
    with transaction(session_factory) as session:
        assert [c for c, _ in keyword_search(session, alice.workspace_id, ["kubernetes"])] == []
        assert session.scalar(select(func.count()).select_from(SourcingProfile)) == 1
        if session.get_bind().dialect.name == "sqlite":  # the FTS rows went with it
            count = session.scalar(text("SELECT count(*) FROM sourcing_profile_fts"))
            assert count == 1


def test_subscribers_are_registered_for_candidate_changes(db_backend: str) -> None:
    from openpin.activity import service

    for event_type in tasks.INDEX_EVENTS:
        assert tasks._on_candidate_change in service._subscribers[event_type]
