from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from openpin.candidate.importers import parse_candidates_file
from openpin.demo.export import PEOPLE_CSV_HEADERS, write_people_csv
from openpin.demo.people import generate_people


def test_written_csv_round_trips_through_the_importer(tmp_path: Path) -> None:
    people = generate_people(400, seed=3)
    path = tmp_path / "people.csv"
    assert write_people_csv(path, iter(people)) == 400

    rows = list(parse_candidates_file(path.name, path.read_bytes()))
    assert [row.error for row in rows] == [None] * 400
    assert [row.line for row in rows[:3]] == [2, 3, 4]  # the header is line 1
    for person, row in zip(people, rows, strict=True):
        candidate = row.candidate
        assert candidate is not None
        assert (candidate.first_name, candidate.last_name) == (person.first_name, person.last_name)
        assert candidate.emails == [person.email]
        assert candidate.phones == [person.phone]
        assert candidate.linkedin_url == person.linkedin_url
        assert candidate.location.city == person.city
        assert candidate.location.region == person.region
        assert candidate.location.country == person.country_code
        assert candidate.headline == person.headline
        assert candidate.skills == list(person.skills)
        current = candidate.experiences[0]
        assert (current.title, current.company) == (person.roles[0].title, person.roles[0].company)
        assert current.is_current and current.start_date == person.roles[0].start
        if person.educations:
            edu = candidate.educations[0]
            assert edu.school == person.educations[0].school
            assert edu.end_date == date(person.educations[0].end_year, 1, 1)


def test_csv_is_a_plain_utf8_export(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    write_people_csv(path, generate_people(50))
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert tuple(rows[0]) == PEOPLE_CSV_HEADERS
    assert len(rows) == 51 and all(len(row) == len(PEOPLE_CSV_HEADERS) for row in rows)
