"""Unsubscribe links: a signed token naming the message, so no login is needed to use one.

The token is signed (HMAC, itsdangerous) with a key derived from the server secret, and never
expires: a link in an email read a year later must still work (RFC 8058 asks for it).
"""

from __future__ import annotations

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.orm import Session

from openpin.errors import NotFound
from openpin.kit.crypto import SecretBox
from openpin.models.sequence import Message
from openpin.sequence.lifecycle import unsubscribe_address

_SALT = "openpin.unsubscribe.v1"


def _serializer(secrets: SecretBox) -> URLSafeSerializer:
    return URLSafeSerializer(secrets.session_secret, salt=_SALT)


def unsubscribe_token(secrets: SecretBox, message_id: int) -> str:
    return str(_serializer(secrets).dumps(message_id))


def unsubscribe_url(base_url: str, secrets: SecretBox, message_id: int) -> str:
    return f"{base_url.rstrip('/')}/u/{unsubscribe_token(secrets, message_id)}"


def message_for_token(session: Session, secrets: SecretBox, token: str) -> Message:
    try:
        message_id = _serializer(secrets).loads(token)
    except BadSignature as exc:
        raise NotFound(
            "This unsubscribe link is not valid.",
            'Copy the whole link from the email, or reply to the email with "unsubscribe".',
        ) from exc
    message = session.get(Message, int(message_id)) if isinstance(message_id, int) else None
    if message is None:
        raise NotFound("This unsubscribe link no longer matches an email we sent.")
    return message


def unsubscribe_by_token(session: Session, secrets: SecretBox, token: str, source: str) -> Message:
    """Suppress the message's recipient and stop their sequences; safe to repeat."""
    message = message_for_token(session, secrets, token)
    unsubscribe_address(session, message.workspace_id, message.to_address, source)
    return message
