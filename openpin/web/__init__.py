"""The server-rendered web UI (Jinja2 + htmx), organised by screen; it calls services only."""

from __future__ import annotations

from pathlib import Path

from fastapi import Depends, FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware
from starlette.responses import Response
from starlette.staticfiles import StaticFiles

from openpin.web import assets
from openpin.web.csrf import csrf_protect
from openpin.web.errors import (
    is_api_path,
    login_redirect,
    render_crash_page,
    render_error_page,
    render_http_error_page,
)
from openpin.web.routes import ats as ats_pages
from openpin.web.routes import (
    auth,
    candidates,
    imports,
    jobs,
    placeholders,
    settings_ai,
    settings_mailboxes,
    tracking,
    unsubscribe,
)
from openpin.web.routes import automation as automation_pages
from openpin.web.routes import inbox as inbox_pages
from openpin.web.routes import sequences as sequence_pages
from openpin.web.routes import settings as settings_pages
from openpin.web.routes import sourcing as sourcing_pages
from openpin.web.session import LoginRequired

STATIC_DIR = Path(__file__).parent / "static"
SESSION_COOKIE = "openpin_session"


def mount_web(app: FastAPI) -> None:
    """Register the UI's routes, static files, session cookie, CSRF check and error pages."""
    settings = app.state.settings
    app.add_middleware(
        SessionMiddleware,
        secret_key=app.state.session_secret,
        session_cookie=SESSION_COOKIE,
        max_age=settings.web.session_max_age_seconds,
        https_only=settings.web.secure_cookies,
        same_site="lax",
    )
    assets.check_htmx(app)
    # Before the static mount: a mount at /static would otherwise answer /static/vendor/ itself.
    app.include_router(assets.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    pages = (auth, candidates, jobs, imports, settings_pages, sourcing_pages)
    outreach = (sequence_pages, settings_mailboxes, settings_ai, inbox_pages)
    ats = (ats_pages, automation_pages)
    for module in (*pages, *outreach, *ats, placeholders):
        # Every UI route, present and future, gets the CSRF check: no form can forget it.
        app.include_router(module.router, dependencies=[Depends(csrf_protect)])
    # Exempt from CSRF on purpose: RFC 8058 one-click unsubscribe is a POST from a mail client with
    # no session; the signed token in its URL is the authorisation (see routes/unsubscribe.py).
    app.include_router(unsubscribe.router)
    # Exempt too: the open pixel and click redirect are GETs from recipients' mail clients, with
    # no session; they change nothing but an activity event, and the signed token authorises it.
    app.include_router(tracking.router)
    _install_error_pages(app)


def _install_error_pages(app: FastAPI) -> None:
    # The shared OpenPinError handler in openpin.app calls this for every non-/api path.
    app.state.render_html_error = render_error_page

    async def on_login_required(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, LoginRequired)
        return login_redirect(request, exc)

    async def on_http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        if is_api_path(request):
            return await http_exception_handler(request, exc)
        return render_http_error_page(request, exc)

    async def on_crash(request: Request, exc: Exception) -> Response:
        # Starlette still re-raises the exception afterwards, so the server logs the traceback.
        return render_crash_page(request)

    app.add_exception_handler(LoginRequired, on_login_required)
    app.add_exception_handler(StarletteHTTPException, on_http_error)
    app.add_exception_handler(Exception, on_crash)
