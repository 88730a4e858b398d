"""Pure normalisation of candidate contact data, used everywhere a candidate is written.

Every function returns one canonical value, so equal people compare equal (dedupe relies on it),
and normalising a normalised value changes nothing. Bad input raises `NormalisationError` worded
for the user: what is wrong with the value and what to do.

LinkedIn decisions (see `normalise_linkedin_url`):
- Only member profiles (`/in/<slug>`) are accepted; company, school, jobs, feed, Sales Navigator,
  Recruiter and old-style `/pub/` URLs are rejected (a `/pub/` URL cannot be mapped to its `/in/`
  slug offline, so the user is asked to paste the address it redirects to).
- The slug is percent-decoded, NFC-normalised and lower-cased, and kept as Unicode: the canonical
  value of `/in/j%C3%BCrgen-m` is `https://www.linkedin.com/in/jürgen-m`, readable and stable.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import cache, lru_cache
from typing import NamedTuple
from urllib.parse import unquote, urlsplit

import phonenumbers
import pycountry
from email_validator import EmailNotValidError, validate_email
from nameparser import HumanName
from nameparser.config import CONSTANTS as NAME_CONSTANTS

__all__ = [
    "Country",
    "NormalisationError",
    "normalise_country",
    "normalise_email",
    "normalise_linkedin_url",
    "normalise_phone",
    "parse_location",
    "split_full_name",
]


class NormalisationError(ValueError):
    """A value that cannot be normalised; the message says what is wrong and what to do."""


class Country(NamedTuple):
    code: str  # ISO 3166-1 alpha-2
    name: str  # the common English name when pycountry has one ("South Korea"), else ISO's


# --- memo --------------------------------------------------------------------------------------

# An import normalises each row's values, then the candidate service normalises the same values
# again (it also serves the API). Remembering recent results, and that every result normalises
# to itself, makes that second pass a dictionary lookup. Bounded: cleared when full.
_MEMO_SIZE = 8192
_emails: dict[str, str] = {}
_phones: dict[str, str] = {}
_linkedin_urls: dict[str, str] = {}


def _remembered(
    memo: dict[str, str], key: str, compute: Callable[[], str], prefix: str = ""
) -> str:
    """`compute()` for `key`, remembered; `prefix` + result is remembered too (idempotence)."""
    hit = memo.get(key)
    if hit is not None:
        return hit
    result = compute()
    if len(memo) >= _MEMO_SIZE:
        memo.clear()
    memo[key] = result
    memo[prefix + result] = result
    return result


# --- email -------------------------------------------------------------------------------------


def normalise_email(value: str) -> str:
    return _remembered(_emails, value, lambda: _normalise_email(value))


def _normalise_email(value: str) -> str:
    text = value.strip()
    if text.lower().startswith("mailto:"):
        text = text[len("mailto:") :]
    if not text:
        raise NormalisationError("The email address is empty: enter an address like jane@acme.com.")
    try:
        valid = validate_email(text, check_deliverability=False)
    except EmailNotValidError as exc:
        raise NormalisationError(
            f"{_show(value)} is not a valid email address: {exc} Check it for typos."
        ) from exc
    # Mail providers treat local parts case-insensitively in practice; one case makes dedupe work.
    return valid.normalized.lower()


# --- phone -------------------------------------------------------------------------------------


def normalise_phone(value: str, default_region: str = "US") -> str:
    """To E.164. Numbers without a `+country` prefix are read as numbers of `default_region`."""
    region = default_region.upper()
    # An E.164 result reads the same whatever the region, hence the region in the key.
    key, prefix = f"{region} {value}", f"{region} "
    return _remembered(_phones, key, lambda: _normalise_phone(value, region), prefix)


def _normalise_phone(value: str, default_region: str) -> str:
    text = value.strip()
    if not text:
        raise NormalisationError("The phone number is empty: enter a number like +1 415 555 0100.")
    try:
        number = phonenumbers.parse(text, default_region)
    except phonenumbers.NumberParseException as exc:
        raise NormalisationError(
            f"{_show(value)} is not a phone number: {_PARSE_REASONS.get(exc.error_type, exc)} "
            "Write it with its country code, like +44 20 7946 0958."
        ) from exc
    if not phonenumbers.is_valid_number(number):
        raise NormalisationError(
            f"{_show(value)} is not a valid phone number"
            f"{_region_hint(number, default_region)}. "
            "Check the digits and write it with its country code, like +49 30 901820."
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


_PARSE_REASONS = {
    phonenumbers.NumberParseException.INVALID_COUNTRY_CODE: "its country code is unknown.",
    phonenumbers.NumberParseException.NOT_A_NUMBER: "it does not look like a phone number.",
    phonenumbers.NumberParseException.TOO_SHORT_NSN: "it is too short.",
    phonenumbers.NumberParseException.TOO_SHORT_AFTER_IDD: "it is too short.",
    phonenumbers.NumberParseException.TOO_LONG: "it is too long.",
}


def _region_hint(number: phonenumbers.PhoneNumber, default_region: str) -> str:
    region = phonenumbers.region_code_for_country_code(number.country_code or 0)
    if region == "ZZ":
        return f" (+{number.country_code} is not a country calling code)"
    return f" for {region}" if region else f" for {default_region}"


# --- LinkedIn ----------------------------------------------------------------------------------

_LINKEDIN_CANONICAL = "https://www.linkedin.com/in/"
# Subdomains that serve member profiles: www, mobile variants and country sites (uk., de., ...).
_PROFILE_SUBDOMAIN = re.compile(r"^(?:www|m|mobile|touch|[a-z]{2})$")
_NOT_A_PROFILE = "is not a LinkedIn profile URL"
_EXPECTED = "paste the address of the person's profile, like https://www.linkedin.com/in/jane-doe"


def normalise_linkedin_url(value: str) -> str:
    """To `https://www.linkedin.com/in/<slug>`; see the module docstring for the decisions."""
    return _remembered(_linkedin_urls, value, lambda: _normalise_linkedin_url(value))


def _normalise_linkedin_url(value: str) -> str:
    text = value.strip()
    if not text:
        raise NormalisationError(f"The LinkedIn URL is empty: {_EXPECTED}.")
    if "://" not in text:
        text = "https://" + text.lstrip("/")
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not _is_linkedin_host(parts.hostname):
        raise NormalisationError(f"{_show(value)} {_NOT_A_PROFILE}: {_EXPECTED}.")
    return _LINKEDIN_CANONICAL + _profile_slug(value, parts.path)


def _is_linkedin_host(host: str | None) -> bool:
    if host is None:
        return False
    host = host.rstrip(".")  # urlsplit lower-cases the host already
    if host == "linkedin.com":
        return True
    sub, _, domain = host.partition(".")
    return domain == "linkedin.com" and bool(_PROFILE_SUBDOMAIN.match(sub))


def _profile_slug(value: str, path: str) -> str:
    segments = [s for s in path.split("/") if s]
    if segments[:1] == ["mwlite"]:  # LinkedIn Lite serves profiles under /mwlite/in/<slug>
        segments = segments[1:]
    head = segments[0].lower() if segments else ""
    if head == "pub":
        raise NormalisationError(
            f"{_show(value)} is an old-style /pub/ LinkedIn URL: open it in a browser and paste "
            "the /in/ address it leads to."
        )
    if head != "in" or len(segments) < 2:
        raise NormalisationError(f"{_show(value)} {_NOT_A_PROFILE}: {_EXPECTED}.")
    try:
        slug = unquote(segments[1], errors="strict")
    except UnicodeDecodeError as exc:
        raise NormalisationError(
            f"{_show(value)} has a garbled profile name (bad percent-encoding): {_EXPECTED}."
        ) from exc
    # Lower-case before composing: upper-casing can leave marks that only NFC folds back in.
    slug = unicodedata.normalize("NFC", slug.lower())
    if not _is_slug(slug):
        raise NormalisationError(
            f"{_show(value)} has an invalid profile name {slug!r}: LinkedIn profile names hold "
            f"only letters, digits and hyphens; {_EXPECTED}."
        )
    return slug


def _is_slug(slug: str) -> bool:
    # Letters of any script with their combining marks (Devanagari vowel signs...), digits, - and _.
    return 0 < len(slug) <= 100 and all(
        ch.isalnum() or ch in "-_" or unicodedata.category(ch).startswith("M") for ch in slug
    )


# --- countries and locations -------------------------------------------------------------------

# Names people write that pycountry does not know; the UK's nations map to GB (ISO has no code).
_COUNTRY_ALIASES: dict[str, str] = {
    "usa": "US",
    "us": "US",
    "u s": "US",
    "u s a": "US",
    "america": "US",
    "united states of america": "US",
    "uk": "GB",
    "u k": "GB",
    "britain": "GB",
    "great britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "deutschland": "DE",
    "holland": "NL",
    "nederland": "NL",
    "espana": "ES",
    "brasil": "BR",
    "bharat": "IN",
    "italia": "IT",
    "schweiz": "CH",
    "suisse": "CH",
    "svizzera": "CH",
    "osterreich": "AT",
    "belgie": "BE",
    "belgique": "BE",
    "polska": "PL",
    "sverige": "SE",
    "norge": "NO",
    "danmark": "DK",
    "suomi": "FI",
    "eire": "IE",
    "russia": "RU",
    "turkey": "TR",
    "czech republic": "CZ",
    "ivory coast": "CI",
    "uae": "AE",
    "emirates": "AE",
    "macedonia": "MK",
    "swaziland": "SZ",
    "burma": "MM",
    "cape verde": "CV",
    "vatican": "VA",
    "vatican city": "VA",
    "north korea": "KP",
    "south korea": "KR",
    "korea": "KR",
    "republic of korea": "KR",
    "drc": "CD",
    "democratic republic of the congo": "CD",
    "palestine": "PS",
    "micronesia": "FM",
    "brunei": "BN",
    "moldova": "MD",
    "tanzania": "TZ",
    "the gambia": "GM",
    "east timor": "TL",
}


def normalise_country(value: str) -> Country:
    """From an ISO alpha-2/alpha-3 code, an ISO, official or common name, or a common alias."""
    code = _country_index().get(_fold(value))
    if code is None:
        raise NormalisationError(
            f"Unknown country {_show(value)}: use a country name or an ISO 3166 code, "
            "like Germany, DE or DEU."
        )
    return _country(code)


@cache
def _country(code: str) -> Country:
    record = pycountry.countries.get(alpha_2=code)
    assert record is not None, code  # codes come from pycountry's own index
    return Country(code, getattr(record, "common_name", None) or record.name)


@lru_cache(maxsize=1)
def _country_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for record in pycountry.countries:
        for attr in ("alpha_2", "alpha_3", "name", "official_name", "common_name"):
            name = getattr(record, attr, None)
            if name:
                index[_fold(name)] = record.alpha_2
                if ", " in name:  # "Korea, Republic of" is also written "Republic of Korea"
                    head, _, tail = name.partition(", ")
                    index[_fold(f"{tail} {head}")] = record.alpha_2
    index.update(_COUNTRY_ALIASES)
    return index


_APOSTROPHES = "'\u2019"


def _fold(text: str) -> str:
    """Case, accents, punctuation and a leading "the" do not matter when matching names."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    # Apostrophes join ("Cote d'Ivoire" = "cote divoire"); other punctuation separates words.
    letters = "".join(
        ch for ch in decomposed if not unicodedata.combining(ch) and ch not in _APOSTROPHES
    )
    words = re.sub(r"[^\w]+", " ", letters).split()
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    return " ".join(words)


class _Region(NamedTuple):
    country_code: str
    name: str


@lru_cache(maxsize=1)
def _region_index() -> dict[str, _Region]:
    """US states, Canadian provinces and Australian states, by code ("TX") and by name."""
    index: dict[str, _Region] = {}
    for country in ("AU", "CA", "US"):
        for sub in pycountry.subdivisions.get(country_code=country):
            region = _Region(country, sub.name)
            index[_fold(sub.code.split("-", 1)[1])] = region
            index[_fold(sub.name)] = region
    return index


# Names that are both a country and a US state; in the exports we read the state is far likelier.
_STATE_OVER_COUNTRY = frozenset({"georgia"})
_REMOTE = re.compile(r"[(\[]?\b(?:fully\s+|100%\s+)?remote\b(?:\s+only)?[)\]]?", re.IGNORECASE)
_SEPARATORS = " -\u2013\u2014|/:"  # hyphen, en and em dashes, bars, slashes, colons
_NOWHERE = frozenset({"", "anywhere", "worldwide", "global", "earth"})


def parse_location(value: str) -> tuple[str, str, str]:
    """Free text to (city, region, country_code or "").

    "San Francisco, CA, United States" -> ("San Francisco", "CA", "US"); "London, UK" ->
    ("London", "", "GB"); "Austin, TX" -> ("Austin", "TX", "US") (a two-letter code after a city
    is read as a US/Canadian/Australian region first, the common US export style, so "Berlin, DE"
    needs "Germany"); "Remote" -> ("", "", ""), and "Remote - UK" -> ("", "", "GB"): remote is not
    a place, but a country given with it is kept. Unrecognised trailing parts stay as the region.
    """
    text = _REMOTE.sub(" ", value)
    parts = [p.strip(_SEPARATORS) for p in text.split(",")]
    parts = [p for p in parts if p]
    if not parts or (len(parts) == 1 and _fold(parts[0]) in _NOWHERE):
        return ("", "", "")
    if len(parts) == 1:
        return _parse_single(parts[0])
    city, *middle, last = parts
    country = _country_or_none(last, prefer_region=not middle)
    if country is not None:
        return (city, ", ".join(middle), country)
    region = _region_index().get(_fold(last))
    return (", ".join([city, *middle]), last, region.country_code if region else "")


def _parse_single(part: str) -> tuple[str, str, str]:
    country = _country_or_none(part, prefer_region=False)
    if country is not None:
        return ("", "", country)
    region = _region_index().get(_fold(part))
    if region is not None and len(part) > 3:  # "Texas" is a region; "TX" alone is too vague
        return ("", part, region.country_code)
    return (part, "", "")


def _country_or_none(part: str, *, prefer_region: bool) -> str | None:
    folded = _fold(part)
    regions = _region_index()
    # After a city, "CA", "TX" or "Georgia" name a state, not Canada, ... or the Caucasus.
    if prefer_region and folded in regions and (len(folded) <= 3 or folded in _STATE_OVER_COUNTRY):
        return None
    return _country_index().get(folded)


# --- names -------------------------------------------------------------------------------------


def split_full_name(value: str) -> tuple[str, str]:
    """(first, last): titles, middle names and suffixes are left out ("Dr. Mary Jane Watson,
    PhD" -> ("Mary", "Watson")); "Watson, Mary" is understood; a single word is a first name."""
    words = value.split()
    if len(words) == 2 and not any(_is_name_particle(word) for word in words):
        return (words[0], words[1])  # the common case, without nameparser's ~90 us per name
    name = HumanName(" ".join(words))
    return (name.first, name.last)


def _is_name_particle(word: str) -> bool:
    """Whether nameparser would treat the word specially (title, prefix, suffix, "y", comma)."""
    key = word.lower().strip(".")
    return "," in word or any(
        key in group
        for group in (
            NAME_CONSTANTS.titles,
            NAME_CONSTANTS.prefixes,
            NAME_CONSTANTS.suffix_acronyms,
            NAME_CONSTANTS.suffix_not_acronyms,
            NAME_CONSTANTS.conjunctions,
        )
    )


def _show(value: str) -> str:
    shown = value.strip()
    return repr(shown if len(shown) <= 80 else shown[:77] + "...")
