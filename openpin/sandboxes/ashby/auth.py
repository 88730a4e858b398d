"""HTTP Basic authentication with the API key as the username (the password is ignored).

Ashby documents an empty password; some clients send the key as the password too, which
suggests Ashby ignores it, so the sandbox does the same.
"""

from __future__ import annotations

import base64
import binascii

from starlette.types import Scope

from openpin.sandboxes.ashby.envelope import AshbyError
from openpin.sandboxes.ashby.records import ApiKey, Organization


def api_key_from_header(authorization: str | None) -> str | None:
    """The key in a `Basic base64(key:)` header, or None when there is no usable one."""
    if not authorization:
        return None
    scheme, _, encoded = authorization.partition(" ")
    if scheme.lower() != "basic" or not encoded.strip():
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    key = decoded.partition(":")[0]
    return key or None


def api_key_from_scope(scope: Scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name == b"authorization":
            return api_key_from_header(value.decode("latin-1"))
    return None


def authenticate(org: Organization, key: str | None) -> ApiKey:
    """The caller's key: 401 without one, 403 `invalid_api_key` for an unknown or inactive one."""
    if key is None:
        raise AshbyError(
            "unauthenticated",
            "No API key was sent: use HTTP Basic auth with the API key as the username "
            "and an empty password",
            http_status=401,
            headers={"WWW-Authenticate": 'Basic realm="Ashby API"'},
        )
    api_key = org.api_keys.get(key)
    if api_key is None or not api_key.is_active:
        raise AshbyError(
            "invalid_api_key",
            "The API key is not valid: it may have been deleted or deactivated. "
            "Check the key in Admin > Integrations > API Keys",
            http_status=403,
        )
    return api_key


def require_permission(api_key: ApiKey, permission: str, endpoint: str) -> None:
    if permission not in api_key.permissions:
        raise AshbyError(
            "missing_endpoint_permission",
            f"The API key lacks the {permission} permission, which {endpoint} requires. "
            "Grant it to the key in Admin > Integrations > API Keys",
            http_status=403,
        )


def credential_label(key: str | None) -> str | None:
    """How a key appears in the request log: a prefix is enough to tell keys apart."""
    return None if key is None else f"{key[:12]}…"
