"""Settings → Mailboxes: add and edit sending mailboxes; test sending and the inbox connection.

Saved passwords are never put back into a page: the form shows them masked and an empty password
box keeps the saved one.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from pydantic import ValidationError
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from openpin.errors import NotFound, OpenPinError
from openpin.models.sequence import Mailbox
from openpin.sequence import schemas
from openpin.sequence.mailboxes import MailboxService, parse_pause_dates
from openpin.web.forms import errors_from, form_data, text
from openpin.web.session import flash, login_required, signed_in
from openpin.web.templating import render

router = APIRouter(include_in_schema=False, dependencies=[Depends(login_required)])

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_TEXT_FIELDS = (
    "label",
    "from_name",
    "from_address",
    "signature",
    "smtp_host",
    "smtp_username",
    "imap_host",
    "imap_username",
    "imap_folder",
    "imap_sent_folder",
    "timezone",
    "window_start",
    "window_end",
    "holiday_country",
    "holiday_subdivision",
)
_NUMBER_FIELDS = ("smtp_port", "imap_port", "daily_cap", "min_gap_seconds")


def _service(request: Request, session: Any, viewer: Any) -> MailboxService:
    return MailboxService(
        session, viewer.workspace_id, request.app.state.secret_box, viewer.user_id
    )


def _blank() -> dict[str, Any]:
    return {
        "from_name": "",
        "from_address": "",
        "label": "",
        "signature": "",
        "smtp_host": "",
        "smtp_port": "587",
        "smtp_security": "starttls",
        "smtp_username": "",
        "smtp_password": "",
        "imap_host": "",
        "imap_port": "993",
        "imap_ssl": True,
        "imap_username": "",
        "imap_password": "",
        "imap_folder": "INBOX",
        "imap_sent_folder": "Sent",
        "timezone": "UTC",
        "daily_cap": "100",
        "min_gap_seconds": "60",
        "send_days": [0, 1, 2, 3, 4],
        "window_start": "09:00",
        "window_end": "17:00",
        "holiday_country": "",
        "holiday_subdivision": "",
        "pause_dates": "",
        "track_opens": False,
        "track_clicks": False,
        "is_active": True,
    }


def _values_from(mailbox: schemas.Mailbox) -> dict[str, Any]:
    values = mailbox.model_dump()
    values["pause_dates"] = "\n".join(mailbox.pause_dates)
    values["smtp_password_saved"] = mailbox.smtp_password
    values["imap_password_saved"] = mailbox.imap_password
    values["smtp_password"] = values["imap_password"] = ""
    return values


def _values_from_form(form: FormData) -> dict[str, Any]:
    values: dict[str, Any] = {name: text(form, name) for name in (*_TEXT_FIELDS, *_NUMBER_FIELDS)}
    values["signature"] = str(form.get("signature") or "")
    values["pause_dates"] = str(form.get("pause_dates") or "")
    values["smtp_security"] = text(form, "smtp_security") or "starttls"
    values["smtp_password"] = str(form.get("smtp_password") or "")
    values["imap_password"] = str(form.get("imap_password") or "")
    values["send_days"] = [int(str(d)) for d in form.getlist("send_days") if str(d).isdigit()]
    for flag in ("imap_ssl", "track_opens", "track_clicks", "is_active"):
        values[flag] = bool(form.get(flag))
    return values


def _fields(values: dict[str, Any]) -> dict[str, Any]:
    """Form values as the service's input; empty optional boxes are left out."""
    fields: dict[str, Any] = {name: values[name] for name in _TEXT_FIELDS}
    fields["signature"] = values["signature"]
    for name in _NUMBER_FIELDS:
        fields[name] = values[name] or None
    fields["smtp_security"] = values["smtp_security"]
    fields["smtp_password"] = values["smtp_password"] or None
    fields["imap_password"] = values["imap_password"] or None
    fields["send_days"] = values["send_days"]
    fields["pause_dates"] = parse_pause_dates(values["pause_dates"])
    for flag in ("imap_ssl", "track_opens", "track_clicks", "is_active"):
        fields[flag] = values[flag]
    return fields


@router.get("/settings/mailboxes")
def mailbox_list(request: Request) -> Response:
    with signed_in(request) as (session, viewer):
        service = _service(request, session, viewer)
        mailboxes = [service.to_schema(m) for m in service.list()]
    context = {"mailboxes": mailboxes, "days": DAYS, "active": "/settings"}
    return render(request, "settings/mailboxes.html", context)


def _form(
    request: Request,
    values: dict[str, Any],
    mailbox_id: int | None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    with signed_in(request):
        pass  # the header's user, and the sign-in check
    context = {
        "values": values,
        "mailbox_id": mailbox_id,
        "errors": errors or {},
        "days": DAYS,
        "active": "/settings",
    }
    return render(request, "settings/mailbox_form.html", context, status_code=status)


@router.get("/settings/mailboxes/new")
def new_mailbox(request: Request) -> Response:
    return _form(request, _blank(), None)


@router.get("/settings/mailboxes/{mailbox_id:int}")
def edit_mailbox(request: Request, mailbox_id: int) -> Response:
    with signed_in(request) as (session, viewer):
        service = _service(request, session, viewer)
        values = _values_from(service.to_schema(service.get(mailbox_id)))
    return _form(request, values, mailbox_id)


def _save(request: Request, form: FormData, mailbox_id: int | None) -> Response:
    values = _values_from_form(form)
    try:
        with signed_in(request) as (session, viewer):
            service = _service(request, session, viewer)
            if mailbox_id is None:
                mailbox: Mailbox = service.create(schemas.MailboxCreate(**_fields(values)))
            else:
                mailbox = service.update(mailbox_id, schemas.MailboxUpdate(**_fields(values)))
            saved = service.to_schema(mailbox)
    except (OpenPinError, ValidationError) as exc:
        if isinstance(exc, NotFound):
            raise
        values["smtp_password"] = values["imap_password"] = ""  # never echo a secret back
        return _form(request, values, mailbox_id, errors_from(exc), status=422)
    flash(request, f"Mailbox {saved.from_address} saved. Send a test email to check it works.")
    return RedirectResponse(f"/settings/mailboxes/{saved.id}", status_code=303)


@router.post("/settings/mailboxes/new")
def create_mailbox(request: Request, form: FormData = Depends(form_data)) -> Response:
    return _save(request, form, None)


@router.post("/settings/mailboxes/{mailbox_id:int}")
def update_mailbox(
    request: Request, mailbox_id: int, form: FormData = Depends(form_data)
) -> Response:
    return _save(request, form, mailbox_id)


@router.post("/settings/mailboxes/{mailbox_id:int}/test-email")
def test_email(request: Request, mailbox_id: int, form: FormData = Depends(form_data)) -> Response:
    to = text(form, "to")
    try:
        with signed_in(request) as (session, viewer):
            result = _service(request, session, viewer).send_test_email(
                mailbox_id, to or viewer.email
            )
    except OpenPinError as exc:
        if isinstance(exc, NotFound):
            raise
        flash(request, f"Test email not sent: {exc.message}", "error")
    else:
        flash(
            request,
            result.message if result.ok else f"Test email failed: {result.message}",
            "success" if result.ok else "error",
        )
    return RedirectResponse(f"/settings/mailboxes/{mailbox_id}#checks", status_code=303)


@router.post("/settings/mailboxes/{mailbox_id:int}/check-inbox")
def check_inbox(request: Request, mailbox_id: int) -> Response:
    with signed_in(request) as (session, viewer):
        result = _service(request, session, viewer).check_inbox(mailbox_id)
    flash(
        request,
        result.message if result.ok else f"Inbox check failed: {result.message}",
        "success" if result.ok else "error",
    )
    return RedirectResponse(f"/settings/mailboxes/{mailbox_id}#checks", status_code=303)
