"""Benchmark: sourcing index and search speed on generated profiles (SQLite by default).

1. Imports --profiles demo people (openpin.demo.people) into a fresh database.
2. Derives the keyword index for all of them (timed).
3. Embedding throughput, on the same texts in the same run: the bare model
   (`Embedder.embed`) on the first --embed-sample pending profile texts, then the real indexing
   path (read pending rows, embed, store) on those same rows. Profiles/s and tokens/s of each,
   and the indexer's share of the bare model's throughput (target >= 90%).
4. The remaining profiles get embeddings too: with --embed-sample 0 (or >= --profiles) every
   profile goes through the real indexer (about half an hour for 100,000 on two cores);
   otherwise the rest are filled with unit vectors near the sample's real ones (so the matrix
   searched has the full size; search cost does not depend on the values).
5. Index size, and p50/p95 latency of a job search returning the top 50 with explanations,
   over the demo jobs with and without an Ask and filters (target p95 < 150 ms on SQLite).

    .venv/bin/python bench/sourcing_speed.py [--profiles 100000] [--embed-sample 3000]

`--database PATH` keeps the built database at PATH; run again with the same path, it skips
steps 1-4 and measures search only (for iterating on search speed without a rebuild).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
from sqlalchemy import select, text, update
from sqlalchemy.orm import Session, sessionmaker

import openpin.models  # noqa: F401  (registers every table)
from openpin.auth.service import create_user
from openpin.candidate.service import CandidateService
from openpin.db import make_engine, make_session_factory, transaction
from openpin.demo.people import DEMO_JOBS, iter_people
from openpin.demo.seed import person_to_candidate
from openpin.job.schemas import JobCreate
from openpin.job.service import JobService
from openpin.kit.embeddings import MODEL_ID, get_embedder, to_blob
from openpin.models import Job, Workspace
from openpin.models.base import Base, utcnow
from openpin.models.sourcing import SourcingProfile
from openpin.sourcing import indexer, rebuild
from openpin.sourcing.search import MatchFilters
from openpin.sourcing.service import SourcingService
from openpin.sourcing.warmup import warm_up

ASKS = ("", "has led a team", "startup experience", "")
BATCH = 2000
BATCH_EMBED = 256


def load_people(factory: sessionmaker[Session], count: int) -> tuple[int, list[int]]:
    with transaction(factory) as session:
        user = create_user(
            session, email="speed@example.org", password="x" * 16, workspace_name="S"
        )
        workspace_id, user_id = user.workspace_id, user.id
    people = iter_people(count, seed=11)
    for start in range(0, count, BATCH):
        chunk = [
            (i, person_to_candidate(next(people))) for i in range(start, min(count, start + BATCH))
        ]
        with transaction(factory) as session:
            CandidateService(session, workspace_id, user_id).write_many(chunk)
    with transaction(factory) as session:
        jobs = JobService(session, workspace_id, user_id)
        job_ids = [
            jobs.create(
                JobCreate(
                    title=j.title,
                    description=j.description,
                    locations=list(j.locations),
                    must_have_skills=list(j.must_have_skills),
                    nice_to_have_skills=list(j.nice_to_have_skills),
                    seniority=j.seniority,  # type: ignore[arg-type]
                )
            ).id
            for j in DEMO_JOBS
        ]
    return workspace_id, job_ids


def existing_workspace(factory: sessionmaker[Session]) -> tuple[int, list[int]]:
    with transaction(factory) as session:
        workspace_id = session.scalar(select(Workspace.id).order_by(Workspace.id))
        if workspace_id is None:
            raise SystemExit("The --database file holds no workspace: delete it and run again.")
        job_ids = list(session.scalars(select(Job.id).where(Job.workspace_id == workspace_id)))
    return workspace_id, job_ids


def throughput(
    factory: sessionmaker[Session], workspace_id: int, sample: int, everything: bool
) -> None:
    """The bare model and the indexer on the same texts, batch by batch, interleaved.

    Interleaving puts both under the same machine load at each moment (other processes on a
    shared machine would otherwise favour whichever ran in a quiet minute).
    """
    embedder = get_embedder()
    embedder.embed(["warm up the runtime"] * 32)
    bare = indexing = 0.0
    profiles = tokens = 0
    while everything or profiles < sample:
        with transaction(factory) as session:
            batch = indexer.pending_embeddings(session, workspace_id, limit=BATCH_EMBED)
        if not batch:
            break
        texts = [p.text for p in batch]
        started = time.perf_counter()
        embedder.embed(texts)
        bare += time.perf_counter() - started
        started = time.perf_counter()
        rebuild.embed_all(factory, workspace_id, embedder=embedder, limit=len(batch))
        indexing += time.perf_counter() - started
        profiles += len(texts)
        tokens += embedder.count_tokens(texts)
    print(f"embedding {profiles} profiles ({tokens} tokens, {tokens / profiles:.0f} per profile):")
    for label, seconds in (("bare model", bare), ("indexing", indexing)):
        rate = f"{profiles / seconds:7.1f} profiles/s {tokens / seconds:9.0f} tokens/s"
        print(f"  {label:<11}: {rate} ({seconds:.0f} s)")
    print(f"  indexing at {bare / indexing:.0%} of the bare model's throughput (target >= 90%)")


def fill_rest(factory: sessionmaker[Session], workspace_id: int) -> int:
    """Give profiles left without an embedding a unit vector near a real one (see docstring)."""
    rng = np.random.default_rng(5)
    with transaction(factory) as session:
        real = [
            np.frombuffer(blob, dtype=np.float32)
            for (blob,) in session.execute(
                text(
                    "SELECT embedding FROM sourcing_profile WHERE embedding IS NOT NULL LIMIT 2000"
                )
            )
        ]
    filled = 0
    while True:
        with transaction(factory) as session:
            pending = indexer.pending_embeddings(session, workspace_id, limit=5000)
            if not pending:
                return filled
            now = utcnow()
            for item in pending:
                base = real[rng.integers(len(real))] + rng.normal(0, 0.02, 384).astype(np.float32)
                vector = base / np.linalg.norm(base)
                session.execute(
                    update(SourcingProfile)
                    .where(SourcingProfile.candidate_id == item.candidate_id)
                    .values(
                        embedding=to_blob(vector),
                        embedded_hash=item.content_hash,
                        embedded_at=now,
                        model_id=MODEL_ID,
                    )
                )
            filled += len(pending)


def index_size(factory: sessionmaker[Session], path: Path) -> None:
    with transaction(factory) as session:
        try:
            rows = session.execute(
                text(
                    "SELECT name, SUM(pgsize) FROM dbstat WHERE name LIKE 'sourcing_profile%' "
                    "OR name LIKE '%sourcing_profile%' GROUP BY name"
                )
            ).all()
        except Exception:  # dbstat is a compile-time option of SQLite
            rows = []
    total = sum(size for _, size in rows)
    print(
        f"database file {path.stat().st_size / 1e6:.0f} MB; sourcing index {total / 1e6:.0f} MB"
        if rows
        else f"database file {path.stat().st_size / 1e6:.0f} MB"
    )
    for name, size in sorted(rows, key=lambda r: -r[1])[:6]:
        print(f"  {name:<45} {size / 1e6:8.1f} MB")


def latency(
    factory: sessionmaker[Session], workspace_id: int, job_ids: list[int], rounds: int
) -> None:
    timings: list[float] = []
    started = time.perf_counter()
    warm_up(factory)
    print(
        "warm-up (`openpin serve` runs it in the background at start: vector matrix, model): "
        f"{time.perf_counter() - started:.2f} s"
    )
    started = time.perf_counter()
    with transaction(factory) as session:
        SourcingService(session, workspace_id).match_job(job_ids[0], limit=50)
    print(f"first search after it: {(time.perf_counter() - started) * 1000:.0f} ms")
    for round_ in range(rounds):
        for index, job_id in enumerate(job_ids):
            ask = ASKS[(index + round_) % len(ASKS)]
            filters = MatchFilters(min_years=3) if (index + round_) % 3 == 0 else MatchFilters()
            started = time.perf_counter()
            with transaction(factory) as session:
                page = SourcingService(session, workspace_id).match_job(
                    job_id, filters, ask, limit=50
                )
                assert all(m.explanation.summary() for m in page.items)
            timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    p95 = timings[int(0.95 * (len(timings) - 1))]
    print(
        f"job search, top 50 with explanations, {len(timings)} searches: "
        f"p50 {statistics.median(timings):.0f} ms, p95 {p95:.0f} ms, max {timings[-1]:.0f} ms "
        "(target p95 < 150 ms)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--profiles", type=int, default=100_000)
    parser.add_argument("--embed-sample", type=int, default=3000, help="0: embed every profile")
    parser.add_argument("--rounds", type=int, default=5, help="search rounds over the demo jobs")
    parser.add_argument("--database", type=Path, help="keep (or reuse) the built database here")
    args = parser.parse_args()
    path = args.database or Path(tempfile.mkdtemp(prefix="openpin-speed-")) / "speed.db"
    reuse = path.exists()
    engine = make_engine(f"sqlite:///{path}")
    factory = make_session_factory(engine)
    if reuse:
        workspace_id, job_ids = existing_workspace(factory)
        print(f"reusing {path}: search only")
        index_size(factory, path)
        latency(factory, workspace_id, job_ids, args.rounds)
        return
    Base.metadata.create_all(engine)
    started = time.perf_counter()
    workspace_id, job_ids = load_people(factory, args.profiles)
    print(f"{args.profiles} profiles imported in {time.perf_counter() - started:.0f} s")
    started = time.perf_counter()
    texts = rebuild.index_texts(factory, workspace_id)
    seconds = time.perf_counter() - started
    print(f"keyword index: {texts} profiles in {seconds:.1f} s ({texts / seconds:.0f} profiles/s)")
    everything = not 0 < args.embed_sample < args.profiles
    sample = min(args.embed_sample or 3000, args.profiles)
    throughput(factory, workspace_id, sample, everything)
    if not everything:
        print(f"filled {fill_rest(factory, workspace_id)} further embeddings near real ones")
    index_size(factory, path)
    latency(factory, workspace_id, job_ids, args.rounds)


if __name__ == "__main__":
    main()
