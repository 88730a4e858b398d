"""Log in and log out."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from openpin.auth.service import authenticate
from openpin.db import transaction
from openpin.logging import get_logger
from openpin.web.forms import form_data, text
from openpin.web.session import flash, safe_next, sign_in, sign_out
from openpin.web.templating import render

router = APIRouter(include_in_schema=False)
log = get_logger(__name__)

BAD_CREDENTIALS = (
    "That email and password do not match an account. Check both for typos and try again; "
    "passwords are case-sensitive."
)


@router.get("/")
def home() -> Response:
    return RedirectResponse("/candidates", status_code=303)


@router.get("/login")
def login_page(request: Request, next: str = "") -> Response:
    if isinstance(request.session.get("user_id"), int):
        return RedirectResponse(safe_next(next), status_code=303)
    return render(request, "login.html", {"next": safe_next(next, default=""), "email": ""})


@router.post("/login")
def login(request: Request, form: FormData = Depends(form_data)) -> Response:
    email, target = text(form, "email"), safe_next(text(form, "next"))
    password = form.get("password")
    with transaction(request.app.state.session_factory) as session:
        user = authenticate(session, email, password if isinstance(password, str) else "")
        if user is not None:
            sign_in(request, user)
    if user is None:
        # No hint about which of the two was wrong: that would tell strangers who has an account.
        log.info("web.login_failed")
        context = {"next": target, "email": email, "error": BAD_CREDENTIALS}
        return render(request, "login.html", context, status_code=401)
    log.info("web.login", user_id=user.id)
    return RedirectResponse(target, status_code=303)


@router.post("/logout")
def logout(request: Request) -> Response:
    sign_out(request)
    flash(request, "You are signed out.", "info")
    return RedirectResponse("/login", status_code=303)
