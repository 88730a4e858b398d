from __future__ import annotations

import time
from collections import Counter

import phonenumbers
import pytest

from openpin.demo.people import ANCHOR_DATE, DEMO_JOBS, generate_people, iter_people, person_at
from openpin.demo.words import FIELDS, SENIORITIES
from openpin.kit.normalise import normalise_email, normalise_linkedin_url

PEOPLE = generate_people(3000)


def test_person_depends_only_on_seed_and_index() -> None:
    assert generate_people(10) == PEOPLE[:10]
    assert person_at(2500) == PEOPLE[2500]
    assert generate_people(5, seed=7) == generate_people(5, seed=7)
    assert generate_people(5, seed=7) != PEOPLE[:5]


def test_emails_and_linkedin_slugs_are_unique_and_already_normalised() -> None:
    assert len({p.email for p in PEOPLE}) == len(PEOPLE)
    assert len({p.linkedin_url for p in PEOPLE}) == len(PEOPLE)
    for p in PEOPLE[:500]:
        assert normalise_email(p.email) == p.email
        assert normalise_linkedin_url(p.linkedin_url) == p.linkedin_url


def test_phones_are_valid_e164_for_the_persons_country() -> None:
    for p in PEOPLE:
        number = phonenumbers.parse(p.phone)
        assert phonenumbers.is_valid_number(number), p.phone
        assert phonenumbers.region_code_for_number(number) == p.country_code, p.phone
        assert phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164) == p.phone


def test_population_is_varied() -> None:
    countries = Counter(p.country_code for p in PEOPLE)
    assert {"US", "GB", "DE", "FR", "CA", "IN", "NL", "ES", "AU", "BR"} <= set(countries)
    assert countries["US"] < len(PEOPLE) / 2
    assert {p.seniority for p in PEOPLE} == set(SENIORITIES)
    titles = {p.roles[0].title for p in PEOPLE}
    assert {"Registered Nurse", "Senior Data Scientist", "Paralegal"} <= titles
    assert len(titles) > 150


def test_careers_are_consistent() -> None:
    role_counts = Counter(len(p.roles) for p in PEOPLE)
    assert set(role_counts) == {1, 2, 3, 4, 5}
    assert Counter(len(p.educations) for p in PEOPLE).keys() == {0, 1, 2}
    for p in PEOPLE:
        current, *previous = p.roles
        assert current.end is None and current.start <= ANCHOR_DATE
        assert p.headline == f"{current.title} at {current.company}"
        newer_start = current.start
        for role in previous:
            assert role.end is not None and role.start < role.end <= newer_start
            newer_start = role.start
        for edu in p.educations:
            assert edu.start_year < edu.end_year


def test_skills_belong_to_the_persons_field() -> None:
    by_skill = {field.key: set(field.skills) for field in FIELDS}
    for p in PEOPLE[:500]:
        assert 4 <= len(p.skills) == len(set(p.skills))
        assert any(set(p.skills) <= skills for skills in by_skill.values())


def test_demo_jobs_ask_for_skills_people_have() -> None:
    every_skill = {s for field in FIELDS for s in field.skills}
    assert len(DEMO_JOBS) >= 12
    for job in DEMO_JOBS:
        assert job.seniority in SENIORITIES
        assert set(job.must_have_skills) | set(job.nice_to_have_skills) <= every_skill
        assert job.locations and len(job.description) > 80


@pytest.mark.slow
def test_hundred_thousand_people_stream_in_seconds() -> None:
    started = time.perf_counter()
    assert sum(1 for _ in iter_people(100_000)) == 100_000
    assert time.perf_counter() - started < 20
