"""Chaos: N candidates (default 50; OPENPIN_ATS_CHAOS_N=200 for the full run) through all three
triggers and manual export, with random faults in the ATS (5xx, lost answers after applied writes,
timeouts, 429 bursts) and worker processes killed with SIGKILL again and again.

In the end, read back through the ATS's own API: each person exists exactly once, each
application exactly once, every field right and the resume attached.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from openpin.activity.service import record_event
from openpin.db import transaction
from openpin.demo.people import generate_people
from openpin.demo.seed import person_to_candidate
from openpin.models.ats import AtsCandidateLink, AtsExport, ExportStatus
from tests.ats.conftest import Sandbox, connect
from tests.ats.helpers import TEST_SECRET, make_job
from tests.ats.readback import snapshot
from tests.ats.test_export import SEEDED, open_jobs
from tests.fixtures.app import ApiUser

pytestmark = pytest.mark.slow

REPO_ROOT = Path(__file__).resolve().parents[2]
# 50 keeps CI (both sandboxes, both databases) near a minute and a half; the property does not
# depend on the count. Set 200 (or more) for the full run, as before a release.
N = int(os.environ.get("OPENPIN_ATS_CHAOS_N", "50"))
WORKERS = int(os.environ.get("OPENPIN_ATS_CHAOS_WORKERS", "4"))
TRIGGERS = ("candidate.added_to_sequence", "candidate.replied", "candidate.replied_interested")
RULES = ("added_to_sequence", "replied", "replied_interested")
FAULTS = {
    "error_rate": 0.02,
    "drop_after_write_rate": 0.02,
    "timeout_rate": 0.01,
    "timeout_seconds": 1,
    "burst_429": 5,
    "burst_retry_after": 1,
    "seed": 11,
}


def _people(provider: str) -> list[dict]:
    """Some people already in the ATS (linked, never created) and the rest new."""
    seeded = generate_people(200, seed=42)
    known = [seeded[i] for i in SEEDED[provider]][: max(4, N // 5)]
    fresh = generate_people(N, seed=9001)[: N - len(known)]
    return [person_to_candidate(p, source="chaos").model_dump(mode="json") for p in known + fresh]


def _plan(candidate_ids: list[int], rng: random.Random) -> dict[int, list[int]]:
    """Which of the 4 routes (3 triggers, manual) each candidate takes: at least one."""
    plan = {}
    for candidate_id in candidate_ids:
        routes = [route for route in range(4) if rng.random() < 0.45] or [rng.randrange(4)]
        plan[candidate_id] = routes
    return plan


class Workers:
    """Real worker processes over the test database, killed and restarted at random."""

    def __init__(self, database_url: str, log_dir: Path) -> None:
        self.database_url = database_url
        self.log_dir = log_dir
        self.procs: dict[str, subprocess.Popen[str]] = {}
        self.kills = 0
        self._count = 0

    def start(self) -> None:
        self._count += 1
        worker_id = f"w{self._count}"
        command = [
            sys.executable,
            "-m",
            "tests.ats.worker_process",
            self.database_url,
            "--worker-id",
            worker_id,
            "--secret-key",
            TEST_SECRET,
        ]
        log = (self.log_dir / f"{worker_id}.log").open("w")
        proc = subprocess.Popen(
            command, cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=log, text=True
        )
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        self.procs[worker_id] = proc

    def kill_one(self, rng: random.Random) -> None:
        worker_id = rng.choice(sorted(self.procs))
        proc = self.procs.pop(worker_id)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        self.kills += 1

    def stop(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=10)
        self.procs.clear()


def _pending(factory: sessionmaker[Session]) -> int:
    with factory() as session:
        query = select(AtsExport.id).where(AtsExport.status != ExportStatus.EXPORTED)
        return len(session.scalars(query).all())


def test_chaos_every_person_once_every_application_once(
    sandbox: Sandbox,
    client: TestClient,
    alice: ApiUser,
    session_factory: sessionmaker[Session],
    database_url: str,
    tmp_path: Path,
) -> None:
    rng = random.Random(5)
    connect(sandbox, client, alice)
    before = snapshot(sandbox)
    ats_jobs = open_jobs(client, alice)[:4]
    jobs = [make_job(client, alice, f"Chaos {rule}") for rule in RULES]
    for job_id, rule, ats_job in zip(jobs, RULES, ats_jobs, strict=False):
        body = {"ats_job_id": ats_job, "trigger": rule, "enabled": True}
        client.put(f"/api/v1/jobs/{job_id}/ats-export-rule", json=body, headers=alice.headers)
    people = _people(sandbox.provider)
    ids = [
        client.post("/api/v1/candidates", json=p, headers=alice.headers).json()["candidate"]["id"]
        for p in people
    ]
    plan = _plan(ids, rng)

    sandbox.faults(**FAULTS)
    workers = Workers(database_url, tmp_path)
    for _ in range(WORKERS):
        workers.start()
    try:
        manual = [cid for cid, routes in plan.items() if 3 in routes]
        for chunk in range(0, len(manual), 50):
            body = {"candidate_ids": manual[chunk : chunk + 50], "ats_job_id": ats_jobs[3]}
            client.post("/api/v1/ats/exports", json=body, headers=alice.headers)
        _emit_triggers(session_factory, alice.workspace_id, plan, jobs, rng)
        _run_with_kills(session_factory, workers, rng)
        sandbox.faults(error_rate=0, drop_after_write_rate=0, timeout_rate=0, burst_429=0)
        _wait_done(session_factory, workers, timeout=90)
    finally:
        workers.stop()
    print(f"chaos: {len(ids)} candidates, {workers.kills} workers killed")
    _check_the_ats(sandbox, session_factory, before, people, ids, plan, ats_jobs)


def _emit_triggers(
    factory: sessionmaker[Session],
    workspace_id: int,
    plan: dict[int, list[int]],
    jobs: list[int],
    rng: random.Random,
) -> None:
    events = [(cid, route) for cid, routes in plan.items() for route in routes if route < 3]
    events += rng.sample(events, k=len(events) // 5)  # repeated events must add nothing
    rng.shuffle(events)
    for start in range(0, len(events), 25):
        with transaction(factory) as session:
            for candidate_id, route in events[start : start + 25]:
                record_event(
                    session,
                    workspace_id,
                    TRIGGERS[route],
                    candidate_id=candidate_id,
                    job_id=jobs[route],
                )


def _run_with_kills(factory: sessionmaker[Session], workers: Workers, rng: random.Random) -> None:
    deadline = time.monotonic() + 100
    while _pending(factory) and time.monotonic() < deadline:
        time.sleep(rng.uniform(1.5, 3.0))
        workers.kill_one(rng)
        workers.start()


def _wait_done(factory: sessionmaker[Session], workers: Workers, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while _pending(factory):
        if time.monotonic() > deadline:
            with factory() as session:
                states = Counter(e.status.value for e in session.scalars(select(AtsExport)))
                errors = Counter(
                    e.last_error[:80] for e in session.scalars(select(AtsExport)) if e.last_error
                )
            raise AssertionError(f"exports not done: {states}; {errors.most_common(5)}")
        time.sleep(0.5)


def _check_the_ats(
    sandbox: Sandbox,
    factory: sessionmaker[Session],
    before: dict[str, Any],
    people: list[dict],
    ids: list[int],
    plan: dict[int, list[int]],
    ats_jobs: list[str],
) -> None:
    ats = snapshot(sandbox)
    with factory() as session:
        links = {link.candidate_id: link for link in session.scalars(select(AtsCandidateLink))}
    new_people = set(ats) - set(before)
    created = {links[cid].ats_candidate_id for cid in ids if links[cid].created_by_openpin}
    assert new_people == created  # every new person in the ATS is one OpenPin created, once
    assert len({links[cid].ats_candidate_id for cid in ids}) == len(ids)  # one person each
    for data, candidate_id in zip(people, ids, strict=True):
        person = ats[str(links[candidate_id].ats_candidate_id)]
        expected = {ats_jobs[route] for route in plan[candidate_id]}
        had = before[person.id].application_job_ids if person.id in before else []
        for job in ats_jobs:  # each application once; none to a job the person was not sent to
            wanted = 1 if job in expected else had.count(job)
            assert person.application_job_ids.count(job) == wanted, (candidate_id, job, person)
        if links[candidate_id].created_by_openpin:
            assert (person.first_name, person.last_name) == (data["first_name"], data["last_name"])
            assert person.emails == data["emails"]
            assert len(person.resume_names) == 1 and person.resume_names[0].endswith(".pdf")
        else:
            assert links[candidate_id].ats_candidate_id in before
