"""Greenhouse admin routes, faults over real HTTP, request log, persistence and the CLI."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from openpin.sandboxes.cli import sandbox_app
from openpin.sandboxes.greenhouse import GreenhouseSandboxConfig
from openpin.sandboxes.testing import RunningGreenhouse, running_greenhouse

PERSON = {
    "first_name": "Grace",
    "last_name": "Hopper",
    "email_addresses": [{"value": "grace@navy.example", "type": "work"}],
}


def _faults(greenhouse: RunningGreenhouse, **settings: object) -> None:
    response = httpx.patch(f"{greenhouse.base_url}/_sandbox/faults", json=settings)
    assert response.status_code == 200, response.text


def test_drop_after_write_creates_the_candidate_but_answers_nothing(
    greenhouse: RunningGreenhouse, gh: httpx.Client
) -> None:
    _faults(greenhouse, drop_after_write_rate=1.0)
    with pytest.raises(httpx.RemoteProtocolError):
        gh.post("/v3/candidates", json=PERSON)
    found = gh.get("/v3/candidates", params={"email": "grace@navy.example"}).json()
    assert [c["last_name"] for c in found] == ["Hopper"], "the write was applied"
    log = httpx.get(f"{greenhouse.base_url}/_sandbox/requests").json()
    assert log[1]["fault"] == "drop_after_write" and log[1]["status"] == 0


def test_server_errors_timeouts_latency_and_bursts(
    greenhouse: RunningGreenhouse, gh: httpx.Client
) -> None:
    _faults(greenhouse, error_rate=1.0)
    response = gh.get("/v3/jobs")
    assert response.status_code in {500, 502, 503} and response.json()["message"]
    _faults(greenhouse, error_rate=0.0, burst_429=2, burst_retry_after=3)
    burst = [gh.get("/v3/jobs") for _ in range(3)]
    assert [r.status_code for r in burst] == [429, 429, 200]
    assert (
        burst[0].headers["Retry-After"] == "3" and burst[0].headers["X-RateLimit-Remaining"] == "0"
    )
    _faults(greenhouse, burst_429=0, timeout_rate=1.0, timeout_seconds=0.2)
    with pytest.raises(httpx.RemoteProtocolError):
        gh.get("/v3/jobs")
    _faults(greenhouse, timeout_rate=0.0, latency_ms=100)
    assert gh.get("/v3/jobs").elapsed.total_seconds() >= 0.1
    bad = httpx.patch(f"{greenhouse.base_url}/_sandbox/faults", json={"error_rate": 2})
    assert bad.status_code == 400


def test_faults_are_deterministic_for_a_seed(
    greenhouse: RunningGreenhouse, gh: httpx.Client
) -> None:
    def statuses() -> list[int]:
        _faults(greenhouse, error_rate=0.5, seed=11)
        return [gh.get("/v3/sources").status_code for _ in range(12)]

    first = statuses()
    assert first == statuses() and 200 in first and set(first) - {200}


def test_counters_and_request_log(greenhouse: RunningGreenhouse, gh: httpx.Client) -> None:
    gh.get("/v3/jobs")
    gh.get("/v3/nowhere")
    counters = httpx.get(f"{greenhouse.base_url}/_sandbox/counters").json()
    assert counters["by_status"]["200"] >= 2 and counters["by_status"]["404"] == 1
    assert counters["events"]["token.issued"] == 1
    latest = httpx.get(f"{greenhouse.base_url}/_sandbox/requests", params={"limit": 1}).json()
    assert latest[0]["path"] == "/v3/nowhere"
    assert latest[0]["credential"] == greenhouse.sandbox.config.default_client_id


def test_reset_and_reseed(greenhouse: RunningGreenhouse, gh: httpx.Client) -> None:
    before = gh.get("/v3/candidates").json()
    gh.post("/v3/candidates", json=PERSON)
    assert httpx.post(f"{greenhouse.base_url}/_sandbox/reset").json() == {"seed": 42}
    with greenhouse.client() as client:
        assert client.get("/v3/candidates").json() == before
        httpx.post(f"{greenhouse.base_url}/_sandbox/reseed", json={"seed": 7})
        assert client.get("/v3/candidates").status_code == 401, "a reset forgets issued tokens"
    with greenhouse.client() as client:
        assert client.get("/v3/candidates").json() != before


def test_state_persists_across_restarts(tmp_path: Path) -> None:
    config = GreenhouseSandboxConfig(
        persist_path=tmp_path / "gh.json", not_found_after_create_seconds=0
    )
    with running_greenhouse(config) as greenhouse, greenhouse.client() as client:
        created = client.post("/v3/candidates", json=PERSON).json()["candidate"]
        token = greenhouse.mint_token()
    with running_greenhouse(config) as greenhouse, greenhouse.client(token) as client:
        found = client.get("/v3/candidates", params={"ids": str(created["id"])}).json()
    assert found == [created]


def test_cli_lists_both_commands_and_greenhouse_flags() -> None:
    result = CliRunner().invoke(
        sandbox_app, ["greenhouse", "--help"], env={"COLUMNS": "240", "TERMINAL_WIDTH": "240"}
    )
    assert result.exit_code == 0
    for flag in ("--port", "--seed", "--persist", "--drop-after-write-rate", "--rate-limit"):
        assert flag in result.output


def test_cli_serves_the_sandbox(tmp_path: Path) -> None:
    port = _free_port()
    command = [sys.executable, "-m", "openpin.sandboxes.cli", "greenhouse", "--port", str(port)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        status = _wait_for(f"http://127.0.0.1:{port}/_sandbox/status")
        assert status["default_credential"]["client_id"] == "openpin-sandbox-client"
    finally:
        process.terminate()
        output = process.communicate(timeout=10)[0].decode()
    assert "client_secret: openpin-sandbox-secret" in output


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for(url: str) -> dict:
    deadline = time.monotonic() + 15
    while True:
        try:
            return httpx.get(url).json()
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def test_hiring_and_rejecting_show_through_the_filters_a_hires_read_uses(
    greenhouse: RunningGreenhouse, gh: httpx.Client
) -> None:
    job = gh.get("/v3/jobs", params={"status": "open"}).json()[0]
    created = gh.post("/v3/candidates", json={**PERSON, "application": {"job_id": job["id"]}})
    application = created.json()["application"]
    other = gh.post(
        "/v3/candidates",
        json={"first_name": "Ada", "last_name": "Byron", "application": {"job_id": job["id"]}},
    ).json()["application"]
    since = application["updated_at"]
    window = {"status": "hired", "updated_at": f"gte|{since}", "per_page": 500}
    assert gh.get("/v3/applications", params=window).json() == []

    admin = f"{greenhouse.base_url}/_sandbox/applications"
    hired = httpx.post(f"{admin}/{application['id']}/hire")
    rejected = httpx.post(f"{admin}/{other['id']}/reject")

    assert hired.status_code == 200 and rejected.status_code == 200
    rows = gh.get("/v3/applications", params=window).json()
    assert [(r["id"], r["status"]) for r in rows] == [(application["id"], "hired")]
    assert rows[0]["updated_at"] >= since and rows[0]["last_activity_at"] == rows[0]["updated_at"]
    by_id = gh.get("/v3/applications", params={"ids": f"{application['id']},{other['id']}"})
    statuses = {r["id"]: (r["status"], r["rejected_at"]) for r in by_id.json()}
    assert statuses[application["id"]] == ("hired", None)
    assert statuses[other["id"]][0] == "rejected" and statuses[other["id"]][1]
    backdated = httpx.post(f"{admin}/{other['id']}/hire", json={"at": "2026-01-05T10:00:00Z"})
    assert backdated.json()["updated_at"] == "2026-01-05T10:00:00.000Z"
    assert httpx.post(f"{admin}/1/hire").status_code == 404
    assert httpx.post(f"{admin}/{other['id']}/hire", json={"at": "soon"}).status_code == 400
