"""Error pages for the web UI: what went wrong and what to do next, never a stack trace."""

from __future__ import annotations

from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response

from openpin.errors import OpenPinError
from openpin.web.session import LoginRequired, login_url_for
from openpin.web.templating import render

_TITLES = {
    400: "That request could not be read",
    401: "Please sign in",
    403: "That action was not allowed",
    404: "We could not find that page",
    405: "That action is not available here",
    409: "That clashes with something that already exists",
    413: "That upload is too large",
    422: "Some details need fixing",
    500: "Something went wrong on our side",
}

_HTTP_HINTS = {
    404: "The link may be out of date, or the record was deleted or belongs to another workspace.",
    405: "Use the buttons and links on the page instead of typing the address.",
    500: "Try again in a moment. If it keeps happening, the server log has the details.",
}


def is_api_path(request: Request) -> bool:
    return request.url.path.startswith("/api")


def error_page(request: Request, status_code: int, message: str, hint: str = "") -> HTMLResponse:
    context = {
        "status_code": status_code,
        "title": _TITLES.get(status_code, "Something went wrong"),
        "message": message,
        "hint": hint,
    }
    return render(request, "error.html", context, status_code=status_code)


def render_error_page(request: Request, exc: OpenPinError) -> HTMLResponse:
    """The HTML half of the shared error handler (the JSON half serves /api)."""
    return error_page(request, exc.status_code, exc.message, exc.hint)


def render_http_error_page(request: Request, exc: StarletteHTTPException) -> HTMLResponse:
    detail = exc.detail if isinstance(exc.detail, str) else ""
    if exc.status_code == 404:
        detail = "There is no page at this address."
    return error_page(request, exc.status_code, detail, _HTTP_HINTS.get(exc.status_code, ""))


def render_crash_page(request: Request) -> Response:
    """An unexpected error: a calm page for people; the traceback goes to the server log."""
    if is_api_path(request):
        return PlainTextResponse("Internal Server Error", status_code=500)
    message = "The page could not be shown because of an unexpected error."
    return error_page(request, 500, message, _HTTP_HINTS[500])


def login_redirect(request: Request, exc: LoginRequired) -> Response:
    target = login_url_for(request)
    if request.headers.get("hx-request") == "true":
        # htmx would swap a redirected login page into a fragment; ask for a full page load instead.
        return Response(status_code=204, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)
