"""Who is signed in to the web UI, and the unit of work each page runs in."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import quote

from sqlalchemy.orm import Session
from starlette.requests import Request

from openpin.auth.service import get_user
from openpin.db import transaction
from openpin.models import User, Workspace
from openpin.web.csrf import rotate_csrf_token

_USER_KEY = "user_id"
_FLASH_KEY = "flash"


@dataclass(frozen=True)
class Viewer:
    """The signed-in user as pages see it: plain values, safe to use after the session closes."""

    user_id: int
    workspace_id: int
    email: str
    name: str
    role: str
    workspace_name: str

    @property
    def display_name(self) -> str:
        return self.name or self.email

    @property
    def initials(self) -> str:
        words = self.display_name.replace("@", " ").replace(".", " ").split()
        return "".join(word[0] for word in words[:2]).upper() or "?"


class LoginRequired(Exception):
    """Raised when a page needs a signed-in user; the handler redirects to the login page."""


def safe_next(target: str | None, default: str = "/candidates") -> str:
    """Only local paths: an open redirect would let a link to OpenPin bounce users elsewhere."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return default
    return target


def login_url_for(request: Request) -> str:
    target = request.url.path
    if request.url.query:
        target += "?" + request.url.query
    if request.method != "GET" or target in ("/", "/logout"):
        return "/login"
    return "/login?next=" + quote(target, safe="")


def sign_in(request: Request, user: User) -> None:
    # A new session on login: nothing set before signing in (a planted token) carries over.
    request.session.clear()
    request.session[_USER_KEY] = user.id
    rotate_csrf_token(request)


def sign_out(request: Request) -> None:
    request.session.clear()


async def login_required(request: Request) -> None:
    """Router dependency: bounce anonymous visitors to the login page before any work is done."""
    if not isinstance(request.session.get(_USER_KEY), int):
        raise LoginRequired()


def _viewer(user: User, workspace: Workspace | None) -> Viewer:
    return Viewer(
        user_id=user.id,
        workspace_id=user.workspace_id,
        email=user.email,
        name=user.full_name,
        role=str(user.role),
        workspace_name=workspace.name if workspace else "",
    )


@contextmanager
def signed_in(request: Request) -> Iterator[tuple[Session, Viewer]]:
    """One transaction for the page, with the signed-in user loaded (or a redirect to log in)."""
    user_id = request.session.get(_USER_KEY)
    if not isinstance(user_id, int):
        raise LoginRequired()
    with transaction(request.app.state.session_factory) as session:
        user = get_user(session, user_id)
        if user is None:
            # The account was removed or deactivated since the cookie was issued.
            request.session.clear()
            raise LoginRequired()
        viewer = _viewer(user, session.get(Workspace, user.workspace_id))
        request.state.viewer = viewer
        yield session, viewer


def current_viewer(request: Request) -> Viewer:
    """For pages that show no data of their own: check the sign-in and load the header's user."""
    with signed_in(request) as (_session, viewer):
        return viewer


def flash(request: Request, message: str, kind: str = "success", link: str = "") -> None:
    """A one-time notice for the next page: how a redirect after a POST says what happened."""
    notices = list(request.session.get(_FLASH_KEY, []))
    notices.append({"message": message, "kind": kind, "link": link})
    request.session[_FLASH_KEY] = notices[-5:]


def pop_flashes(request: Request) -> list[dict[str, str]]:
    notices = request.session.pop(_FLASH_KEY, [])
    return notices if isinstance(notices, list) else []
