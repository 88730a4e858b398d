"""Pure mapping between OpenPin's export data and Ashby bodies and records."""

from __future__ import annotations

from openpin.integrations.ashby import mapping
from openpin.integrations.base import CandidateExport
from tests.integrations.exports import full_export


def test_the_create_body_uses_ashby_s_field_names() -> None:
    body = mapping.candidate_body(full_export("map"), source_id="src", credited_to_user_id=None)

    assert body == {
        "name": "Ada Lovelace-map",
        "email": "map@example.com",
        "alternateEmailAddresses": ["map.work@example.org"],
        "phoneNumber": "+442079460000",
        "linkedInUrl": "https://www.linkedin.com/in/map-lovelace",
        "location": {"city": "London", "region": "England", "country": "United Kingdom"},
        "sourceId": "src",
    }
    assert mapping.candidate_body(CandidateExport("Ada", ""), None, None) == {"name": "Ada"}


def test_the_note_carries_roles_education_and_the_link_in_allowed_tags_only() -> None:
    note = mapping.note_html(full_export("note"))

    assert '<a href="https://openpin.example/candidates/note">' in note
    assert "<li>Staff Engineer at Analytical Engines (Mar 2021 to present)</li>" in note
    assert "<li>University of Oxford — BSc, Mathematics (2012 to 2015)</li>" in note
    tags = {part.split(">")[0].split()[0].strip("/") for part in note.split("<")[1:]}
    assert tags <= {"a", "b", "i", "ul", "li"}


def test_html_in_profile_text_is_escaped() -> None:
    export = CandidateExport("Eve", "X", headline="<script>alert(1)</script>")
    assert "<script>" not in mapping.note_html(export)


def test_the_source_is_found_by_title_and_archived_ones_are_skipped() -> None:
    sources = [
        {"id": "a", "title": "OpenPin", "isArchived": True},
        {"id": "b", "title": "Sourced via OpenPin"},
    ]
    assert mapping.choose_source(sources).source_id == "b"
    missing = mapping.choose_source([{"id": "c", "title": "LinkedIn"}])
    assert missing.source_id is None and not missing.exact


def test_read_back_candidates_collect_every_email_and_linkedin_link() -> None:
    record = {
        "id": "u1",
        "name": "Ada",
        "primaryEmailAddress": {"value": "ADA@example.com", "type": "Personal", "isPrimary": True},
        "emailAddresses": [{"value": "ada@example.com"}, {"value": "ada@work.example"}],
        "socialLinks": [
            {"type": "LinkedIn", "url": "http://www.linkedin.com/in/ada/"},
            {"type": "Website", "url": "https://ada.dev"},
        ],
        "profileUrl": "https://app.ashbyhq.com/candidates/u1",
    }

    candidate = mapping.to_candidate(record)

    assert candidate.emails == ("ada@example.com", "ada@work.example")
    assert candidate.linkedin_urls == ("https://www.linkedin.com/in/ada",)
