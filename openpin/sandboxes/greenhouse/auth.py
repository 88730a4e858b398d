"""OAuth client credentials: credentials with scopes, minted bearer tokens, and checking them.

A token keeps the scopes its credential had when it was minted, and a call is allowed only for
scopes the credential still has: removing a scope takes effect at once, adding one needs a new
token (Greenhouse's documented behaviour).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass

from openpin.sandboxes.common import utc_now_iso
from openpin.sandboxes.greenhouse.errors import (
    HarvestError,
    token_bad_request,
    token_invalid_client,
    token_unauthorized,
    unauthorized,
)
from openpin.sandboxes.greenhouse.state import GreenhouseState, Record

UNDECODABLE = "Token could not be decoded. Please ensure your token is from a trusted source."
EXPIRED = "Token has expired. Please request a new access token."


@dataclass(frozen=True)
class Caller:
    client_id: str
    acting_user_id: int
    scopes: frozenset[str]


def create_credential(
    state: GreenhouseState,
    scopes: Iterable[str],
    *,
    name: str,
    client_id: str | None = None,
    client_secret: str | None = None,
) -> Record:
    credential: Record = {
        "client_id": client_id or f"sandbox-{secrets.token_hex(8)}",
        "client_secret": client_secret or secrets.token_urlsafe(24),
        "name": name,
        "scopes": sorted(set(scopes)),
        "created_at": utc_now_iso(),
    }
    state.credentials[credential["client_id"]] = credential
    return credential


def client_from_basic_auth(state: GreenhouseState, authorization: str | None) -> Record:
    """The credential named by `Authorization: Basic base64(client_id:client_secret)`."""
    scheme, _, encoded = (authorization or "").partition(" ")
    if scheme.lower() != "basic" or not encoded:
        raise token_unauthorized()
    try:
        client_id, _, secret = base64.b64decode(encoded, validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        raise token_unauthorized() from None
    credential = state.credentials.get(client_id)
    if credential is None or not hmac.compare_digest(credential["client_secret"], secret):
        raise token_invalid_client()
    return credential


def acting_user(state: GreenhouseState, sub: str | None, service_user_id: int) -> int:
    """`sub` names the user the token acts as; without it, the Integration Service User."""
    if sub is None or sub == "":
        return service_user_id
    user = state.get("users", int(sub)) if sub.isdigit() else None
    if user is None or user["deactivated"]:
        raise token_bad_request(f"sub={sub} is not the id of an active user")
    return int(user["id"])


def mint_token(
    state: GreenhouseState, credential: Record, user_id: int, ttl_seconds: int
) -> dict[str, object]:
    _forget_expired_tokens(state)
    issued_at = int(time.time())
    claims = {
        "iss": "openpin-greenhouse-sandbox",
        "sub": str(user_id),
        "client_id": credential["client_id"],
        "scope": " ".join(credential["scopes"]),
        "iat": issued_at,
        "exp": issued_at + ttl_seconds,
        "jti": secrets.token_hex(8),
    }
    token = _signed_jwt(claims, credential["client_secret"])
    state.tokens[token] = {
        "client_id": credential["client_id"],
        "user_id": user_id,
        "scopes": credential["scopes"],
        "expires_at": claims["exp"],
    }
    return {"access_token": token, "token_type": "Bearer", "expires_in": ttl_seconds}


def _signed_jwt(claims: dict[str, object], key: str) -> str:
    def encode(part: bytes) -> str:
        return base64.urlsafe_b64encode(part).decode().rstrip("=")

    header = encode(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    payload = encode(json.dumps(claims, separators=(",", ":")).encode())
    signature = hmac.new(key.encode(), f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{encode(signature)}"


def _forget_expired_tokens(state: GreenhouseState) -> None:
    now = time.time()
    for token in [token for token, grant in state.tokens.items() if grant["expires_at"] <= now]:
        del state.tokens[token]


def authenticate_bearer(
    state: GreenhouseState, authorization: str | None, *, all_expired: bool
) -> Caller:
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise unauthorized("Missing bearer token. Send Authorization: Bearer <access_token>.")
    grant = state.tokens.get(token)
    if grant is None:
        raise unauthorized(UNDECODABLE)
    if all_expired or grant["expires_at"] <= time.time():
        raise unauthorized(EXPIRED)
    credential = state.credentials.get(grant["client_id"])
    if credential is None:
        raise unauthorized(UNDECODABLE)
    still_granted = frozenset(grant["scopes"]) & frozenset(credential["scopes"])
    return Caller(grant["client_id"], grant["user_id"], still_granted)


def require_scope(caller: Caller, scope: str) -> None:
    if scope not in caller.scopes:
        raise HarvestError(
            403,
            {
                "message": "Forbidden",
                "errors": [f"This credential is missing the required scope: {scope}"],
            },
        )
