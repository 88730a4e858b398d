"""A deterministic organisation for the sandbox: the same seed always gives the same records.

Some candidates share an email or a LinkedIn URL with OpenPin's demo people (people 0..39 of
`openpin.demo.people.generate_people(200, seed=42)`), so dedupe has something to find.
"""

from __future__ import annotations

import importlib.util
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from openpin.sandboxes.common import iso_timestamp
from openpin.sandboxes.greenhouse.state import GreenhouseState, Record

SEED_EPOCH = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
DEMO_OVERLAP_COUNT = 40

FIRST_NAMES = (
    "Amara",
    "Bruno",
    "Chloe",
    "Dmitri",
    "Elena",
    "Farid",
    "Grace",
    "Hiroshi",
    "Ines",
    "Jonas",
    "Keisha",
    "Liam",
    "Maya",
    "Nikhil",
    "Olga",
    "Pedro",
    "Quinn",
    "Rosa",
    "Samir",
    "Tara",
    "Umar",
    "Vera",
    "Wen",
    "Ximena",
    "Yusuf",
    "Zoe",
    "Aiden",
    "Beatriz",
    "Callum",
    "Daria",
)
LAST_NAMES = (
    "Okafor",
    "Silva",
    "Martin",
    "Ivanov",
    "Rossi",
    "Haddad",
    "Kim",
    "Tanaka",
    "Garcia",
    "Berg",
    "Johnson",
    "Murphy",
    "Patel",
    "Sharma",
    "Novak",
    "Costa",
    "Walsh",
    "Lopez",
    "Nasser",
    "Singh",
    "Ahmed",
    "Kowalski",
    "Zhang",
    "Herrera",
    "Demir",
    "Fischer",
    "Brennan",
    "Almeida",
    "Reid",
    "Popescu",
)
COMPANIES = (
    "Northwind Labs",
    "Bluefin Analytics",
    "Cobalt Systems",
    "Harbor Health",
    "Lumen Robotics",
    "Quarry Software",
    "Redwood Payments",
    "Sable Security",
    "Tessellate",
    "Vantage Logistics",
)
TITLES = (
    "Software Engineer",
    "Senior Software Engineer",
    "Data Scientist",
    "Product Manager",
    "Product Designer",
    "Engineering Manager",
    "Account Executive",
    "Marketing Manager",
    "Site Reliability Engineer",
    "Data Engineer",
)
USERS = (
    ("Morgan", "Avery", True),
    ("Priya", "Raman", True),
    ("Tom", "Becker", True),
    ("Sofia", "Marquez", True),
    ("Daniel", "Osei", True),
    ("Hannah", "Lindqvist", True),
    ("Marcus", "Chen", False),
    ("Lucia", "Ferrari", False),
    ("Ben", "Adeyemi", False),
    ("Nora", "Kaplan", False),
    ("Ravi", "Iyer", False),
    ("Elise", "Dubois", False),
)
DEPARTMENTS = ("Engineering", "Product", "Design", "Data", "Sales", "Marketing", "Operations")
OFFICES = (
    ("London", "London, UK"),
    ("New York", "New York, NY"),
    ("Berlin", "Berlin, Germany"),
    ("Remote", "Remote"),
)
JOBS = (
    ("Senior Backend Engineer", "Engineering", "open"),
    ("Frontend Engineer", "Engineering", "open"),
    ("Staff Platform Engineer", "Engineering", "open"),
    ("Site Reliability Engineer", "Engineering", "open"),
    ("Machine Learning Engineer", "Data", "open"),
    ("Data Engineer", "Data", "open"),
    ("Senior Product Manager", "Product", "open"),
    ("Product Designer", "Design", "open"),
    ("Account Executive", "Sales", "open"),
    ("Solutions Engineer", "Sales", "open"),
    ("Growth Marketing Manager", "Marketing", "open"),
    ("People Operations Partner", "Operations", "open"),
    ("Engineering Manager", "Engineering", "closed"),
    ("Data Analyst", "Data", "closed"),
    ("Content Designer", "Design", "closed"),
    ("Sales Development Representative", "Sales", "closed"),
    ("Head of Security", "Engineering", "draft"),
    ("Finance Manager", "Operations", "draft"),
)
INTERVIEW_STAGES = (
    "Application Review",
    "Recruiter Screen",
    "Hiring Manager Interview",
    "Onsite",
    "Offer",
)
SOURCES = (
    ("LinkedIn (Prospecting)", "prospecting"),
    ("LinkedIn (Social Media)", "social_media"),
    ("Indeed", "third_party_boards"),
    ("Glassdoor", "third_party_boards"),
    ("Referral", "referrals"),
    ("Company Website", "company_marketing"),
    ("Hays Recruitment", "agencies"),
    ("Grace Hopper Celebration", "attend_events"),
    ("GitHub", "candidate_search"),
    ("Internal Applicant", "other"),
    ("Other", "other"),
)
SOURCE_TYPE_IDS = {name: index + 1 for index, name in enumerate(sorted({t for _, t in SOURCES}))}
SCHOOLS = (
    "University of Oxford",
    "University of Cambridge",
    "Imperial College London",
    "University College London",
    "Massachusetts Institute of Technology",
    "Stanford University",
    "University of California, Berkeley",
    "Carnegie Mellon University",
    "ETH Zurich",
    "Technical University of Munich",
    "University of Toronto",
    "National University of Singapore",
    "University of Edinburgh",
    "Delft University of Technology",
    "KTH Royal Institute of Technology",
    "University of São Paulo",
    "Indian Institute of Technology Bombay",
    "Tsinghua University",
    "University of Melbourne",
    "Sorbonne University",
)
DEGREES = (
    "High School",
    "Associate's Degree",
    "Bachelor's Degree",
    "Master's Degree",
    "Master of Business Administration (M.B.A.)",
    "Doctor of Philosophy (Ph.D.)",
    "Juris Doctor (J.D.)",
    "Other",
)
DISCIPLINES = (
    "Computer Science",
    "Software Engineering",
    "Electrical Engineering",
    "Mathematics",
    "Statistics",
    "Physics",
    "Economics",
    "Business Administration",
    "Graphic Design",
    "Human-Computer Interaction",
    "Psychology",
    "Marketing",
    "Mechanical Engineering",
    "Data Science",
    "Linguistics",
)
TAGS = ("backend", "frontend", "python", "go", "leadership", "design-systems", "ml", "sales")


class DemoPerson(Protocol):
    """The part of `openpin.demo.people.Person` the seed reads."""

    first_name: str
    last_name: str
    email: str
    phone: str
    linkedin_url: str
    headline: str


@dataclass(frozen=True)
class SeedPerson:
    first_name: str
    last_name: str
    email: str | None
    phone: str
    linkedin_url: str | None
    linkedin_as_website: bool
    company: str
    title: str


def seed_state(seed: int, candidate_count: int) -> GreenhouseState:
    rng = random.Random(seed)
    state = GreenhouseState()
    _add_organisation(state, rng)
    people = _demo_overlap_people() + _generated_people(rng, candidate_count)
    for person in people[:candidate_count]:
        _add_seeded_candidate(state, rng, person)
    return state


def service_user_id(state: GreenhouseState) -> int:
    return next(user["id"] for user in state.all("users") if user["service_account"])


def _timestamp(days_ago: float) -> str:
    return iso_timestamp(SEED_EPOCH - timedelta(days=days_ago))


def _add_organisation(state: GreenhouseState, rng: random.Random) -> None:
    departments = [_department(state, name) for name in DEPARTMENTS]
    offices = [_office(state, name, location) for name, location in OFFICES]
    users = [_user(state, rng, first, last, admin, offices) for first, last, admin in USERS]
    users[-1]["deactivated"] = True
    state.add("users", _service_user(state))
    by_name = {department["name"]: department for department in departments}
    for index, (title, department, status) in enumerate(JOBS):
        _job(state, rng, index, title, by_name[department], status, offices)
    for index, (name, source_type) in enumerate(SOURCES):
        state.add("sources", _source(name, source_type, index))
    for key, field_id, names in (
        ("school_name", 1, SCHOOLS),
        ("degree", 2, DEGREES),
        ("discipline", 3, DISCIPLINES),
    ):
        for index, name in enumerate(names):
            _custom_field_option(state, key, field_id, name, index, active=index != len(names) - 1)


def _department(state: GreenhouseState, name: str) -> Record:
    record: Record = {"name": name, "parent_id": None, "child_ids": [], "external_id": None}
    return state.add("departments", record)


def _office(state: GreenhouseState, name: str, location: str) -> Record:
    record: Record = {
        "name": name,
        "location": {"name": location},
        "primary_contact_user_id": None,
        "parent_id": None,
        "child_ids": [],
        "external_id": None,
    }
    return state.add("offices", record)


def _user(
    state: GreenhouseState,
    rng: random.Random,
    first: str,
    last: str,
    site_admin: bool,
    offices: list[Record],
) -> Record:
    email = f"{first}.{last}@acme-talent.example".lower()
    created = _timestamp(rng.uniform(400, 900))
    record = {
        "first_name": first,
        "last_name": last,
        "name": f"{first} {last}",
        "primary_email": email,
        "emails": [email],
        "employee_id": f"E{rng.randint(1000, 9999)}",
        "deactivated": False,
        "site_admin": site_admin,
        "service_account": False,
        "office_ids": [rng.choice(offices)["id"]],
        "department_ids": [],
        "linked_candidate_ids": [],
        "created_at": created,
        "updated_at": created,
    }
    return state.add("users", record)


def _service_user(state: GreenhouseState) -> Record:
    # Each v3 credential acts as its Integration Service User when the token has no `sub`.
    created = _timestamp(30)
    return {
        "first_name": "Integration",
        "last_name": "Service User",
        "name": "Integration Service User",
        "primary_email": "integration-service-user@acme-talent.example",
        "emails": [],
        "employee_id": None,
        "deactivated": False,
        "site_admin": True,
        "service_account": True,
        "office_ids": [],
        "department_ids": [],
        "linked_candidate_ids": [],
        "created_at": created,
        "updated_at": created,
    }


def _job(
    state: GreenhouseState,
    rng: random.Random,
    index: int,
    title: str,
    department: Record,
    status: str,
    offices: list[Record],
) -> Record:
    created_days_ago = rng.uniform(60, 300)
    record = {
        "name": title,
        "requisition_id": f"REQ-{1001 + index}",
        "notes": f"<p>Hiring a {title} for the {department['name']} team.</p>",
        "confidential": False,
        "status": status,
        "created_at": _timestamp(created_days_ago),
        "opened_at": None if status == "draft" else _timestamp(created_days_ago - 1),
        "closed_at": _timestamp(rng.uniform(5, 50)) if status == "closed" else None,
        "updated_at": _timestamp(rng.uniform(1, 50)),
        "is_template": False,
        "copied_from_id": None,
        "department_id": department["id"],
        "office_ids": sorted({rng.choice(offices)["id"] for _ in range(rng.randint(1, 2))}),
        "custom_fields": {"employment_type": "Full-time"},
    }
    job = state.add("jobs", record)
    for priority, name in enumerate(INTERVIEW_STAGES):
        stage = {"job_id": job["id"], "name": name, "priority": priority}
        state.add("job_interview_stages", {**stage, "created_at": job["created_at"]})
    return job


def _source(name: str, source_type: str, index: int) -> Record:
    type_name = source_type
    return {
        "id": 4_600_001 + index,
        "name": name,
        "type": {"id": SOURCE_TYPE_IDS[type_name], "name": type_name},
    }


def _custom_field_option(
    state: GreenhouseState, key: str, field_id: int, name: str, index: int, *, active: bool
) -> None:
    record = {
        "custom_field_id": field_id,
        "custom_field_key": key,
        "name": name,
        "sort_order": index,
        "active": active,
        "external_id": None,
        "created_at": _timestamp(1000),
        "updated_at": _timestamp(1000),
    }
    state.add("custom_field_options", record)


def _demo_overlap_people() -> list[SeedPerson]:
    # The demo generator is another package's; until it exists the seed simply has no overlap.
    if importlib.util.find_spec("openpin.demo.people") is None:
        return []
    from openpin.demo.people import generate_people

    demo: list[Any] = generate_people(200, seed=42)[:DEMO_OVERLAP_COUNT]
    return [_from_demo_person(index, person) for index, person in enumerate(demo)]


def _from_demo_person(index: int, person: DemoPerson) -> SeedPerson:
    # Even people share the email (what `GET /v3/candidates?email=` finds); odd ones only the
    # LinkedIn URL, in a differently spelled form, as recruiters paste it, alternating between
    # social media and website addresses, which is where Greenhouse keeps it.
    shares_email = index % 2 == 0
    linkedin = (
        person.linkedin_url if shares_email else _respelled_linkedin(person.linkedin_url, index)
    )
    title, _, company = person.headline.partition(" at ")
    return SeedPerson(
        first_name=person.first_name,
        last_name=person.last_name,
        email=person.email if shares_email else None,
        phone=person.phone,
        linkedin_url=linkedin,
        linkedin_as_website=index % 4 == 3,
        company=company or COMPANIES[index % len(COMPANIES)],
        title=title or TITLES[index % len(TITLES)],
    )


def _respelled_linkedin(canonical: str, index: int) -> str:
    slug = canonical.rstrip("/").rsplit("/", 1)[-1]
    spellings = (
        f"https://www.linkedin.com/in/{slug}/",
        f"http://linkedin.com/in/{slug}",
        f"linkedin.com/in/{slug}",
        f"https://uk.linkedin.com/in/{slug}",
    )
    return spellings[(index // 2) % len(spellings)]


def _generated_people(rng: random.Random, count: int) -> list[SeedPerson]:
    people = []
    for index in range(count):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        slug = f"{first}-{last}-{index:03d}".lower()
        people.append(
            SeedPerson(
                first_name=first,
                last_name=last,
                email=f"{first}.{last}.{index}@mail.example".lower()
                if rng.random() < 0.9
                else None,
                phone=f"+1415555{rng.randint(1000, 9999)}",
                linkedin_url=f"https://www.linkedin.com/in/{slug}" if rng.random() < 0.7 else None,
                linkedin_as_website=rng.random() < 0.2,
                company=rng.choice(COMPANIES),
                title=rng.choice(TITLES),
            )
        )
    return people


def _add_seeded_candidate(state: GreenhouseState, rng: random.Random, person: SeedPerson) -> None:
    created_days_ago = rng.uniform(2, 500)
    candidate = state.add("candidates", _candidate_record(rng, person, created_days_ago))
    jobs = [job for job in state.all("jobs") if job["status"] != "draft"]
    for job in rng.sample(jobs, rng.choice((1, 1, 1, 2))):
        _seeded_application(state, rng, candidate, job, created_days_ago)
    if rng.random() < 0.5:
        _seeded_education(state, rng, candidate)
    state.add("candidate_employments", _seeded_employment(candidate, person, rng))


def _candidate_record(rng: random.Random, person: SeedPerson, created_days_ago: float) -> Record:
    linkedin = [{"value": person.linkedin_url}] if person.linkedin_url else []
    website = []
    if person.linkedin_url and person.linkedin_as_website:
        linkedin, website = [], [{"value": person.linkedin_url, "type": "other"}]
    updated = _timestamp(rng.uniform(0.5, created_days_ago))
    return {
        "first_name": person.first_name,
        "last_name": person.last_name,
        "preferred_name": None,
        "company": person.company,
        "title": person.title,
        "private": False,
        "can_email": True,
        "created_at": _timestamp(created_days_ago),
        "updated_at": updated,
        "last_activity_at": updated,
        "email_addresses": [{"value": person.email, "type": "personal"}] if person.email else [],
        "phone_numbers": [{"value": person.phone, "type": "mobile"}],
        "addresses": [],
        "website_addresses": website,
        "social_media_addresses": linkedin,
        "tags": rng.sample(TAGS, rng.randint(0, 2)),
        "custom_fields": {},
        "linked_user_ids": [],
    }


def _seeded_application(
    state: GreenhouseState,
    rng: random.Random,
    candidate: Record,
    job: Record,
    created_days_ago: float,
) -> None:
    prospect = rng.random() < 0.2
    status = rng.choices(("in_process", "rejected", "hired"), weights=(75, 22, 3))[0]
    recruiters = [user for user in state.all("users") if not user["service_account"]]
    record = {
        "candidate_id": candidate["id"],
        "job_id": None if prospect else job["id"],
        "job_ids": [job["id"]],
        "prospect": prospect,
        "status": "in_process" if prospect else status,
        "source_id": rng.choice(state.all("sources"))["id"],
        "referrer_id": None,
        "recruiter_id": rng.choice(recruiters)["id"],
        "coordinator_id": None,
        "current_stage_id": None if prospect else _first_stage_id(state, job["id"]),
        "created_at": candidate["created_at"],
        "updated_at": candidate["updated_at"],
        "last_activity_at": candidate["updated_at"],
        "rejected_at": candidate["updated_at"] if status == "rejected" and not prospect else None,
    }
    state.add("applications", record)


def _first_stage_id(state: GreenhouseState, job_id: int) -> int | None:
    stages = [stage for stage in state.all("job_interview_stages") if stage["job_id"] == job_id]
    return min(stages, key=lambda stage: stage["priority"])["id"] if stages else None


def _seeded_education(state: GreenhouseState, rng: random.Random, candidate: Record) -> None:
    options = state.all("custom_field_options")

    def pick(key: str) -> Record:
        return rng.choice([option for option in options if option["custom_field_key"] == key])

    start_year = rng.randint(2005, 2018)
    state.add(
        "candidate_educations",
        education_record(
            candidate["id"],
            pick("school_name"),
            pick("degree"),
            pick("discipline"),
            f"{start_year}-09-01T00:00:00.000Z",
            f"{start_year + rng.randint(3, 5)}-06-30T00:00:00.000Z",
            candidate["created_at"],
        ),
    )


def education_record(
    candidate_id: int,
    school: Record | None,
    degree: Record | None,
    discipline: Record | None,
    start_date: str | None,
    end_date: str | None,
    created_at: str,
) -> Record:
    return {
        "candidate_id": candidate_id,
        "school_custom_field_option_id": school["id"] if school else None,
        "degree_custom_field_option_id": degree["id"] if degree else None,
        "discipline_custom_field_option_id": discipline["id"] if discipline else None,
        "school_name": school["name"] if school else None,
        "degree": degree["name"] if degree else None,
        "discipline": discipline["name"] if discipline else None,
        "start_date": start_date,
        "end_date": end_date,
        "created_at": created_at,
        "updated_at": created_at,
    }


def _seeded_employment(candidate: Record, person: SeedPerson, rng: random.Random) -> Record:
    start_year = rng.randint(2012, 2023)
    return {
        "candidate_id": candidate["id"],
        "company_name": person.company,
        "title": person.title,
        "start_date": f"{start_year}-01-01T00:00:00.000Z",
        "end_date": None,
        "created_at": candidate["created_at"],
        "updated_at": candidate["created_at"],
    }
