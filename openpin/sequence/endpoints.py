"""Thin HTTP layer: sequences, enrolments, messages (the outbox), mailboxes and AI settings."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, Field

from openpin.auth.dependencies import AdminDep, PrincipalDep, SessionDep
from openpin.kit.crypto import SecretBox
from openpin.models.sequence import MessageStatus
from openpin.sequence import schemas
from openpin.sequence.ai_settings import AiSettingsOut, get_ai_settings, save_ai_settings
from openpin.sequence.lifecycle import stop_enrollment
from openpin.sequence.mailboxes import MailboxService
from openpin.sequence.repository import SequenceRepository
from openpin.sequence.service import MessageService, SequenceService

router = APIRouter(tags=["outreach"])


def _secrets(request: Request) -> SecretBox:
    box: SecretBox = request.app.state.secret_box
    return box


def _sequences(session: SessionDep, principal: PrincipalDep) -> SequenceService:
    return SequenceService(session, principal.workspace_id, principal.user_id)


def _messages(session: SessionDep, principal: PrincipalDep) -> MessageService:
    return MessageService(session, principal.workspace_id, principal.user_id)


def _mailboxes(request: Request, session: SessionDep, principal: PrincipalDep) -> MailboxService:
    return MailboxService(session, principal.workspace_id, _secrets(request), principal.user_id)


# --- sequences ---------------------------------------------------------------------------------


@router.get("/sequences", response_model=list[schemas.Sequence])
def list_sequences(
    session: SessionDep, principal: PrincipalDep, job_id: int | None = None
) -> list[schemas.Sequence]:
    service = _sequences(session, principal)
    return [service.to_schema(service.view(s.id)) for s in service.list(job_id)]


@router.post("/sequences", response_model=schemas.Sequence, status_code=201)
def create_sequence(
    body: schemas.SequenceCreate, session: SessionDep, principal: PrincipalDep
) -> schemas.Sequence:
    service = _sequences(session, principal)
    return service.to_schema(service.create(body))


@router.get("/sequences/{sequence_id}", response_model=schemas.Sequence)
def get_sequence(
    sequence_id: int, session: SessionDep, principal: PrincipalDep
) -> schemas.Sequence:
    service = _sequences(session, principal)
    return service.to_schema(service.view(sequence_id))


@router.patch("/sequences/{sequence_id}", response_model=schemas.Sequence)
def update_sequence(
    sequence_id: int, body: schemas.SequenceUpdate, session: SessionDep, principal: PrincipalDep
) -> schemas.Sequence:
    service = _sequences(session, principal)
    return service.to_schema(service.update(sequence_id, body))


@router.delete("/sequences/{sequence_id}", status_code=204)
def delete_sequence(sequence_id: int, session: SessionDep, principal: PrincipalDep) -> Response:
    _sequences(session, principal).delete(sequence_id)
    return Response(status_code=204)


# --- enrolments --------------------------------------------------------------------------------


@router.post("/sequences/{sequence_id}/enrollments", response_model=schemas.EnrollResponse)
def enroll(
    sequence_id: int,
    body: schemas.EnrollRequest,
    request: Request,
    session: SessionDep,
    principal: PrincipalDep,
) -> schemas.EnrollResponse:
    """Enrol each candidate, or say why not (no email, unsubscribed, bounced, already active)."""
    service = _sequences(session, principal)
    results = service.enroll(sequence_id, body.candidate_ids, secrets=_secrets(request))
    enrolled = sum(1 for r in results if r.enrolled)
    return schemas.EnrollResponse(
        enrolled=enrolled,
        skipped=len(results) - enrolled,
        results=[schemas.EnrollmentResultOut(**r.__dict__) for r in results],
    )


@router.get("/sequences/{sequence_id}/enrollments", response_model=list[schemas.Enrollment])
def list_enrollments(
    sequence_id: int, session: SessionDep, principal: PrincipalDep
) -> list[schemas.Enrollment]:
    repo = SequenceRepository(session, principal.workspace_id)
    repo.get(sequence_id)
    return [
        schemas.Enrollment.model_validate(e) for e in repo.enrollments_for_sequence(sequence_id)
    ]


@router.post("/enrollments/{enrollment_id}/stop", response_model=schemas.Enrollment)
def stop(
    enrollment_id: int, body: schemas.StopRequest, session: SessionDep, principal: PrincipalDep
) -> schemas.Enrollment:
    repo = SequenceRepository(session, principal.workspace_id)
    enrollment = repo.enrollment_or_404(enrollment_id)
    stop_enrollment(session, enrollment.id, body.reason, principal.user_id)
    session.refresh(enrollment)
    return schemas.Enrollment.model_validate(enrollment)


# --- messages (the outbox) ---------------------------------------------------------------------


@router.get("/messages", response_model=schemas.MessagePage)
def list_messages(
    session: SessionDep,
    principal: PrincipalDep,
    status: Annotated[list[MessageStatus] | None, Query()] = None,
    candidate_id: int | None = None,
    sequence_id: int | None = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> schemas.MessagePage:
    page = _messages(session, principal).list(status, candidate_id, sequence_id, cursor, limit)
    return schemas.MessagePage(
        items=[schemas.Message.model_validate(m) for m in page.items], next_cursor=page.next_cursor
    )


@router.get("/messages/{message_id}", response_model=schemas.Message)
def get_message(message_id: int, session: SessionDep, principal: PrincipalDep) -> schemas.Message:
    return schemas.Message.model_validate(_messages(session, principal).get(message_id))


@router.patch("/messages/{message_id}", response_model=schemas.Message)
def edit_message(
    message_id: int, body: schemas.MessageUpdate, session: SessionDep, principal: PrincipalDep
) -> schemas.Message:
    """Edit a message that has not gone yet (scheduled, or waiting for its personal line)."""
    return schemas.Message.model_validate(_messages(session, principal).update(message_id, body))


@router.post("/messages/{message_id}/mark-sent", response_model=schemas.Message)
def mark_sent(message_id: int, session: SessionDep, principal: PrincipalDep) -> schemas.Message:
    """For a message in `unknown`: a person found it in the Sent folder."""
    service = _messages(session, principal)
    return schemas.Message.model_validate(service.mark_unknown_as_sent(message_id))


@router.post("/messages/{message_id}/resend", response_model=schemas.Message)
def resend(message_id: int, session: SessionDep, principal: PrincipalDep) -> schemas.Message:
    """For a message in `unknown`: a person checked and it did not go out."""
    return schemas.Message.model_validate(_messages(session, principal).resend_unknown(message_id))


# --- mailboxes ---------------------------------------------------------------------------------


class TestEmailRequest(BaseModel):
    to: str = Field(min_length=3, max_length=320)


class CheckResultOut(BaseModel):
    ok: bool
    message: str


@router.get("/mailboxes", response_model=list[schemas.Mailbox])
def list_mailboxes(
    request: Request, session: SessionDep, principal: PrincipalDep
) -> list[schemas.Mailbox]:
    service = _mailboxes(request, session, principal)
    return [service.to_schema(m) for m in service.list()]


@router.post("/mailboxes", response_model=schemas.Mailbox, status_code=201)
def create_mailbox(
    body: schemas.MailboxCreate, request: Request, session: SessionDep, principal: PrincipalDep
) -> schemas.Mailbox:
    service = _mailboxes(request, session, principal)
    return service.to_schema(service.create(body))


@router.get("/mailboxes/{mailbox_id}", response_model=schemas.Mailbox)
def get_mailbox(
    mailbox_id: int, request: Request, session: SessionDep, principal: PrincipalDep
) -> schemas.Mailbox:
    service = _mailboxes(request, session, principal)
    return service.to_schema(service.get(mailbox_id))


@router.patch("/mailboxes/{mailbox_id}", response_model=schemas.Mailbox)
def update_mailbox(
    mailbox_id: int,
    body: schemas.MailboxUpdate,
    request: Request,
    session: SessionDep,
    principal: PrincipalDep,
) -> schemas.Mailbox:
    service = _mailboxes(request, session, principal)
    return service.to_schema(service.update(mailbox_id, body))


@router.delete("/mailboxes/{mailbox_id}", status_code=204)
def delete_mailbox(
    mailbox_id: int, request: Request, session: SessionDep, principal: PrincipalDep
) -> Response:
    _mailboxes(request, session, principal).delete(mailbox_id)
    return Response(status_code=204)


@router.post("/mailboxes/{mailbox_id}/test-email", response_model=CheckResultOut)
def send_test_email(
    mailbox_id: int,
    body: TestEmailRequest,
    request: Request,
    session: SessionDep,
    principal: PrincipalDep,
) -> CheckResultOut:
    result = _mailboxes(request, session, principal).send_test_email(mailbox_id, body.to)
    return CheckResultOut(ok=result.ok, message=result.message)


@router.post("/mailboxes/{mailbox_id}/check-inbox", response_model=CheckResultOut)
def check_inbox(
    mailbox_id: int, request: Request, session: SessionDep, principal: PrincipalDep
) -> CheckResultOut:
    result = _mailboxes(request, session, principal).check_inbox(mailbox_id)
    return CheckResultOut(ok=result.ok, message=result.message)


# --- AI settings -------------------------------------------------------------------------------


@router.get("/settings/ai", response_model=AiSettingsOut)
def read_ai_settings(
    request: Request, session: SessionDep, principal: PrincipalDep
) -> AiSettingsOut:
    return get_ai_settings(session, principal.workspace_id, _secrets(request))


@router.put("/settings/ai", response_model=AiSettingsOut)
def write_ai_settings(
    body: schemas.AiSettingsIn, request: Request, session: SessionDep, principal: AdminDep
) -> AiSettingsOut:
    return save_ai_settings(
        session, principal.workspace_id, body, _secrets(request), principal.user_id
    )
