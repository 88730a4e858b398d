"""Parse an uploaded candidates file (CSV or JSON Resume) into `CandidateCreate` rows.

Rows are streamed: a 100,000-row CSV is read record by record, never held as a list of dicts.
Every row comes back as a `ParsedRow`: a candidate, or the reason it cannot be one, named by the
column it came from ("Email: 'bob@' is not a valid email address ..."), so good rows go in and
bad ones are reported by line. A problem with the whole file (not UTF-8, no header we understand,
broken JSON) raises `ImportFileError` before any row is returned.

Values are checked with `openpin.kit.normalise` and handed over normalised; the candidate
service normalises again (idempotently) because it also serves the API and the UI.
"""

from __future__ import annotations

import _csv
import codecs
import csv
import io
import json
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any, BinaryIO, NamedTuple, TypeVar

from pydantic import ValidationError

from openpin.candidate.schemas import CandidateCreate, EducationIn, ExperienceIn, LocationIn
from openpin.errors import ValidationFailed
from openpin.kit.normalise import (
    NormalisationError,
    normalise_country,
    normalise_email,
    normalise_linkedin_url,
    normalise_phone,
    parse_location,
)

__all__ = ["ImportFileError", "ParsedRow", "parse_candidates_file", "parse_partial_date"]


class ParsedRow(NamedTuple):
    line: int  # CSV: physical line where the record starts (header = 1); JSON array: 1-based index
    candidate: CandidateCreate | None
    error: str | None


class ImportFileError(ValidationFailed):
    """The file as a whole cannot be read; nothing was imported."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message, hint, field="file")


class RowError(ValueError):
    """One row cannot become a candidate; the message names the column and the problem."""


def parse_candidates_file(
    filename: str, data: bytes | BinaryIO, *, default_region: str = "US"
) -> Iterator[ParsedRow]:
    """Detect CSV or JSON (by extension, then content) and parse it row by row.

    Phones without a country code are read as numbers of `default_region`.
    """
    stream = _seekable(data)
    encoding = _detect_encoding(stream)
    if _looks_like_json(filename, stream, encoding):
        return _parse_json(stream, encoding, default_region)
    return _parse_csv(stream, encoding, default_region)


# --- file handling -----------------------------------------------------------------------------

_SPOOL_BYTES = 16 * 1024 * 1024
_SCAN_CHUNK = 256 * 1024


def _seekable(data: bytes | BinaryIO) -> BinaryIO:
    if isinstance(data, bytes | bytearray | memoryview):
        return io.BytesIO(data)  # shares the buffer until written to; no copy
    if data.seekable():
        return data
    # An upload stream that cannot rewind: spool it (to disk past 16 MB) so we can read it twice.
    spool = tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES)  # noqa: SIM115 - returned open
    shutil.copyfileobj(data, spool)
    spool.seek(0)
    return spool  # type: ignore[return-value]


def _detect_encoding(stream: BinaryIO) -> str:
    """UTF-8 (with or without BOM) or BOM-marked UTF-16; anything else is refused, by line."""
    start = stream.tell()
    head = stream.read(4)
    encoding = "utf-16" if head[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE) else "utf-8-sig"
    stream.seek(start)
    decoder = codecs.getincrementaldecoder(encoding)()
    consumed, newlines = 0, 0
    while chunk := stream.read(_SCAN_CHUNK):
        try:
            decoder.decode(chunk)
        except UnicodeDecodeError as exc:
            line = newlines + chunk.count(b"\n", 0, max(exc.start, 0)) + 1
            stream.seek(start)
            raise _not_utf8(line, consumed + exc.start) from exc
        consumed += len(chunk)
        newlines += chunk.count(b"\n")
    stream.seek(start)
    return encoding


def _not_utf8(line: int, offset: int) -> ImportFileError:
    return ImportFileError(
        f"The file is not UTF-8 text (the first unreadable byte is on line {line}, byte {offset}).",
        "Save it as 'CSV UTF-8' (Excel: File > Save As > CSV UTF-8) and import it again.",
    )


def _looks_like_json(filename: str, stream: BinaryIO, encoding: str) -> bool:
    lower = filename.lower()
    if lower.endswith(".json"):
        return True
    if lower.endswith((".csv", ".tsv", ".txt")):
        return False
    start = stream.tell()
    head = stream.read(256)
    stream.seek(start)
    text = head.decode(encoding, errors="ignore").lstrip("\ufeff \t\r\n")
    return text[:1] in ("{", "[")


# --- CSV ---------------------------------------------------------------------------------------


def _parse_csv(stream: BinaryIO, encoding: str, default_region: str) -> Iterator[ParsedRow]:
    text = io.TextIOWrapper(stream, encoding=encoding, newline="")
    header_line, first_line, delimiter = 1, text.readline(), ""
    if first_line.lower().startswith("sep=") and len(first_line.strip()) == 5:
        # Excel writes "sep=;" above the header when the delimiter is not the locale's default.
        header_line, delimiter, first_line = 2, first_line.strip()[4], text.readline()
    if not first_line.strip():
        raise ImportFileError(
            "The file is empty or its header line is blank.",
            "The first line must be a header such as: Name,Email,Phone,LinkedIn URL.",
        )
    delimiter = delimiter or _sniff_delimiter(first_line)
    header = next(csv.reader([first_line], delimiter=delimiter))
    try:
        columns = _map_header(header)
    except ImportFileError:
        text.detach()
        raise
    return _csv_rows(text, delimiter, columns, header_line, default_region)


def _sniff_delimiter(header_line: str) -> str:
    # Headers hold no delimiters of their own, so the most frequent candidate in it is the one.
    # (csv.Sniffer guesses from letter frequencies and is fooled by short headers.)
    counts = {d: header_line.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _csv_rows(
    text: io.TextIOWrapper,
    delimiter: str,
    columns: list[_Column | None],
    header_line: int,
    region: str,
) -> Iterator[ParsedRow]:
    # strict: a stray quote is an error for its record, and the reader resumes at the next line,
    # where the lenient mode would silently glue the rest of the file into one value.
    reader = csv.reader(text, delimiter=delimiter, strict=True)
    try:
        yield from _records(reader, columns, header_line, region)
    finally:
        text.detach()  # the caller's stream is theirs to close, not the wrapper's


def _records(
    reader: _csv.Reader, columns: list[_Column | None], header_line: int, region: str
) -> Iterator[ParsedRow]:
    while True:
        # reader.line_num counts the lines it has read, after the header: a record that spans
        # several lines (quoted newlines) starts on the line after the previous record's end.
        start = header_line + reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield ParsedRow(start, None, _csv_error_reason(exc))
            if header_line + reader.line_num < start:  # nothing consumed: give up, never spin
                return
            continue
        if any(cell.strip() for cell in cells):
            yield _csv_row(start, cells, columns, region)


def _csv_error_reason(exc: csv.Error) -> str:
    if "unexpected end of data" in str(exc):
        return (
            "a quote opened in this record is never closed, so the rest of the file was read "
            "as one value: close the quote and import the rows after it again."
        )
    return f"unreadable CSV record ({exc}): check the quotes on this line."


def _csv_row(line: int, cells: list[str], columns: list[_Column | None], region: str) -> ParsedRow:
    draft = _Draft()
    for column, cell in zip(columns, cells, strict=False):
        value = cell.strip()
        if column is not None and value:
            column.apply(draft, value)
    return _finish(line, draft, region)


# --- header mapping ----------------------------------------------------------------------------


def _key(name: str) -> str:
    """Header comparison key: case, spaces, punctuation and a trailing number do not matter."""
    return re.sub(r"\d+$", "", re.sub(r"[^a-z0-9]", "", name.lower()))


# Field -> header spellings seen in LinkedIn Recruiter, Greenhouse, Lever, Ashby and
# spreadsheet exports. Numbered copies ("Email 2", "Phone 3") match their base spelling.
_ALIASES: dict[str, tuple[str, ...]] = {
    "full_name": ("name", "full name", "candidate name", "candidate", "contact name",
                  "person name", "display name", "candidate full name"),
    "first_name": ("first name", "firstname", "given name", "forename", "first",
                   "candidate first name"),
    "last_name": ("last name", "lastname", "surname", "family name", "last",
                  "candidate last name"),
    "email": ("email", "e-mail", "email address", "e-mail address", "work email", "personal email",
              "emails", "email addresses", "primary email", "other email", "business email",
              "home email", "candidate email", "email personal", "email work", "mail"),
    "phone": ("phone", "phone number", "mobile", "mobile phone", "mobile number", "cell",
              "cell phone", "telephone", "tel", "work phone", "home phone", "phones",
              "phone numbers", "contact number", "candidate phone", "phone mobile"),
    "linkedin": ("linkedin", "linkedin url", "linkedin profile", "linkedin profile url",
                 "linkedin link", "linkedin public profile url", "public profile url",
                 "profile url", "linkedin id"),
    "link": ("website", "websites", "github", "github url", "portfolio", "portfolio url",
             "personal website", "url", "links", "other links", "social media", "twitter",
             "blog", "homepage"),
    "location": ("location", "address", "candidate location", "current location",
                 "geo location", "locality"),
    "city": ("city", "town", "location city"),
    "region": ("state", "region", "province", "state province", "state region", "county",
               "location state"),
    "country": ("country", "country code", "nation", "location country", "country name"),
    "headline": ("headline", "professional headline", "linkedin headline", "tagline"),
    "title": ("title", "current title", "job title", "position", "current position",
              "current job title", "role", "current role", "occupation"),
    "company": ("company", "current company", "employer", "current employer", "organization",
                "organisation", "company name", "current company name"),
    "skills": ("skills", "skill", "skill set", "skillset", "key skills", "expertise",
               "keywords", "top skills"),
    "summary": ("summary", "about", "bio", "biography", "profile summary", "description",
                "about me", "profile"),
    "source": ("source", "lead source", "candidate source", "origin", "source name"),
    "school": ("school", "university", "education", "college", "institution", "school name",
               "alma mater"),
    "degree": ("degree", "qualification", "degree type", "education degree"),
    "field_of_study": ("field of study", "major", "study field", "area of study", "discipline"),
    "start_date": ("start date", "start", "current start date", "position start date",
                   "started", "job start date"),
    "end_date": ("end date", "end", "position end date", "job end date"),
    "education_start": ("education start", "education start date", "school start date"),
    "education_end": ("education end", "education end date", "graduation date",
                      "graduation year", "school end date", "graduated"),
}  # fmt: skip
_BY_KEY: dict[str, str] = {_key(a): name for name, aliases in _ALIASES.items() for a in aliases}
_IDENTITY = frozenset({"full_name", "first_name", "last_name", "email", "linkedin"})


@dataclass(frozen=True)
class _Column:
    name: str  # the canonical field
    header: str  # as written in the file, for error messages

    def apply(self, draft: _Draft, value: str) -> None:
        draft.set(self.name, self.header, value)


def _map_header(header: list[str]) -> list[_Column | None]:
    columns = [_column(name) for name in header]
    found = {c.name for c in columns if c is not None}
    if not found & _IDENTITY:
        shown = ", ".join(repr(h.strip()) for h in header[:12]) or "nothing"
        raise ImportFileError(
            f"No column of this file names a candidate; the header has {shown}.",
            "Add a column for the name (or First Name and Last Name), the email or the "
            "LinkedIn URL, with one of those words as its header.",
        )
    return columns


def _column(header: str) -> _Column | None:
    cleaned = header.strip().lstrip("\ufeff")
    name = _BY_KEY.get(_key(cleaned))
    return _Column(name, cleaned) if name else None


# --- a row under construction ------------------------------------------------------------------

_LIST_SPLIT = re.compile(r"\s*[;,|\n]\s*")
_EMAIL_SPLIT = re.compile(r"[;,|\s]+")


@dataclass
class _Draft:
    """What a row (CSV or JSON) says, with the label each value came from for error messages."""

    scalars: dict[str, tuple[str, str]] = field(default_factory=dict)  # field -> (label, value)
    emails: list[tuple[str, str]] = field(default_factory=list)
    phones: list[tuple[str, str]] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    skills: list[str] = field(default_factory=list)
    experiences: list[ExperienceIn] = field(default_factory=list)
    educations: list[EducationIn] = field(default_factory=list)

    def set(self, name: str, label: str, value: str) -> None:
        if name == "email":
            self.emails.extend((label, v) for v in _EMAIL_SPLIT.split(value) if v)
        elif name == "phone":
            self.phones.extend((label, v) for v in _LIST_SPLIT.split(value) if v)
        elif name == "link":
            self.links.extend(v for v in re.split(r"[\s;,|]+", value) if v)
        elif name == "skills":
            self.skills.extend(v for v in _LIST_SPLIT.split(value) if v)
        else:
            self.scalars.setdefault(name, (label, value))  # the first non-empty column wins

    def get(self, name: str) -> str:
        return self.scalars[name][1] if name in self.scalars else ""


_T = TypeVar("_T")


def _finish(line: int, draft: _Draft, region: str) -> ParsedRow:
    try:
        return ParsedRow(line, _candidate(draft, region), None)
    except RowError as exc:
        return ParsedRow(line, None, str(exc))


def _candidate(draft: _Draft, region: str) -> CandidateCreate:
    emails = [_checked(label, normalise_email, v) for label, v in draft.emails]
    phones = [_checked(label, lambda v: normalise_phone(v, region), v) for label, v in draft.phones]
    linkedin, links = _linkedin_and_links(draft)
    named = draft.get("full_name") or draft.get("first_name") or draft.get("last_name")
    if not (named or emails or linkedin):
        raise RowError("no name, email or LinkedIn URL: a candidate needs at least one.")
    try:
        return CandidateCreate(
            full_name=draft.get("full_name"),
            first_name=draft.get("first_name"),
            last_name=draft.get("last_name"),
            emails=list(dict.fromkeys(emails)),
            phones=list(dict.fromkeys(phones)),
            linkedin_url=linkedin,
            links=links,
            location=_location(draft),
            headline=draft.get("headline") or _headline(draft),
            summary=draft.get("summary"),
            skills=list(dict.fromkeys(draft.skills)),
            experiences=draft.experiences or _csv_experience(draft),
            educations=draft.educations or _csv_education(draft),
            source=draft.get("source"),
        )
    except ValidationError as exc:
        raise RowError(_pydantic_reason(exc)) from exc


def _checked(label: str, normalise: Callable[[str], _T], value: str) -> _T:
    try:
        return normalise(value)
    except NormalisationError as exc:
        raise RowError(f"{label}: {exc}") from exc


def _linkedin_and_links(draft: _Draft) -> tuple[str | None, list[str]]:
    linkedin = None
    if "linkedin" in draft.scalars:
        label, value = draft.scalars["linkedin"]
        linkedin = _checked(label, normalise_linkedin_url, value)
    links: list[str] = []
    for link in dict.fromkeys(draft.links):
        # A LinkedIn profile among the websites fills an empty LinkedIn field, as people expect.
        if linkedin is None and "linkedin.com/" in link.lower():
            try:
                linkedin = normalise_linkedin_url(link)
                continue
            except NormalisationError:
                pass
        links.append(link)
    return linkedin, links


def _location(draft: _Draft) -> LocationIn:
    city, region, code = parse_location(draft.get("location"))
    country = draft.get("country")
    if country:
        country = _checked(draft.scalars["country"][0], normalise_country, country).code
    return LocationIn(
        city=draft.get("city") or city,
        region=draft.get("region") or region,
        country=country or code,
    )


def _headline(draft: _Draft) -> str:
    title, company = draft.get("title"), draft.get("company")
    return f"{title} at {company}" if title and company else title


def _csv_experience(draft: _Draft) -> list[ExperienceIn]:
    title, company = draft.get("title"), draft.get("company")
    if not (title or company):
        return []
    start = _date_field(draft, "start_date")
    end_text = draft.get("end_date")
    end = None if _is_present(end_text) else _date_field(draft, "end_date")
    return [ExperienceIn(title=title, company=company, start_date=start, end_date=end,
                         is_current=end is None)]  # fmt: skip


def _csv_education(draft: _Draft) -> list[EducationIn]:
    school, degree, study = draft.get("school"), draft.get("degree"), draft.get("field_of_study")
    if not (school or degree or study):
        return []
    return [
        EducationIn(
            school=school,
            degree=degree,
            field_of_study=study,
            start_date=_date_field(draft, "education_start"),
            end_date=_date_field(draft, "education_end"),
        )
    ]


def _date_field(draft: _Draft, name: str) -> date | None:
    if name not in draft.scalars:
        return None
    label, value = draft.scalars[name]
    try:
        return parse_partial_date(value)
    except ValueError as exc:
        raise RowError(f"{label}: {exc}") from exc


def _pydantic_reason(exc: ValidationError) -> str:
    first = exc.errors()[0]
    where = ".".join(str(part) for part in first["loc"])
    return f"{where}: {first['msg']}."


# --- dates -------------------------------------------------------------------------------------

_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1
)}  # fmt: skip
_PRESENT = frozenset({"present", "current", "now", "today", "ongoing", "-"})
_ISO = re.compile(r"^(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?(?:[t ].*)?$")
_MONTH_YEAR = re.compile(r"^(\d{1,2})[/.-](\d{4})$")
_NAMED_MONTH = re.compile(r"^([a-z]{3})[a-z]*\.?,?\s+(\d{4})$")


def _is_present(text: str) -> bool:
    return text.strip().lower() in _PRESENT


def parse_partial_date(text: str) -> date | None:
    """ "2019" -> 2019-01-01, "2019-04" / "04/2019" / "Apr 2019" -> 2019-04-01, full ISO dates
    as given; "" and "present" -> None. Raises ValueError saying which forms are understood."""
    value = text.strip().lower()
    if not value or value in _PRESENT:
        return None
    try:
        return _parse_date_forms(value)
    except ValueError:
        pass
    raise ValueError(
        f"{text.strip()!r} is not a date we can read: use 2019, 2019-04, 2019-04-15, 04/2019 "
        "or Apr 2019."
    )


def _parse_date_forms(value: str) -> date:
    if match := _ISO.match(value):
        year, month, day = match.groups()
        return date(int(year), int(month or 1), int(day or 1))
    if match := _MONTH_YEAR.match(value):
        return date(int(match[2]), int(match[1]), 1)
    if (match := _NAMED_MONTH.match(value)) and match[1] in _MONTHS:
        return date(int(match[2]), _MONTHS[match[1]], 1)
    raise ValueError(value)


# --- JSON Resume -------------------------------------------------------------------------------


def _parse_json(stream: BinaryIO, encoding: str, default_region: str) -> Iterator[ParsedRow]:
    # JSON Resume files are documents, not tables: a few kB each, so reading one whole is fine.
    try:
        document = json.loads(stream.read().decode(encoding))
    except json.JSONDecodeError as exc:
        raise ImportFileError(
            f"The file is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}.",
            "Fix the JSON (a validator such as jsonlint shows where) or upload a CSV instead.",
        ) from exc
    if isinstance(document, dict):
        document = [document]
    if not isinstance(document, list):
        raise ImportFileError(
            "The JSON file holds neither a resume object nor an array of them.",
            "Upload a JSON Resume (jsonresume.org) object, or an array of such objects.",
        )
    return (_json_row(index, item, default_region) for index, item in enumerate(document, 1))


def _json_row(index: int, item: object, region: str) -> ParsedRow:
    if not isinstance(item, dict):
        return ParsedRow(index, None, 'not a JSON Resume object (expected {"basics": {...}}).')
    try:
        draft = _json_draft(item)
    except RowError as exc:
        return ParsedRow(index, None, str(exc))
    return _finish(index, draft, region)


def _json_draft(resume: dict[str, Any]) -> _Draft:
    draft = _Draft()
    basics = _object(resume, "basics")
    for key, name in (("name", "full_name"), ("label", "headline"), ("summary", "summary")):
        _set_text(draft, name, f"basics.{key}", basics.get(key))
    _set_text(draft, "email", "basics.email", basics.get("email"))
    _set_text(draft, "phone", "basics.phone", basics.get("phone"))
    _set_text(draft, "link", "basics.url", basics.get("url") or basics.get("website"))
    location = _object(basics, "location", "basics.location")
    _set_text(draft, "city", "basics.location.city", location.get("city"))
    _set_text(draft, "region", "basics.location.region", location.get("region"))
    _set_text(draft, "country", "basics.location.countryCode", location.get("countryCode"))
    _json_profiles(draft, _array(basics, "profiles", "basics.profiles"))
    draft.experiences = [_json_work(i, w) for i, w in enumerate(_array(resume, "work"))]
    draft.educations = [_json_education(i, e) for i, e in enumerate(_array(resume, "education"))]
    draft.skills = _json_skills(_array(resume, "skills"))
    return draft


def _object(parent: dict[str, Any], key: str, label: str | None = None) -> dict[str, Any]:
    value = parent.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise RowError(f"{label or key}: expected an object, found {type(value).__name__}.")
    return value


def _array(parent: dict[str, Any], key: str, label: str | None = None) -> list[dict[str, Any]]:
    value = parent.get(key)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise RowError(f"{label or key}: expected an array of objects.")
    return value


def _set_text(draft: _Draft, name: str, label: str, value: object) -> None:
    if value is None:
        return
    if not isinstance(value, str | int | float):
        raise RowError(f"{label}: expected text, found {type(value).__name__}.")
    if text := str(value).strip():
        draft.set(name, label, text)


def _json_profiles(draft: _Draft, profiles: Iterable[dict[str, Any]]) -> None:
    for index, profile in enumerate(profiles):
        network = str(profile.get("network") or "").strip().lower()
        url = str(profile.get("url") or "").strip()
        username = str(profile.get("username") or "").strip()
        label = f"basics.profiles[{index}]"
        if network == "linkedin" or "linkedin.com/" in url.lower():
            if "linkedin" not in draft.scalars:
                draft.set("linkedin", f"{label}.url", url or f"linkedin.com/in/{username}")
        elif url:
            draft.links.append(url)


def _json_work(index: int, work: dict[str, Any]) -> ExperienceIn:
    label = f"work[{index}]"
    end = _json_date(work, "endDate", label)
    return _json_model(
        label,
        ExperienceIn,
        title=_text(work.get("position")),
        company=_text(work.get("name") or work.get("company")),
        start_date=_json_date(work, "startDate", label),
        end_date=end,
        is_current=end is None,
        description=_text(work.get("summary") or work.get("description")),
    )


def _json_education(index: int, education: dict[str, Any]) -> EducationIn:
    label = f"education[{index}]"
    return _json_model(
        label,
        EducationIn,
        school=_text(education.get("institution")),
        degree=_text(education.get("studyType")),
        field_of_study=_text(education.get("area")),
        start_date=_json_date(education, "startDate", label),
        end_date=_json_date(education, "endDate", label),
    )


_M = TypeVar("_M", ExperienceIn, EducationIn)


def _json_model(label: str, model: type[_M], **values: Any) -> _M:
    try:
        return model(**values)
    except ValidationError as exc:
        raise RowError(f"{label}.{_pydantic_reason(exc)}") from exc


def _json_date(item: dict[str, Any], key: str, label: str) -> date | None:
    try:
        return parse_partial_date(_text(item.get(key)))
    except ValueError as exc:
        raise RowError(f"{label}.{key}: {exc}") from exc


def _json_skills(skills: Iterable[dict[str, Any]]) -> list[str]:
    names: list[str] = []
    for skill in skills:
        names.append(_text(skill.get("name")))
        keywords = skill.get("keywords")
        if isinstance(keywords, list):
            names.extend(_text(k) for k in keywords)
    return [n for n in dict.fromkeys(names) if n]


def _text(value: object) -> str:
    return str(value).strip() if isinstance(value, str | int | float) else ""
