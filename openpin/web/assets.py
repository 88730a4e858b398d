"""Third-party browser assets installed from the npm registry (`npm ci`), never committed.

htmx is read from `node_modules/` at the repository root, or from the path in
`settings.web.htmx_path` (`OPENPIN_WEB__HTMX_PATH`). Pages work without it: every form is a plain
HTML form, and htmx only makes some of them faster.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI
from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response

from openpin.logging import get_logger

HTMX_URL = "/static/vendor/htmx.min.js"
_REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_HTMX_PATH = _REPO_ROOT / "node_modules" / "htmx.org" / "dist" / "htmx.min.js"

log = get_logger(__name__)
router = APIRouter(include_in_schema=False)


def htmx_path(app: FastAPI) -> Path:
    configured: Path | None = app.state.settings.web.htmx_path
    return configured or DEFAULT_HTMX_PATH


def check_htmx(app: FastAPI) -> bool:
    """Look for htmx once at start-up and say plainly how to fix it when it is missing."""
    path = htmx_path(app)
    found = path.is_file()
    if not found:
        log.warning(
            "web.htmx_missing",
            path=str(path),
            fix="run `npm ci` in the repository root, or set OPENPIN_WEB__HTMX_PATH; "
            "pages still work without it, only less smoothly",
        )
    app.state.htmx_available = found
    return found


@router.get(HTMX_URL)
def htmx_script(request: Request) -> Response:
    path = htmx_path(request.app)
    if not path.is_file():
        return PlainTextResponse("htmx is not installed: run `npm ci`.", status_code=404)
    # The file only changes with the lock file, so browsers may keep it for a day.
    return FileResponse(
        path, media_type="text/javascript", headers={"Cache-Control": "public, max-age=86400"}
    )
