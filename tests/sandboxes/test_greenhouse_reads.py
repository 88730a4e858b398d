"""Greenhouse list endpoints: seed content, filters, cursor pagination, rate-limit headers."""

from __future__ import annotations

import time

import httpx
import pytest

from openpin.sandboxes.greenhouse import GreenhouseSandboxConfig
from openpin.sandboxes.testing import RunningGreenhouse, running_greenhouse


def _walk(client: httpx.Client, path: str, params: dict[str, str]) -> list[list[dict]]:
    pages = []
    response = client.get(path, params=params)
    while True:
        assert response.status_code == 200, response.text
        pages.append(response.json())
        if "next" not in response.links:
            return pages
        response = client.get(response.links["next"]["url"])


def test_seed_is_a_realistic_organisation(gh: httpx.Client) -> None:
    jobs = gh.get("/v3/jobs", params={"per_page": 500}).json()
    assert len([j for j in jobs if j["status"] == "open"]) >= 10
    assert any(j["status"] == "closed" for j in jobs)
    assert all(j["department_id"] and j["office_ids"] for j in jobs)
    sources = gh.get("/v3/sources").json()
    assert sources and all(s["name"] != "OpenPin" for s in sources)
    for key in ("school_name", "degree", "discipline"):
        options = gh.get("/v3/custom_field_options", params={"custom_field_key": key}).json()
        assert len(options) >= 5 and {o["custom_field_key"] for o in options} == {key}
    candidates = gh.get("/v3/candidates", params={"per_page": 500}).json()
    assert len(candidates) >= 300


def test_seed_shares_people_with_the_demo_data(gh: httpx.Client) -> None:
    people = pytest.importorskip("openpin.demo.people").generate_people(200, seed=42)
    by_email = gh.get("/v3/candidates", params={"email": people[0].email}).json()
    assert [c["last_name"] for c in by_email] == [people[0].last_name]
    assert gh.get("/v3/candidates", params={"email": people[1].email}).json() == []
    everyone = gh.get("/v3/candidates", params={"per_page": 500}).json()
    slug = people[1].linkedin_url.rsplit("/", 1)[-1]
    urls = [
        entry["value"]
        for c in everyone
        for entry in c["social_media_addresses"] + c["website_addresses"]
    ]
    assert any(slug in url for url in urls)


def test_same_seed_same_data_other_seed_other_data() -> None:
    def names(seed: int) -> list[str]:
        config = GreenhouseSandboxConfig(seed=seed, not_found_after_create_seconds=0)
        with running_greenhouse(config) as greenhouse, greenhouse.client() as client:
            return [c["last_name"] for c in client.get("/v3/candidates").json()]

    assert names(5) == names(5)
    assert names(5) != names(6)


def test_many_pages_cover_everything_once_in_descending_id_order(gh: httpx.Client) -> None:
    pages = _walk(gh, "/v3/candidates", {"per_page": "70"})
    ids = [c["id"] for page in pages for c in page]
    assert len(pages) > 3 and all(len(page) == 70 for page in pages[:-1])
    assert ids == sorted(set(ids), reverse=True)
    assert len(ids) == len(gh.get("/v3/candidates", params={"per_page": 500}).json())


def test_exactly_one_page_and_empty_results_have_no_link(gh: httpx.Client) -> None:
    open_jobs = gh.get("/v3/jobs", params={"status": "open"}).json()
    exact = gh.get("/v3/jobs", params={"status": "open", "per_page": len(open_jobs)})
    assert len(exact.json()) == len(open_jobs) and "link" not in exact.headers
    empty = gh.get("/v3/candidates", params={"email": "nobody@nowhere.example"})
    assert empty.json() == [] and "link" not in empty.headers


def test_next_link_keeps_the_filters(gh: httpx.Client) -> None:
    pages = _walk(gh, "/v3/jobs", {"status": "open", "per_page": "5"})
    assert len(pages) >= 3
    assert all(job["status"] == "open" for page in pages for job in page)


@pytest.mark.parametrize(
    ("params", "error"),
    [
        ({"per_page": "600"}, {"per_page": "`600` number is greater than: 500"}),
        ({"per_page": "0"}, {"per_page": "`0` number is less than: 1"}),
        ({"per_page": "ten"}, {"per_page": "`ten` is not a valid integer"}),
        ({"updated_after": "2026-01-01"}, "Invalid query params: updated_after"),
        ({"candidate_ids": "1"}, "Invalid query params: candidate_ids"),
        ({"cursor": "garbage!"}, "Invalid cursor."),
        ({"ids": ",".join(str(n) for n in range(51))}, {"ids": "accepts at most 50 ids"}),
    ],
)
def test_bad_list_parameters_are_422(gh: httpx.Client, params: dict, error: object) -> None:
    response = gh.get("/v3/candidates", params=params)
    assert response.status_code == 422
    assert response.json() == {"message": "Unprocessable Content", "errors": [error]}


def test_a_cursor_must_be_alone(gh: httpx.Client) -> None:
    first = gh.get("/v3/candidates", params={"per_page": 10})
    cursor_url = first.links["next"]["url"]
    response = gh.get(cursor_url + "&per_page=10")
    assert response.status_code == 422
    assert response.json()["errors"] == [
        "When passing a cursor, do not include other query params."
    ]
    on_other_path = gh.get("/v3/jobs?" + cursor_url.split("?", 1)[1])
    assert on_other_path.status_code == 422


def test_candidate_filters(gh: httpx.Client) -> None:
    some = gh.get("/v3/candidates", params={"per_page": 3}).json()
    by_ids = gh.get("/v3/candidates", params={"ids": ",".join(str(c["id"]) for c in some)})
    assert {c["id"] for c in by_ids.json()} == {c["id"] for c in some}
    watermark = some[0]["updated_at"]
    recent = gh.get("/v3/candidates", params={"updated_at": f"gte|{watermark}", "per_page": 500})
    assert all(c["updated_at"] >= watermark for c in recent.json())
    assert some[0]["id"] in {c["id"] for c in recent.json()}
    both = gh.get(
        "/v3/candidates",
        params={"updated_at": f"gte|{watermark}", "created_at": f"lte|{watermark}"},
    )
    assert both.status_code == 422
    bad = gh.get("/v3/candidates", params={"updated_at": "after|yesterday"})
    assert bad.status_code == 422 and "updated_at" in bad.json()["errors"][0]
    fields = gh.get("/v3/candidates", params={"fields": "id,first_name", "per_page": 1}).json()
    assert set(fields[0]) == {"id", "first_name"}


def test_users_hide_service_accounts_unless_asked(gh: httpx.Client) -> None:
    users = gh.get("/v3/users").json()
    with_service = gh.get("/v3/users", params={"show_service_accounts": "true"}).json()
    assert len(with_service) == len(users) + 1
    email = users[0]["primary_email"]
    assert [u["id"] for u in gh.get("/v3/users", params={"primary_email": email}).json()] == [
        users[0]["id"]
    ]


def test_applications_filters(gh: httpx.Client) -> None:
    job = gh.get("/v3/jobs", params={"status": "open", "per_page": 1}).json()[0]
    on_job = gh.get("/v3/applications", params={"job_ids": str(job["id"]), "per_page": 500}).json()
    assert on_job and all(job["id"] in a["job_ids"] for a in on_job)
    active = gh.get("/v3/applications", params={"status": "active", "per_page": 500}).json()
    assert active and {a["status"] for a in active} == {"in_process"}
    assert gh.get("/v3/applications", params={"status": "in_process"}).status_code == 422
    candidate_id = on_job[0]["candidate_id"]
    mine = gh.get("/v3/applications", params={"candidate_ids": str(candidate_id)}).json()
    assert {a["candidate_id"] for a in mine} == {candidate_id}


def test_unknown_routes_are_404_resource_not_found(gh: httpx.Client) -> None:
    for response in (gh.get("/v3/jobs/1"), gh.get("/v3/prospects"), gh.delete("/v3/notes")):
        assert response.status_code == 404
        assert response.json() == {"message": "Resource not found"}


def test_rate_limit_counts_down_refuses_and_clears() -> None:
    config = GreenhouseSandboxConfig(
        rate_limit=3, rate_window_seconds=0.6, not_found_after_create_seconds=0
    )
    with running_greenhouse(config) as greenhouse, greenhouse.client() as client:
        responses = [client.get("/v3/sources") for _ in range(4)]
        assert [r.headers["X-RateLimit-Remaining"] for r in responses[:3]] == ["2", "1", "0"]
        assert all(r.headers["X-RateLimit-Limit"] == "3" for r in responses)
        limited = responses[3]
        assert limited.status_code == 429 and limited.headers["Retry-After"] == "1"
        assert int(limited.headers["X-RateLimit-Reset"]) >= int(time.time())
        time.sleep(0.65)
        cleared = client.get("/v3/sources")
        assert cleared.status_code == 200 and cleared.headers["X-RateLimit-Remaining"] == "2"


def test_each_credential_has_its_own_window(greenhouse: RunningGreenhouse) -> None:
    httpx.put(f"{greenhouse.base_url}/_sandbox/rate_limit", json={"limit": 1})
    other = httpx.post(f"{greenhouse.base_url}/_sandbox/credentials", json={}).json()
    with greenhouse.client() as first:
        assert first.get("/v3/jobs").status_code == 200
        assert first.get("/v3/jobs").status_code == 429
    with greenhouse.client(
        greenhouse.mint_token((other["client_id"], other["client_secret"]))
    ) as second:
        assert second.get("/v3/jobs").status_code == 200
