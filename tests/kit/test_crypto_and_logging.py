"""Secrets at rest and in logs."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
import structlog

from openpin.config import Settings
from openpin.kit.crypto import SecretBox, SecretKeyError, load_secret_key, mask_secret
from openpin.logging import configure_logging


def test_key_file_is_created_private_and_reused(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    first = load_secret_key(settings)
    key_file = tmp_path / "data" / "secret.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert load_secret_key(settings) == first


def test_shared_database_requires_an_explicit_key(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, database_url="postgresql+psycopg://db/openpin")
    with pytest.raises(SecretKeyError, match="OPENPIN_SECRET_KEY"):
        load_secret_key(settings)


def test_secret_box_round_trip_and_wrong_key() -> None:
    box = SecretBox("one key")
    stored = box.encrypt("gh-client-secret")
    assert "gh-client-secret" not in stored
    assert box.decrypt(stored) == "gh-client-secret"
    with pytest.raises(SecretKeyError, match="enter the credentials again"):
        SecretBox("another key").decrypt(stored)
    assert mask_secret("sk-abcdefgh1234").endswith("1234")
    assert "abcdefgh" not in mask_secret("sk-abcdefgh1234")


def test_logs_redact_secret_fields(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("INFO", json_lines=True)
    structlog.get_logger("test").info(
        "ats.connected", api_key="sk-live-123", credentials={"client_secret": "s3"}, user="ada"
    )
    line = capsys.readouterr().out.strip().splitlines()[-1]
    record = json.loads(line)
    assert record["api_key"] == "[redacted]"
    assert record["credentials"] == "[redacted]"
    assert record["user"] == "ada"
    assert "sk-live-123" not in line and "s3" not in line
