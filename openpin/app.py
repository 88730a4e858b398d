"""The FastAPI application: REST API, web UI, error rendering, metrics, embedded worker."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError

from openpin import __version__
from openpin.api import API_PREFIX, build_api_router
from openpin.config import Settings
from openpin.db import engine_from_settings, make_session_factory
from openpin.errors import Conflict, OpenPinError
from openpin.kit.crypto import SecretBox, load_secret_key
from openpin.logging import get_logger
from openpin.metrics import metrics_response
from openpin.sourcing.warmup import start_warm_up
from openpin.worker.registry import discover_tasks
from openpin.worker.runner import start_embedded

log = get_logger(__name__)


def _is_api(request: Request) -> bool:
    return request.url.path.startswith(API_PREFIX)


def _render_error(request: Request, error: OpenPinError) -> Response:
    if _is_api(request):
        return JSONResponse(error.to_dict(), status_code=error.status_code)
    html_renderer = getattr(request.app.state, "render_html_error", None)
    if html_renderer is not None:
        response: Response = html_renderer(request, error)
        return response
    return PlainTextResponse(f"{error.message}\n{error.hint}", status_code=error.status_code)


def _field_name(location: tuple[Any, ...]) -> str:
    parts = [str(part) for part in location if part not in ("body", "query", "path")]
    return ".".join(parts) or "request"


def _validation_error(request: Request, exc: RequestValidationError) -> Response:
    problems = [
        {"field": _field_name(tuple(err.get("loc", ()))), "message": err.get("msg", "invalid")}
        for err in exc.errors()
    ]
    summary = "; ".join(f"{p['field']}: {p['message']}" for p in problems[:5])
    error = OpenPinError(f"The request is not valid: {summary}.", "Correct the fields listed.")
    error.status_code = 422
    error.code = "validation_failed"
    error.details = {"errors": problems}
    return _render_error(request, error)


def _integrity_error(request: Request, exc: IntegrityError) -> Response:
    log.warning("db.integrity_error", path=request.url.path, error=str(exc.orig)[:200])
    return _render_error(
        request,
        Conflict(
            "This change clashes with data saved at the same moment (a duplicate value).",
            "Reload and try again.",
        ),
    )


def _install_error_handlers(app: FastAPI) -> None:
    async def openpin_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, OpenPinError)
        return _render_error(request, exc)

    async def validation_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        return _validation_error(request, exc)

    async def integrity_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, IntegrityError)
        return _integrity_error(request, exc)

    app.add_exception_handler(OpenPinError, openpin_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(IntegrityError, integrity_error)


def create_app(
    settings: Settings,
    engine: Engine | None = None,
    *,
    embedded_worker: bool = False,
    warm_search: bool = False,
) -> FastAPI:
    """Build the app. `engine` defaults to the configured database; the schema must exist.

    `warm_search` loads the search caches in the background at start (`openpin serve`)."""
    engine = engine or engine_from_settings(settings)
    # Importing every domain's tasks module registers its task handlers and its event
    # subscribers (e.g. ATS export triggers), which requests rely on even without a worker.
    discover_tasks()
    secret_box = SecretBox(load_secret_key(settings))

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        worker = start_embedded(app.state.session_factory, settings) if embedded_worker else None
        if warm_search:
            start_warm_up(app.state.session_factory)
        try:
            yield
        finally:
            if worker is not None:
                worker.stop()
                worker.join(timeout=settings.worker.lease_seconds)

    app = FastAPI(
        title="OpenPin",
        version=__version__,
        description="Open-source, self-hostable, AI-powered recruiting. Token auth: "
        "`Authorization: Bearer <token>` (create one with `openpin token create`).",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.session_factory = make_session_factory(engine)
    app.state.secret_box = secret_box
    app.state.session_secret = secret_box.session_secret
    _install_error_handlers(app)
    app.include_router(build_api_router())
    app.add_api_route("/metrics", metrics_response(app), include_in_schema=False)
    app.add_api_route("/healthz", _health, include_in_schema=False)

    from openpin.web import mount_web

    mount_web(app)
    return app


def _health() -> dict[str, str]:
    return {"status": "ok", "version": __version__}
