"""Prometheus metrics at /metrics: the task queue's depth and age, read from the database."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Gauge, generate_latest

from openpin.worker.metrics import oldest_due_age_seconds, queue_depth


def metrics_response(app: FastAPI) -> Callable[[], Response]:
    registry = CollectorRegistry()
    depth = Gauge("openpin_tasks", "Tasks by status", ["status"], registry=registry)
    oldest = Gauge(
        "openpin_task_oldest_due_seconds", "Age of the oldest due queued task", registry=registry
    )

    def endpoint() -> Response:
        with app.state.session_factory() as session:
            for status, count in queue_depth(session).items():
                depth.labels(status=status).set(count)
            oldest.set(oldest_due_age_seconds(session))
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

    return endpoint
