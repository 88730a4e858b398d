"""Settings → AI drafting: the optional OpenAI-compatible endpoint (key shown masked)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from pydantic import ValidationError
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from openpin.errors import OpenPinError, PermissionDenied
from openpin.models import Role
from openpin.sequence.ai_settings import get_ai_settings, save_ai_settings
from openpin.sequence.schemas import AiSettingsIn
from openpin.web.forms import errors_from, form_data, text
from openpin.web.session import flash, login_required, signed_in
from openpin.web.templating import render

router = APIRouter(include_in_schema=False, dependencies=[Depends(login_required)])


def _page(
    request: Request, values: dict[str, Any], errors: dict[str, str], status: int = 200
) -> Response:
    context = {"values": values, "errors": errors, "active": "/settings"}
    return render(request, "settings/ai.html", context, status_code=status)


@router.get("/settings/ai")
def ai_page(request: Request) -> Response:
    with signed_in(request) as (session, viewer):
        saved = get_ai_settings(session, viewer.workspace_id, request.app.state.secret_box)
    values = {
        "base_url": saved.base_url,
        "model": saved.model,
        "api_key": "",
        "api_key_saved": saved.api_key,
        "enabled": saved.enabled or not saved.configured,
    }
    return _page(request, values, {})


@router.post("/settings/ai")
def save_ai(request: Request, form: FormData = Depends(form_data)) -> Response:
    values = {
        "base_url": text(form, "base_url"),
        "model": text(form, "model"),
        "api_key": "",
        "enabled": bool(form.get("enabled")),
    }
    try:
        with signed_in(request) as (session, viewer):
            if viewer.role != Role.ADMIN.value:
                raise PermissionDenied("Only workspace admins can change the AI settings.")
            data = AiSettingsIn(
                base_url=values["base_url"],
                model=values["model"],
                api_key=str(form.get("api_key") or "") or None,
                enabled=values["enabled"],
            )
            save_ai_settings(
                session, viewer.workspace_id, data, request.app.state.secret_box, viewer.user_id
            )
    except (OpenPinError, ValidationError) as exc:
        if isinstance(exc, PermissionDenied):
            raise
        return _page(request, values, errors_from(exc), status=422)
    flash(request, "AI settings saved. New enrolments get the model's drafts.")
    return RedirectResponse("/settings/ai", status_code=303)
