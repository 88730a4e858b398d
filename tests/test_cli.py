"""The `openpin` command end to end, in a real subprocess over a fresh data directory."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx

CSV = "name,email,title,company\nAda Lovelace,ada@example.com,Analyst,Babbage\nBad,nope,,\n"


def openpin(
    data_dir: Path, *args: str, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "OPENPIN_DATA_DIR": str(data_dir), "COLUMNS": "200"}
    env.pop("OPENPIN_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "openpin.cli", *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_migrate_user_token_import(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    migrated = openpin(data_dir, "migrate")
    assert migrated.returncode == 0, migrated.stderr
    assert (data_dir / "openpin.db").exists()
    key_file = data_dir / "secret.key"
    created = openpin(
        data_dir,
        "user",
        "create",
        "--email",
        "Ada@Example.com",
        "--workspace",
        "Acme",
        "--role",
        "admin",
        "--password",
        "a-long-password",
    )
    assert created.returncode == 0, created.stderr
    assert "admin ada@example.com" in created.stdout
    token = openpin(data_dir, "token", "create", "--email", "ada@example.com")
    assert token.returncode == 0 and token.stdout.strip().startswith("op_")
    csv_path = tmp_path / "people.csv"
    csv_path.write_text(CSV)
    imported = openpin(data_dir, "import", str(csv_path), "--email", "ada@example.com")
    assert imported.returncode == 0, imported.stderr
    assert "Created" in imported.stdout and "line 3" in imported.stdout
    duplicate = openpin(
        data_dir,
        "user",
        "create",
        "--email",
        "ada@example.com",
        "--workspace",
        "Acme",
        "--password",
        "a-long-password",
    )
    assert duplicate.returncode == 1 and "already exists" in duplicate.stderr
    if key_file.exists():
        assert oct(key_file.stat().st_mode & 0o777) == "0o600"


def test_serve_answers_and_applies_the_schema(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    env = {**os.environ, "OPENPIN_DATA_DIR": str(data_dir)}
    env.pop("OPENPIN_DATABASE_URL", None)
    with subprocess.Popen(
        [sys.executable, "-m", "openpin.cli", "serve", "--port", "18765"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    ) as server:
        try:
            body = _wait_for(httpx.URL("http://127.0.0.1:18765/healthz"))
            assert body["status"] == "ok"
            login = httpx.get("http://127.0.0.1:18765/login")
            assert login.status_code == 200 and "csrf_token" in login.text
        finally:
            server.terminate()
            server.wait(timeout=30)


def _wait_for(url: httpx.URL, seconds: float = 30.0) -> dict[str, str]:
    import time

    deadline = time.monotonic() + seconds
    while True:
        try:
            response = httpx.get(url)
            result: dict[str, str] = response.json()
            return result
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_index_rebuild_and_status(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    created = openpin(
        data_dir,
        "user",
        "create",
        "--email",
        "ada@example.com",
        "--workspace",
        "Acme",
        "--password",
        "a-long-password",
    )
    assert created.returncode == 0, created.stderr
    csv_path = tmp_path / "people.csv"
    csv_path.write_text(CSV)
    assert openpin(data_dir, "import", str(csv_path), "--email", "ada@example.com").returncode == 0
    before = openpin(data_dir, "index", "status")
    assert before.returncode == 0 and "0 embedded" in before.stdout
    rebuilt = openpin(data_dir, "index", "rebuild")
    assert rebuilt.returncode == 0, rebuilt.stderr
    after = openpin(data_dir, "index", "status")
    assert "1 embedded (100%)" in after.stdout and "pending: 0 text, 0" in after.stdout
