"""Request-scoped dependencies: the unit-of-work session and who is calling."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from openpin.auth.service import Principal, resolve_api_token
from openpin.db import transaction
from openpin.errors import AuthenticationRequired, PermissionDenied


def db_session(request: Request) -> Iterator[Session]:
    """One transaction per request: committed when the endpoint returns, rolled back on error."""
    with transaction(request.app.state.session_factory) as session:
        yield session


# scope="function": commit before the response goes out, so a failed commit never passes as success.
SessionDep = Annotated[Session, Depends(db_session, scope="function")]


def _bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def api_principal(request: Request, session: SessionDep) -> Principal:
    token = _bearer_token(request)
    if token is None:
        raise AuthenticationRequired(
            "This endpoint needs an API token.",
            "Send `Authorization: Bearer <token>`; create a token with `openpin token create`.",
        )
    principal = resolve_api_token(session, token)
    if principal is None:
        raise AuthenticationRequired(
            "The API token is not valid or was revoked.",
            "Create a new token with `openpin token create`.",
        )
    return principal


PrincipalDep = Annotated[Principal, Depends(api_principal)]


def require_admin(principal: PrincipalDep) -> Principal:
    if not principal.is_admin:
        raise PermissionDenied(
            "Only workspace admins can do this.", "Ask an admin of your workspace."
        )
    return principal


AdminDep = Annotated[Principal, Depends(require_admin)]
