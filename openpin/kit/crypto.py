"""Secrets at rest (Fernet) and token digests.

The key comes from `OPENPIN_SECRET_KEY`, or in the embedded default from a key file created with
mode 0600 in the data directory, so a newcomer never has to invent one.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

from openpin.config import Settings

KEY_FILE_NAME = "secret.key"


class SecretKeyError(RuntimeError):
    pass


def _fernet_key_from(secret: str) -> bytes:
    # Accept a real Fernet key as is; derive one from any other passphrase.
    try:
        raw = base64.urlsafe_b64decode(secret.encode())
        if len(raw) == 32:
            return secret.encode()
    except (ValueError, TypeError):
        pass
    return base64.urlsafe_b64encode(hashlib.sha256(secret.encode()).digest())


def _read_or_create_key_file(path: Path) -> str:
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = Fernet.generate_key().decode()
    # O_EXCL: two processes starting together must not write two different keys.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def load_secret_key(settings: Settings) -> str:
    if settings.secret_key:
        return settings.secret_key
    if settings.database_url and not settings.database_url.startswith("sqlite"):
        # Several servers share one database: a per-machine key file would make them disagree.
        raise SecretKeyError(
            "OPENPIN_SECRET_KEY is not set. With a shared database every process needs the same "
            "key: generate one with `openpin secret-key` and set it everywhere."
        )
    return _read_or_create_key_file(settings.data_dir / KEY_FILE_NAME)


class SecretBox:
    """Encrypts secrets for storage; the plaintext never leaves the server once saved."""

    def __init__(self, secret: str) -> None:
        self._fernet = Fernet(_fernet_key_from(secret))
        self._signing_key = hashlib.sha256(b"openpin-signing:" + secret.encode()).hexdigest()

    def encrypt(self, plaintext: str) -> str:
        return self._fernet.encrypt(plaintext.encode()).decode()

    def decrypt(self, ciphertext: str) -> str:
        try:
            return self._fernet.decrypt(ciphertext.encode()).decode()
        except InvalidToken as exc:
            raise SecretKeyError(
                "A stored secret cannot be decrypted: OPENPIN_SECRET_KEY (or the key file) changed "
                "since it was saved. Restore the old key, or enter the credentials again."
            ) from exc

    @property
    def session_secret(self) -> str:
        """A key for signing session cookies, derived so it differs from the encryption key."""
        return self._signing_key


def new_token(prefix: str = "op_") -> str:
    return prefix + secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def constant_time_equals(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def mask_secret(value: str) -> str:
    """What the UI may show of a saved secret: its last four characters."""
    return "•" * 8 + value[-4:] if len(value) > 8 else "•" * 8
