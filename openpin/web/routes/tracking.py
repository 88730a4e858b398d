"""Open pixel and click redirect for mailboxes that turn tracking on (openpin/sequence/tracking.py).

No login: the people fetching these are email recipients. The signed token in the URL is the only
authorisation; a bad or tampered one gets a plain 404 page and never a redirect.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from openpin.db import transaction
from openpin.sequence.tracking import PIXEL_GIF, InvalidTrackingLink, record_click, record_open

router = APIRouter(include_in_schema=False)

# Every fetch must reach us (and mail clients' image caches must not reuse an earlier answer).
NO_CACHE = {
    "Cache-Control": "no-cache, no-store, must-revalidate, private, max-age=0",
    "Pragma": "no-cache",
    "Expires": "0",
}
NOT_FOUND_TEXT = (
    "This link is not valid. Copy the whole link from the email, or reply to the email instead."
)


def _not_found() -> Response:
    return PlainTextResponse(NOT_FOUND_TEXT, status_code=404, headers=NO_CACHE)


@router.get("/t/o/{token}.gif")
def open_pixel(request: Request, token: str) -> Response:
    try:
        with transaction(request.app.state.session_factory) as session:
            record_open(session, request.app.state.secret_box, token)
    except InvalidTrackingLink:
        return _not_found()
    return Response(PIXEL_GIF, media_type="image/gif", headers=NO_CACHE)


@router.get("/t/c/{token}")
def click(request: Request, token: str, u: str = "") -> Response:
    try:
        with transaction(request.app.state.session_factory) as session:
            target = record_click(session, request.app.state.secret_box, token, u)
    except InvalidTrackingLink:
        return _not_found()
    return RedirectResponse(target, status_code=302, headers=NO_CACHE)
