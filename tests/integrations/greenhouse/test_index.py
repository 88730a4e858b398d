"""Reading Greenhouse's candidates for the local dedupe index: full, incremental, resumable."""

from __future__ import annotations

import json

import httpx
import pytest

from openpin.integrations.base import IndexPage
from openpin.integrations.errors import SyncExpired, TransientError
from openpin.integrations.greenhouse.provider import GreenhouseProvider
from openpin.kit.normalise import normalise_linkedin_url
from openpin.sandboxes.testing import RunningGreenhouse
from tests.integrations.exports import full_export
from tests.integrations.greenhouse.helpers import set_faults


def _ids(pages: list[IndexPage]) -> list[str]:
    return [candidate.id for page in pages for candidate in page.candidates]


def test_a_full_read_lists_every_candidate_with_normalised_keys(
    provider: GreenhouseProvider, greenhouse: RunningGreenhouse
) -> None:
    provider.index_page_size = 70

    pages = list(provider.read_candidate_index())

    seeded = greenhouse.sandbox.state.all("candidates")
    assert sorted(_ids(pages)) == sorted(str(c["id"]) for c in seeded)
    assert [len(page.candidates) for page in pages] == [70, 70, 70, 70, 20]
    assert all(page.checkpoint for page in pages[:-1]) and pages[-1].checkpoint is None
    assert pages[-1].complete and pages[-1].watermark and not pages[0].complete
    # Seeded LinkedIn URLs are spelled as recruiters paste them (trailing slash, no scheme,
    # uk. subdomain, as a website address): every one comes back canonical.
    by_id = {c.id: c for page in pages for c in page.candidates}
    for record in seeded:
        pasted = [
            a["value"] for a in record["social_media_addresses"] + record["website_addresses"]
        ]
        linkedin = [normalise_linkedin_url(v) for v in pasted if "linkedin" in v]
        assert list(by_id[str(record["id"])].linkedin_urls) == linkedin


def test_an_incremental_read_lists_only_what_changed_since_the_watermark(
    provider: GreenhouseProvider, greenhouse: RunningGreenhouse, open_job_id: str
) -> None:
    watermark = list(provider.read_candidate_index())[-1].watermark
    created = provider.create_candidate(full_export("later"), open_job_id)

    pages = list(provider.read_candidate_index(since=watermark))

    assert created.ats_candidate_id in _ids(pages)
    assert len(_ids(pages)) < 10  # the 300 seeded ones are older than the window
    assert pages[-1].watermark and pages[-1].watermark >= (watermark or "")
    sent = [r["path"] for r in httpx.get(f"{greenhouse.base_url}/_sandbox/requests").json()]
    assert "/v3/candidates" in sent


def test_a_read_that_fails_midway_resumes_from_its_checkpoint_and_loses_nothing(
    provider: GreenhouseProvider, admin: httpx.Client, greenhouse: RunningGreenhouse
) -> None:
    provider.index_page_size = 50
    stored: list[IndexPage] = []
    with pytest.raises(TransientError):
        for page in provider.read_candidate_index():
            stored.append(page)  # the caller persists each page with its checkpoint
            if len(stored) == 2:
                set_faults(admin, error_rate=1.0)
    set_faults(admin, error_rate=0.0)

    resumed = list(provider.read_candidate_index(resume_from=stored[-1].checkpoint))

    every = _ids(stored) + _ids(resumed)
    assert len(stored) == 2 and resumed[-1].complete
    assert sorted(every) == sorted(str(c["id"]) for c in greenhouse.sandbox.state.all("candidates"))
    assert len(every) == len(set(every))
    # The resumed read keeps the window of the read it continues.
    assert resumed[-1].watermark == json.loads(stored[-1].checkpoint or "{}")["until"]


def test_a_checkpoint_greenhouse_no_longer_accepts_means_start_over(
    provider: GreenhouseProvider, greenhouse: RunningGreenhouse
) -> None:
    bad = json.dumps(
        {"next_url": f"{greenhouse.base_url}/v3/candidates?cursor=bogus", "until": "x"}
    )

    with pytest.raises(SyncExpired, match="full read"):
        list(provider.read_candidate_index(resume_from=bad))
    with pytest.raises(SyncExpired):
        list(provider.read_candidate_index(resume_from="not json"))
    with pytest.raises(SyncExpired):
        list(provider.read_candidate_index(since="yesterday-ish"))
