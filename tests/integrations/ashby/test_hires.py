"""Reading hire status back from Ashby: `application.list {status: Hired}` in full then with a
syncToken, resumable, and `application.info` for given applications (every exchange is checked
against Ashby's OpenAPI file when it is at hand)."""

from __future__ import annotations

import httpx
import pytest

from openpin.integrations.ashby.provider import AshbyProvider
from openpin.integrations.base import ApplicationRef, HirePage
from openpin.integrations.errors import SyncExpired
from openpin.sandboxes.ashby.testing import ServedAshbySandbox
from tests.integrations.ashby.helpers import set_faults
from tests.integrations.exports import full_export


def _ids(pages: list[HirePage]) -> list[str]:
    return [application.id for page in pages for application in page.hired]


def _seeded_hired(ashby: ServedAshbySandbox) -> list[str]:
    applications = ashby.sandbox.state.org.applications.values()
    return sorted(a.id for a in applications if a.status == "Hired")


def _calls(admin: httpx.Client, method: str) -> int:
    log = admin.get("/requests", params={"limit": 1000}).json()["requests"]
    return sum(entry["path"] == f"/{method}" for entry in log)


def _open_jobs(provider: AshbyProvider) -> list[str]:
    return [job.id for job in sorted(provider.list_open_jobs(), key=lambda job: job.name)]


def test_a_full_read_lists_every_hired_application_across_pages(
    provider: AshbyProvider, ashby: ServedAshbySandbox, admin: httpx.Client
) -> None:
    provider.hire_page_size = 5

    pages = list(provider.read_hires())

    seeded = _seeded_hired(ashby)
    assert len(seeded) > 10, "the seed has hired applications on several pages"
    assert sorted(_ids(pages)) == seeded and len(pages) == -(-len(seeded) // 5)
    assert all(page.checkpoint and not page.complete for page in pages[:-1])
    assert pages[-1].complete and pages[-1].watermark and pages[-1].checkpoint is None
    assert all(a.status == "Hired" and a.hired and a.ats_job_id for p in pages for a in p.hired)
    assert _calls(admin, "application.list") == len(pages)


def test_an_incremental_read_lists_only_what_was_hired_since(
    provider: AshbyProvider, admin: httpx.Client
) -> None:
    jobs = _open_jobs(provider)
    watermark = list(provider.read_hires())[-1].watermark
    hired = provider.create_candidate(full_export("hired"), jobs[0])
    rejected = provider.create_candidate(full_export("rejected"), jobs[0])
    admin.post(f"/applications/{hired.application_id}/hire").raise_for_status()
    admin.post(f"/applications/{rejected.application_id}/reject").raise_for_status()

    pages = list(provider.read_hires(since=watermark))

    assert _ids(pages) == [hired.application_id] and len(pages) == 1
    (application,) = pages[0].hired
    assert application.ats_candidate_id == hired.ats_candidate_id
    assert application.ats_job_id == jobs[0] and application.updated_at is not None
    assert pages[-1].watermark and pages[-1].watermark != watermark
    assert list(provider.read_hires(since=pages[-1].watermark))[-1].hired == ()


def test_an_interrupted_read_resumes_and_an_expired_token_says_so(
    provider: AshbyProvider, ashby: ServedAshbySandbox, admin: httpx.Client
) -> None:
    provider.hire_page_size = 4
    pages = iter(provider.read_hires())
    first = next(pages)
    resumed = list(provider.read_hires(resume_from=first.checkpoint))
    assert sorted(_ids([first, *resumed])) == _seeded_hired(ashby)

    set_faults(admin, expire_tokens=True)
    with pytest.raises(SyncExpired):
        list(provider.read_hires(since=resumed[-1].watermark))


def test_application_states_by_id_and_by_person_and_job(
    provider: AshbyProvider, admin: httpx.Client
) -> None:
    jobs = _open_jobs(provider)
    hired = provider.create_candidate(full_export("states"), jobs[0])
    admin.post(f"/applications/{hired.application_id}/hire").raise_for_status()
    provider.add_application(hired.ats_candidate_id, jobs[1])
    by_id = ApplicationRef(hired.application_id, hired.ats_candidate_id, jobs[0])
    # As after a repeated apply, which Ashby answers without saying which application it is.
    by_person = ApplicationRef(None, hired.ats_candidate_id, jobs[1])
    gone = ApplicationRef("00000000-0000-4000-8000-000000000000", None, jobs[0])
    nobody = ApplicationRef(None, "00000000-0000-4000-8000-000000000001", jobs[0])

    states = provider.application_states([by_id, by_person, gone, nobody])

    assert set(states) == {by_id, by_person}
    assert states[by_id].hired and states[by_id].status == "Hired"
    assert not states[by_person].hired and states[by_person].ats_job_id == jobs[1]
    assert states[by_person].id != hired.application_id
