"""Thin HTTP layer: replies (list, get, correct a label), labels, and the inbound-email webhook."""

from __future__ import annotations

import base64
import binascii
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from starlette.datastructures import UploadFile

from openpin.auth.dependencies import PrincipalDep, SessionDep
from openpin.auth.service import Principal, resolve_api_token
from openpin.errors import AuthenticationRequired, ValidationFailed
from openpin.inbox import schemas
from openpin.inbox.repository import ReplyFilters
from openpin.inbox.service import InboxService, label_guide
from openpin.models.inbox import ReplyKind, ReplyLabel

router = APIRouter(tags=["replies"])

MAX_INBOUND_BYTES = 25 * 1024 * 1024
# Multipart field names: ours, SendGrid Inbound Parse ("Send raw"), Mailgun ("body-mime").
RAW_FIELDS = ("file", "email", "body-mime")


def _service(session: SessionDep, principal: PrincipalDep) -> InboxService:
    return InboxService(session, principal.workspace_id, principal.user_id)


ServiceDep = Annotated[InboxService, Depends(_service)]


@router.get("/replies", response_model=schemas.ReplyPage)
def list_replies(
    service: ServiceDep,
    label: ReplyLabel | None = None,
    kind: ReplyKind | None = None,
    candidate_id: int | None = None,
    unread: Annotated[bool | None, Query(description="true: unread only; false: read only")] = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> schemas.ReplyPage:
    """Replies, unread first, then newest first."""
    page = service.list(ReplyFilters(label, kind, candidate_id, unread), cursor, limit)
    items = [schemas.Reply.model_validate(reply) for reply in page.items]
    return schemas.ReplyPage(items=items, next_cursor=page.next_cursor, total=page.total or 0)


@router.get("/replies/labels", response_model=list[schemas.LabelInfo])
def list_labels(service: ServiceDep) -> list[schemas.LabelInfo]:
    """The labels a reply can have, what each means, and how many replies have it."""
    counts = service.label_counts()
    return [
        schemas.LabelInfo(label=label, title=title, meaning=meaning, count=counts.get(label, 0))
        for label, title, meaning in label_guide()
    ]


@router.get("/replies/{reply_id}", response_model=schemas.ReplyDetail)
def get_reply(reply_id: int, service: ServiceDep) -> schemas.ReplyDetail:
    return _detail(service, reply_id)


@router.patch("/replies/{reply_id}", response_model=schemas.ReplyDetail)
def update_reply(
    reply_id: int, body: schemas.ReplyUpdate, service: ServiceDep
) -> schemas.ReplyDetail:
    """Correct the label (`{"label": "interested"}`) and/or mark read (`{"read": true}`)."""
    service.update(reply_id, body.label, body.read)
    return _detail(service, reply_id)


def _detail(service: InboxService, reply_id: int) -> schemas.ReplyDetail:
    reply = service.get(reply_id)
    history = [schemas.LabelChange.model_validate(c) for c in service.label_history(reply_id)]
    base = schemas.Reply.model_validate(reply).model_dump()
    return schemas.ReplyDetail(**base, label_history=history)


# -- inbound webhook -------------------------------------------------------------------------


def _basic_auth_token(request: Request) -> str | None:
    """The API token given as the password of HTTP Basic auth (https://x:TOKEN@host/...)."""
    scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    return decoded.partition(":")[2] or None


def inbound_principal(request: Request, session: SessionDep) -> Principal:
    """An API token as `Authorization: Bearer`, or as the Basic-auth password (for providers
    whose webhook settings only take a URL with credentials in it)."""
    header = request.headers.get("authorization", "")
    token = _basic_auth_token(request)
    if token is None and header.lower().startswith("bearer "):
        token = header[7:].strip()
    principal = resolve_api_token(session, token) if token else None
    if principal is None:
        raise AuthenticationRequired(
            "The inbound-email webhook needs a valid API token.",
            "Send `Authorization: Bearer <token>`, or put the token as the password in the "
            "webhook URL: https://inbound:<token>@your-openpin/api/v1/inbound-email.",
        )
    return principal


async def raw_email_body(request: Request) -> bytes:
    """The raw MIME message: the whole body, or a multipart field `file` (`email`, `body-mime`)."""
    content_type = request.headers.get("content-type", "").lower()
    if content_type.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
        return await _raw_from_form(request)
    if content_type.startswith("application/json"):
        raise ValidationFailed(
            "The inbound-email endpoint takes the raw email, not JSON.",
            "POST the message with Content-Type: message/rfc822, or as a multipart field `file`.",
        )
    raw = await request.body()
    _check_size(raw)
    return raw


async def _raw_from_form(request: Request) -> bytes:
    form = await request.form(max_part_size=MAX_INBOUND_BYTES)
    for name in RAW_FIELDS:
        value = form.get(name)
        if isinstance(value, UploadFile):
            raw = await value.read(MAX_INBOUND_BYTES + 1)
        elif isinstance(value, str):
            raw = value.encode("utf-8", errors="surrogateescape")
        else:
            continue
        _check_size(raw)
        return raw
    raise ValidationFailed(
        "No raw email found in the form.",
        "Send the MIME message in a field named `file` (or `email`, `body-mime`).",
        field="file",
    )


def _check_size(raw: bytes) -> None:
    if len(raw) > MAX_INBOUND_BYTES:
        raise ValidationFailed(
            "The message is larger than 25 MB.", "Strip large attachments before forwarding it."
        )


_INBOUND_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "message/rfc822": {"schema": {"type": "string", "format": "binary"}},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"file": {"type": "string", "format": "binary"}},
                    "required": ["file"],
                }
            },
        },
    }
}


@router.post(
    "/inbound-email",
    response_model=schemas.InboundResult,
    status_code=201,
    openapi_extra=_INBOUND_BODY,
    responses={200: {"description": "Already received (same Message-ID): nothing new was done"}},
)
def inbound_email(
    response: Response,
    session: SessionDep,
    principal: Annotated[Principal, Depends(inbound_principal)],
    raw: Annotated[bytes, Depends(raw_email_body)],
    mailbox_id: int | None = None,
) -> schemas.InboundResult:
    """Take in one raw email from a mail provider's inbound webhook (see docs/inbox.md)."""
    service = InboxService(session, principal.workspace_id, principal.user_id)
    outcome = service.ingest(raw, mailbox_id)
    assert outcome.reply is not None  # the webhook keeps every message
    if not outcome.created:
        response.status_code = 200
    return schemas.InboundResult(
        status="ingested" if outcome.created else "duplicate",
        matched=outcome.reply.candidate_id is not None,
        reply=schemas.Reply.model_validate(outcome.reply),
    )
