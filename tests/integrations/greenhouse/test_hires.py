"""Reading hire status back from Greenhouse: one listing of hired applications (full, then an
`updated_at` window), resumable, and the direct read of given applications 50 ids a request."""

from __future__ import annotations

import httpx

from openpin.integrations.base import ApplicationRef, HirePage
from openpin.integrations.greenhouse.provider import GreenhouseProvider
from openpin.sandboxes.testing import RunningGreenhouse
from tests.integrations.exports import full_export


def _ids(pages: list[HirePage]) -> list[str]:
    return [application.id for page in pages for application in page.hired]


def _seeded_hired(greenhouse: RunningGreenhouse) -> list[str]:
    applications = greenhouse.sandbox.state.all("applications")
    return sorted(str(a["id"]) for a in applications if a["status"] == "hired")


def _application_requests(admin: httpx.Client) -> list[str]:
    log = admin.get("/requests", params={"limit": 500}).json()
    return [entry["path"] for entry in log if entry["path"] == "/v3/applications"]


def test_a_full_read_lists_every_hired_application_across_pages(
    provider: GreenhouseProvider, greenhouse: RunningGreenhouse, admin: httpx.Client
) -> None:
    provider.hire_page_size = 4
    provider.client.access_token()  # the token is minted before counting requests
    before = len(_application_requests(admin))

    pages = list(provider.read_hires())

    seeded = _seeded_hired(greenhouse)
    assert len(seeded) > 8, "the seed has hired applications on several pages"
    assert sorted(_ids(pages)) == seeded and len(_ids(pages)) == len(set(_ids(pages)))
    assert all(len(page.hired) == 4 for page in pages[:-1]) and len(pages) > 2
    assert all(page.checkpoint and not page.complete for page in pages[:-1])
    assert pages[-1].complete and pages[-1].watermark and pages[-1].checkpoint is None
    assert all(a.hired and a.status == "hired" and a.ats_job_id for p in pages for a in p.hired)
    assert len(_application_requests(admin)) == before + len(pages)  # one request a page


def test_an_incremental_read_lists_only_what_was_hired_since_in_one_request(
    provider: GreenhouseProvider, admin: httpx.Client, open_job_id: str
) -> None:
    watermark = list(provider.read_hires())[-1].watermark
    hired = provider.create_candidate(full_export("hired"), open_job_id)
    rejected = provider.create_candidate(full_export("rejected"), open_job_id)
    admin.post(f"/applications/{hired.application_id}/hire").raise_for_status()
    admin.post(f"/applications/{rejected.application_id}/reject").raise_for_status()
    before = len(_application_requests(admin))

    pages = list(provider.read_hires(since=watermark))

    assert _ids(pages) == [hired.application_id]
    (application,) = pages[0].hired
    assert application.ats_candidate_id == hired.ats_candidate_id
    assert application.ats_job_id == open_job_id and application.updated_at is not None
    assert len(_application_requests(admin)) == before + 1
    assert pages[-1].watermark and pages[-1].watermark >= (watermark or "")


def test_an_interrupted_read_resumes_after_its_last_stored_page(
    provider: GreenhouseProvider, greenhouse: RunningGreenhouse
) -> None:
    provider.hire_page_size = 3
    first = next(iter(provider.read_hires()))

    resumed = list(provider.read_hires(resume_from=first.checkpoint))

    assert sorted(_ids([first, *resumed])) == _seeded_hired(greenhouse)


def test_application_states_reads_50_ids_a_request_and_finds_by_person_and_job(
    provider: GreenhouseProvider,
    greenhouse: RunningGreenhouse,
    admin: httpx.Client,
    open_job_id: str,
) -> None:
    created = provider.create_candidate(full_export("states"), open_job_id)
    admin.post(f"/applications/{created.application_id}/hire").raise_for_status()
    seeded = [a for a in greenhouse.sandbox.state.all("applications") if not a["prospect"]][:55]
    refs = [ApplicationRef(str(a["id"]), None, str(a["job_id"])) for a in seeded]
    by_person = ApplicationRef(None, created.ats_candidate_id, open_job_id)
    gone = ApplicationRef("59999999", None, open_job_id)
    before = len(_application_requests(admin))

    states = provider.application_states([*refs, by_person, gone])

    assert len(_application_requests(admin)) == before + 3  # 50 + 5 ids, then one person
    assert gone not in states and len(states) == 56
    assert states[by_person].id == created.application_id and states[by_person].hired
    for ref, record in zip(refs, seeded, strict=True):
        assert states[ref].status == record["status"]
        assert states[ref].hired == (record["status"] == "hired")
