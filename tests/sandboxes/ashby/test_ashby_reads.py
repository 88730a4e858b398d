"""Read endpoints: apiKey.info, user/job/source/tag/customField lists, candidate search and info."""

from __future__ import annotations

import httpx

from openpin.demo.people import generate_people
from openpin.sandboxes.ashby.testing import ServedAshbySandbox
from tests.sandboxes.ashby.helpers import call, list_all, logical_error, results


def test_api_key_info_names_the_key_and_its_scopes(client: httpx.Client) -> None:
    info = results(client, "apiKey.info")
    assert info["title"] == "Sandbox default key"
    assert {"candidates:read", "candidates:write", "jobs:read", "apiKeys:read"} <= set(
        info["scopes"]
    )
    assert "hiringProcessMetadata:read" in info["scopes"]


def test_user_list_returns_the_organisation(client: httpx.Client) -> None:
    users, _ = list_all(client, "user.list")
    assert len(users) == 8
    roles = {user["globalRole"] for user in users}
    assert {"Organization Admin", "Elevated Access", "Limited Access"} <= roles


def test_job_list_has_open_and_closed_jobs_and_hides_drafts(client: httpx.Client) -> None:
    jobs, _ = list_all(client, "job.list")
    statuses = [job["status"] for job in jobs]
    assert statuses.count("Open") >= 10
    assert statuses.count("Closed") >= 2
    assert "Draft" not in statuses
    drafts = results(client, "job.list", {"status": ["Draft"]})
    assert [job["status"] for job in drafts] == ["Draft"]


def test_job_list_filters_by_status_and_expands_location(client: httpx.Client) -> None:
    jobs = results(client, "job.list", {"status": ["Closed"], "expand": ["location", "openings"]})
    assert jobs and all(job["status"] == "Closed" for job in jobs)
    for job in jobs:
        assert job["location"]["id"] == job["locationId"]
        assert job["openings"][0]["openingState"] == "Closed"
        assert "closedAt" in job


def test_job_info_by_id_and_unknown_id(client: httpx.Client) -> None:
    job = results(client, "job.list", {"limit": 1})[0]
    info = results(client, "job.info", {"id": job["id"]})
    assert info["title"] == job["title"]
    assert info["hiringTeam"] and info["defaultInterviewPlanId"]
    error = logical_error(client, "job.info", {"id": "00000000-0000-4000-8000-000000000000"})
    assert error["code"] == "job_not_found"
    assert logical_error(client, "job.info", {"jobId": job["id"]})["code"] == "invalid_input"


def test_source_list_has_no_openpin_source_and_hides_archived(client: httpx.Client) -> None:
    page = call(client, "source.list")
    assert page["moreDataAvailable"] is False
    titles = {source["title"] for source in page["results"]}
    assert "LinkedIn" in titles
    assert not any("openpin" in title.lower() for title in titles)
    with_archived = results(client, "source.list", {"includeArchived": True})
    assert len(with_archived) == len(page["results"]) + 1
    assert any(source["isArchived"] for source in with_archived)


def test_candidate_tag_list_and_archived_tags(client: httpx.Client) -> None:
    tags = results(client, "candidateTag.list")
    assert tags and not any(tag["isArchived"] for tag in tags)
    everything = results(client, "candidateTag.list", {"includeArchived": True})
    assert len(everything) == len(tags) + 1


def test_custom_field_list_describes_candidate_fields(client: httpx.Client) -> None:
    fields = results(client, "customField.list")
    by_title = {field["title"]: field for field in fields}
    assert by_title["Open to relocation"]["fieldType"] == "Boolean"
    arrangement = by_title["Preferred work arrangement"]
    assert [v["value"] for v in arrangement["selectableValues"]] == ["Remote", "Hybrid", "On-site"]
    assert "Legacy ATS id" not in by_title
    archived = results(client, "customField.list", {"includeArchived": True})
    assert any(field["title"] == "Legacy ATS id" for field in archived)


def test_seeded_candidates_share_emails_and_linkedin_urls_with_demo_people(
    client: httpx.Client,
) -> None:
    people = generate_people(200, seed=42)
    candidates, _ = list_all(client, "candidate.list")
    assert len(candidates) >= 300
    emails = {e["value"] for c in candidates for e in c["emailAddresses"]}
    links = {link["url"] for c in candidates for link in c["socialLinks"]}
    for index in range(40, 80):
        person = people[index]
        slug = person.linkedin_url.rsplit("/", 1)[-1]
        if index % 2 == 0:
            assert person.email in emails
        else:
            assert person.email not in emails
            assert any(url.rstrip("/").endswith(f"/in/{slug}") for url in links)
    assert people[39].email not in emails and people[80].email not in emails


def test_candidate_search_by_email_name_and_both(client: httpx.Client) -> None:
    person = generate_people(200, seed=42)[40]
    found = results(client, "candidate.search", {"email": person.email.upper()})
    assert [c["name"] for c in found] == [f"{person.first_name} {person.last_name}"]
    by_name = results(client, "candidate.search", {"name": person.last_name.lower()})
    assert found[0]["id"] in {c["id"] for c in by_name}
    both = results(client, "candidate.search", {"email": person.email, "name": "nobody-else"})
    assert both == []
    assert logical_error(client, "candidate.search", {})["code"] == "invalid_input"


def test_candidate_info_by_id_and_unknown_ids(client: httpx.Client) -> None:
    candidate = results(client, "candidate.list", {"limit": 1})[0]
    info = results(client, "candidate.info", {"id": candidate["id"]})
    assert info == candidate
    missing = "00000000-0000-4000-8000-000000000000"
    assert logical_error(client, "candidate.info", {"id": missing})["code"] == "candidate_not_found"
    error = logical_error(client, "candidate.info", {"externalMappingId": "hris-1"})
    assert error["code"] == "candidate_not_found"
    assert logical_error(client, "candidate.info", {"id": "not-a-uuid"})["code"] == "invalid_input"


def test_profile_url_points_at_a_page_the_sandbox_serves(
    client: httpx.Client, ashby: ServedAshbySandbox
) -> None:
    candidate = results(client, "candidate.list", {"limit": 1})[0]
    assert candidate["profileUrl"] == f"{ashby.base_url}/candidates/{candidate['id']}"
    page = httpx.get(candidate["profileUrl"])
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert candidate["name"] in page.text
    assert httpx.get(f"{ashby.base_url}/candidates/nope").status_code == 404
