"""Ashby webhooks: `candidateMerge` re-points, `candidateDelete` clears the stored ATS ids.

Ashby signs each delivery with `Ashby-Signature: sha256=<hex>`, an HMAC-SHA256 of the raw body
keyed by the secret token set on the webhook; a delivery whose signature does not match changes
nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from openpin.activity.service import record_event
from openpin.ats.repository import AtsRepository, repoint_identity
from openpin.ats.schemas import WebhookAck
from openpin.errors import AuthenticationRequired, NotFound, ValidationFailed
from openpin.kit.crypto import SecretBox
from openpin.logging import get_logger
from openpin.models.ats import AtsCandidateLink, AtsConnection, AtsExport, ConnectionStatus

log = get_logger("openpin.ats")

SIGNATURE_HEADER = "Ashby-Signature"


def ashby_signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def handle_ashby_webhook(
    session: Session, box: SecretBox, token: str, body: bytes, signature: str | None
) -> WebhookAck:
    connection = AtsRepository(session, 0).connection_by_webhook_token(token)
    if (
        connection is None
        or connection.provider.value != "ashby"
        or connection.status == ConnectionStatus.DISCONNECTED
    ):
        raise NotFound("No Ashby connection receives webhooks at this address.")
    expected = ashby_signature(box.decrypt(connection.webhook_secret_encrypted), body)
    if not signature or not hmac.compare_digest(signature.strip(), expected):
        raise AuthenticationRequired(
            "The webhook signature does not match.",
            "Set the webhook's secret token in Ashby to the one OpenPin showed when connecting.",
        )
    payload = _json(body)
    action = str(payload.get("action", ""))
    data = payload.get("data") or {}
    if action == "candidateMerge":
        old = _id(data, "deletedCandidate")
        new = _id(data, "mergedCandidate")
        changed = repoint(session, connection, old, new) if old and new else 0
    elif action == "candidateDelete":
        old = _id(data, "candidate")
        changed = repoint(session, connection, old, None) if old else 0
    else:
        changed = 0  # other events (and Ashby's ping) need nothing from us
    log.info("ats.webhook", action=action, changed=changed, connection_id=connection.id)
    return WebhookAck(ok=True, action=action, changed=changed)


def repoint(session: Session, connection: AtsConnection, old: str, new: str | None) -> int:
    """Point every link to `old` at `new` (a merge) or clear it (a delete); returns how many."""
    links = list(
        session.scalars(
            select(AtsCandidateLink).where(
                AtsCandidateLink.connection_id == connection.id,
                AtsCandidateLink.ats_candidate_id == old,
            )
        )
    )
    for link in links:
        _apply(session, connection, link, old, new)
    repoint_identity(session, connection.id, old, new)
    session.flush()
    return len(links)


def _apply(
    session: Session, connection: AtsConnection, link: AtsCandidateLink, old: str, new: str | None
) -> None:
    if new is not None:
        link.ats_candidate_id = new
        link.profile_url = link.profile_url.replace(old, new)
        event, data = "ats.candidate_merged_in_ats", {"from": old, "into": new}
    else:
        # The person is gone from the ATS: OpenPin may export them again, as a new person.
        link.ats_candidate_id, link.profile_url, link.created_by_openpin = None, "", False
        link.contact_synced_at = link.resume_attached_at = link.note_added_at = None
        link.create_started_at = None
        session.execute(
            delete(AtsExport).where(
                AtsExport.connection_id == connection.id,
                AtsExport.candidate_id == link.candidate_id,
            )
        )
        event, data = "ats.candidate_deleted_in_ats", {"ats_candidate_id": old}
    record_event(session, link.workspace_id, event, candidate_id=link.candidate_id, data=data)


def _json(body: bytes) -> dict[str, Any]:
    try:
        payload = json.loads(body or b"{}")
    except ValueError:
        raise ValidationFailed("The webhook body is not JSON.") from None
    if not isinstance(payload, dict):
        raise ValidationFailed("The webhook body must be a JSON object.")
    return payload


def _id(data: Any, key: str) -> str | None:
    value = data.get(key) if isinstance(data, dict) else None
    ats_id = value.get("id") if isinstance(value, dict) else None
    return str(ats_id) if ats_id else None
