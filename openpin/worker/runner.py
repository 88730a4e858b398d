"""The worker: claim due tasks under a lease, run their handlers, record the outcome.

Two ways to run it, same code: `Worker.run_forever()` in a dedicated process (`openpin worker`;
SIGTERM or SIGINT finish the current task and claim no more, a second signal interrupts), and
`Worker.start_thread()` inside `openpin serve` (the server calls `stop()` on shutdown).

A task's life: claimed (status running, lease until now + lease_seconds, attempts + 1) ->
handler runs in one transaction -> that same transaction marks it succeeded, guarded by the lease.
A failure is recorded in a second transaction: retry later (backoff or RetryLater) or failed.
While handlers run, a heartbeat thread extends the lease; if the process dies, the lease runs out
and any worker puts the task back in the queue.
"""

from __future__ import annotations

import inspect
import os
import random
import signal
import socket
import threading
import time
import traceback
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from types import FrameType
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from openpin.config import Settings
from openpin.db import engine_from_settings, make_session_factory, transaction
from openpin.logging import get_logger
from openpin.models.base import utcnow
from openpin.models.task import TaskStatus
from openpin.worker import leases
from openpin.worker.errors import PermanentError, RetryLater
from openpin.worker.leases import ClaimedTask, Lease
from openpin.worker.registry import (
    Backoff,
    Registry,
    TaskContext,
    TaskSpec,
    discover_tasks,
    registry,
)
from openpin.worker.scheduler import Scheduler

log = get_logger("openpin.worker")

MAX_ERROR_CHARS = 8000


def run_dedicated(settings: Settings) -> None:
    """`openpin worker`: register every domain's tasks, then work until SIGTERM or SIGINT."""
    discover_tasks()
    engine = engine_from_settings(settings)
    try:
        Worker(make_session_factory(engine), settings).run_forever()
    finally:
        engine.dispose()


def start_embedded(session_factory: sessionmaker[Session], settings: Settings) -> Worker:
    """`openpin serve`: a worker thread beside the web server; call `stop()` then `join()`."""
    discover_tasks()
    worker = Worker(session_factory, settings)
    worker.start_thread()
    return worker


def default_worker_id() -> str:
    # Unique per Worker object, so two workers in one process never share a lease.
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Worker:
    def __init__(
        self,
        session_factory: sessionmaker[Session],
        settings: Settings,
        task_registry: Registry | None = None,
        *,
        worker_id: str | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.settings = settings
        self.config = settings.worker
        self.registry = task_registry if task_registry is not None else registry
        self.worker_id = worker_id or default_worker_id()
        self._factory = session_factory
        self._rng = rng or random.Random()
        self._stop = threading.Event()
        self._scheduler = Scheduler(session_factory, self.registry)
        self._thread: threading.Thread | None = None
        self._next_rescue = 0.0

    # -- running -----------------------------------------------------------------------------

    def run_once(self) -> int:
        """Enqueue due periodic tasks, claim one batch and run it; returns how many ran."""
        if self.config.run_periodic:
            self._scheduler.tick()
        batch = self._claim()
        ran = 0
        with self._heartbeat([t.id for t in batch]):
            for claimed in batch:
                if self.stopping:
                    self._release(batch[ran:])
                    break
                self._execute(claimed)
                ran += 1
        return ran

    def run_forever(self, *, install_signal_handlers: bool = True) -> None:
        """Poll until `stop()` (or SIGTERM/SIGINT); a database outage is logged and waited out."""
        previous = self._install_signal_handlers() if install_signal_handlers else {}
        log.info("worker.started", worker_id=self.worker_id, tasks=self.registry.names)
        try:
            while not self.stopping:
                if self._poll() < self.config.batch_size:
                    self._stop.wait(self.config.poll_interval_seconds)
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
            log.info("worker.stopped", worker_id=self.worker_id)

    def start_thread(self) -> threading.Thread:
        """Embedded mode: run in a daemon thread of the current process (e.g. `openpin serve`)."""
        thread = threading.Thread(
            target=self.run_forever,
            kwargs={"install_signal_handlers": False},
            name=f"openpin-worker-{self.worker_id}",
            daemon=True,
        )
        thread.start()
        self._thread = thread
        return thread

    def stop(self) -> None:
        """Finish the task under way, claim no more."""
        self._stop.set()

    def join(self, timeout: float | None = None) -> bool:
        """Wait for the embedded thread to finish its task and exit; True if it has."""
        if self._thread is not None:
            self._thread.join(timeout)
        return self._thread is None or not self._thread.is_alive()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def _poll(self) -> int:
        try:
            return self.run_once()
        except Exception as exc:
            # The database went away or similar: leases expire on their own, so wait and go on.
            log.error("worker.poll_failed", worker_id=self.worker_id, error=repr(exc))
            return 0

    def _install_signal_handlers(self) -> dict[int, Any]:
        def on_signal(signum: int, _frame: FrameType | None) -> None:
            if self.stopping:
                raise KeyboardInterrupt  # second signal: give up the current task too
            log.info("worker.stopping", worker_id=self.worker_id, signal=signum)
            self.stop()

        return {sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}

    # -- claiming and leases -----------------------------------------------------------------

    def _claim(self) -> list[ClaimedTask]:
        now = utcnow()
        with transaction(self._factory) as session:
            rescued = leases.rescue_expired(session, now) if self._rescue_due() else 0
            batch = leases.claim_due(
                session, self.worker_id, self.config.lease_seconds, self.config.batch_size, now
            )
        if rescued:
            log.warning("worker.leases_rescued", worker_id=self.worker_id, count=rescued)
        return batch

    def _rescue_due(self) -> bool:
        # Looking for expired leases once per poll interval is plenty, even while busy.
        now = time.monotonic()
        if now < self._next_rescue:
            return False
        self._next_rescue = now + self.config.poll_interval_seconds
        return True

    def _release(self, batch: list[ClaimedTask]) -> None:
        # Claimed but not started at shutdown: hand back without spending an attempt.
        with transaction(self._factory) as session:
            for claimed in batch:
                lease = Lease(self.worker_id, claimed.attempt)
                values = {"status": TaskStatus.QUEUED, "attempts": claimed.attempt - 1}
                leases.finish(session, claimed.id, lease, **values)

    @contextmanager
    def _heartbeat(self, task_ids: list[int]) -> Iterator[None]:
        if not task_ids:
            yield
            return
        done = threading.Event()
        beat = threading.Thread(target=self._beat, args=(task_ids, done), daemon=True)
        beat.start()
        try:
            yield
        finally:
            done.set()
            beat.join()

    def _beat(self, task_ids: list[int], done: threading.Event) -> None:
        interval = self.config.lease_seconds / 3
        while not done.wait(interval):
            until = utcnow() + timedelta(seconds=self.config.lease_seconds)
            try:
                with transaction(self._factory) as session:
                    leases.extend(session, self.worker_id, task_ids, until)
            except Exception as exc:
                # Next beat tries again; the lease is three beats long.
                log.warning("worker.heartbeat_failed", worker_id=self.worker_id, error=repr(exc))

    # -- executing ---------------------------------------------------------------------------

    def _execute(self, claimed: ClaimedTask) -> None:
        spec = self.registry.get(claimed.name)
        lease = Lease(self.worker_id, claimed.attempt)
        started = time.monotonic()
        try:
            done = self._run_handler(claimed, spec, lease)
        except Exception as exc:
            self._record_failure(claimed, spec, lease, exc)
            return
        if done:
            # Routine (periodic tasks succeed every few seconds): shown at OPENPIN_LOG_LEVEL=DEBUG.
            log.debug("worker.task_succeeded", **_fields(claimed), duration_ms=_ms_since(started))
        else:
            log.warning("worker.lease_lost", **_fields(claimed), duration_ms=_ms_since(started))

    def _run_handler(self, claimed: ClaimedTask, spec: TaskSpec | None, lease: Lease) -> bool:
        """Run the handler and mark success in one transaction; False if the lease was lost."""
        handler = self._handler_for(claimed, spec)
        with self._factory() as session:
            ctx = self._context(session, claimed, spec)
            _call(handler, ctx, claimed.args)
            finished = {"status": TaskStatus.SUCCEEDED, "finished_at": utcnow()}
            if not leases.finish(session, claimed.id, lease, **finished):
                # Someone else owns the task now; our writes must not land twice.
                session.rollback()
                return False
            session.commit()
            return True

    def _handler_for(self, claimed: ClaimedTask, spec: TaskSpec | None) -> Any:
        if spec is None:
            raise PermanentError(f"No handler is registered for task {claimed.name!r}.")
        if claimed.attempt > self._max_attempts(claimed, spec):
            # The final attempt's worker died; running again would exceed the budget.
            raise PermanentError(claimed.last_error or "attempts exhausted")
        return spec.handler

    def _context(
        self, session: Session, claimed: ClaimedTask, spec: TaskSpec | None
    ) -> TaskContext:
        return TaskContext(
            session=session,
            task_id=claimed.id,
            name=claimed.name,
            attempt=claimed.attempt,
            max_attempts=self._max_attempts(claimed, spec),
            workspace_id=claimed.workspace_id,
            worker_id=self.worker_id,
            settings=self.settings,
        )

    def _record_failure(
        self, claimed: ClaimedTask, spec: TaskSpec | None, lease: Lease, exc: Exception
    ) -> None:
        values = self._failure_values(claimed, spec, exc)
        with transaction(self._factory) as session:
            recorded = leases.finish(session, claimed.id, lease, **values)
        event = f"worker.task_{values['status'].value}" if recorded else "worker.lease_lost"
        log.warning(event, **_fields(claimed), error=str(exc) or type(exc).__name__)

    def _failure_values(
        self, claimed: ClaimedTask, spec: TaskSpec | None, exc: Exception
    ) -> dict[str, Any]:
        now = utcnow()
        if isinstance(exc, RetryLater):
            # Not a failure: give the attempt back, keep the budget for real errors.
            run_at = now + timedelta(seconds=exc.retry_after_seconds)
            return _requeue(run_at, f"RetryLater: {exc}", attempts=claimed.attempt - 1)
        if isinstance(exc, PermanentError):
            return _failed(now, exc.reason)
        if claimed.attempt >= self._max_attempts(claimed, spec):
            return _failed(now, _error_text(exc))
        delay = self._backoff(spec).delay(claimed.attempt, self._rng)
        return _requeue(now + timedelta(seconds=delay), _error_text(exc))

    def _max_attempts(self, claimed: ClaimedTask, spec: TaskSpec | None) -> int:
        if claimed.max_attempts is not None:
            return claimed.max_attempts
        if spec is not None and spec.max_attempts is not None:
            return spec.max_attempts
        return self.config.max_attempts

    def _backoff(self, spec: TaskSpec | None) -> Backoff:
        if spec is not None and spec.retry is not None:
            return spec.retry
        return Backoff(self.config.backoff_base_seconds, self.config.backoff_max_seconds)


def _call(handler: Any, ctx: TaskContext, args: dict[str, Any]) -> None:
    try:
        inspect.signature(handler).bind(ctx, **args)
    except TypeError as exc:
        # Arguments that do not fit the handler will not fit on any retry either.
        raise PermanentError(f"Arguments {sorted(args)} do not match the handler: {exc}") from exc
    handler(ctx, **args)


def _requeue(run_at: datetime, error: str, **extra: Any) -> dict[str, Any]:
    return {"status": TaskStatus.QUEUED, "run_at": run_at, "last_error": error, **extra}


def _failed(now: datetime, error: str) -> dict[str, Any]:
    return {"status": TaskStatus.FAILED, "finished_at": now, "last_error": error}


def _error_text(exc: Exception) -> str:
    # The end of a traceback holds the exception itself, so keep the tail if it is long.
    return "".join(traceback.format_exception(exc))[-MAX_ERROR_CHARS:]


def _fields(claimed: ClaimedTask) -> dict[str, Any]:
    return {"task_id": claimed.id, "task": claimed.name, "attempt": claimed.attempt}


def _ms_since(started: float) -> int:
    return round((time.monotonic() - started) * 1000)
