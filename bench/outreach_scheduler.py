"""Benchmark: the outreach scheduling pass and SMTP sending rate.

Builds a fresh SQLite database with 100,000 active enrolments (each with its first message due)
spread over 200 mailboxes, then
- times one scheduling pass (`plan_sends`: which mailbox may send now, and its oldest due
  message), the part that runs every few seconds whatever the volume; target under 2 s;
- runs full sending passes (claim, SMTP to a local aiosmtpd server, record `sent`, schedule the
  next step) and prints the sends per second.

    .venv/bin/python bench/outreach_scheduler.py [--enrolments 100000] [--mailboxes 200]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from sqlalchemy import insert
from sqlalchemy.orm import Session, sessionmaker

import openpin.models  # noqa: F401  (registers every table)
from openpin.auth.service import create_user
from openpin.db import make_engine, make_session_factory, transaction
from openpin.kit.crypto import SecretBox
from openpin.models import Candidate, Job, Role
from openpin.models.base import Base
from openpin.models.sequence import (
    Enrollment,
    Mailbox,
    Message,
    MessageStatus,
    Sequence,
    SequenceStep,
    SmtpSecurity,
)
from openpin.sequence.sending import OutboxSender, PassReport, plan_sends

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
BATCH = 10_000


class CountingHandler:
    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.count += 1
        return "250 OK"


def seed(factory: sessionmaker[Session], enrolments: int, mailboxes: int, smtp_port: int) -> None:
    with transaction(factory) as session:
        user = create_user(
            session,
            email="bench@acme.example",
            password="bench password",
            workspace_name="Bench",
            role=Role.ADMIN,
        )
        ws = user.workspace_id
        job = Job(
            workspace_id=ws,
            title="Engineer",
            locations=[],
            must_have_skills=[],
            nice_to_have_skills=[],
        )
        session.add(job)
        session.flush()
        boxes = [_mailbox(ws, i, smtp_port) for i in range(mailboxes)]
        session.add_all(boxes)
        session.flush()
        sequence = Sequence(workspace_id=ws, job_id=job.id, name="Bench", mailbox_id=boxes[0].id)
        session.add(sequence)
        session.flush()
        for position in (1, 2):
            session.add(
                SequenceStep(
                    sequence_id=sequence.id,
                    position=position,
                    delay_days=2,
                    subject_template="Hi",
                    body_template="Hello {{ first_name }}",
                )
            )
        session.flush()
        ids = (ws, job.id, sequence.id, [b.id for b in boxes])
    for start in range(0, enrolments, BATCH):
        with transaction(factory) as session:
            _insert_batch(session, ids, start, min(BATCH, enrolments - start))


def _mailbox(ws: int, index: int, port: int) -> Mailbox:
    return Mailbox(
        workspace_id=ws,
        from_name=f"Sender {index}",
        from_address=f"s{index}@acme.example",
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_security=SmtpSecurity.NONE,
        timezone="UTC",
        daily_cap=5000,
        min_gap_seconds=0,
        send_days=list(range(7)),
        window_start_minute=0,
        window_end_minute=24 * 60,
        pause_dates=[],
    )


def _insert_batch(
    session: Session, ids: tuple[int, int, int, list[int]], start: int, size: int
) -> None:
    ws, job_id, sequence_id, boxes = ids
    numbers = range(start, start + size)
    first = session.scalar(
        insert(Candidate).returning(Candidate.id),
        [{"workspace_id": ws, "full_name": "P 0", "first_name": "P"}],
    )
    session.execute(
        insert(Candidate),
        [{"workspace_id": ws, "full_name": f"P {n}", "first_name": "P"} for n in numbers[1:]],
    )
    candidate_ids = list(range(first, first + size))
    rows = [
        {
            "workspace_id": ws,
            "sequence_id": sequence_id,
            "job_id": job_id,
            "candidate_id": cid,
            "mailbox_id": boxes[n % len(boxes)],
            "to_address": f"p{n}@example.org",
            "next_send_at": NOW - timedelta(minutes=n % 600),
        }
        for n, cid in zip(numbers, candidate_ids, strict=True)
    ]
    first_enrollment = session.scalar(insert(Enrollment).returning(Enrollment.id), rows[:1])
    session.execute(insert(Enrollment), rows[1:])
    session.execute(
        insert(Message),
        [
            {
                "workspace_id": ws,
                "enrollment_id": first_enrollment + i,
                "step_position": 1,
                "candidate_id": row["candidate_id"],
                "mailbox_id": row["mailbox_id"],
                "to_address": row["to_address"],
                "subject": "Hi",
                "body": "Hello P",
                "status": MessageStatus.SCHEDULED,
                "scheduled_at": row["next_send_at"],
                "message_id_header": f"<bench-{start + i}@acme.example>",
            }
            for i, row in enumerate(rows)
        ],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--enrolments", type=int, default=100_000)
    parser.add_argument("--mailboxes", type=int, default=200)
    parser.add_argument("--passes", type=int, default=5)
    args = parser.parse_args()

    handler = CountingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=18_025)
    controller.start()
    workdir = Path(tempfile.mkdtemp(prefix="openpin-bench-outreach-"))
    engine = make_engine(f"sqlite:///{workdir / 'bench.db'}")
    Base.metadata.create_all(engine)
    factory = make_session_factory(engine)
    try:
        started = time.perf_counter()
        seed(factory, args.enrolments, args.mailboxes, controller.port)
        print(
            f"seeded {args.enrolments:,} active enrolments over {args.mailboxes} mailboxes "
            f"in {time.perf_counter() - started:.1f} s"
        )
        _time_planning(factory)
        _time_sending(factory, handler, args.passes)
    finally:
        controller.stop()
        engine.dispose()


def _time_planning(factory: sessionmaker[Session]) -> None:
    timings, planned = [], 0
    for _ in range(5):
        with transaction(factory) as session:
            started = time.perf_counter()
            planned = len(plan_sends(session, NOW))
            timings.append(time.perf_counter() - started)
    print(
        f"scheduling pass: {statistics.median(timings) * 1000:.0f} ms median "
        f"(min {min(timings) * 1000:.0f} ms, max {max(timings) * 1000:.0f} ms), "
        f"{planned} messages planned (one per mailbox); target < 2000 ms"
    )


def _time_sending(factory: sessionmaker[Session], handler: CountingHandler, passes: int) -> None:
    sender = OutboxSender(factory, SecretBox("bench-secret"), "https://openpin.example")
    total = PassReport()
    started = time.perf_counter()
    for index in range(passes):
        # Passes run every 15 s in production; each mailbox may send again by then.
        report = sender.run_pass(NOW + timedelta(seconds=15 * index))
        total.sent += report.sent
        total.failed += report.failed
    elapsed = time.perf_counter() - started
    print(
        f"sending: {total.sent} emails in {passes} full passes, {elapsed:.1f} s, "
        f"{total.sent / elapsed:.0f} sends/s to a local aiosmtpd "
        f"(received {handler.count}, failed {total.failed})"
    )


if __name__ == "__main__":
    main()
