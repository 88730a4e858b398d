from __future__ import annotations

import string
from urllib.parse import quote

import phonenumbers
import pycountry
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nameparser import HumanName

from openpin.kit.normalise import (
    Country,
    NormalisationError,
    normalise_country,
    normalise_email,
    normalise_linkedin_url,
    normalise_phone,
    parse_location,
    split_full_name,
)

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# --- strategies --------------------------------------------------------------------------------

_ascii_slug_chars = string.ascii_letters + string.digits + "-"
ascii_slugs = st.text(_ascii_slug_chars, min_size=3, max_size=40).filter(lambda s: s.strip("-"))
unicode_slugs = st.text(
    st.characters(categories=["Ll", "Lu", "Nd"], max_codepoint=0x4FFF), min_size=1, max_size=20
).filter(lambda s: normalise_or_none(s) is not None)


def normalise_or_none(slug: str) -> str | None:
    try:
        return normalise_linkedin_url(f"https://www.linkedin.com/in/{quote(slug)}")
    except NormalisationError:
        return None


hosts = st.sampled_from(
    ["www.linkedin.com", "linkedin.com", "uk.linkedin.com", "de.linkedin.com", "ca.linkedin.com",
     "m.linkedin.com", "mobile.linkedin.com", "WWW.LinkedIn.COM", "in.linkedin.com"]
)  # fmt: skip
prefixes = st.sampled_from(["https://", "http://", "", "HTTPS://", "//"])
tails = st.sampled_from(
    ["", "/", "/details/experience/", "/en", "/de/", "/recent-activity/all/",
     "/overlay/contact-info/"]
)  # fmt: skip
queries = st.sampled_from(["", "?trk=public_profile", "?originalSubdomain=uk&x=1", "?"])
fragments = st.sampled_from(["", "#experience", "#"])
regions_with_mobiles = [
    r
    for r in sorted(phonenumbers.SUPPORTED_REGIONS)
    if phonenumbers.example_number_for_type(r, phonenumbers.PhoneNumberType.MOBILE)
]
local_parts = st.text(
    string.ascii_letters + string.digits + "._+-", min_size=1, max_size=30
).filter(lambda s: s[0] not in ".-+" and s[-1] != "." and ".." not in s)
domains = st.sampled_from(["example.com", "Acme.CO.UK", "mail.example.org", "xn--bcher-kva.de"])


def recase(rnd: st.DataObject, text: str) -> str:
    return "".join(c.upper() if rnd.draw(st.booleans()) else c.lower() for c in text)


# --- email -------------------------------------------------------------------------------------


@FAST
@given(local=local_parts, domain=domains, data=st.data())
def test_email_is_lower_case_idempotent_and_case_insensitive(
    local: str, domain: str, data: st.DataObject
) -> None:
    address = f"{local}@{domain}"
    canonical = normalise_email(address)
    assert canonical == canonical.lower()
    assert normalise_email(canonical) == canonical
    assert normalise_email(f"  {recase(data, address)} ") == canonical


def test_email_keeps_the_address_and_drops_mailto() -> None:
    assert normalise_email("mailto:Jane.Doe+jobs@Example.COM") == "jane.doe+jobs@example.com"
    assert normalise_email("josé@exämple.de") == "josé@exämple.de"


@pytest.mark.parametrize(
    "bad",
    ["", "   ", "jane", "jane@", "@example.com", "jane@example", "jane doe@example.com",
     "jane@@example.com", "jane@localhost", "jane@example..com", "a@b.test", "<jane@example.com>"],
)  # fmt: skip
def test_email_rejects_garbage(bad: str) -> None:
    with pytest.raises(NormalisationError, match="email address"):
        normalise_email(bad)


# --- phone -------------------------------------------------------------------------------------


@FAST
@given(region=st.sampled_from(regions_with_mobiles), kind=st.sampled_from(["mobile", "fixed"]))
def test_phone_round_trips_e164_from_each_regions_example_numbers(region: str, kind: str) -> None:
    kinds = {"mobile": phonenumbers.PhoneNumberType.MOBILE,
             "fixed": phonenumbers.PhoneNumberType.FIXED_LINE}  # fmt: skip
    example = phonenumbers.example_number_for_type(region, kinds[kind])
    if example is None:
        return
    e164 = phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.E164)
    national = phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.NATIONAL)
    international = phonenumbers.format_number(
        example, phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    assert normalise_phone(e164) == e164
    assert normalise_phone(international, default_region="US") == e164
    assert normalise_phone(national, default_region=region) == e164


def test_phone_reads_national_numbers_in_the_default_region() -> None:
    assert normalise_phone("(415) 555-2671") == "+14155552671"
    assert normalise_phone("020 7946 0958", default_region="GB") == "+442079460958"
    assert normalise_phone("0044 20 7946 0958", default_region="DE") == "+442079460958"
    assert normalise_phone("tel:+33-6-12-34-56-78") == "+33612345678"


@pytest.mark.parametrize(
    ("bad", "reason"),
    [("", "empty"), ("abc", "not a phone number"), ("12", "not a valid phone number for US"),
     ("+999 1234 5678", "country code"), ("020 7946 0958", "not a valid phone number for US"),
     ("+1 555 555 55555555", "not")],
)  # fmt: skip
def test_phone_rejects_invalid_numbers(bad: str, reason: str) -> None:
    with pytest.raises(NormalisationError, match=reason):
        normalise_phone(bad)


# --- LinkedIn ----------------------------------------------------------------------------------


@FAST
@given(
    slug=ascii_slugs,
    prefix=prefixes,
    host=hosts,
    tail=tails,
    query=queries,
    fragment=fragments,
    data=st.data(),
)
def test_linkedin_variants_of_a_slug_collapse_to_one_value(
    slug: str, prefix: str, host: str, tail: str, query: str, fragment: str, data: st.DataObject
) -> None:
    canonical = f"https://www.linkedin.com/in/{slug.lower()}"
    path = recase(data, "/in/") + recase(data, slug)
    assert normalise_linkedin_url(f"{prefix}{host}{path}{tail}{query}{fragment}") == canonical
    assert normalise_linkedin_url(canonical) == canonical


@FAST
@given(slug=unicode_slugs, upper=st.booleans())
def test_linkedin_unicode_slugs_are_decoded_consistently(slug: str, upper: bool) -> None:
    canonical = normalise_or_none(slug)
    assert canonical is not None
    # Upper-casing is not always reversible ("ß" -> "SS"); reversible case changes must collapse.
    recased = slug.upper() if upper and slug.upper().lower() == slug.lower() else slug
    encoded = quote(recased)
    assert normalise_linkedin_url(f"uk.linkedin.com/in/{encoded}/") == canonical
    assert normalise_linkedin_url(f"https://www.linkedin.com/in/{encoded.lower()}") == canonical
    assert normalise_linkedin_url(canonical) == canonical  # the decoded form is a fixed point


def test_linkedin_examples() -> None:
    want = "https://www.linkedin.com/in/jürgen-müller"
    assert normalise_linkedin_url("https://de.linkedin.com/in/J%C3%BCrgen-M%C3%BCller/") == want
    assert normalise_linkedin_url("de.linkedin.com/in/j%c3%bcrgen-m%c3%bcller?trk=x") == want
    assert normalise_linkedin_url("https://www.linkedin.com/in/Jürgen-Müller") == want
    assert (
        normalise_linkedin_url("https://www.linkedin.com/mwlite/in/jane-doe")
        == "https://www.linkedin.com/in/jane-doe"
    )


@pytest.mark.parametrize(
    "bad",
    ["https://www.linkedin.com/company/acme", "https://www.linkedin.com/jobs/view/123",
     "https://www.linkedin.com/school/mit/", "https://www.linkedin.com/feed/",
     "https://www.linkedin.com/", "linkedin.com", "https://www.linkedin.com/in/",
     "https://www.linkedin.com/sales/lead/ACwAAA,NAME_SEARCH", "https://www.linkedin.com/talent/profile/AEMAA",
     "https://www.linkedin.com/profile/view?id=123", "https://example.com/in/jane-doe",
     "https://www.linkedin.com.evil.example/in/jane", "https://business.linkedin.com/in/jane",
     "ftp://www.linkedin.com/in/jane", "jane-doe", "https://lnkd.in/abc"],
)  # fmt: skip
def test_linkedin_rejects_non_profile_urls(bad: str) -> None:
    with pytest.raises(NormalisationError, match="not a LinkedIn profile URL"):
        normalise_linkedin_url(bad)


@pytest.mark.parametrize(
    ("bad", "reason"),
    [("https://www.linkedin.com/pub/jane-doe/1a/2b3/4c5", "old-style /pub/"),
     ("https://www.linkedin.com/in/jane%20doe", "invalid profile name"),
     ("https://www.linkedin.com/in/jane.doe", "invalid profile name"),
     ("https://www.linkedin.com/in/%FF%FE", "percent-encoding"), ("", "empty")],
)  # fmt: skip
def test_linkedin_rejections_say_why(bad: str, reason: str) -> None:
    with pytest.raises(NormalisationError, match=reason):
        normalise_linkedin_url(bad)


# --- countries ---------------------------------------------------------------------------------


def test_country_round_trips_over_every_iso_country() -> None:
    for record in pycountry.countries:
        expected = normalise_country(record.alpha_2)
        assert expected.code == record.alpha_2
        for spelling in (record.alpha_3, record.name, record.alpha_2.lower(), record.name.upper()):
            assert normalise_country(spelling) == expected, spelling
        assert normalise_country(expected.name) == expected  # idempotent on its own output


@pytest.mark.parametrize(
    ("text", "code"),
    [("USA", "US"), ("United States of America", "US"), ("u.s.a.", "US"), ("UK", "GB"),
     ("Great Britain", "GB"), ("England", "GB"), ("Scotland", "GB"), ("Deutschland", "DE"),
     ("Holland", "NL"), ("the Netherlands", "NL"), ("España", "ES"), ("Brasil", "BR"),
     ("South Korea", "KR"), ("Republic of Korea", "KR"), ("Turkey", "TR"), ("Czech Republic", "CZ"),
     ("Côte d'Ivoire", "CI"), ("cote divoire", "CI"), ("Russia", "RU"), ("Vietnam", "VN")],
)  # fmt: skip
def test_country_aliases(text: str, code: str) -> None:
    assert normalise_country(text).code == code


@pytest.mark.parametrize("bad", ["", "Atlantis", "XX", "Europe", "Remote"])
def test_country_rejects_unknown(bad: str) -> None:
    with pytest.raises(NormalisationError, match="Unknown country"):
        normalise_country(bad)


def test_country_names_are_friendly() -> None:
    assert normalise_country("KR") == Country("KR", "South Korea")
    assert normalise_country("gb") == Country("GB", "United Kingdom")


# --- locations and names -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [("San Francisco, CA, United States", ("San Francisco", "CA", "US")),
     ("London, UK", ("London", "", "GB")), ("Berlin, Germany", ("Berlin", "", "DE")),
     ("Austin, TX", ("Austin", "TX", "US")), ("Toronto, ON", ("Toronto", "ON", "CA")),
     ("Brooklyn, New York", ("Brooklyn", "New York", "US")), ("Texas", ("", "Texas", "US")),
     ("Germany", ("", "", "DE")), ("Berlin", ("Berlin", "", "")),
     ("Remote", ("", "", "")), ("Remote - UK", ("", "", "GB")), ("Anywhere", ("", "", "")),
     ("London, UK (Remote)", ("London", "", "GB")), ("", ("", "", "")),
     ("Paris, Île-de-France, France", ("Paris", "Île-de-France", "FR")),
     ("Greater Seattle Area", ("Greater Seattle Area", "", "")),
     ("Springfield, Narnia", ("Springfield", "Narnia", ""))],
)  # fmt: skip
def test_parse_location(text: str, expected: tuple[str, str, str]) -> None:
    assert parse_location(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Jane Doe", ("Jane", "Doe")), ("Dr. Mary Jane Watson, PhD", ("Mary", "Watson")),
     ("Watson, Mary", ("Mary", "Watson")), ("Madonna", ("Madonna", "")),
     ("Pieter van den Berg", ("Pieter", "van den Berg")), ("  ", ("", "")),
     ("José  García-López", ("José", "García-López"))],
)  # fmt: skip
def test_split_full_name(text: str, expected: tuple[str, str]) -> None:
    assert split_full_name(text) == expected


@FAST
@given(
    first=st.sampled_from(["Jane", "King", "Dr", "Van", "Mary-Jo", "O'Neil", "Jr", "Y", "José"]),
    last=st.sampled_from(["Doe", "James", "III", "PhD", "van", "Smith,", "Müller", "Esq."]),
)
def test_split_full_name_fast_path_agrees_with_nameparser(first: str, last: str) -> None:
    parsed = HumanName(f"{first} {last}")
    assert split_full_name(f" {first}  {last} ") == (parsed.first, parsed.last)


def test_remembered_results_respect_the_default_region() -> None:
    assert normalise_phone("020 7946 0958", default_region="GB") == "+442079460958"
    with pytest.raises(NormalisationError, match="for US"):
        normalise_phone("020 7946 0958", default_region="US")
    assert normalise_phone("+442079460958", default_region="US") == "+442079460958"
    with pytest.raises(NormalisationError):  # failures are not remembered as successes
        normalise_email("not-an-email")
    with pytest.raises(NormalisationError):
        normalise_email("not-an-email")
