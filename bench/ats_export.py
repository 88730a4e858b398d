"""Export N new candidates to each ATS sandbox under its rate limit, and print how close the
export rate comes to what the rate limit allows.

    .venv/bin/python bench/ats_export.py [--n 300] [--limit REQUESTS] [--only greenhouse|ashby]
                                         [--workers 1]

For each sandbox (served over loopback with its default limit: Greenhouse 75 requests per 30 s,
Ashby 100 per 10 s; `--limit` changes the number per window): connect, build the identity index,
then time the export of N people who are not in the ATS, through OpenPin's real export tasks.
Printed: requests per candidate, the achieved export rate against the ceiling (the rate if every
window were used to the last request: N / (requests / limit * window)), 429s received, and the
ATS's own count of duplicates and of people missing. Target: >= 90% of the ceiling, none of either.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from openpin.ats import schemas
from openpin.ats.service import AtsService
from openpin.auth.service import create_user
from openpin.candidate.service import CandidateService
from openpin.config import Settings, WorkerSettings
from openpin.db import make_engine, make_session_factory, transaction
from openpin.demo.people import generate_people
from openpin.demo.seed import person_to_candidate
from openpin.kit.crypto import SecretBox
from openpin.logging import configure_logging
from openpin.models import Base, Task, TaskStatus
from openpin.models.ats import AtsExport
from openpin.sandboxes.ashby.app import create_app as create_ashby
from openpin.sandboxes.ashby.config import AshbySandboxConfig
from openpin.sandboxes.common import serve_in_thread
from openpin.sandboxes.greenhouse.app import create_app as create_greenhouse
from openpin.sandboxes.greenhouse.config import GreenhouseSandboxConfig
from openpin.worker import Worker
from openpin.worker.registry import discover_tasks

SECRET = "bench-secret-key"


@dataclass
class Target:
    name: str
    base_url: str
    credentials: dict[str, str]
    limit: int
    window: float
    emails_of: Callable[[], Counter[str]]


@contextmanager
def greenhouse(limit: int | None) -> Iterator[Target]:
    config = GreenhouseSandboxConfig(**({"rate_limit": limit} if limit else {}))
    app = create_greenhouse(config)
    server = serve_in_thread(app, "127.0.0.1", 0)
    credentials = {
        "client_id": config.default_client_id,
        "client_secret": config.default_client_secret,
    }

    def emails() -> Counter[str]:
        # The ATS's own records, read directly so the check does not use up the rate limit.
        records = list(app.sandbox.state.all("candidates"))
        return Counter(e["value"].lower() for c in records for e in c["email_addresses"])

    try:
        yield Target(
            "greenhouse",
            server.base_url,
            credentials,
            config.rate_limit,
            config.rate_window_seconds,
            emails,
        )
    finally:
        server.stop()


@contextmanager
def ashby(limit: int | None) -> Iterator[Target]:
    config = AshbySandboxConfig(**({"rate_limit": limit} if limit else {}))
    app = create_ashby(config)
    server = serve_in_thread(app, "127.0.0.1", 0)

    def emails() -> Counter[str]:
        with app.state.sandbox.state.locked() as org:
            return Counter(e.value.lower() for c in org.candidates.values() for e in c.emails)

    try:
        yield Target(
            "ashby",
            server.base_url,
            {"api_key": config.api_key()},
            config.rate_limit,
            config.rate_window_seconds,
            emails,
        )
    finally:
        server.stop()


def counters(target: Target) -> dict[str, Any]:
    response = httpx.get(f"{target.base_url}/_sandbox/counters", timeout=10)
    response.raise_for_status()
    return dict(response.json())


def prepare(
    factory: sessionmaker[Session], settings: Settings, target: Target, n: int
) -> tuple[int, list[int]]:
    box = SecretBox(SECRET)
    with transaction(factory) as session:
        user = create_user(
            session, email="bench@openpin.dev", password="bench password", workspace_name="Bench"
        )
        service = AtsService(session, user.workspace_id, user.id, box, settings)
        acting = None
        if target.name == "greenhouse":
            probe = schemas.CredentialsProbe(
                provider="greenhouse", credentials=target.credentials, base_url=target.base_url
            )
            acting = next(u.id for u in service.list_users(probe) if u.can_act_as)
        service.connect(
            schemas.ConnectionCreate(
                provider=target.name,  # type: ignore[arg-type]
                credentials=target.credentials,
                base_url=target.base_url,
                acting_user_id=acting,
            )
        )
        people = generate_people(n, seed=20_261)
        rows = [(i, person_to_candidate(p, source="bench")) for i, p in enumerate(people)]
        outcomes = CandidateService(session, user.workspace_id, user.id).write_many(rows)
        ids = [o.candidate_id for o in outcomes if o.candidate_id is not None]
        return user.workspace_id, ids


def queue_exports(
    factory: sessionmaker[Session], settings: Settings, workspace_id: int, ids: list[int]
) -> None:
    with transaction(factory) as session:
        service = AtsService(session, workspace_id, None, SecretBox(SECRET), settings)
        _connection, jobs = service.jobs()
        for start in range(0, len(ids), 500):
            service.export_manually(ids[start : start + 500], jobs[0].external_id)


def run_workers(
    factory: sessionmaker[Session], settings: Settings, count: int, until: Callable[[], bool]
) -> None:
    workers = [Worker(factory, settings, worker_id=f"bench-{i}") for i in range(count)]
    for worker in workers:
        worker.start_thread()
    while not until():
        time.sleep(0.2)
    for worker in workers:
        worker.stop()
    for worker in workers:
        worker.join(30)


def ats_tasks_left(factory: sessionmaker[Session]) -> int:
    with factory() as session:
        query = select(func.count()).where(
            Task.name.like("ats.%"), Task.status.in_((TaskStatus.QUEUED, TaskStatus.RUNNING))
        )
        return int(session.scalar(query) or 0)


def bench(target: Target, n: int, workers: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{tmp}/bench.db")
        Base.metadata.create_all(engine)
        factory = make_session_factory(engine)
        settings = Settings(
            data_dir=Path(tmp),
            secret_key=SECRET,
            worker=WorkerSettings(poll_interval_seconds=0.05, run_periodic=False),
        )
        workspace_id, ids = prepare(factory, settings, target, n)
        run_workers(factory, settings, 1, lambda: ats_tasks_left(factory) == 0)  # the index
        queue_exports(factory, settings, workspace_id, ids)
        before, started = counters(target), time.monotonic()
        run_workers(factory, settings, workers, lambda: ats_tasks_left(factory) == 0)
        elapsed, after = time.monotonic() - started, counters(target)
        report(target, n, ids, factory, before, after, elapsed)
        engine.dispose()


def report(
    target: Target,
    n: int,
    ids: list[int],
    factory: sessionmaker[Session],
    before: dict[str, Any],
    after: dict[str, Any],
    elapsed: float,
) -> None:
    requests = after["requests"] - before["requests"]
    throttled = after["by_status"].get("429", 0) - before["by_status"].get("429", 0)
    accepted = requests - throttled  # refused requests do not count against the limit
    with factory() as session:
        states = Counter(e.status.value for e in session.scalars(select(AtsExport)))
    emails = target.emails_of()
    people = generate_people(n, seed=20_261)
    duplicates = sum(max(0, emails[p.email.lower()] - 1) for p in people)
    missing = sum(1 for p in people if emails[p.email.lower()] == 0)
    minimum = accepted / target.limit * target.window
    ceiling = n / minimum if minimum else float("inf")
    achieved = n / elapsed
    print(f"\n== {target.name}: {n} candidates, limit {target.limit} per {target.window:g} s ==")
    print(f"requests (accepted)     {accepted}  ({accepted / max(1, len(ids)):.2f} per candidate)")
    print(f"429s received           {throttled}")
    print(f"elapsed                 {elapsed:.1f} s (the limit allows {minimum:.1f} s for these)")
    share = f"{achieved / ceiling:.0%}"
    print(
        f"export rate             {achieved * 60:.1f}/min"
        f" vs ceiling {ceiling * 60:.1f}/min = {share}"
    )
    print(f"exports                 {dict(states)}")
    print(f"duplicates in the ATS   {duplicates}")
    print(f"missing from the ATS    {missing}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=300, help="candidates to export (default 300)")
    parser.add_argument("--limit", type=int, default=None, help="requests per rate-limit window")
    parser.add_argument("--only", choices=("greenhouse", "ashby"), default=None)
    parser.add_argument("--workers", type=int, default=1, help="worker threads (default 1)")
    args = parser.parse_args()
    configure_logging("WARNING")
    discover_tasks()
    for name, serve in (("greenhouse", greenhouse), ("ashby", ashby)):
        if args.only in (None, name):
            with serve(args.limit) as target:
                bench(target, args.n, args.workers)


if __name__ == "__main__":
    main()
