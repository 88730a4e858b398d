"""How Greenhouse's failures reach the caller: classified once, ambiguous writes marked."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import httpx
import pytest

from openpin.integrations.errors import (
    AuthError,
    MissingPermission,
    RateLimited,
    RejectedError,
    TransientError,
)
from openpin.integrations.greenhouse.client import GreenhouseClient
from openpin.integrations.greenhouse.provider import GreenhouseProvider
from openpin.integrations.http import Pacer, RetryPolicy
from openpin.sandboxes.greenhouse import GreenhouseSandboxConfig
from openpin.sandboxes.greenhouse.config import ALL_SCOPES
from openpin.sandboxes.testing import RunningGreenhouse, running_greenhouse
from tests.integrations.exports import full_export
from tests.integrations.greenhouse.conftest import ProviderFactory
from tests.integrations.greenhouse.helpers import new_credential, set_faults


def _statuses(greenhouse: RunningGreenhouse) -> list[int]:
    return [r["status"] for r in httpx.get(f"{greenhouse.base_url}/_sandbox/requests").json()]


def test_expired_tokens_are_minted_again_once_then_an_auth_error(
    provider: GreenhouseProvider, admin: httpx.Client, greenhouse: RunningGreenhouse
) -> None:
    provider.list_open_jobs()
    set_faults(admin, expire_tokens=True)

    with pytest.raises(AuthError, match="Reconnect Greenhouse"):
        provider.list_open_jobs()

    log = httpx.get(f"{greenhouse.base_url}/_sandbox/requests?limit=4").json()
    assert [(r["path"], r["status"]) for r in reversed(log)][-3:] == [
        ("/v3/departments", 401),
        ("/token", 200),
        ("/v3/departments", 401),
    ]


def test_a_scope_removed_after_connecting_is_a_missing_permission(
    make_provider: ProviderFactory, admin: httpx.Client, open_job_id: str
) -> None:
    client_id, secret = new_credential(admin, list(ALL_SCOPES))
    provider = make_provider((client_id, secret))
    provider.list_open_jobs()
    kept = [s for s in ALL_SCOPES if s != "harvest:candidates:create"]
    admin.patch(f"/credentials/{client_id}", json={"scopes": kept}).raise_for_status()

    with pytest.raises(MissingPermission) as raised:
        provider.create_candidate(full_export("scope"), open_job_id)

    assert raised.value.permission == "harvest:candidates:create"
    assert "Manage Scopes" in raised.value.message


def test_a_long_retry_after_is_raised_as_rate_limited(
    provider: GreenhouseProvider, admin: httpx.Client
) -> None:
    provider.list_users()  # mints the token first: the burst is for the API call
    set_faults(admin, burst_429=1, burst_retry_after=45)

    with pytest.raises(RateLimited) as raised:
        provider.find_candidates_by_email(["someone@example.com"])

    assert raised.value.retry_after == 45
    assert provider.client.pacer.stats.throttled == 1


def test_a_short_retry_after_is_waited_out_and_the_call_succeeds(
    provider: GreenhouseProvider, admin: httpx.Client, greenhouse: RunningGreenhouse
) -> None:
    provider.list_users()
    set_faults(admin, burst_429=2, burst_retry_after=1)

    found = provider.find_candidates_by_email(["nobody@example.com"])

    assert found == []
    assert _statuses(greenhouse)[:3] == [200, 429, 429]
    assert provider.client.pacer.stats.waited_seconds >= 1.5


def test_the_pacer_keeps_under_the_rate_limit(
    provider: GreenhouseProvider, admin: httpx.Client, greenhouse: RunningGreenhouse
) -> None:
    admin.put("/rate_limit", json={"limit": 8, "window_seconds": 1}).raise_for_status()

    for index in range(20):
        provider.find_candidates_by_email([f"pace-{index}@example.com"])

    assert 429 not in _statuses(greenhouse)
    assert provider.client.pacer.stats.throttled == 0
    assert provider.client.pacer.stats.waited_seconds > 0.5  # it did have to wait


def test_server_errors_on_reads_are_retried_then_transient(
    make_provider: ProviderFactory, admin: httpx.Client, greenhouse: RunningGreenhouse
) -> None:
    provider = make_provider()
    provider.list_users()
    set_faults(admin, error_rate=1.0)

    with pytest.raises(TransientError) as raised:
        provider.list_users()

    assert not raised.value.ambiguous and raised.value.status_code in (500, 502, 503)
    assert sum(1 for s in _statuses(greenhouse) if s >= 500) == 3  # three attempts


def test_a_server_error_on_a_write_is_ambiguous_and_not_retried(
    provider: GreenhouseProvider,
    admin: httpx.Client,
    greenhouse: RunningGreenhouse,
    open_job_id: str,
) -> None:
    provider.resolve_source()
    set_faults(admin, error_rate=1.0)

    with pytest.raises(TransientError) as raised:
        provider.create_candidate(full_export("five-hundred"), open_job_id)

    assert raised.value.ambiguous
    assert sum(1 for s in _statuses(greenhouse) if s >= 500) == 1


def test_a_timeout_is_transient(make_provider: ProviderFactory, admin: httpx.Client) -> None:
    provider = make_provider(timeout_seconds=0.3, retry=RetryPolicy(read_attempts=1))
    provider.list_users()
    set_faults(admin, timeout_rate=1.0, timeout_seconds=1.0)

    with pytest.raises(TransientError, match="timed out") as raised:
        provider.list_users()

    assert not raised.value.ambiguous  # a read


def test_a_connection_dropped_after_a_create_is_ambiguous_and_the_person_is_found(
    provider: GreenhouseProvider,
    admin: httpx.Client,
    greenhouse: RunningGreenhouse,
    open_job_id: str,
) -> None:
    export = full_export("dropped")
    provider.resolve_source()
    since = datetime.now(UTC)
    set_faults(admin, drop_after_write_rate=1.0)

    with pytest.raises(TransientError) as raised:
        provider.create_candidate(export, open_job_id)
    set_faults(admin, drop_after_write_rate=0.0)

    assert raised.value.ambiguous
    found = provider.find_after_failed_write(export, since)
    stored = [
        c for c in greenhouse.sandbox.state.all("candidates") if c["last_name"] == export.last_name
    ]
    assert len(stored) == 1 and [c.id for c in found] == [str(stored[0]["id"])]
    # The caller links that person and applies them: idempotent, no second application.
    result = provider.add_application(found[0].id, open_job_id)
    assert not result.created


def test_find_after_failed_write_is_empty_when_nothing_was_applied(
    provider: GreenhouseProvider,
) -> None:
    provider.settle_seconds = 0.5
    assert provider.find_after_failed_write(full_export("never"), datetime.now(UTC)) == []


def test_a_validation_error_keeps_greenhouse_s_words(
    provider: GreenhouseProvider, greenhouse: RunningGreenhouse
) -> None:
    closed = next(j for j in greenhouse.sandbox.state.all("jobs") if j["status"] == "closed")

    with pytest.raises(RejectedError) as raised:
        provider.create_candidate(full_export("closed"), str(closed["id"]))

    assert "applications need an open job" in raised.value.field_errors["application.job_id"]
    assert raised.value.status_code == 422
    with pytest.raises(RejectedError, match="not a Greenhouse job id"):
        provider.create_candidate(full_export("bad"), "abc")


def test_tokens_are_cached_and_minted_again_before_they_expire(site_admin_id: str) -> None:
    config = GreenhouseSandboxConfig(not_found_after_create_seconds=0, token_ttl_seconds=2)
    with running_greenhouse(config) as short_lived:
        client = GreenhouseClient(
            *short_lived.client_auth,
            base_url=short_lived.base_url,
            on_behalf_of=site_admin_id,
            pacer=Pacer("ttl"),
        )
        try:
            client.users()
            client.users()
            time.sleep(1.2)  # past half the lifetime: the next call mints first
            client.users()
        finally:
            client.close()
        log = httpx.get(f"{short_lived.base_url}/_sandbox/requests").json()

    paths = [(r["path"], r["status"]) for r in reversed(log)]
    assert paths == [
        ("/token", 200),
        ("/v3/users", 200),
        ("/v3/users", 200),
        ("/token", 200),
        ("/v3/users", 200),
    ]
