"""Settings: the hub linking every section, the workspace's users, and personal API tokens."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from openpin.auth.service import (
    create_api_token,
    create_user,
    get_user,
    list_api_tokens,
    list_workspace_users,
    revoke_api_token,
)
from openpin.errors import OpenPinError, PermissionDenied
from openpin.models import Role
from openpin.web.forms import errors_from, form_data, text
from openpin.web.session import current_viewer, flash, login_required, signed_in
from openpin.web.templating import render

router = APIRouter(include_in_schema=False, dependencies=[Depends(login_required)])

# (path, title, what it is for). Sections link here as they are built.
SECTIONS = (
    ("/settings/users", "Users", "Who can sign in to this workspace, and their roles."),
    ("/settings/tokens", "API tokens", "Tokens for the REST API and inbound webhooks."),
    ("/settings/mailboxes", "Mailboxes", "Where outreach is sent from and replies are read."),
    ("/settings/ai", "AI drafting", "An optional OpenAI-compatible model for drafts."),
    ("/settings/ats", "ATS integrations", "Connect Greenhouse or Ashby and export candidates."),
)


@router.get("/settings")
def settings_hub(request: Request) -> Response:
    viewer = current_viewer(request)
    context = {"sections": SECTIONS, "active": "/settings", "viewer": viewer}
    return render(request, "settings/hub.html", context)


@router.get("/settings/users")
def users_page(request: Request) -> Response:
    return _render_users(request, {}, {})


def _render_users(
    request: Request, values: dict[str, str], errors: dict[str, str], status: int = 200
) -> Response:
    with signed_in(request) as (session, viewer):
        users = list_workspace_users(session, viewer.workspace_id)
    context: dict[str, Any] = {
        "users": users,
        "values": values,
        "errors": errors,
        "roles": list(Role),
        "can_add": viewer.role == Role.ADMIN.value,
        "active": "/settings",
    }
    return render(request, "settings/users.html", context, status_code=status)


@router.post("/settings/users")
def add_user(request: Request, form: FormData = Depends(form_data)) -> Response:
    values = {name: text(form, name) for name in ("email", "full_name", "role")}
    try:
        with signed_in(request) as (session, viewer):
            if viewer.role != Role.ADMIN.value:
                raise PermissionDenied(
                    "Only workspace admins can add users.", "Ask an admin of your workspace."
                )
            user = create_user(
                session,
                email=values["email"],
                password=text(form, "password"),
                workspace_name=viewer.workspace_name,
                role=Role(values["role"]) if values["role"] in set(Role) else Role.RECRUITER,
                full_name=values["full_name"],
            )
            email = user.email
    except PermissionDenied:
        raise
    except OpenPinError as exc:
        return _render_users(request, values, errors_from(exc), status=422)
    flash(request, f"{email} can now sign in. Share the password with them securely.")
    return RedirectResponse("/settings/users", status_code=303)


@router.get("/settings/tokens")
def tokens_page(request: Request) -> Response:
    return _render_tokens(request, new_token=None)


def _render_tokens(request: Request, new_token: str | None) -> Response:
    with signed_in(request) as (session, viewer):
        tokens = list_api_tokens(session, viewer.user_id)
    context = {"tokens": tokens, "new_token": new_token, "active": "/settings"}
    return render(request, "settings/tokens.html", context)


@router.post("/settings/tokens")
def create_token(request: Request, form: FormData = Depends(form_data)) -> Response:
    name = text(form, "name")[:100] or "web"
    with signed_in(request) as (session, viewer):
        user = get_user(session, viewer.user_id)
        assert user is not None  # signed_in checked it
        token = create_api_token(session, user, name)
    # Shown once, in this response only: it is stored as a digest and cannot be shown again.
    return _render_tokens(request, new_token=token)


@router.post("/settings/tokens/{token_id:int}/revoke")
def revoke_token(request: Request, token_id: int) -> Response:
    with signed_in(request) as (session, viewer):
        token = revoke_api_token(session, viewer.user_id, token_id)
        label = token.name or token.prefix
    flash(request, f"Token “{label}” is revoked: requests using it are refused from now on.")
    return RedirectResponse("/settings/tokens", status_code=303)
