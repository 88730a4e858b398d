"""AshbyProvider against the Ashby sandbox: verification, reads, writes, index and failures."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from openpin.integrations.ashby.provider import AshbyProvider
from openpin.integrations.base import IndexPage
from openpin.integrations.errors import (
    AuthError,
    MissingPermission,
    RateLimited,
    RejectedError,
    SyncExpired,
    TransientError,
)
from openpin.sandboxes.ashby.testing import ServedAshbySandbox
from tests.integrations.ashby.conftest import ProviderFactory
from tests.integrations.ashby.helpers import new_key, results, set_faults
from tests.integrations.exports import RESUME_BYTES, full_export

SEED_PERMISSIONS = [
    "candidatesRead",
    "candidatesWrite",
    "jobsRead",
    "organizationRead",
    "apiKeysRead",
]


def _open_job(provider: AshbyProvider) -> str:
    return sorted(provider.list_open_jobs(), key=lambda job: job.name)[0].id


# --- verification --------------------------------------------------------------------------------


def test_verify_with_a_full_key_grants_everything_but_the_source(provider: AshbyProvider) -> None:
    report = provider.verify()

    assert report.ok and report.account == "API key 'Sandbox default key'"
    assert [c.key for c in report.missing] == ["source:OpenPin"]
    assert "Admin > Hiring Process > Sources" in report.missing[0].fix


def test_the_seed_s_permission_list_misses_hiring_process_metadata(
    make_provider: ProviderFactory, admin: httpx.Client
) -> None:
    report = make_provider(new_key(admin, SEED_PERMISSIONS)).verify()

    assert not report.ok
    missing = next(c for c in report.checks if c.key == "hiringProcessMetadataRead")
    assert not missing.granted and missing.required and "source.list" in missing.used_for
    assert "Hiring Process Metadata: Read" in missing.fix


def test_without_api_keys_read_every_permission_is_probed(
    make_provider: ProviderFactory, admin: httpx.Client, ashby: ServedAshbySandbox
) -> None:
    key = new_key(admin, ["candidatesRead", "jobsRead", "hiringProcessMetadataRead"])

    report = make_provider(key).verify()

    granted = {c.key for c in report.checks if c.granted}
    assert granted == {"candidatesRead", "jobsRead", "hiringProcessMetadataRead"}
    assert ashby.sandbox.state  # nothing was written by the probes:
    assert not any(r["status"] == 200 and "create" in r["path"] for r in _log(ashby))


def _log(ashby: ServedAshbySandbox) -> list[dict[str, object]]:
    return httpx.get(f"{ashby.base_url}/_sandbox/requests").json()["requests"]  # type: ignore[no-any-return]


def test_an_unknown_key_is_an_auth_error(make_provider: ProviderFactory) -> None:
    with pytest.raises(AuthError, match="does not accept this API key"):
        make_provider("sandbox_not-a-real-key").verify()


def test_a_deactivated_key_stops_calls_with_an_auth_error(
    make_provider: ProviderFactory, admin: httpx.Client
) -> None:
    key = new_key(admin, [*SEED_PERMISSIONS, "hiringProcessMetadataRead"])
    provider = make_provider(key)
    provider.list_open_jobs()
    admin.patch(f"/credentials/{key}", json={"is_active": False}).raise_for_status()

    with pytest.raises(AuthError):
        provider.list_open_jobs()


# --- reads ---------------------------------------------------------------------------------------


def test_users_and_open_jobs(provider: AshbyProvider, api: httpx.Client) -> None:
    users = provider.list_users()
    jobs = provider.list_open_jobs()

    assert len(users) >= 1 and all(u.can_act_as and u.email for u in users)
    seeded = [j for j in results(api, "job.list", {"limit": 100}) if j["status"] == "Open"]  # type: ignore[union-attr, index]
    assert sorted(j.id for j in jobs) == sorted(j["id"] for j in seeded)
    assert all(j.status == "Open" and j.location for j in jobs)


# --- writes --------------------------------------------------------------------------------------


def test_create_candidate_sends_every_field_ashby_allows(
    provider: AshbyProvider, api: httpx.Client, ashby: ServedAshbySandbox
) -> None:
    export, job_id = full_export("ashby"), _open_job(provider)

    created = provider.create_candidate(export, job_id)
    outcome = provider.complete_profile(created.ats_candidate_id, export, created.application_id)

    info = results(api, "candidate.info", {"id": created.ats_candidate_id})
    assert isinstance(info, dict)
    assert info["name"] == "Ada Lovelace-ashby"
    assert [e["value"] for e in info["emailAddresses"]] == list(export.emails)
    assert info["primaryPhoneNumber"]["value"] == "+442079460000"
    assert {"type": "LinkedIn", "url": export.linkedin_url} in info["socialLinks"]
    assert info["location"]["locationSummary"] == "London, England, United Kingdom"
    assert info["resumeFileHandle"]["name"] == "ashby-lovelace.pdf"
    assert info["applicationIds"] == [created.application_id]
    assert info["profileUrl"] == created.profile_url
    assert outcome.written == ("resume", "note with roles and education")
    _assert_resume_bytes_and_note(ashby, created.ats_candidate_id, export.profile_url)


def _assert_resume_bytes_and_note(
    ashby: ServedAshbySandbox, candidate_id: str, profile_url: str
) -> None:
    # Ashby's API has no read for notes or file bytes that the sandbox serves: read its state.
    with ashby.sandbox.state.locked() as org:
        candidate = org.candidates[candidate_id]
        stored = org.files[candidate.resume.handle]  # type: ignore[union-attr]
        notes = [n for n in org.notes.values() if n.candidate_id == candidate_id]
    assert stored.data == RESUME_BYTES
    assert len(notes) == 1 and notes[0].content_type == "text/html"
    assert profile_url in notes[0].content
    assert "Staff Engineer at Analytical Engines" in notes[0].content
    assert "University of Oxford" in notes[0].content and "<ul>" in notes[0].content


def test_applications_are_added_once_and_resumes_attached_once(
    provider: AshbyProvider, api: httpx.Client
) -> None:
    export = full_export("again")
    jobs = sorted(provider.list_open_jobs(), key=lambda job: job.name)
    created = provider.create_candidate(export, jobs[0].id)
    provider.complete_profile(created.ats_candidate_id, export)
    before = results(api, "candidate.info", {"id": created.ats_candidate_id})

    repeat = provider.add_application(created.ats_candidate_id, jobs[0].id)
    other = provider.add_application(created.ats_candidate_id, jobs[1].id)
    resumed = provider.attach_resume(created.ats_candidate_id, export.resume)  # type: ignore[arg-type]

    assert not repeat.created and other.created and not resumed
    after = results(api, "candidate.info", {"id": created.ats_candidate_id})
    assert isinstance(before, dict) and isinstance(after, dict)
    assert after["applicationIds"] == [created.application_id, other.application_id]
    for key in ("name", "emailAddresses", "phoneNumbers", "socialLinks", "resumeFileHandle"):
        assert after[key] == before[key]


def test_lookups_by_email_and_after_a_failed_write(provider: AshbyProvider) -> None:
    export = full_export("lookup")
    since = datetime.now(UTC)
    created = provider.create_candidate(export, _open_job(provider))

    assert [c.id for c in provider.find_candidates_by_email([export.emails[1]])] == [
        created.ats_candidate_id
    ]
    linkedin_only = type(export)(
        first_name="Ada",
        last_name="Lovelace-lookup",
        linkedin_url="linkedin.com/in/lookup-lovelace/",
    )
    assert [c.id for c in provider.find_after_failed_write(linkedin_only, since)] == [
        created.ats_candidate_id
    ]
    assert provider.get_candidate(created.ats_candidate_id) is not None
    assert provider.get_candidate("00000000-0000-0000-0000-000000000000") is None


# --- the index -----------------------------------------------------------------------------------


def _ids(pages: list[IndexPage]) -> list[str]:
    return [c.id for page in pages for c in page.candidates]


def test_full_then_incremental_index_reads(provider: AshbyProvider, api: httpx.Client) -> None:
    provider.index_page_size = 80
    full = list(provider.read_candidate_index())
    created = provider.create_candidate(full_export("sync"), _open_job(provider))

    changed = list(provider.read_candidate_index(since=full[-1].watermark))

    assert [len(p.candidates) for p in full] == [80, 80, 80, 60]
    assert full[-1].complete and full[-1].watermark and full[-1].checkpoint is None
    assert _ids(changed) == [created.ats_candidate_id]
    linked = [c for page in full for c in page.candidates if c.linkedin_urls]
    assert all(
        url.startswith("https://www.linkedin.com/in/") for c in linked for url in c.linkedin_urls
    )


def test_an_index_read_that_fails_midway_resumes_and_loses_nothing(
    provider: AshbyProvider, admin: httpx.Client
) -> None:
    provider.index_page_size = 50
    stored: list[IndexPage] = []
    with pytest.raises(TransientError):
        for page in provider.read_candidate_index():
            stored.append(page)
            if len(stored) == 3:
                set_faults(admin, error_rate=1.0)
    set_faults(admin, error_rate=0.0)

    resumed = list(provider.read_candidate_index(resume_from=stored[-1].checkpoint))

    every = _ids(stored) + _ids(resumed)
    assert len(every) == len(set(every)) == 300 and resumed[-1].watermark


def test_an_expired_sync_token_says_to_start_a_full_read(
    provider: AshbyProvider, admin: httpx.Client
) -> None:
    watermark = list(provider.read_candidate_index())[-1].watermark
    set_faults(admin, expire_tokens=True)

    with pytest.raises(SyncExpired, match="full read"):
        list(provider.read_candidate_index(since=watermark))
    with pytest.raises(SyncExpired):
        list(provider.read_candidate_index(resume_from='{"cursor": "garbage"}'))


# --- failures ------------------------------------------------------------------------------------


def test_a_missing_module_permission_names_it(
    make_provider: ProviderFactory, admin: httpx.Client
) -> None:
    provider = make_provider(new_key(admin, ["candidatesRead", "jobsRead"]))

    with pytest.raises(MissingPermission) as raised:
        provider.create_candidate(full_export("perm"), "any")

    assert raised.value.permission == "hiringProcessMetadataRead"  # source.list comes first


def test_a_long_retry_after_is_raised_as_rate_limited(
    provider: AshbyProvider, admin: httpx.Client
) -> None:
    set_faults(admin, burst_429=1, burst_retry_after=40)

    with pytest.raises(RateLimited) as limited:
        provider.list_users()

    assert limited.value.retry_after == 40
    assert provider.client.pacer.stats.throttled == 1


def test_server_errors_are_transient_and_ambiguous_only_for_writes(
    provider: AshbyProvider, admin: httpx.Client, ashby: ServedAshbySandbox
) -> None:
    provider.resolve_source()
    set_faults(admin, error_rate=1.0)

    with pytest.raises(TransientError) as read_failure:
        provider.find_candidates_by_email(["x@example.com"])
    with pytest.raises(TransientError) as write_failure:
        provider.create_candidate(full_export("five-hundred"), "any")

    assert not read_failure.value.ambiguous and write_failure.value.ambiguous
    statuses = [r["status"] for r in _log(ashby)]
    assert sum(1 for s in statuses if isinstance(s, int) and s >= 500) == 4  # 3 reads, 1 write


def test_logical_errors_on_http_200_keep_ashby_s_words(provider: AshbyProvider) -> None:
    with pytest.raises(RejectedError) as rejected:
        provider.add_application(
            "00000000-0000-0000-0000-000000000000", "00000000-0000-0000-0000-000000000001"
        )
    assert rejected.value.code == "candidate_not_found"
    assert "00000000-0000-0000-0000-000000000000" in rejected.value.message

    with pytest.raises(RejectedError, match="must be a UUID") as invalid:
        provider.add_application("00000000-0000-0000-0000-000000000000", "not-a-job")
    assert invalid.value.code == "invalid_input"


def test_a_dropped_connection_after_a_create_is_ambiguous_and_the_write_was_applied(
    provider: AshbyProvider, admin: httpx.Client, ashby: ServedAshbySandbox
) -> None:
    export, job_id = full_export("dropped"), _open_job(provider)
    provider.resolve_source()
    since = datetime.now(UTC)
    set_faults(admin, drop_after_write_rate=1.0)

    with pytest.raises(TransientError) as raised:
        provider.create_candidate(export, job_id)
    set_faults(admin, drop_after_write_rate=0.0)

    assert raised.value.ambiguous
    found = provider.find_after_failed_write(export, since)
    assert len(found) == 1
    with ashby.sandbox.state.locked() as org:
        assert sum(1 for c in org.candidates.values() if c.name == export.full_name) == 1


def test_the_pacer_learns_a_limit_ashby_does_not_publish(
    provider: AshbyProvider, admin: httpx.Client, ashby: ServedAshbySandbox
) -> None:
    admin.put("/rate_limit", json={"limit": 6, "window_seconds": 1}).raise_for_status()

    for index in range(30):
        provider.find_candidates_by_email([f"pace-{index}@example.com"])

    snapshot = provider.client.pacer.snapshot()
    assert snapshot["learned_limit"] == 6
    assert 1 <= snapshot["throttled"] <= 3  # a 429 to notice, one to measure, then none
    assert sum(1 for r in _log(ashby) if r["status"] == 429) == snapshot["throttled"]
