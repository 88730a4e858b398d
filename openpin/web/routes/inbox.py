"""Inbox screens: the list of replies with their labels, one reply in its thread, one-click
relabelling, and the replies section of a candidate's profile."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from openpin.candidate.repository import CandidateRepository
from openpin.errors import ValidationFailed
from openpin.inbox.repository import ReplyFilters, ReplyRepository
from openpin.inbox.service import LABEL_TITLES, InboxService, label_guide
from openpin.models.inbox import Reply, ReplyKind, ReplyLabel
from openpin.web.forms import form_data, text
from openpin.web.session import Viewer, flash, login_required, signed_in
from openpin.web.templating import render

router = APIRouter(include_in_schema=False, dependencies=[Depends(login_required)])

PAGE_SIZE = 30
KIND_TITLES = {
    ReplyKind.REPLY: "Reply",
    ReplyKind.AUTO_REPLY: "Automatic reply",
    ReplyKind.BOUNCE: "Bounce",
}


def _service(session: Session, viewer: Viewer) -> InboxService:
    return InboxService(session, viewer.workspace_id, viewer.user_id)


def _label_param(value: str) -> ReplyLabel | None:
    try:
        return ReplyLabel(value) if value else None
    except ValueError:
        return None


def _kind_param(value: str) -> ReplyKind | None:
    try:
        return ReplyKind(value) if value else None
    except ValueError:
        return None


def _display(reply: Reply, names: dict[int, str]) -> dict[str, Any]:
    return {
        "reply": reply,
        "who": names.get(reply.candidate_id or 0) or reply.from_name or reply.from_address,
        "label_title": LABEL_TITLES.get(reply.label) if reply.label else "",
        "kind_title": KIND_TITLES[reply.kind],
        "snippet": " ".join(reply.text.split())[:180],
    }


@router.get("/inbox")
def inbox_list(request: Request, label: str = "", kind: str = "", cursor: str = "") -> Response:
    filters = ReplyFilters(label=_label_param(label), kind=_kind_param(kind))
    with signed_in(request) as (session, viewer):
        service = _service(session, viewer)
        page = service.list(filters, cursor or None, PAGE_SIZE)
        names = service.candidate_names(page.items)
        counts = service.label_counts()
        unread = service.unread_count()
        everything = service.total_count()
        mailboxes = ReplyRepository(session, viewer.workspace_id).checkpoints()
    query = {key: value for key, value in (("label", label), ("kind", kind)) if value}
    next_url = f"/inbox?{urlencode({**query, 'cursor': page.next_cursor})}"
    context = {
        "rows": [_display(reply, names) for reply in page.items],
        "total": page.total or 0,
        "unread": unread,
        "labels": [(lbl, title, counts.get(lbl.value, 0)) for lbl, title, _ in label_guide()],
        "all_count": everything,
        "current_label": filters.label.value if filters.label else "",
        "current_kind": filters.kind.value if filters.kind else "",
        "mailboxes": mailboxes,
        "next_url": next_url if page.next_cursor else "",
        "is_later_page": bool(cursor),
        "active": "/inbox",
    }
    return render(request, "inbox/list.html", context)


@router.get("/inbox/{reply_id:int}")
def inbox_reply(request: Request, reply_id: int) -> Response:
    with signed_in(request) as (session, viewer):
        service = _service(session, viewer)
        reply = service.mark_read(reply_id)
        context = _reply_context(service, reply)
    return render(request, "inbox/detail.html", context)


def _reply_context(service: InboxService, reply: Reply) -> dict[str, Any]:
    names = service.candidate_names([reply])
    history = service.label_history(reply.id)
    return {
        **_display(reply, names),
        "thread": service.thread(reply),
        "history": history,
        "labels": label_guide(),
        "label_titles": LABEL_TITLES,
        "active": "/inbox",
    }


@router.post("/inbox/{reply_id:int}/label")
def relabel_reply(request: Request, reply_id: int, form: FormData = Depends(form_data)) -> Response:
    label = _label_param(text(form, "label"))
    try:
        if label is None:
            raise ValidationFailed("Choose one of the labels.", field="label")
        with signed_in(request) as (session, viewer):
            service = _service(session, viewer)
            reply = service.relabel(reply_id, label)
            context = _reply_context(service, reply)
    except ValidationFailed as exc:
        flash(request, exc.message, kind="error")
        return RedirectResponse(f"/inbox/{reply_id}", status_code=303)
    if request.headers.get("hx-request") == "true":
        return render(request, "inbox/_label_panel.html", {**context, "saved": True})
    flash(request, f"Labelled {LABEL_TITLES[label].lower()}.")
    return RedirectResponse(f"/inbox/{reply_id}", status_code=303)


@router.post("/inbox/{reply_id:int}/unread")
def mark_unread(request: Request, reply_id: int) -> Response:
    with signed_in(request) as (session, viewer):
        _service(session, viewer).update(reply_id, label=None, read=False)
    flash(request, "Marked as unread.")
    return RedirectResponse("/inbox", status_code=303)


@router.get("/candidates/{candidate_id:int}/replies")
def candidate_replies(request: Request, candidate_id: int) -> Response:
    """The candidate's replies, loaded into the profile page beside the outreach thread."""
    with signed_in(request) as (session, viewer):
        CandidateRepository(session, viewer.workspace_id).get(candidate_id)
        service = _service(session, viewer)
        replies = service.candidate_replies(candidate_id)
        rows = [_display(reply, {}) for reply in reversed(replies)]
    return render(
        request, "inbox/_candidate_replies.html", {"rows": rows, "candidate_id": candidate_id}
    )
