"""A realistic organisation, generated deterministically from a seed number.

Some candidates are OpenPin's demo people (people 40..79 of `generate_people(200, seed=42)`), so
that OpenPin's dedupe has something to find: the even ones share their email (their LinkedIn URL is
stored in a non-canonical spelling), the odd ones share only their LinkedIn URL, under a different
email. Everything else is the sandbox's own invention.
"""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta

import pycountry

from openpin.demo.people import Person, generate_people
from openpin.sandboxes.ashby import records as r
from openpin.sandboxes.ashby.permissions import ALL_PERMISSIONS

# Seeded timestamps are relative to a fixed moment, not the clock, so a seed always yields the
# same data; records written through the API carry real timestamps.
SEED_REFERENCE_TIME = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
ORGANIZATION_DOMAIN = "lumenrobotics.example"
DEMO_PEOPLE_COUNT = 200
DEMO_PEOPLE_SEED = 42
SHARED_DEMO_PEOPLE = range(40, 80)
OWN_CANDIDATE_COUNT = 260

USERS = (
    ("Maya", "Okafor", "Organization Admin"),
    ("Daniel", "Reyes", "Elevated Access"),
    ("Priya", "Raman", "Elevated Access"),
    ("Tom", "Lindqvist", "Limited Access"),
    ("Grace", "Mensah", "Limited Access"),
    ("Hiro", "Tanaka", "Limited Access"),
    ("Sofia", "Bianchi", "Limited Access"),
    ("Nadia", "Haddad", "External Recruiter"),
)
DEPARTMENTS = ("Engineering", "Product", "Design", "Sales", "Marketing", "People", "Operations")
LOCATIONS = (
    ("San Francisco", "California", "United States", "Hybrid"),
    ("New York", "New York", "United States", "OnSite"),
    ("London", "England", "United Kingdom", "Hybrid"),
    ("Berlin", "Berlin", "Germany", "Hybrid"),
    ("Toronto", "Ontario", "Canada", "OnSite"),
    ("Remote (Americas)", "", "United States", "Remote"),
)
PLAN_STAGES = (
    ("New Lead", "Lead"),
    ("Application Review", "PreInterviewScreen"),
    ("Recruiter Screen", "Active"),
    ("Hiring Manager Interview", "Active"),
    ("Onsite", "Active"),
    ("Offer", "Offer"),
    ("Hired", "Hired"),
    ("Archived", "Archived"),
)
# (title, department, status, employment type)
JOBS = (
    ("Senior Backend Engineer", "Engineering", "Open", "FullTime"),
    ("Staff Platform Engineer", "Engineering", "Open", "FullTime"),
    ("Machine Learning Engineer", "Engineering", "Open", "FullTime"),
    ("Frontend Engineer", "Engineering", "Open", "FullTime"),
    ("Site Reliability Engineer", "Engineering", "Open", "FullTime"),
    ("Engineering Manager, Robotics", "Engineering", "Open", "FullTime"),
    ("Embedded Software Engineer", "Engineering", "Open", "Contract"),
    ("Product Manager, Fleet", "Product", "Open", "FullTime"),
    ("Product Designer", "Design", "Open", "FullTime"),
    ("Account Executive, EMEA", "Sales", "Open", "FullTime"),
    ("Solutions Engineer", "Sales", "Open", "FullTime"),
    ("Growth Marketing Manager", "Marketing", "Open", "FullTime"),
    ("Technical Recruiter", "People", "Open", "FullTime"),
    ("Data Analyst Intern", "Operations", "Open", "Intern"),
    ("Senior iOS Engineer", "Engineering", "Closed", "FullTime"),
    ("Sales Development Representative", "Sales", "Closed", "FullTime"),
    ("Content Designer", "Design", "Closed", "PartTime"),
    ("QA Engineer", "Engineering", "Closed", "Temporary"),
    ("Office Manager", "Operations", "Archived", "FullTime"),
    ("Principal Security Engineer", "Engineering", "Draft", "FullTime"),
)
# (title, source type); none is called OpenPin: OpenPin must pick or create its own source.
SOURCES = (
    ("LinkedIn", "Sourced"),
    ("GitHub", "Sourced"),
    ("Employee Referral", "Referral"),
    ("Careers Page", "Inbound"),
    ("Indeed", "Job Board"),
    ("Wellfound", "Job Board"),
    ("TalentBridge Agency", "Agency"),
    ("RoboCon 2025", "Event"),
)
ARCHIVED_SOURCES = (("Hired.com", "Job Board"),)
TAGS = (
    "Strong Python",
    "Senior",
    "Silver Medalist",
    "Re-engage Later",
    "Open Source",
    "Leadership",
)
ARCHIVED_TAGS = ("2024 Campus Tour",)
WORK_ARRANGEMENTS = ("Remote", "Hybrid", "On-site")
FIRST_NAMES = (
    "Aaliyah", "Adrian", "Aisha", "Alejandro", "Amara", "Andrei", "Ana", "Ben", "Bianca", "Carlos",
    "Chen", "Chloe", "Dario", "Dev", "Elena", "Emeka", "Emily", "Farah", "Felix", "Fatima",
    "Gabriel", "Hana", "Ibrahim", "Ines", "Isaac", "Jamal", "Jin", "Julia", "Kai", "Kavya",
    "Lars", "Leila", "Liam", "Lucia", "Malik", "Marta", "Mei", "Mateo", "Nikhil", "Noah",
    "Olga", "Omar", "Paula", "Quinn", "Rafael", "Rina", "Rohan", "Sara", "Stefan", "Tariq",
    "Uma", "Valentina", "Victor", "Wen", "Xavier", "Yara", "Yusuf", "Zara", "Zoe", "Arjun",
)  # fmt: skip
LAST_NAMES = (
    "Abe", "Adeyemi", "Alvarez", "Andersen", "Banerjee", "Becker", "Brooks", "Castillo",
    "Chowdhury", "Costa", "Dubois", "Eriksen", "Farouk", "Fischer", "Garcia", "Gupta", "Hansen",
    "Ivanova",
    "Jensen", "Kim", "Kowalski", "Larsen", "Li", "Lopez", "Moreau", "Murphy", "Nakamura", "Nguyen",
    "Novak", "Okoro", "Olsen", "Patel", "Petrov", "Quinn", "Rossi", "Santos", "Schmidt", "Silva",
    "Singh", "Sokolov", "Suzuki", "Takahashi", "Torres", "Vargas", "Wagner", "Walsh", "Wang",
    "Weber", "Yilmaz", "Zhang",
)  # fmt: skip
POSITIONS = (
    "Software Engineer", "Senior Software Engineer", "Staff Engineer", "Data Scientist",
    "Product Manager", "Product Designer", "Account Executive", "Engineering Manager",
    "Site Reliability Engineer", "Marketing Manager", "Recruiter", "Robotics Engineer",
)  # fmt: skip
COMPANIES = (
    "Acme Robotics", "Globex", "Initech", "Hooli", "Umbrella Systems", "Stark Industries",
    "Wayne Logistics", "Soylent Labs", "Cyberdyne", "Tyrell Corp", "Massive Dynamic", "Aperture",
)  # fmt: skip
SCHOOLS = (
    "University of Toronto", "Stanford University", "ETH Zurich", "University of Cambridge",
    "IIT Bombay", "TU Munich", "University of Michigan", "National University of Singapore",
)  # fmt: skip
EMAIL_DOMAINS = ("example.com", "example.org", "mail.example.net")


def build_organization(seed: int, default_api_key: str) -> r.Organization:
    """The whole seeded organisation, with one full-permission key."""
    builder = _Builder(seed)
    builder.add_reference_data()
    builder.add_jobs()
    builder.add_demo_candidates(generate_people(DEMO_PEOPLE_COUNT, seed=DEMO_PEOPLE_SEED))
    builder.add_own_candidates(OWN_CANDIDATE_COUNT)
    admin = next(iter(builder.org.users.values()))
    builder.org.api_keys[default_api_key] = r.ApiKey(
        key=default_api_key,
        title="Sandbox default key",
        permissions=list(ALL_PERMISSIONS),
        author_user_id=admin.id,
        created_at=SEED_REFERENCE_TIME,
    )
    return builder.org


class _Builder:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.org = r.Organization(seed=seed, epoch=self.new_id())

    def new_id(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def days_ago(self, low: int, high: int) -> datetime:
        minutes = self.rng.randint(low * 24 * 60, high * 24 * 60)
        return SEED_REFERENCE_TIME - timedelta(minutes=minutes)

    # --- reference data --------------------------------------------------------------------------

    def add_reference_data(self) -> None:
        self.add_users()
        for name in DEPARTMENTS:
            department = r.Department(id=self.new_id(), name=name)
            self.org.departments[department.id] = department
        for city, region, country, workplace in LOCATIONS:
            location = r.Location(
                id=self.new_id(),
                name=city,
                city=city,
                region=region,
                country=country,
                workplace_type=workplace,
            )
            self.org.locations[location.id] = location
        self.add_interview_plans()
        self.add_sources()
        self.add_tags()
        self.add_custom_fields()

    def add_users(self) -> None:
        for first, last, role in USERS:
            user = r.User(
                id=self.new_id(),
                first_name=first,
                last_name=last,
                email=f"{first.lower()}.{last.lower()}@{ORGANIZATION_DOMAIN}",
                global_role=role,
                updated_at=self.days_ago(30, 400),
                change_seq=self.org.next_change(),
            )
            self.org.users[user.id] = user

    def add_interview_plans(self) -> None:
        for title in ("Engineering interview plan", "Business interview plan"):
            stages = [
                r.InterviewStage(id=self.new_id(), title=name, type=kind, order=order)
                for order, (name, kind) in enumerate(PLAN_STAGES)
            ]
            plan = r.InterviewPlan(id=self.new_id(), title=title, stages=stages)
            self.org.interview_plans[plan.id] = plan

    def add_sources(self) -> None:
        source_types: dict[str, r.SourceType] = {}
        for (title, kind), archived in [(s, False) for s in SOURCES] + [
            (s, True) for s in ARCHIVED_SOURCES
        ]:
            if kind not in source_types:
                source_types[kind] = r.SourceType(id=self.new_id(), title=kind)
            source = r.Source(
                id=self.new_id(), title=title, is_archived=archived, source_type=source_types[kind]
            )
            self.org.sources[source.id] = source

    def add_tags(self) -> None:
        for title, archived in [(t, False) for t in TAGS] + [(t, True) for t in ARCHIVED_TAGS]:
            tag = r.Tag(
                id=self.new_id(),
                title=title,
                is_archived=archived,
                change_seq=self.org.next_change(),
            )
            self.org.tags[tag.id] = tag

    def add_custom_fields(self) -> None:
        definitions: list[dict[str, object]] = [
            {"title": "Open to relocation", "object_type": "Candidate", "field_type": "Boolean"},
            {"title": "Years of experience", "object_type": "Candidate", "field_type": "Number"},
            {
                "title": "Preferred work arrangement",
                "object_type": "Candidate",
                "field_type": "MultiValueSelect",
                "selectable_values": list(WORK_ARRANGEMENTS),
            },
            {
                "title": "Visa status",
                "object_type": "Candidate",
                "field_type": "ValueSelect",
                "selectable_values": ["Citizen", "Permanent resident", "Needs sponsorship"],
                "is_private": True,
            },
            {
                "title": "Referral bonus eligible",
                "object_type": "Application",
                "field_type": "Boolean",
            },
            {"title": "Cost center", "object_type": "Job", "field_type": "String"},
            {
                "title": "Legacy ATS id",
                "object_type": "Candidate",
                "field_type": "String",
                "is_archived": True,
            },
        ]
        for definition in definitions:
            field = r.CustomField.model_validate(
                {"id": self.new_id(), "change_seq": self.org.next_change(), **definition}
            )
            self.org.custom_fields[field.id] = field

    # --- jobs ------------------------------------------------------------------------------------

    def add_jobs(self) -> None:
        departments = {d.name: d.id for d in self.org.departments.values()}
        plans = list(self.org.interview_plans.values())
        users = list(self.org.users.values())
        for title, department, status, employment in JOBS:
            created = self.days_ago(60, 500)
            opened = created + timedelta(days=self.rng.randint(1, 20))
            closed = None
            if status in ("Closed", "Archived"):
                closed = opened + timedelta(days=self.rng.randint(30, 120))
            job = r.Job(
                id=self.new_id(),
                title=title,
                status=status,
                employment_type=employment,
                location_id=self.rng.choice(list(self.org.locations)),
                department_id=departments[department],
                interview_plan_id=(plans[0] if department == "Engineering" else plans[1]).id,
                hiring_team=[
                    r.HiringTeamMember(user_id=self.rng.choice(users[1:4]).id, role="Recruiter"),
                    r.HiringTeamMember(
                        user_id=self.rng.choice(users[3:7]).id, role="Hiring Manager"
                    ),
                ],
                author_id=users[0].id,
                created_at=created,
                updated_at=closed or opened,
                opened_at=None if status == "Draft" else opened,
                closed_at=closed,
                change_seq=self.org.next_change(),
            )
            job.openings = self.openings_for(job)
            self.org.jobs[job.id] = job

    def openings_for(self, job: r.Job) -> list[r.Opening]:
        if job.opened_at is None:
            return []
        state = "Open" if job.status == "Open" else "Closed"
        return [
            r.Opening(
                id=self.new_id(), opened_at=job.opened_at, closed_at=job.closed_at, state=state
            )
        ]

    # --- candidates ------------------------------------------------------------------------------

    def add_demo_candidates(self, people: list[Person]) -> None:
        for index in SHARED_DEMO_PEOPLE:
            person = people[index]
            candidate = self.new_candidate(f"{person.first_name} {person.last_name}")
            slug = person.linkedin_url.rstrip("/").rsplit("/", 1)[-1]
            if index % 2 == 0:
                # Same email; the LinkedIn URL as a recruiter pasted it, not in canonical form.
                candidate.emails = [
                    r.ContactPoint(value=person.email, type="Personal", is_primary=True)
                ]
                link = f"http://www.linkedin.com/in/{slug}/"
            else:
                # Only the LinkedIn URL is shared: they applied with their work address.
                local_part = person.email.split("@", 1)[0]
                work_email = f"{local_part}@{self.company_domain()}"
                candidate.emails = [r.ContactPoint(value=work_email, type="Work", is_primary=True)]
                link = person.linkedin_url if index % 4 == 1 else f"https://linkedin.com/in/{slug}"
            candidate.social_links = [r.SocialLink(type="LinkedIn", url=link)]
            if person.phone and index % 3 == 0:
                candidate.phones = [
                    r.ContactPoint(value=person.phone, type="Personal", is_primary=True)
                ]
            candidate.location = self.candidate_location(
                person.city, person.region, _country_name(person.country_code)
            )
            _add_career_summary(candidate, person)
            self.finish_candidate(candidate)

    def add_own_candidates(self, count: int) -> None:
        for number in range(count):
            first, last = self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)
            candidate = self.new_candidate(f"{first} {last}")
            local = f"{first}.{last}{number}".lower()
            email = f"{local}@{self.rng.choice(EMAIL_DOMAINS)}"
            candidate.emails = [r.ContactPoint(value=email, type="Personal", is_primary=True)]
            if self.rng.random() < 0.6:
                phone = f"+1415555{self.rng.randint(0, 9999):04d}"
                candidate.phones = [r.ContactPoint(value=phone, type="Personal", is_primary=True)]
            candidate.social_links = self.own_social_links(first, last, number)
            city, region, country, _ = self.rng.choice(LOCATIONS[:5])
            candidate.location = self.candidate_location(city, region, country)
            if self.rng.random() < 0.6:
                candidate.position = self.rng.choice(POSITIONS)
                candidate.company = self.rng.choice(COMPANIES)
                candidate.school = self.rng.choice(SCHOOLS)
            self.finish_candidate(candidate)

    def own_social_links(self, first: str, last: str, number: int) -> list[r.SocialLink]:
        links: list[r.SocialLink] = []
        handle = f"{first}-{last}-{number:03d}".lower()
        if self.rng.random() < 0.7:
            links.append(r.SocialLink(type="LinkedIn", url=f"https://www.linkedin.com/in/{handle}"))
        if self.rng.random() < 0.25:
            links.append(r.SocialLink(type="GitHub", url=f"https://github.com/{handle}"))
        return links

    def new_candidate(self, name: str) -> r.Candidate:
        created = self.days_ago(1, 700)
        return r.Candidate(id=self.new_id(), name=name, created_at=created, updated_at=created)

    def company_domain(self) -> str:
        return self.rng.choice(COMPANIES).lower().replace(" ", "") + ".example"

    def candidate_location(self, city: str, region: str, country: str) -> r.CandidateLocation:
        return r.CandidateLocation(
            id=self.new_id(), city=city or None, region=region or None, country=country or None
        )

    def finish_candidate(self, candidate: r.Candidate) -> None:
        """Source, tags, custom fields and applications, then store it."""
        active_sources = [s for s in self.org.sources.values() if not s.is_archived]
        candidate.source_id = self.rng.choice(active_sources).id
        recruiters = [u for u in self.org.users.values() if u.global_role != "Limited Access"]
        candidate.credited_to_user_id = self.rng.choice(recruiters).id
        live_tags = [t.id for t in self.org.tags.values() if not t.is_archived]
        candidate.tag_ids = self.rng.sample(live_tags, self.rng.choice((0, 0, 1, 1, 2)))
        candidate.custom_field_values = self.candidate_custom_values()
        self.add_applications(candidate)
        candidate.updated_at = max(candidate.updated_at, candidate.created_at)
        candidate.change_seq = self.org.next_change()
        self.org.candidates[candidate.id] = candidate

    def candidate_custom_values(self) -> dict[str, r.CustomFieldValue]:
        values: dict[str, r.CustomFieldValue] = {}
        for field in self.org.custom_fields.values():
            if field.object_type != "Candidate" or field.is_archived or self.rng.random() < 0.5:
                continue
            if field.field_type == "Boolean":
                values[field.id] = self.rng.random() < 0.5
            elif field.field_type == "Number":
                values[field.id] = float(self.rng.randint(1, 20))
            elif field.field_type == "MultiValueSelect":
                values[field.id] = self.rng.sample(field.selectable_values, self.rng.randint(1, 2))
        return values

    def add_applications(self, candidate: r.Candidate) -> None:
        jobs = [j for j in self.org.jobs.values() if j.status in ("Open", "Closed")]
        count = self.rng.choices((0, 1, 2), weights=(20, 65, 15))[0]
        for job in self.rng.sample(jobs, count):
            plan = self.org.interview_plans[job.interview_plan_id]
            stage = self.rng.choice(plan.stages)
            created = candidate.created_at + timedelta(hours=self.rng.randint(1, 72))
            application = r.Application(
                id=self.new_id(),
                candidate_id=candidate.id,
                job_id=job.id,
                interview_plan_id=plan.id,
                stage_id=stage.id,
                status=application_status(stage),
                source_id=candidate.source_id,
                credited_to_user_id=candidate.credited_to_user_id,
                history=[r.StageEntry(stage_id=stage.id, entered_at=created)],
                created_at=created,
                updated_at=created,
                change_seq=self.org.next_change(),
            )
            self.org.applications[application.id] = application
            candidate.application_ids.append(application.id)
            candidate.updated_at = max(candidate.updated_at, created)


def application_status(stage: r.InterviewStage) -> r.ApplicationStatus:
    """Ashby derives an application's status from the type of its current stage."""
    if stage.type == "Lead":
        return "Lead"
    if stage.type == "Hired":
        return "Hired"
    if stage.type == "Archived":
        return "Archived"
    return "Active"


def _country_name(code: str) -> str:
    country = pycountry.countries.get(alpha_2=code.upper()) if code else None
    return str(getattr(country, "common_name", None) or getattr(country, "name", code))


def _add_career_summary(candidate: r.Candidate, person: Person) -> None:
    """The read-only summary strings Ashby fills from a parsed resume."""
    if person.roles:
        candidate.position = person.roles[0].title
        candidate.company = person.roles[0].company
    if person.educations:
        candidate.school = person.educations[0].school
