"""Per-key rate limiting, injected faults, the admin routes, and persistence across a restart."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest

from openpin.sandboxes.ashby import AshbySandboxConfig
from openpin.sandboxes.ashby.testing import ServedAshbySandbox, serve_ashby_sandbox
from openpin.sandboxes.faults import FaultConfig
from tests.sandboxes.ashby.conftest import ClientFactory
from tests.sandboxes.ashby.helpers import create_candidate, list_all, logical_error, results


@pytest.fixture
def ashby_config() -> AshbySandboxConfig:
    return AshbySandboxConfig(seed=1, rate_limit=5, rate_window_seconds=1.0)


def test_429_with_retry_after_at_the_limit_then_clears(client: httpx.Client) -> None:
    for _ in range(5):
        assert client.post("/apiKey.info", json={}).status_code == 200
    refused = client.post("/apiKey.info", json={})
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) >= 1
    assert refused.json()["errorInfo"]["code"] == "rate_limit_exceeded"
    assert "X-RateLimit-Scope" not in refused.headers  # only the partner throttle sends it
    time.sleep(1.05)
    assert client.post("/apiKey.info", json={}).status_code == 200


def test_the_limit_is_per_key(
    client: httpx.Client, make_client: ClientFactory, admin: httpx.Client
) -> None:
    key = admin.post("/credentials", json={"permissions": ["apiKeysRead"]}).json()["key"]
    for _ in range(5):
        client.post("/apiKey.info", json={})
    assert client.post("/apiKey.info", json={}).status_code == 429
    assert make_client(key).post("/apiKey.info", json={}).status_code == 200


def test_rate_limit_is_configurable_at_run_time(client: httpx.Client, admin: httpx.Client) -> None:
    assert admin.put("/rate_limit", json={"limit": 2, "window_seconds": 60}).status_code == 200
    assert [client.post("/apiKey.info", json={}).status_code for _ in range(3)] == [200, 200, 429]
    assert admin.put("/rate_limit", json={"limit": 0}).status_code == 400


def test_forced_429_burst(client: httpx.Client, admin: httpx.Client) -> None:
    admin.patch("/faults", json={"burst_429": 2, "burst_retry_after": 7})
    first, second, third = (client.post("/apiKey.info", json={}) for _ in range(3))
    assert (first.status_code, second.status_code, third.status_code) == (429, 429, 200)
    assert first.headers["Retry-After"] == "7"


def test_server_errors_at_the_configured_rate(client: httpx.Client, admin: httpx.Client) -> None:
    admin.patch("/faults", json={"error_rate": 1.0})
    response = client.post("/apiKey.info", json={})
    assert response.status_code in (500, 502, 503)
    assert response.json()["success"] is False
    admin.patch("/faults", json={"error_rate": 0.0})
    assert client.post("/apiKey.info", json={}).status_code == 200


def test_fault_sequence_is_deterministic_for_a_seed(
    client: httpx.Client, admin: httpx.Client
) -> None:
    admin.put("/rate_limit", json={"limit": 100, "window_seconds": 60})

    def run() -> list[int]:
        admin.patch("/faults", json={"error_rate": 0.5, "seed": 7})
        return [client.post("/candidate.search", json={"name": "a"}).status_code for _ in range(6)]

    first = run()
    assert first == run()
    assert set(first) - {200}


def test_latency_is_added(client: httpx.Client, admin: httpx.Client) -> None:
    admin.patch("/faults", json={"latency_ms": 300})
    started = time.perf_counter()
    assert client.post("/apiKey.info", json={}).status_code == 200
    assert time.perf_counter() - started >= 0.3


def test_timeout_hangs_then_drops_the_connection(
    make_client: ClientFactory, admin: httpx.Client
) -> None:
    admin.patch("/faults", json={"timeout_rate": 1.0, "timeout_seconds": 0.5})
    with pytest.raises(httpx.TransportError):
        make_client(timeout=5.0).post("/apiKey.info", json={})
    admin.patch("/faults", json={"timeout_rate": 0.0})
    with pytest.raises(httpx.ReadTimeout):
        admin.patch("/faults", json={"timeout_rate": 1.0, "timeout_seconds": 3})
        make_client(timeout=0.5).post("/apiKey.info", json={})


def test_drop_after_write_applies_the_write_but_sends_no_response(
    client: httpx.Client, admin: httpx.Client
) -> None:
    admin.patch("/faults", json={"drop_after_write_rate": 1.0})
    with pytest.raises(httpx.TransportError):
        client.post("/candidate.create", json={"name": "Ghost", "email": "ghost@example.com"})
    assert client.post("/candidate.search", json={"email": "ghost@example.com"}).status_code == 200
    admin.patch("/faults", json={"drop_after_write_rate": 0.0})
    found = results(client, "candidate.search", {"email": "ghost@example.com"})
    assert [candidate["name"] for candidate in found] == ["Ghost"]


def test_expired_sync_tokens_fault(client: httpx.Client, admin: httpx.Client) -> None:
    _, token = list_all(client, "user.list")
    admin.patch("/faults", json={"expire_tokens": True})
    assert logical_error(client, "user.list", {"syncToken": token})["code"] == "sync_token_expired"


def test_bad_fault_settings_are_refused(admin: httpx.Client) -> None:
    assert admin.patch("/faults", json={"error_rate": 2}).status_code == 400
    assert admin.patch("/faults", json={"nonsense": 1}).status_code == 400
    assert admin.get("/faults").json()["error_rate"] == 0.0


def test_request_log_and_counters(
    client: httpx.Client, admin: httpx.Client, ashby: ServedAshbySandbox
) -> None:
    client.post("/apiKey.info", json={})
    httpx.post(f"{ashby.base_url}/apiKey.info", json={})
    entries = admin.get("/requests", params={"limit": 2}).json()["requests"]
    assert [(e["method"], e["path"], e["status"]) for e in entries] == [
        ("POST", "/apiKey.info", 401),
        ("POST", "/apiKey.info", 200),
    ]
    assert entries[1]["credential"].startswith(ashby.api_key[:12])
    assert ashby.api_key not in str(entries)
    counters = admin.get("/counters").json()
    assert counters["requests"] == 2 and counters["by_status"] == {"200": 1, "401": 1}


def test_reset_and_reseed(client: httpx.Client, admin: httpx.Client) -> None:
    created = create_candidate(client)
    seeded_ids = {c["id"] for c in list_all(client, "user.list")[0]}
    assert admin.post("/reset").json()["seed"] == 1
    error = logical_error(client, "candidate.info", {"id": created["id"]})
    assert error["code"] == "candidate_not_found"
    assert {c["id"] for c in list_all(client, "user.list")[0]} == seeded_ids
    assert admin.post("/reseed", json={"seed": 2}).status_code == 200
    assert {c["id"] for c in list_all(client, "user.list")[0]} != seeded_ids
    assert admin.get("/status").json()["seed"] == 2


def test_seed_data_is_deterministic() -> None:
    from openpin.sandboxes.ashby.seed import build_organization

    first, second = build_organization(5, "k"), build_organization(5, "k")
    assert first.model_dump() == second.model_dump()
    assert build_organization(6, "k").model_dump()["candidates"] != first.model_dump()["candidates"]


def test_state_survives_a_restart_with_persist(tmp_path: Path) -> None:
    config = AshbySandboxConfig(seed=3, persist_path=tmp_path / "ashby.json", faults=FaultConfig())
    with serve_ashby_sandbox(config) as first, first.client() as client:
        created = create_candidate(client)
        handle = results(
            client,
            "file.createFileUploadHandle",
            {
                "fileUploadContext": "CandidateFiles",
                "filename": "a.txt",
                "contentType": "text/plain",
                "contentLength": 3,
            },
        )
        httpx.post(handle["url"], data=handle["fields"], files={"file": ("a.txt", b"abc")})
        results(
            client,
            "candidate.uploadFile",
            {"candidateId": created["id"], "fileHandle": handle["handle"]},
        )
    with serve_ashby_sandbox(config) as second, second.client() as client:
        again = results(client, "candidate.info", {"id": created["id"]})
        assert again["name"] == created["name"]
        assert [f["name"] for f in again["fileHandles"]] == ["a.txt"]
        assert again["profileUrl"].startswith(second.base_url)
        assert second.sandbox.state.org.files[handle["handle"]].data == b"abc"
