"""Pure mapping between OpenPin's export data and Harvest v3 bodies and records."""

from __future__ import annotations

from datetime import date

from openpin.integrations.base import CandidateExport, Role, Schooling
from openpin.integrations.greenhouse import mapping
from tests.integrations.exports import full_export

SOURCES = [
    {"id": 1, "name": "LinkedIn (Prospecting)", "type": {"id": 1, "name": "prospecting"}},
    {"id": 2, "name": "Other", "type": {"id": 2, "name": "other"}},
]


def test_the_create_body_carries_person_contacts_location_and_application() -> None:
    body = mapping.candidate_body(full_export("map"), job_id=7, source_id=2)

    assert body["company"] == "Analytical Engines" and body["title"] == "Staff Engineer"
    assert body["email_addresses"] == [
        {"value": "map@example.com", "type": "personal"},
        {"value": "map.work@example.org", "type": "other"},
    ]
    assert body["addresses"] == [{"value": "London, England, United Kingdom", "type": "home"}]
    assert body["social_media_addresses"] == [{"value": "https://www.linkedin.com/in/map-lovelace"}]
    assert body["application"] == {"job_id": 7, "source_id": 2}


def test_a_bare_person_sends_only_what_it_has() -> None:
    body = mapping.candidate_body(CandidateExport("Mononym", ""), job_id=7, source_id=None)

    assert body == {
        "first_name": "Mononym",
        "last_name": "(no last name)",
        "application": {"job_id": 7},
    }


def test_the_source_is_found_by_name_or_falls_back_with_an_explanation() -> None:
    named = mapping.choose_source([*SOURCES, {"id": 9, "name": "openpin", "type": None}])
    fallback = mapping.choose_source(SOURCES)
    nothing = mapping.choose_source([])

    assert (named.source_id, named.exact) == ("9", True)
    assert (fallback.source_id, fallback.name, fallback.exact) == ("2", "Other", False)
    assert "cannot create one" in fallback.explanation
    assert nothing.source_id is None and "no source is set" in nothing.explanation


def test_educations_match_options_loosely_and_report_what_has_no_option() -> None:
    options = {
        "school_name": mapping.option_index([{"id": 11, "name": "The University of Oxford"}]),
        "degree": mapping.option_index(
            [{"id": 21, "name": "Bachelor's Degree"}, {"id": 22, "name": "Other", "active": False}],
            by_level=True,
        ),
        "discipline": mapping.option_index([{"id": 31, "name": "Computer Science"}]),
    }
    schooling = Schooling("university of OXFORD", "B.Sc.", "Basket Weaving", date(2010, 9, 1))

    body, unmatched = mapping.education_body(5, schooling, options)

    assert body == {
        "candidate_id": 5,
        "school_id": 11,
        "degree_id": 21,
        "start_date": "2010-09-01T00:00:00Z",
    }
    assert unmatched == ["discipline 'Basket Weaving'"]
    empty, _ = mapping.education_body(5, Schooling("Unknown College", "Other"), options)
    assert empty is None  # the inactive option is not offered


def test_employments_need_a_start_date_and_current_roles_have_no_end() -> None:
    current = Role("CTO", "Acme", date(2022, 1, 1), date(2030, 1, 1), is_current=True)

    assert mapping.employment_body(5, current) == {
        "candidate_id": 5,
        "company_name": "Acme",
        "title": "CTO",
        "start_date": "2022-01-01T00:00:00Z",
    }
    assert mapping.employment_body(5, Role("CTO", "Acme")) is None


def test_read_back_candidates_carry_linkedin_urls_from_any_address() -> None:
    record = {
        "id": 3,
        "first_name": "Ada",
        "last_name": "L",
        "email_addresses": [{"value": " Ada@Example.COM ", "type": "personal"}],
        "social_media_addresses": [{"value": "twitter.com/ada"}],
        "website_addresses": [{"value": "uk.linkedin.com/in/ada-l/", "type": "other"}],
    }

    candidate = mapping.to_candidate(record, "https://app.greenhouse.io")

    assert candidate.emails == ("ada@example.com",)
    assert candidate.linkedin_urls == ("https://www.linkedin.com/in/ada-l",)
    assert candidate.profile_url == "https://app.greenhouse.io/people/3"


def test_app_urls_follow_the_api_host() -> None:
    assert mapping.app_url_for("https://harvest.greenhouse.io") == "https://app.greenhouse.io"
    assert mapping.app_url_for("https://harvest.eu.greenhouse.io") == "https://app.eu.greenhouse.io"
    assert mapping.app_url_for("http://127.0.0.1:8801/") == "http://127.0.0.1:8801"


def test_the_index_window_is_the_parameter_sent() -> None:
    assert mapping.updated_window(None, "2026-01-02T00:00:00Z") == "lte|2026-01-02T00:00:00Z"
    assert (
        mapping.updated_window("2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z")
        == "gte|2026-01-01T00:00:00Z|lte|2026-01-02T00:00:00Z"
    )
