"""Cursor pagination and syncToken incremental sync on candidate.list (and the other lists)."""

from __future__ import annotations

import httpx
import pytest

from tests.sandboxes.ashby.helpers import call, create_candidate, list_all, logical_error, results

FAR_FUTURE_MS = 4_102_444_800_000  # 2100-01-01


def test_empty_list_is_one_page_with_a_sync_token(client: httpx.Client) -> None:
    page = call(client, "candidate.list", {"createdAfter": FAR_FUTURE_MS})
    assert page["results"] == []
    assert page["moreDataAvailable"] is False
    assert "nextCursor" not in page
    assert page["syncToken"]


def test_exactly_one_full_page_says_no_more_data(client: httpx.Client) -> None:
    tags = results(client, "candidateTag.list")
    page = call(client, "candidateTag.list", {"limit": len(tags)})
    assert len(page["results"]) == len(tags)
    assert page["moreDataAvailable"] is False
    assert "nextCursor" not in page and page["syncToken"]


def test_many_pages_list_every_candidate_once(client: httpx.Client) -> None:
    first = call(client, "candidate.list", {"limit": 100})
    assert len(first["results"]) == 100 and first["moreDataAvailable"] is True
    assert "syncToken" not in first
    candidates, token = list_all(client, "candidate.list", {"limit": 100})
    ids = [candidate["id"] for candidate in candidates]
    assert len(ids) == len(set(ids)) >= 300
    assert token


def test_limit_above_100_is_capped_and_bad_limits_are_invalid_input(client: httpx.Client) -> None:
    assert len(results(client, "candidate.list", {"limit": 500})) == 100
    for bad in (0, -1, 2.5):
        assert logical_error(client, "candidate.list", {"limit": bad})["code"] == "invalid_input"
    assert logical_error(client, "candidate.list", {"limit": "10"})["code"] == "invalid_input"


def test_sync_token_lists_only_what_changed_since(client: httpx.Client) -> None:
    _, token = list_all(client, "candidate.list")
    unchanged = call(client, "candidate.list", {"syncToken": token})
    assert unchanged["results"] == [] and unchanged["moreDataAvailable"] is False

    created = create_candidate(client, name="New Person", email="new.person@example.com")
    existing = results(client, "candidate.list", {"limit": 1})[0]
    results(client, "candidate.update", {"candidateId": existing["id"], "name": "Renamed"})

    changed, next_token = list_all(client, "candidate.list", {"syncToken": token})
    assert {c["id"] for c in changed} == {created["id"], existing["id"]}
    assert next_token != token
    assert call(client, "candidate.list", {"syncToken": next_token})["results"] == []


def test_incremental_sync_pages_with_cursor(client: httpx.Client) -> None:
    _, token = list_all(client, "candidate.list")
    made = {
        create_candidate(client, name=f"P{i}", email=f"p{i}@example.com")["id"] for i in range(5)
    }
    changed, _ = list_all(client, "candidate.list", {"syncToken": token, "limit": 2})
    assert {c["id"] for c in changed} == made


def test_a_candidate_changed_mid_listing_is_listed_again_not_missed(client: httpx.Client) -> None:
    first = call(client, "candidate.list", {"limit": 100})
    early = first["results"][0]
    results(client, "candidate.update", {"candidateId": early["id"], "name": "Changed Midway"})
    rest, _ = list_all(client, "candidate.list", {"cursor": first["nextCursor"]})
    assert "Changed Midway" in {candidate["name"] for candidate in rest}


def test_cursor_from_another_list_or_garbage_is_invalid_input(client: httpx.Client) -> None:
    users = call(client, "user.list", {"limit": 1})
    error = logical_error(client, "candidate.list", {"cursor": users["nextCursor"]})
    assert error["code"] == "invalid_input"
    assert logical_error(client, "candidate.list", {"cursor": "%%%"})["code"] == "invalid_input"
    _, user_token = list_all(client, "user.list")
    error = logical_error(client, "candidate.list", {"syncToken": user_token})
    assert error["code"] == "invalid_input"


def test_sync_token_expires_when_the_sandbox_is_reset(
    client: httpx.Client, admin: httpx.Client
) -> None:
    _, token = list_all(client, "candidate.list")
    assert admin.post("/reset").status_code == 200
    error = logical_error(client, "candidate.list", {"syncToken": token})
    assert error["code"] == "sync_token_expired"


def test_created_after_filters_by_creation_time(client: httpx.Client) -> None:
    everything, _ = list_all(client, "candidate.list")
    newest = max(everything, key=lambda c: c["createdAt"])
    created = create_candidate(client, email="fresh@example.com")
    from datetime import datetime

    after_ms = int(datetime.fromisoformat(newest["createdAt"]).timestamp() * 1000)
    fresh = results(client, "candidate.list", {"createdAfter": after_ms})
    assert created["id"] in {c["id"] for c in fresh}
    assert newest["id"] not in {c["id"] for c in fresh}


@pytest.mark.parametrize(
    "method", ["user.list", "job.list", "candidateTag.list", "customField.list"]
)
def test_other_lists_page_and_sync_the_same_way(client: httpx.Client, method: str) -> None:
    page = call(client, method, {"limit": 1})
    assert len(page["results"]) == 1 and page["moreDataAvailable"] is True
    items, token = list_all(client, method, {"limit": 1})
    assert len({item["id"] for item in items}) == len(items) > 1
    assert call(client, method, {"syncToken": token})["results"] == []
