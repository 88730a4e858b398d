from __future__ import annotations

import io
import json
import tracemalloc
from datetime import date
from pathlib import Path

import pytest

from openpin.candidate.importers import (
    ImportFileError,
    ParsedRow,
    parse_candidates_file,
    parse_partial_date,
)
from openpin.candidate.schemas import CandidateCreate
from openpin.demo.export import write_people_csv
from openpin.demo.people import iter_people

FILES = Path(__file__).resolve().parent.parent / "fixtures" / "files"


def parse(name: str, **kwargs: str) -> list[ParsedRow]:
    return list(parse_candidates_file(name, (FILES / name).read_bytes(), **kwargs))


def good(rows: list[ParsedRow]) -> list[CandidateCreate]:
    return [row.candidate for row in rows if row.candidate is not None]


def errors(rows: list[ParsedRow]) -> dict[int, str]:
    return {row.line: row.error for row in rows if row.error is not None}


# --- real-world exports ------------------------------------------------------------------------


def test_linkedin_recruiter_export() -> None:
    rows = parse("linkedin_recruiter_export.csv")
    assert errors(rows) == {}
    assert [row.line for row in rows] == [2, 3, 4, 5]
    priya, tom, sofia, marcus = good(rows)
    assert (priya.first_name, priya.last_name) == ("Priya", "Raman")
    assert priya.linkedin_url == "https://www.linkedin.com/in/priya-raman-4b2a91"
    assert priya.phones == ["+919845012345"]
    assert (priya.location.city, priya.location.region, priya.location.country) == (
        "Bengaluru",
        "Karnataka",
        "IN",
    )
    assert priya.headline == "Senior Data Scientist | NLP | Search Ranking"
    assert (priya.experiences[0].title, priya.experiences[0].company) == (
        "Senior Data Scientist",
        "Lumen Analytics",
    )
    assert tom.emails == ["tom.oconnell@example.org"]
    assert tom.linkedin_url == "https://www.linkedin.com/in/tomoconnell"
    assert sofia.emails == [] and sofia.last_name == "García López"
    assert sofia.linkedin_url == "https://www.linkedin.com/in/sofía-garcía-lópez-1a2b3c"
    assert (marcus.location.region, marcus.location.country) == ("TX", "US")
    assert marcus.phones == ["+15125550147"]


def test_greenhouse_export_with_numbered_columns_and_links() -> None:
    rows = parse("greenhouse_candidates.csv")
    assert errors(rows) == {}
    hannah, james, linh = good(rows)
    assert hannah.full_name == "Dr. Hannah Keller"
    assert hannah.emails == ["hannah.keller@example.com", "h.keller@example.org"]
    assert hannah.phones == ["+4915123456789", "+4930901820"]
    assert hannah.linkedin_url == "https://www.linkedin.com/in/hannah-keller-rn"
    assert hannah.source == "Referral"
    assert hannah.headline == "Registered Nurse at Brightline Health"
    assert james.linkedin_url is None
    assert james.links == ["https://github.com/jwhitaker", "https://jwhitaker.dev"]
    # A LinkedIn profile in the Website column fills the empty LinkedIn field.
    assert linh.linkedin_url == "https://www.linkedin.com/in/linh-nguyen-cfa"
    assert linh.full_name == "Nguyen, Linh" and linh.links == []
    assert (linh.location.city, linh.location.region, linh.location.country) == (
        "Toronto",
        "ON",
        "CA",
    )


def test_excel_export_with_bom_semicolons_and_a_default_region() -> None:
    rows = parse("excel_semicolon_bom.csv", default_region="NL")
    assert errors(rows) == {}
    jeroen, amelie = good(rows)
    assert jeroen.full_name == "Jeroen de Vries"
    assert jeroen.emails == ["jeroen@example.nl", "j.devries@example.com"]
    assert jeroen.phones == ["+31612345678"]
    assert jeroen.skills == ["Python", "Django", "PostgreSQL"]
    assert jeroen.location.country == "NL"
    assert jeroen.experiences[0].start_date == date(2021, 3, 1)
    assert amelie.skills == ["Figma", "Prototyping", "User Research"]
    assert amelie.phones == ["+33612345678"]


def test_national_phone_numbers_follow_the_default_region() -> None:
    rows = parse("excel_semicolon_bom.csv")  # default US: 06 12345678 is no US number
    assert errors(rows) == {2: rows[0].error}
    assert rows[0].error is not None and rows[0].error.startswith("Mobile: '06 12345678'")


def test_utf16_unicode_text_export() -> None:
    rows = parse("utf16_unicode_text.txt")
    assert errors(rows) == {}
    (zoe,) = good(rows)
    assert (zoe.first_name, zoe.last_name, zoe.emails) == (
        "Zoë",
        "Müller",
        ["zoe.mueller@example.de"],
    )


# --- bad rows ----------------------------------------------------------------------------------


def test_each_bad_row_is_reported_by_line_and_column_while_good_rows_go_in() -> None:
    rows = parse("mixed_quality.csv")
    found = errors(rows)
    assert sorted(found) == [4, 5, 6, 7, 8]
    assert found[4].startswith("email: 'bob@' is not a valid email address")
    assert found[5].startswith("linkedin url: 'https://www.linkedin.com/company/acme' is not a")
    assert found[6].startswith("phone: '12345' is not a valid phone number for US")
    assert found[7].startswith("no name, email or LinkedIn URL")
    assert found[8].startswith("start date: 'last spring' is not a date")
    # Line 2-3 is one record (a quoted summary spans two lines), so the next record is line 4;
    # line 10 is blank and skipped.
    assert [row.line for row in rows if row.candidate] == [2, 9, 11, 12]
    ada, fay, linkedin_only, email_only = good(rows)
    assert ada.summary == "First line of a summary\nthat spans two lines."
    assert ada.skills == ["Mathematics", "Algorithms"]
    assert ada.experiences[0].is_current and ada.experiences[0].end_date is None
    assert fay.emails == ["fay@example.com"]
    assert linkedin_only.linkedin_url == "https://www.linkedin.com/in/only-linkedin"
    assert email_only.emails == ["grace@example.com"]


def test_unknown_country_and_too_long_values_are_row_errors() -> None:
    csv_text = "Name,Email,Country\nA B,a@example.com,Narnia\n" + f"{'x' * 301},b@example.com,FR\n"
    rows = list(parse_candidates_file("x.csv", csv_text.encode()))
    assert rows[0].error is not None and rows[0].error.startswith("Country: Unknown country")
    assert rows[1].error is not None and rows[1].error.startswith("full_name: String should have")


def test_stray_quotes_fail_their_record_and_reading_resumes() -> None:
    data = (
        b'Name,Email\nAda,ada@example.com\n"Bob"x,bob@example.com\nCara,cara@example.com\n'
        b'"Dan,dan@example.com\nEve,eve@example.com\n'
    )
    rows = list(parse_candidates_file("x.csv", data))
    assert [(row.line, row.candidate is not None) for row in rows] == [
        (2, True),
        (3, False),
        (4, True),
        (5, False),
    ]
    assert rows[1].error is not None and "check the quotes on this line" in rows[1].error
    assert (
        rows[3].error is not None
        and "a quote opened in this record is never closed" in rows[3].error
    )


# --- whole-file problems -----------------------------------------------------------------------


def test_non_utf8_file_is_refused_with_its_line() -> None:
    with pytest.raises(ImportFileError, match=r"not UTF-8 text .* on line 2") as info:
        parse("latin1_export.csv")
    assert "CSV UTF-8" in info.value.hint


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"\n\nName\nAda\n", "empty"),
        (b"Candidate ID,Notes\n1,hello\n", "No column of this file names a candidate"),
        (b"[1, 2", "not valid JSON"),
        (b'"just a string"', "neither a resume object nor an array"),
    ],
)
def test_unreadable_files_raise_before_any_row(data: bytes, message: str) -> None:
    name = "upload.json" if data.startswith((b"[", b'"')) else "upload.csv"
    with pytest.raises(ImportFileError, match=message):
        list(parse_candidates_file(name, data))


def test_excel_sep_line_sets_the_delimiter_and_shifts_lines() -> None:
    data = b"sep=;\r\nName;Email\r\nAda Lovelace;ada@example.com\r\nBob;bob@\r\n"
    rows = list(parse_candidates_file("export.csv", data))
    assert rows[0].line == 3 and rows[0].candidate is not None
    assert rows[0].candidate.emails == ["ada@example.com"]
    assert rows[1].line == 4 and rows[1].error is not None


# --- detection and streams ---------------------------------------------------------------------


def test_format_is_sniffed_when_the_extension_says_nothing() -> None:
    resume = json.dumps({"basics": {"name": "Ada Lovelace", "email": "ada@example.com"}})
    (row,) = parse_candidates_file("upload", b"\xef\xbb\xbf \n" + resume.encode())
    assert row.candidate is not None and row.candidate.full_name == "Ada Lovelace"
    (row,) = parse_candidates_file("upload.bin", b"Email\nada@example.com\n")
    assert row.line == 2 and row.candidate is not None


def test_accepts_a_non_seekable_binary_stream() -> None:
    class Upload(io.RawIOBase):
        def __init__(self, data: bytes) -> None:
            self._data = io.BytesIO(data)

        def readable(self) -> bool:
            return True

        def seekable(self) -> bool:
            return False

        def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
            return self._data.readinto(buffer)

    data = (FILES / "linkedin_recruiter_export.csv").read_bytes()
    rows = list(parse_candidates_file("x.csv", io.BufferedReader(Upload(data))))
    assert len(good(rows)) == 4


def test_the_callers_stream_is_left_open() -> None:
    with (FILES / "mixed_quality.csv").open("rb") as handle:
        assert len(list(parse_candidates_file("mixed_quality.csv", handle))) == 9
        assert not handle.closed


def test_rows_are_streamed_not_loaded(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    write_people_csv(path, iter_people(1500, seed=5))
    data = path.read_bytes()
    for _ in parse_candidates_file("warm-up.csv", data[:20_000]):
        pass  # phonenumbers loads its per-country metadata on first use; keep that out
    tracemalloc.start()
    try:
        assert sum(1 for row in parse_candidates_file("people.csv", data) if row.candidate) == 1500
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # Holding the 1,500 parsed rows at once takes over 5 MB; streaming stays well under that.
    assert peak < 3_000_000, f"peak {peak / 1e6:.1f} MB"


# --- JSON Resume -------------------------------------------------------------------------------


def test_json_resume_single_object() -> None:
    (row,) = parse("jsonresume_single.json")
    assert row.line == 1 and row.error is None and row.candidate is not None
    richard = row.candidate
    assert richard.full_name == "Richard Hendricks" and richard.headline == "Programmer"
    assert richard.emails == ["richard.hendricks@example.com"]
    assert richard.phones == ["+19125554321"]
    # A LinkedIn profile given by username only still makes the canonical URL.
    assert richard.linkedin_url == "https://www.linkedin.com/in/richard-hendricks-pp"
    assert richard.links == [
        "https://richardhendricks.example.com",
        "https://twitter.com/neutralthoughts",
    ]
    assert (richard.location.city, richard.location.region, richard.location.country) == (
        "San Francisco",
        "California",
        "US",
    )
    current, hooli = richard.experiences
    assert (current.company, current.title, current.is_current) == (
        "Pied Piper",
        "CEO/President",
        True,
    )
    assert current.start_date == date(2013, 12, 1) and current.description.startswith("Pied Piper")
    assert (hooli.start_date, hooli.end_date, hooli.is_current) == (
        date(2011, 6, 1),
        date(2013, 1, 1),
        False,
    )
    (school,) = richard.educations
    assert (school.school, school.degree, school.field_of_study) == (
        "University of Oklahoma",
        "Bachelor",
        "Information Technology",
    )
    assert (school.start_date, school.end_date) == (date(2007, 1, 1), date(2011, 5, 1))
    assert richard.skills[:4] == ["Web Development", "HTML", "CSS", "JavaScript"]


def test_json_resume_array_reports_bad_items_by_index() -> None:
    rows = parse("jsonresume_array.json")
    assert [row.line for row in rows] == [1, 2, 3, 4, 5, 6, 7]
    found = errors(rows)
    assert sorted(found) == [2, 3, 4, 5, 6]
    assert found[2].startswith("not a JSON Resume object")
    assert found[3].startswith("basics.email: 'bad-email@' is not a valid email address")
    assert found[4].startswith("work[0].startDate: 'sometime in 2019' is not a date")
    assert found[5].startswith("no name, email or LinkedIn URL")
    assert found[6].startswith("basics.location.countryCode: Unknown country 'Narnia'")
    mei, luis = good(rows)
    assert mei.linkedin_url == "https://www.linkedin.com/in/mei-chen-ml"
    assert mei.skills == ["PyTorch", "NLP", "Transformers"]
    assert mei.experiences[0].is_current
    assert luis.phones == ["+34612345678"] and luis.location.country == "ES"
    assert luis.educations[0].end_date == date(2017, 1, 1)


def test_json_resume_with_wrong_types_is_a_row_error() -> None:
    data = json.dumps([{"basics": {"name": ["Ada"]}}, {"basics": "Ada"}, {"work": {"name": "x"}}])
    found = errors(list(parse_candidates_file("r.json", data.encode())))
    assert found == {
        1: "basics.name: expected text, found list.",
        2: "basics: expected an object, found str.",
        3: "work: expected an array of objects.",
    }


# --- dates -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2019", date(2019, 1, 1)),
        ("2019-04", date(2019, 4, 1)),
        ("2019/4", date(2019, 4, 1)),
        ("2019-04-15", date(2019, 4, 15)),
        ("2019-04-15T09:30:00Z", date(2019, 4, 15)),
        ("04/2019", date(2019, 4, 1)),
        ("Apr 2019", date(2019, 4, 1)),
        ("September 2020", date(2020, 9, 1)),
        ("", None),
        ("Present", None),
        ("current", None),
    ],
)
def test_partial_dates(text: str, expected: date | None) -> None:
    assert parse_partial_date(text) == expected


@pytest.mark.parametrize("bad", ["last spring", "2019-13", "2019-02-30", "19", "Foo 2019"])
def test_unreadable_dates(bad: str) -> None:
    with pytest.raises(ValueError, match="is not a date we can read"):
        parse_partial_date(bad)
