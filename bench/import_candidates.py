"""Benchmark: generate N realistic profiles into a CSV, import them into a fresh database.

Prints rows/s, total seconds and peak memory. Target on a 2-core machine: 100,000 rows in
under 60 s on SQLite with peak memory under 1 GB.

    .venv/bin/python bench/import_candidates.py [--rows 100000] [--database-url URL]
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

from openpin.auth.service import create_user
from openpin.candidate.importing import import_candidates
from openpin.config import Settings
from openpin.db import engine_from_settings, make_session_factory, transaction
from openpin.demo.export import write_people_csv
from openpin.demo.people import iter_people
from openpin.migrate import upgrade_to_head
from openpin.models import Role


def peak_memory_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database-url", default=None, help="default: a fresh SQLite file")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="openpin-bench-"))
    csv_path = workdir / "candidates.csv"
    started = time.perf_counter()
    write_people_csv(csv_path, iter_people(args.rows, seed=7))
    generated = time.perf_counter() - started
    size_mb = csv_path.stat().st_size / 1e6
    print(f"generated {args.rows:,} profiles in {generated:.1f} s ({size_mb:.1f} MB CSV)")

    settings = Settings(data_dir=workdir / "data", database_url=args.database_url)
    engine = engine_from_settings(settings)
    upgrade_to_head(engine)
    factory = make_session_factory(engine)
    with transaction(factory) as session:
        user = create_user(
            session,
            email="bench@openpin.dev",
            password="benchmark-pass",
            workspace_name="Bench",
            role=Role.ADMIN,
        )
        workspace_id, user_id = user.workspace_id, user.id

    session = factory()
    started = time.perf_counter()

    def after_batch(_handled: int) -> None:
        session.commit()
        session.expunge_all()

    result = import_candidates(
        session,
        workspace_id,
        user_id,
        csv_path.name,
        csv_path.read_bytes(),
        source="bench",
        after_batch=after_batch,
    )
    session.commit()
    elapsed = time.perf_counter() - started
    session.close()
    print(f"database: {engine.url.get_backend_name()}")
    print(f"created: {result.created:,}  merged: {result.merged:,}  errors: {len(result.errors):,}")
    print(f"import: {elapsed:.1f} s total, {args.rows / elapsed:,.0f} rows/s")
    print(f"peak memory (whole process): {peak_memory_mb():,.0f} MB")


if __name__ == "__main__":
    main()
