"""Durable background tasks: rows in the database, claimed by workers under a lease.

Enqueue in the caller's transaction with `enqueue_task`; declare handlers with `@task` (or
`@periodic`) in a domain's `tasks.py`; run them with `Worker`.
"""

from openpin.worker.enqueue import cancel_task, enqueue_task, prune_finished_tasks, retry_task
from openpin.worker.errors import PermanentError, RetryLater
from openpin.worker.registry import Backoff, Registry, TaskContext, discover_tasks, registry, task
from openpin.worker.runner import Worker, run_dedicated, start_embedded
from openpin.worker.scheduler import Scheduler, periodic

__all__ = [
    "Backoff",
    "PermanentError",
    "Registry",
    "RetryLater",
    "Scheduler",
    "TaskContext",
    "Worker",
    "cancel_task",
    "discover_tasks",
    "enqueue_task",
    "periodic",
    "prune_finished_tasks",
    "registry",
    "retry_task",
    "run_dedicated",
    "start_embedded",
    "task",
]
