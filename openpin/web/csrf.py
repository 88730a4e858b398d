"""CSRF protection for the web UI: a per-session token that every unsafe request must echo back.

The token lives in the signed session cookie. A forged form on another site makes the browser send
that cookie, but the other site cannot read it, so it cannot put the matching token in the form.
"""

from __future__ import annotations

import hmac
import secrets

from starlette.requests import Request

from openpin.errors import PermissionDenied

FIELD_NAME = "csrf_token"
HEADER_NAME = "x-csrf-token"
_SESSION_KEY = "csrf_token"
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class CsrfRejected(PermissionDenied):
    code = "csrf_rejected"

    def __init__(self) -> None:
        super().__init__(
            "This form could not be accepted because its security token is missing or out of date.",
            "This happens when a page was open for a long time or you signed in again elsewhere. "
            "Go back, reload the page and submit the form again.",
        )


def csrf_token(request: Request) -> str:
    """The session's token, created on first use; templates put it in every form."""
    token = request.session.get(_SESSION_KEY)
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        request.session[_SESSION_KEY] = token
    return token


def rotate_csrf_token(request: Request) -> str:
    """A fresh token, used at login so a token seen before signing in is worthless after."""
    request.session.pop(_SESSION_KEY, None)
    return csrf_token(request)


def tokens_match(expected: object, given: object) -> bool:
    if not isinstance(expected, str) or not isinstance(given, str) or not expected:
        return False
    # Constant-time comparison, so response timing does not reveal how much of a guess was right.
    return hmac.compare_digest(expected.encode(), given.encode())


async def _submitted_token(request: Request) -> object:
    header = request.headers.get(HEADER_NAME)
    if header:
        return header
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        return None
    # Starlette caches the parsed form, so the route reads the same one without parsing twice.
    form = await request.form()
    return form.get(FIELD_NAME)


async def csrf_protect(request: Request) -> None:
    """Router dependency: reject any unsafe request whose token does not match the session's."""
    if request.method in _SAFE_METHODS:
        return
    if not tokens_match(request.session.get(_SESSION_KEY), await _submitted_token(request)):
        raise CsrfRejected()
