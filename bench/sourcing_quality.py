"""Benchmark: sourcing quality on the evaluation set (bench/data/sourcing_eval.json).

Loads the set's profiles and jobs into a fresh SQLite database, indexes them (keyword + MiniLM
embeddings), runs every job through keyword-only, vector-only and hybrid ranking, and prints
NDCG@10 (graded gains 2^grade - 1) and recall@50 (share of the grade >= 2 profiles found in
the top 50). Target: hybrid NDCG@10 at least 10% above keyword-only.

    .venv/bin/python bench/sourcing_quality.py [--per-job]

How the set is made and graded: openpin/sourcing/eval/generate.py and docs/sourcing.md.
"""

from __future__ import annotations

import argparse
import json
import math
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

import openpin.models  # noqa: F401  (registers every table)
from openpin.auth.service import create_user
from openpin.candidate.schemas import CandidateCreate
from openpin.candidate.service import CandidateService
from openpin.db import make_engine, make_session_factory, transaction
from openpin.job.schemas import JobCreate
from openpin.job.service import JobService
from openpin.models.base import Base
from openpin.sourcing import rebuild
from openpin.sourcing.service import SourcingService

DATA = Path(__file__).parent / "data" / "sourcing_eval.json"
STRATEGIES = ("keyword", "vector", "hybrid")
RELEVANT = 2  # the grade from which a profile counts for recall


def ndcg_at(ranked: list[str], grades: dict[str, int], k: int = 10) -> float:
    gains = [2 ** grades.get(key, 0) - 1 for key in ranked[:k]]
    dcg = sum(g / math.log2(i + 2) for i, g in enumerate(gains))
    ideal = sorted((2**g - 1 for g in grades.values()), reverse=True)[:k]
    best = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / best if best else 0.0


def recall_at(ranked: list[str], grades: dict[str, int], k: int = 50) -> float:
    wanted = {key for key, g in grades.items() if g >= RELEVANT}
    return len(wanted & set(ranked[:k])) / len(wanted) if wanted else 1.0


def load(
    factory: sessionmaker[Session], data: dict[str, Any]
) -> tuple[int, dict[int, str], dict[str, int]]:
    with transaction(factory) as session:
        user = create_user(
            session, email="bench@example.org", password="x" * 16, workspace_name="Eval"
        )
        service = CandidateService(session, user.workspace_id, user.id)
        rows = [
            (i, CandidateCreate.model_validate(p["candidate"]))
            for i, p in enumerate(data["profiles"])
        ]
        outcomes = service.write_many(rows)
        keys = {o.candidate_id: data["profiles"][o.line]["key"] for o in outcomes if o.candidate_id}
        jobs = JobService(session, user.workspace_id, user.id)
        job_ids = {}
        for job in data["jobs"]:
            fields = {k: job[k] for k in JobCreate.model_fields if k in job}
            job_ids[job["key"]] = jobs.create(JobCreate(**fields)).id
        return user.workspace_id, keys, job_ids


def evaluate(
    factory: sessionmaker[Session],
    workspace_id: int,
    keys: dict[int, str],
    job_ids: dict[str, int],
    judgements: dict[str, dict[str, int]],
    per_job: bool,
) -> dict[str, tuple[float, float]]:
    totals = {s: [0.0, 0.0] for s in STRATEGIES}
    for job_key, job_id in job_ids.items():
        grades = judgements[job_key]
        line = [job_key]
        for strategy in STRATEGIES:
            with transaction(factory) as session:
                page = SourcingService(session, workspace_id).match_job(
                    job_id, limit=50, strategy=strategy
                )  # type: ignore[arg-type]
            ranked = [keys[m.candidate_id] for m in page.items]
            ndcg, recall = ndcg_at(ranked, grades), recall_at(ranked, grades)
            totals[strategy][0] += ndcg
            totals[strategy][1] += recall
            line.append(f"{strategy} {ndcg:.3f}/{recall:.3f}")
        if per_job:
            print("  ".join(line))
    count = len(job_ids)
    return {s: (v[0] / count, v[1] / count) for s, v in totals.items()}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--per-job", action="store_true", help="print each job's figures too")
    args = parser.parse_args()
    data = json.loads(DATA.read_text())
    workdir = Path(tempfile.mkdtemp(prefix="openpin-quality-"))
    engine = make_engine(f"sqlite:///{workdir / 'eval.db'}")
    Base.metadata.create_all(engine)
    factory = make_session_factory(engine)
    workspace_id, keys, job_ids = load(factory, data)
    started = time.perf_counter()
    rebuild.run_indexing(factory, workspace_id)
    seconds = time.perf_counter() - started
    print(f"{len(keys)} profiles, {len(job_ids)} jobs; indexed in {seconds:.1f} s")
    results = evaluate(factory, workspace_id, keys, job_ids, data["judgements"], args.per_job)
    print(f"{'ranking':<10} {'NDCG@10':>8} {'recall@50':>10}")
    for strategy, (ndcg, recall) in results.items():
        print(f"{strategy:<10} {ndcg:>8.3f} {recall:>10.3f}")
    gain = (
        results["hybrid"][0] / results["keyword"][0] - 1 if results["keyword"][0] else float("inf")
    )
    verdict = "meets" if gain >= 0.10 else "MISSES"
    print(f"hybrid vs keyword-only NDCG@10: {gain:+.1%} ({verdict} the +10% target)")


if __name__ == "__main__":
    main()
