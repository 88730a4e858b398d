"""Deterministic, realistic demo people for the demo, the tests and the import benchmark.

Person ``i`` is derived from ``(seed, i)`` alone, so it is the same whatever ``count`` is asked for
and any slice can be generated without the ones before it. Emails and LinkedIn slugs carry a token
that is injective in the index, which makes them unique without any shared state.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache
from itertools import accumulate

from openpin.demo.words import (
    COMPANY_STEMS,
    COUNTRIES,
    EMAIL_DOMAINS,
    FIELD_WEIGHTS,
    FIELDS,
    FIRST_NAMES,
    LAST_NAMES,
    SENIORITIES,
    SENIORITY_WEIGHTS,
    YEARS_BY_LEVEL,
    City,
    Country,
    Field,
)

# A fixed "today": generated careers must not shift with the wall clock.
ANCHOR_DATE = date(2026, 10, 1)

__all__ = [
    "ANCHOR_DATE",
    "DEMO_JOBS",
    "DemoJob",
    "Person",
    "PersonEducation",
    "PersonRole",
    "generate_people",
    "iter_people",
]


@dataclass(frozen=True)
class PersonRole:
    title: str
    company: str
    start: date
    end: date | None  # None: the current role


@dataclass(frozen=True)
class PersonEducation:
    school: str
    degree: str
    field: str
    start_year: int
    end_year: int


@dataclass(frozen=True)
class Person:
    first_name: str
    last_name: str
    email: str
    phone: str  # E.164
    linkedin_url: str  # canonical https://www.linkedin.com/in/<slug>
    city: str
    region: str
    country_code: str  # ISO 3166 alpha-2
    headline: str
    summary: str
    skills: tuple[str, ...]
    roles: tuple[PersonRole, ...]  # most recent first; the first is current
    educations: tuple[PersonEducation, ...]

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def seniority(self) -> str:
        """The seniority of the current title (one of `openpin.models.job.Seniority`)."""
        return _seniority_of_title(self.roles[0].title)


@dataclass(frozen=True)
class DemoJob:
    title: str
    description: str
    locations: tuple[str, ...]
    must_have_skills: tuple[str, ...]
    nice_to_have_skills: tuple[str, ...]
    seniority: str  # one of `openpin.models.job.Seniority` values


def generate_people(count: int, seed: int = 42) -> list[Person]:
    return list(iter_people(count, seed))


def iter_people(count: int, seed: int = 42) -> Iterator[Person]:
    for index in range(count):
        yield person_at(index, seed)


def person_at(index: int, seed: int = 42) -> Person:
    """The person at ``index`` for ``seed``; independent of every other index."""
    # A string seed is hashed with SHA-512 by `random`, so it is stable across runs and platforms.
    rng = random.Random(f"openpin-demo:{seed}:{index}")
    country = rng.choices(COUNTRIES, cum_weights=_COUNTRY_CUM)[0]
    field = rng.choices(FIELDS, cum_weights=_FIELD_CUM)[0]
    level = rng.choices(range(len(SENIORITIES)), cum_weights=_LEVEL_CUM)[0]
    first, last = _name(rng, country)
    city = rng.choice(country.cities)
    roles = _roles(rng, field, level)
    skills = tuple(rng.sample(field.skills, rng.randint(4, 9)))
    return Person(
        first_name=first,
        last_name=last,
        email=_email(rng, first, last, index, seed),
        phone=_phone(rng, city),
        linkedin_url=f"https://www.linkedin.com/in/{_slug(rng, first, last, index, seed)}",
        city=city.name,
        region=city.region,
        country_code=country.code,
        headline=f"{roles[0].title} at {roles[0].company}",
        summary=_summary(rng, field, roles, skills),
        skills=skills,
        roles=roles,
        educations=_educations(rng, field, country, roles),
    )


_COUNTRY_CUM = list(accumulate(c.weight for c in COUNTRIES))
_FIELD_CUM = list(accumulate(FIELD_WEIGHTS))
_LEVEL_CUM = list(accumulate(SENIORITY_WEIGHTS))
_ASCII_FOLD = str.maketrans({"ß": "ss", "ø": "o", "Ø": "O", "æ": "ae", "ł": "l", "'": "", " ": ""})


def _name(rng: random.Random, country: Country) -> tuple[str, str]:
    # Some people live outside the country their name comes from, as in any real talent pool.
    pool = country.names if rng.random() < 0.8 else rng.choice(tuple(FIRST_NAMES))
    return rng.choice(FIRST_NAMES[pool]), rng.choice(LAST_NAMES[pool])


@lru_cache(maxsize=4096)  # names repeat constantly; folding them is the generator's hot spot
def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.translate(_ASCII_FOLD))
    return "".join(ch for ch in decomposed if ch.isascii() and ch.isalnum()).lower()


def _token(index: int, seed: int) -> int:
    # Odd multiplier modulo 2**32 is a bijection, so distinct indexes give distinct tokens.
    return ((index + seed * 7919) * 0x9E3779B1) & 0xFFFFFFFF


def _email(rng: random.Random, first: str, last: str, index: int, seed: int) -> str:
    f, ln = _ascii(first), _ascii(last)
    local = rng.choice((f"{f}.{ln}", f"{f[0]}{ln}", f"{f}_{ln}", f"{f}{ln}", f"{ln}.{f}"))
    # The trailing number is injective in the index and names hold no digits, so emails are unique.
    return f"{local}{100 + index * 37 + seed % 37}@{rng.choice(EMAIL_DOMAINS)}"


def _slug(rng: random.Random, first: str, last: str, index: int, seed: int) -> str:
    f, ln = _ascii(first), _ascii(last)
    stem = rng.choice((f"{f}-{ln}", f"{f}{ln}", f"{f[0]}{ln}"))
    return f"{stem}-{_token(index, seed):08x}"


def _phone(rng: random.Random, city: City) -> str:
    prefix, digits, floor = rng.choice(city.phones)
    first = rng.randint(floor, 9)
    rest = rng.randrange(10 ** (digits - 1))
    return f"{prefix}{first}{rest:0{digits - 1}d}"


def _company(rng: random.Random, field: Field) -> str:
    return f"{rng.choice(COMPANY_STEMS)} {rng.choice(field.company_kinds)}"


def _roles(rng: random.Random, field: Field, level: int) -> tuple[PersonRole, ...]:
    low, high = YEARS_BY_LEVEL[level]
    months_left = rng.randint(low * 12, high * 12) + 6
    base = rng.choice(field.bases)
    count = 1 if level == 0 else rng.randint(1, min(5, 1 + months_left // 18))
    roles: list[PersonRole] = []
    end: date | None = None
    cursor = ANCHOR_DATE
    for position in range(count):
        # The current role is the most senior; earlier ones step down the ladder.
        role_level = level if position == 0 else max(0, level - rng.randint(0, 1) - position // 2)
        share = months_left if position == count - 1 else rng.randint(6, max(6, months_left // 2))
        months_left = max(6, months_left - share)
        start = _months_before(cursor, max(3, share))
        roles.append(PersonRole(field.title(role_level, base), _company(rng, field), start, end))
        gap = rng.choice((0, 0, 0, 1, 2, 3))
        end = _months_before(start, 1 if gap == 0 else gap)
        cursor = end
    return tuple(roles)


def _months_before(day: date, months: int) -> date:
    total = day.year * 12 + (day.month - 1) - months
    return date(total // 12, total % 12 + 1, 1)


def _educations(
    rng: random.Random, field: Field, country: Country, roles: tuple[PersonRole, ...]
) -> tuple[PersonEducation, ...]:
    count = rng.choices((0, 1, 2), weights=(15, 60, 25))[0]
    end_year = roles[-1].start.year
    if roles[-1].title.endswith(("Intern", "Student Nurse")):
        end_year = ANCHOR_DATE.year + 1  # still studying
    items: list[PersonEducation] = []
    for position in range(count):
        degree = field.degrees[0] if position == count - 1 else rng.choice(field.degrees[1:])
        length = 4 if position == count - 1 else rng.randint(1, 2)
        school, study = rng.choice(country.schools), rng.choice(field.studies)
        items.append(PersonEducation(school, degree, study, end_year - length, end_year))
        end_year -= length
    return tuple(items)


def _summary(
    rng: random.Random, field: Field, roles: tuple[PersonRole, ...], skills: tuple[str, ...]
) -> str:
    years = max(1, ANCHOR_DATE.year - roles[-1].start.year)
    opener = rng.choice(
        (
            f"{roles[0].title} with {years} years of experience in {field.label}.",
            f"{years}+ years in {field.label}, currently {roles[0].title} at {roles[0].company}.",
            f"I work in {field.label} and have done so for {years} years.",
        )
    )
    middle = f"Strongest with {', '.join(skills[:3])} and {skills[3]}."
    closer = rng.choice(
        (
            "Enjoys mentoring and building teams that ship.",
            "Open to new opportunities.",
            "Passionate about quality, clear communication and measurable results.",
            "Looking for a mission-driven team.",
            "",
        )
    )
    return " ".join(part for part in (opener, middle, closer) if part)


@cache
def _seniority_of_title(title: str) -> str:
    for field in FIELDS:
        for level in range(len(SENIORITIES)):
            for base in field.bases:
                if field.title(level, base) == title:
                    return SENIORITIES[level]
    return "mid"


DEMO_JOBS: tuple[DemoJob, ...] = (
    DemoJob(
        "Senior Backend Engineer",
        "Design, build and run the Python services behind our payments platform. You will own "
        "APIs end to end, from schema design in PostgreSQL to deployment on Kubernetes, and "
        "mentor other engineers through code review and pairing.",
        ("San Francisco, CA, United States", "Remote"),
        ("Python", "PostgreSQL", "REST APIs"),
        ("Kubernetes", "AWS", "Django", "System Design"),
        "senior",
    ),
    DemoJob(
        "Frontend Engineer",
        "Build fast, accessible interfaces in React and TypeScript for a product used by "
        "thousands of recruiters every day, working closely with design and product.",
        ("London, United Kingdom", "Amsterdam, Netherlands"),
        ("TypeScript", "React"),
        ("GraphQL", "Node.js", "CI/CD"),
        "mid",
    ),
    DemoJob(
        "Machine Learning Engineer",
        "Train, evaluate and ship ranking and NLP models into production. You will own the "
        "path from notebook to monitored service and work with a small, senior data team.",
        ("Berlin, Germany", "Remote"),
        ("Python", "Machine Learning", "PyTorch"),
        ("NLP", "Spark", "Airflow", "SQL"),
        "senior",
    ),
    DemoJob(
        "Data Analyst",
        "Turn product and revenue data into decisions: build dashboards, define metrics and "
        "run experiments with product managers across the company.",
        ("New York, NY, United States",),
        ("SQL", "Tableau"),
        ("Python", "A/B Testing", "dbt", "Statistics"),
        "junior",
    ),
    DemoJob(
        "Lead Product Designer",
        "Lead design for our candidate experience, from research to high-fidelity prototypes, "
        "and grow our design system with a team of three designers.",
        ("Paris, France", "Remote"),
        ("Figma", "Design Systems", "User Research"),
        ("Prototyping", "Accessibility", "Usability Testing"),
        "lead",
    ),
    DemoJob(
        "Senior Product Manager",
        "Own the roadmap for sourcing: talk to customers weekly, set goals with engineering and "
        "design, and measure outcomes rather than output.",
        ("Toronto, ON, Canada", "Remote"),
        ("Product Strategy", "Roadmapping", "Stakeholder Management"),
        ("SQL", "Product Analytics", "A/B Testing"),
        "senior",
    ),
    DemoJob(
        "Enterprise Account Executive",
        "Win and grow enterprise accounts across EMEA, running complex sales cycles with "
        "multiple stakeholders from first call to signature.",
        ("London, United Kingdom", "Madrid, Spain"),
        ("Enterprise Sales", "SaaS Sales", "Negotiation"),
        ("Salesforce", "MEDDIC", "Forecasting"),
        "senior",
    ),
    DemoJob(
        "Growth Marketing Manager",
        "Own paid and lifecycle acquisition: plan campaigns, run experiments and report on "
        "pipeline with the sales team.",
        ("Austin, TX, United States",),
        ("Paid Acquisition", "Email Marketing", "Google Analytics"),
        ("SEO", "HubSpot", "Marketing Automation"),
        "manager",
    ),
    DemoJob(
        "Registered Nurse, ICU",
        "Provide critical care to adult patients in a 24-bed intensive care unit, working with "
        "physicians and respiratory therapists on day and night rotations.",
        ("Boston, MA, United States", "Sydney, NSW, Australia"),
        ("Critical Care", "ACLS", "Patient Care"),
        ("Epic", "IV Therapy", "Infection Control"),
        "mid",
    ),
    DemoJob(
        "Senior Technical Recruiter",
        "Hire engineers and data scientists end to end: partner with hiring managers, source "
        "passive candidates and run a fair, structured process.",
        ("Bengaluru, India", "Remote"),
        ("Recruiting", "Sourcing", "Boolean Search"),
        ("Greenhouse", "Employer Branding", "Interviewing"),
        "senior",
    ),
    DemoJob(
        "Finance Director",
        "Lead FP&A and accounting for a growing multi-entity group: budgeting, forecasting, "
        "month-end close and board reporting.",
        ("Amsterdam, Netherlands",),
        ("Financial Modeling", "Budgeting", "IFRS"),
        ("NetSuite", "Power BI", "Month-End Close"),
        "director",
    ),
    DemoJob(
        "Mechanical Design Engineer",
        "Design mechanical assemblies for industrial robots from concept to production, "
        "including tolerance analysis and supplier handover.",
        ("Munich, Germany",),
        ("SolidWorks", "GD&T", "CAD"),
        ("FEA", "DFM", "Prototyping"),
        "mid",
    ),
    DemoJob(
        "Embedded Systems Engineer",
        "Write firmware for battery management systems and bring up new boards with the "
        "hardware team.",
        ("São Paulo, Brazil", "Eindhoven, Netherlands"),
        ("Embedded C", "Microcontrollers"),
        ("PCB Design", "Power Electronics", "Signal Processing"),
        "mid",
    ),
    DemoJob(
        "Privacy Counsel",
        "Advise product and engineering on GDPR and global privacy law, negotiate data "
        "processing agreements and run our privacy programme.",
        ("Dublin, Ireland", "London, United Kingdom"),
        ("GDPR", "Data Privacy", "Commercial Contracts"),
        ("Compliance", "Regulatory Affairs"),
        "senior",
    ),
)
