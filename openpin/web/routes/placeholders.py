"""Areas later work fills in. Each page says plainly what it will hold and that it is not built."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from openpin.web.session import current_viewer, login_required
from openpin.web.templating import render

router = APIRouter(include_in_schema=False, dependencies=[Depends(login_required)])


@dataclass(frozen=True)
class Area:
    title: str
    summary: str
    will_hold: tuple[str, ...]
    meanwhile: tuple[tuple[str, str], ...] = (("/candidates", "Go to candidates"),)


AREAS = {
    "analytics": Area(
        "Analytics",
        "What works: which jobs, sequences and sources lead to replies and hires.",
        (
            "Funnels from contacted to replied, interested, scheduled, exported and hired",
            "Breakdowns by job, sequence, step, source and recruiter",
            "Charts and CSV downloads",
        ),
        (("/jobs", "Go to jobs"),),
    ),
}


def _area_page(slug: str) -> Callable[[Request], Response]:
    def page(request: Request) -> Response:
        current_viewer(request)
        return render(request, "placeholder.html", {"area": AREAS[slug], "active": f"/{slug}"})

    page.__name__ = f"{slug}_page"
    return page


for _slug in AREAS:
    router.add_api_route(f"/{_slug}", _area_page(_slug), methods=["GET"])
