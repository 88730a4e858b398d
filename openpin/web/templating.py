"""Jinja2 set-up: the template directory, the values every page needs, and display filters."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.templating import Jinja2Templates

from openpin.activity.service import event_label
from openpin.candidate.resume import display_url, format_phone
from openpin.web.csrf import FIELD_NAME, csrf_token
from openpin.web.session import pop_flashes

TEMPLATE_DIR = Path(__file__).parent / "templates"

# (path, label, built yet). Unbuilt areas still appear, so people can see what is coming.
NAV_ITEMS = (
    ("/candidates", "Candidates", True),
    ("/jobs", "Jobs", True),
    ("/sequences", "Sequences", True),
    ("/inbox", "Inbox", True),
    ("/analytics", "Analytics", False),
    ("/automation", "Automation", True),
    ("/settings", "Settings", True),
)


def _page_context(request: Request) -> dict[str, Any]:
    # A crash page is rendered outside the session middleware: no session, so no forms or notices.
    has_session = "session" in request.scope
    return {
        "viewer": getattr(request.state, "viewer", None),
        "csrf_field": FIELD_NAME,
        "csrf_token": csrf_token(request) if has_session else "",
        "flashes": pop_flashes(request) if has_session else [],
        "nav_items": NAV_ITEMS,
        "htmx_available": bool(getattr(request.app.state, "htmx_available", False)),
        "is_htmx": request.headers.get("hx-request") == "true",
    }


def format_when(value: datetime | None) -> str:
    if value is None:
        return ""
    return value.astimezone(UTC).strftime("%d %b %Y, %H:%M UTC")


def format_day(value: datetime | date | None) -> str:
    return value.strftime("%d %b %Y") if value else ""


def format_month(value: date | None) -> str:
    return value.strftime("%b %Y") if value else ""


def format_ago(value: datetime | None, now: datetime | None = None) -> str:
    """'3 hours ago': easier to scan in a timeline than a timestamp; the exact time is a tooltip."""
    if value is None:
        return ""
    seconds = int(((now or datetime.now(UTC)) - value).total_seconds())
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''} ago"
    return "just now"


def humanise(value: object) -> str:
    """Enum values such as 'on_hold' as people write them: 'On hold'."""
    text = str(value or "").replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def safe_href(url: str) -> str:
    """Links typed by people or imported from files: never a `javascript:` or `data:` URL."""
    url = url.strip()
    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    if scheme in ("http", "https", "mailto"):
        return url
    # "github.com/ada" is meant as a web address; any other scheme is refused.
    return "https://" + url if not scheme else "#"


def _build_templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=TEMPLATE_DIR, context_processors=[_page_context])
    templates.env.filters.update(
        when=format_when,
        day=format_day,
        month=format_month,
        ago=format_ago,
        humanise=humanise,
        event_label=event_label,
        phone=format_phone,
        display_url=display_url,
        safe_href=safe_href,
    )
    return templates


templates = _build_templates()


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, status_code: int = 200
) -> HTMLResponse:
    return templates.TemplateResponse(request, name, context or {}, status_code=status_code)
