"""GreenhouseProvider against the Greenhouse sandbox: verification, reads and writes.

Every write is checked by reading the sandbox's own API back, not the provider's answer.
"""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from openpin.integrations.errors import AuthError
from openpin.integrations.greenhouse.provider import GreenhouseProvider
from openpin.sandboxes.greenhouse.config import ALL_SCOPES
from openpin.sandboxes.testing import RunningGreenhouse
from tests.integrations.exports import RESUME_BYTES, full_export
from tests.integrations.greenhouse.conftest import ProviderFactory
from tests.integrations.greenhouse.helpers import new_credential

# --- verification --------------------------------------------------------------------------------


def test_verify_with_every_scope_reports_all_granted(provider: GreenhouseProvider) -> None:
    report = provider.verify()

    assert report.ok
    assert "acting as" in report.account and "Integration Service User" not in report.account
    # The seed has no source named OpenPin: reported, with how to add one, but not blocking.
    assert [check.key for check in report.missing] == ["source:OpenPin"]
    assert "Configure > Custom Options > Sources" in report.missing[0].fix
    keys = {check.key for check in report.checks}
    assert {"harvest:candidates:create", "harvest:sources:list", "site_admin"} <= keys
    assert {"harvest:custom_field_options:list", "harvest:candidate_educations:create"} <= keys


def test_verify_lists_missing_scopes_with_their_fix(
    make_provider: ProviderFactory, admin: httpx.Client
) -> None:
    missing = {"harvest:candidates:create", "harvest:attachments:create", "harvest:sources:list"}
    credential = new_credential(admin, [s for s in ALL_SCOPES if s not in missing])

    report = make_provider(credential).verify()

    assert not report.ok
    assert {c.key for c in report.missing} == missing | {"source:OpenPin"}
    create = next(c for c in report.checks if c.key == "harvest:candidates:create")
    assert create.required and "Manage Scopes" in create.fix and create.key in create.fix
    assert next(c for c in report.checks if c.key == "harvest:jobs:list").granted


def test_verify_flags_a_user_who_is_not_a_site_admin(
    make_provider: ProviderFactory, greenhouse: RunningGreenhouse
) -> None:
    users = greenhouse.sandbox.state.all("users")
    plain = next(u for u in users if not u["site_admin"] and not u["deactivated"])

    report = make_provider(sub=str(plain["id"])).verify()

    site_admin = next(c for c in report.checks if c.key == "site_admin")
    assert not site_admin.granted and not report.ok
    assert "Site Admin" in site_admin.fix


def test_verify_without_a_user_warns_that_the_service_user_acts(
    make_provider: ProviderFactory,
) -> None:
    report = make_provider(sub=None).verify()

    assert report.ok
    assert "Integration Service User" in report.account
    assert any("Choose the user" in warning for warning in report.warnings)


def test_wrong_secret_is_an_auth_error_that_says_what_to_do(
    make_provider: ProviderFactory, greenhouse: RunningGreenhouse
) -> None:
    client_id, _ = greenhouse.client_auth

    with pytest.raises(AuthError) as raised:
        make_provider((client_id, "not-the-secret")).verify()

    assert "client ID or secret" in raised.value.message
    assert "not-the-secret" not in raised.value.message


def test_an_inactive_acting_user_is_an_auth_error(
    make_provider: ProviderFactory, greenhouse: RunningGreenhouse
) -> None:
    deactivated = next(u for u in greenhouse.sandbox.state.all("users") if u["deactivated"])

    with pytest.raises(AuthError, match="acts as"):
        make_provider(sub=str(deactivated["id"])).list_open_jobs()


# --- users and jobs ------------------------------------------------------------------------------


def test_list_users_marks_who_the_integration_can_act_as(
    make_provider: ProviderFactory, greenhouse: RunningGreenhouse
) -> None:
    users = make_provider(sub=None).list_users()

    seeded = [u for u in greenhouse.sandbox.state.all("users") if not u["service_account"]]
    active = [u for u in seeded if not u["deactivated"]]
    assert {u.id for u in users} == {str(u["id"]) for u in active}
    admins = {str(u["id"]) for u in active if u["site_admin"]}
    assert {u.id for u in users if u.can_act_as} == admins
    assert all(u.why_not for u in users if not u.can_act_as)


def test_list_open_jobs_has_names_departments_and_locations(
    provider: GreenhouseProvider, greenhouse: RunningGreenhouse
) -> None:
    jobs = provider.list_open_jobs()

    seeded_open = [j for j in greenhouse.sandbox.state.all("jobs") if j["status"] == "open"]
    assert sorted(j.id for j in jobs) == sorted(str(j["id"]) for j in seeded_open)
    assert all(j.status == "open" and j.name and j.department and j.location for j in jobs)


# --- writes --------------------------------------------------------------------------------------


def test_create_candidate_sends_every_field_greenhouse_allows(
    provider: GreenhouseProvider, gh_api: httpx.Client, open_job_id: str
) -> None:
    export = full_export("create")

    created = provider.create_candidate(export, open_job_id)
    outcome = provider.complete_profile(created.ats_candidate_id, export, created.application_id)

    candidate = gh_api.get("/v3/candidates", params={"ids": created.ats_candidate_id}).json()[0]
    assert (candidate["first_name"], candidate["last_name"]) == ("Ada", "Lovelace-create")
    assert (candidate["company"], candidate["title"]) == ("Analytical Engines", "Staff Engineer")
    assert [e["value"] for e in candidate["email_addresses"]] == list(export.emails)
    assert candidate["phone_numbers"] == [{"value": "+442079460000", "type": "mobile"}]
    assert candidate["addresses"] == [{"value": "London, England, United Kingdom", "type": "home"}]
    assert candidate["social_media_addresses"] == [{"value": export.linkedin_url}]
    _assert_application_with_fallback_source(gh_api, created.ats_candidate_id, open_job_id)
    _assert_history(gh_api, created.ats_candidate_id)
    _assert_resume_and_note(gh_api, created.ats_candidate_id, export.profile_url, "create")
    assert created.profile_url.endswith(f"/people/{created.ats_candidate_id}")
    assert not created.source.exact and "Other" in created.warnings[0]
    assert any("Nowhere Polytechnic" in warning for warning in outcome.warnings)


def _assert_application_with_fallback_source(
    gh_api: httpx.Client, candidate_id: str, job_id: str
) -> None:
    applications = gh_api.get("/v3/applications", params={"candidate_ids": candidate_id}).json()
    assert [a["job_id"] for a in applications] == [int(job_id)]
    sources = {s["id"]: s["name"] for s in gh_api.get("/v3/sources").json()}
    assert sources[applications[0]["source_id"]] == "Other"


def _assert_history(gh_api: httpx.Client, candidate_id: str) -> None:
    params = {"candidate_ids": candidate_id}
    employments = gh_api.get("/v3/candidate_employments", params=params).json()
    assert sorted((e["company_name"], e["title"], e["end_date"]) for e in employments) == [
        ("Analytical Engines", "Staff Engineer", None),
        ("Difference Works", "Engineer", "2021-02-01T00:00:00Z"),
    ]
    educations = gh_api.get("/v3/candidate_educations", params=params).json()
    # The school and discipline match by name, "BSc" matches the level "Bachelor's Degree";
    # the unknown school has no option and is left out (reported as a warning).
    assert [(e["school_name"], e["degree"], e["discipline"]) for e in educations] == [
        ("University of Oxford", "Bachelor's Degree", "Mathematics")
    ]


def _assert_resume_and_note(
    gh_api: httpx.Client, candidate_id: str, profile_url: str, tag: str
) -> None:
    params = {"candidate_ids": candidate_id}
    attachments = gh_api.get("/v3/attachments", params=params).json()
    assert [(a["filename"], a["type"]) for a in attachments] == [(f"{tag}-lovelace.pdf", "resume")]
    file = httpx.get(attachments[0]["url"])
    assert file.content == RESUME_BYTES
    notes = gh_api.get("/v3/notes", params=params).json()
    assert len(notes) == 1 and profile_url in notes[0]["body"]
    assert "Sourced by OpenPin" in notes[0]["body"]


def test_complete_profile_twice_writes_nothing_more(
    provider: GreenhouseProvider, gh_api: httpx.Client, open_job_id: str
) -> None:
    export = full_export("twice")
    created = provider.create_candidate(export, open_job_id)
    provider.complete_profile(created.ats_candidate_id, export, created.application_id)

    again = provider.complete_profile(created.ats_candidate_id, export, created.application_id)

    assert again.written == ()
    assert {"resume", "note"} <= set(again.present)
    params = {"candidate_ids": created.ats_candidate_id}
    for collection, count in (
        ("candidate_employments", 2),
        ("candidate_educations", 1),
        ("attachments", 1),
        ("notes", 1),
    ):
        assert len(gh_api.get(f"/v3/{collection}", params=params).json()) == count


def test_add_application_is_idempotent_and_leaves_contact_data_alone(
    provider: GreenhouseProvider, gh_api: httpx.Client, greenhouse: RunningGreenhouse
) -> None:
    seeded = greenhouse.sandbox.state.all("candidates")[5]
    before = gh_api.get("/v3/candidates", params={"ids": seeded["id"]}).json()[0]
    taken = {
        a["job_id"]
        for a in greenhouse.sandbox.state.all("applications")
        if a["candidate_id"] == seeded["id"]
    }
    job = next(
        j
        for j in greenhouse.sandbox.state.all("jobs")
        if j["status"] == "open" and j["id"] not in taken
    )

    first = provider.add_application(str(seeded["id"]), str(job["id"]))
    second = provider.add_application(str(seeded["id"]), str(job["id"]))

    assert first.created and not second.created
    assert first.application_id == second.application_id
    applications = gh_api.get("/v3/applications", params={"candidate_ids": seeded["id"]}).json()
    assert [a["job_id"] for a in applications].count(job["id"]) == 1
    after = gh_api.get("/v3/candidates", params={"ids": seeded["id"]}).json()[0]
    contact_keys = ("first_name", "last_name", "email_addresses", "phone_numbers", "addresses")
    assert {k: after[k] for k in contact_keys} == {k: before[k] for k in contact_keys}


def test_find_by_email_finds_a_person_by_any_of_their_emails(
    provider: GreenhouseProvider, open_job_id: str
) -> None:
    export = full_export("emails")
    created = provider.create_candidate(export, open_job_id)

    by_second = provider.find_candidates_by_email([export.emails[1].upper()])
    by_both = provider.find_candidates_by_email(list(export.emails))

    assert [c.id for c in by_second] == [created.ats_candidate_id]
    assert [c.id for c in by_both] == [created.ats_candidate_id]
    assert by_both[0].linkedin_urls == (export.linkedin_url,)
    assert provider.find_candidates_by_email(["nobody@nowhere.example"]) == []


def test_a_new_candidate_is_read_back_despite_greenhouse_not_finding_it_at_first(
    provider: GreenhouseProvider, admin: httpx.Client, open_job_id: str
) -> None:
    admin.put("/quirks", json={"not_found_after_create_seconds": 1.0}).raise_for_status()
    export = full_export("eventual")
    since = datetime.now(UTC)

    created = provider.create_candidate(export, open_job_id)
    assert provider.find_candidates_by_email([export.emails[0]]) == []  # the quirk is real

    fetched = provider.get_candidate(created.ats_candidate_id)
    assert fetched is not None and fetched.id == created.ats_candidate_id
    found = provider.find_after_failed_write(export, since)
    assert [c.id for c in found] == [created.ats_candidate_id]


def test_get_candidate_answers_none_for_an_unknown_id(make_provider: ProviderFactory) -> None:
    provider = make_provider()
    provider.settle_seconds = 0.0
    assert provider.get_candidate("999999999") is None
