"""The provider object for a stored connection, decrypted on demand and shared per process.

Sharing one provider per connection keeps its HTTP pool and its rate-limit pacing common to all
the exports a process runs, which is what keeps 429s rare.
"""

from __future__ import annotations

import hashlib
import json
import threading
from typing import Any

from openpin.integrations.base import AtsProvider
from openpin.integrations.registry import build_provider
from openpin.kit.crypto import SecretBox
from openpin.models.ats import AtsConnection

_cache: dict[int, tuple[str, AtsProvider]] = {}
_lock = threading.Lock()


def decrypt_credentials(connection: AtsConnection, box: SecretBox) -> dict[str, str]:
    data: dict[str, str] = json.loads(box.decrypt(connection.credentials_encrypted))
    return data


def encrypt_credentials(credentials: dict[str, str], box: SecretBox) -> str:
    return box.encrypt(json.dumps(credentials, sort_keys=True))


def provider_for(connection: AtsConnection, box: SecretBox) -> AtsProvider:
    """The process's provider for this connection; rebuilt when its settings change."""
    fingerprint = _fingerprint(connection)
    with _lock:
        cached = _cache.get(connection.id)
        if cached is not None and cached[0] == fingerprint:
            return cached[1]
        provider = build_provider(
            connection.provider.value,
            decrypt_credentials(connection, box),
            connection.base_url or None,
            dict(connection.options or {}),
        )
        _cache[connection.id] = (fingerprint, provider)
    if cached is not None:
        cached[1].close()
    return provider


def forget_provider(connection_id: int) -> None:
    with _lock:
        cached = _cache.pop(connection_id, None)
    if cached is not None:
        cached[1].close()


def _fingerprint(connection: AtsConnection) -> str:
    parts: list[Any] = [
        connection.provider.value,
        connection.base_url,
        connection.credentials_encrypted,
        sorted((connection.options or {}).items()),
    ]
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()


def rate_limit_totals(provider: AtsProvider) -> tuple[int, float]:
    """(429s received, seconds spent waiting on the rate limit) by this provider's pacer so far.

    The provider Protocol has no method for this; both providers expose their HTTP client's
    shared `Pacer` as `provider.client.pacer`, so read it when present and report zeros if not.
    """
    pacer = getattr(getattr(provider, "client", None), "pacer", None)
    stats = getattr(pacer, "stats", None)
    if stats is None:
        return 0, 0.0
    return int(stats.throttled), float(stats.waited_seconds)
