"""Resume PDF: candidates stored in a real database (`session_factory`), read back with pypdf."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload, sessionmaker

from openpin.candidate.resume import ResumeData, _Fonts, render_resume_pdf, resume_filename
from openpin.models import (
    Candidate,
    CandidateEducation,
    CandidateEmail,
    CandidateExperience,
    CandidatePhone,
    Workspace,
)

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
EN = " \u2013 "  # the en dash of date ranges, spaced
UPDATED_AT = datetime(2026, 3, 14, 9, 30, tzinfo=UTC)


@pytest.fixture
def workspace_id(session_factory: sessionmaker[Session]) -> int:
    with session_factory() as session:
        workspace = Workspace(name="Acme Talent", slug="acme")
        session.add(workspace)
        session.commit()
        return workspace.id


def store(factory: sessionmaker[Session], workspace_id: int, **fields: Any) -> int:
    """Insert a candidate; emails and phones are strings, roles and schools dicts of columns."""
    emails = fields.pop("emails", [])
    phones = fields.pop("phones", [])
    roles = fields.pop("experiences", [])
    schools = fields.pop("educations", [])
    candidate = Candidate(workspace_id=workspace_id, updated_at=UPDATED_AT, **fields)
    candidate.emails = [
        CandidateEmail(workspace_id=workspace_id, email=e, position=i) for i, e in enumerate(emails)
    ]
    candidate.phones = [CandidatePhone(number=p, position=i) for i, p in enumerate(phones)]
    candidate.experiences = [CandidateExperience(position=i, **r) for i, r in enumerate(roles)]
    candidate.educations = [CandidateEducation(position=i, **s) for i, s in enumerate(schools)]
    with factory() as session:
        session.add(candidate)
        session.commit()
        return candidate.id


def load(factory: sessionmaker[Session], candidate_id: int) -> ResumeData:
    """Read the candidate back the way a caller must: relationships loaded explicitly."""
    query = (
        select(Candidate)
        .where(Candidate.id == candidate_id)
        .options(
            selectinload(Candidate.emails),
            selectinload(Candidate.phones),
            selectinload(Candidate.experiences),
            selectinload(Candidate.educations),
        )
    )
    with factory() as session:
        return ResumeData.from_model(session.execute(query).scalar_one())


def render(factory: sessionmaker[Session], workspace_id: int, **fields: Any) -> bytes:
    return render_resume_pdf(load(factory, store(factory, workspace_id, **fields)))


def read(pdf: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(pdf))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


def flat(text: str) -> str:
    # Wrapped lines: compare on single spaces so a line break inside a phrase does not matter.
    return " ".join(text.split())


TYPICAL: dict[str, Any] = {
    "full_name": "Jane Doe",
    "first_name": "Jane",
    "last_name": "Doe",
    "headline": "Staff Backend Engineer · Distributed systems and developer tooling",
    "summary": (
        "Backend engineer with ten years of experience building reliable payment and data "
        "platforms. Led the migration of a monolith to event-driven services, mentors engineers "
        "and cares about operability, clear APIs and boring technology that works."
    ),
    "emails": ["jane.doe@example.com", "jane@doe.dev"],
    "phones": ["+442079460958"],
    "linkedin_url": "https://www.linkedin.com/in/jane-doe",
    "links": ["https://github.com/janedoe", "https://janedoe.dev/"],
    "city": "London",
    "region": "England",
    "country_code": "GB",
    "country_name": "United Kingdom",
    "skills": ["Python", "PostgreSQL", "Kafka", "Kubernetes", "Go", "AWS", "System design"],
    "experiences": [
        {
            "title": "Engineer",
            "company": "Initech",
            "start_date": date(2014, 9, 1),
            "end_date": date(2017, 5, 31),
            "description": "Built the billing reconciliation service.",
        },
        {
            "title": "Staff Backend Engineer",
            "company": "Acme Payments",
            "start_date": date(2021, 3, 1),
            "is_current": True,
            "description": (
                "Own the ledger and payouts platform (40 engineers depend on it).\n"
                "- Cut p99 payout latency from 4 s to 300 ms with an outbox + Kafka design\n"
                "- Led the PostgreSQL 12 to 16 upgrade with zero downtime\n"
                "- Mentor four engineers; two promoted to senior"
            ),
        },
        {
            "title": "Senior Software Engineer",
            "company": "Globex",
            "start_date": date(2017, 6, 1),
            "end_date": date(2021, 2, 28),
            "description": "Designed the internal API gateway used by 120 services.",
        },
    ],
    "educations": [
        {
            "school": "University of Manchester",
            "degree": "BSc",
            "field_of_study": "Computer Science",
            "start_date": date(2010, 9, 1),
            "end_date": date(2014, 6, 30),
        }
    ],
}


def test_typical_profile_shows_every_fact_on_one_page(
    session_factory: sessionmaker[Session], workspace_id: int
) -> None:
    pdf = render(session_factory, workspace_id, **TYPICAL)
    pages, text = read(pdf)
    text = flat(text)
    assert pages == 1
    for expected in (
        "Jane Doe",
        "Staff Backend Engineer · Distributed systems",
        "jane.doe@example.com",
        "jane@doe.dev",
        "+44 20 7946 0958",
        "London, England, United Kingdom",
        "linkedin.com/in/jane-doe",
        "github.com/janedoe",
        "Staff Backend Engineer — Acme Payments",
        f"Mar 2021{EN}Present",
        "Senior Software Engineer — Globex",
        f"Jun 2017{EN}Feb 2021",
        "Engineer — Initech",
        f"Sep 2014{EN}May 2017",
        "Cut p99 payout latency",
        "BSc, Computer Science — University of Manchester",
        f"2010{EN}2014",
        "Python",
        "System design",
    ):
        assert expected in text, expected
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "resume-sample.pdf").write_bytes(pdf)


def test_roles_are_in_reverse_chronological_order(
    session_factory: sessionmaker[Session], workspace_id: int
) -> None:
    _, text = read(render(session_factory, workspace_id, **TYPICAL))
    order = [text.index(c) for c in ("Acme Payments", "Globex", "Initech")]
    assert order == sorted(order)


def test_linkedin_and_emails_are_clickable(
    session_factory: sessionmaker[Session], workspace_id: int
) -> None:
    pdf = render(session_factory, workspace_id, **TYPICAL)
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    uris = {annot.get_object()["/A"]["/URI"] for annot in page.get("/Annots", [])}
    assert "https://www.linkedin.com/in/jane-doe" in uris
    assert "mailto:jane.doe@example.com" in uris
    assert "https://janedoe.dev/" in uris


def long_profile() -> dict[str, Any]:
    paragraph = "Shipped a large feature across several teams and measured its impact. " * 30
    roles = [
        {
            "title": f"Engineer level {i}",
            "company": f"Company {i}",
            "start_date": date(2000 + i, 1, 1),
            "end_date": date(2001 + i, 1, 1),
            "description": "\n".join(f"- {paragraph[:200]}" for _ in range(8)) + paragraph,
        }
        for i in range(18)
    ]
    schools = [
        {"school": f"School {i}", "degree": "MSc", "field_of_study": "Physics"} for i in range(8)
    ]
    skills = [f"Skill number {i}" for i in range(80)]
    return {
        **TYPICAL,
        "summary": paragraph * 3,
        "experiences": roles,
        "educations": schools,
        "skills": skills,
    }


def test_long_profile_is_capped_at_two_pages(
    session_factory: sessionmaker[Session], workspace_id: int
) -> None:
    pages, text = read(render(session_factory, workspace_id, **long_profile()))
    text = flat(text)
    assert 1 <= pages <= 2
    # The most recent role keeps (a clipped) description; the oldest ones are summarised.
    assert "Engineer level 17 — Company 17" in text
    assert "earlier roles" in text
    assert "…" in text


def test_unicode_names_survive(session_factory: sessionmaker[Session], workspace_id: int) -> None:
    names = [
        "José Müller",
        "Zoë Brontë",
        "Łukasz Żółć",
        "Ελένη Παπαδοπούλου",
        "Борис Ельцин",
        "Nguyễn Văn An",
    ]
    for name in names:
        candidate_id = store(
            session_factory,
            workspace_id,
            full_name=name,
            experiences=[{"title": "Développeuse", "company": "Société Générale"}],
        )
        pages, text = read(render_resume_pdf(load(session_factory, candidate_id)))
        assert pages == 1
        assert name in text
        assert "Développeuse — Société Générale" in text


def test_characters_without_a_glyph_never_crash(
    session_factory: sessionmaker[Session], workspace_id: int
) -> None:
    candidate_id = store(
        session_factory, workspace_id, full_name="山田太郎 (Taro Yamada)", summary="🚀 ✓ Ship it"
    )
    pages, text = read(render_resume_pdf(load(session_factory, candidate_id)))
    assert pages == 1
    assert "(Taro Yamada)" in text
    assert "Ship it" in text


def test_name_only_candidate_renders(
    session_factory: sessionmaker[Session], workspace_id: int
) -> None:
    pages, text = read(render(session_factory, workspace_id, full_name="Zoë"))
    assert pages == 1
    assert text.strip() == "Zoë"


def test_identical_candidates_give_identical_bytes(
    session_factory: sessionmaker[Session], workspace_id: int
) -> None:
    first = store(session_factory, workspace_id, **TYPICAL)
    second_fields = {**TYPICAL, "emails": ["other@example.com"], "linkedin_url": None}
    second = store(session_factory, workspace_id, **second_fields)
    same = render_resume_pdf(load(session_factory, first))
    assert render_resume_pdf(load(session_factory, first)) == same
    assert render_resume_pdf(load(session_factory, second)) != same
    assert b"D:20260314093000" in same  # creation date comes from updated_at


@pytest.mark.parametrize(
    ("name", "filename"),
    [
        ("Jane Doe", "Jane-Doe-resume.pdf"),
        ("José Müller", "Jose-Muller-resume.pdf"),
        ("Łukasz Żółć", "Lukasz-Zolc-resume.pdf"),
        ("  O'Brien, Seán  ", "O-Brien-Sean-resume.pdf"),
        ("山田太郎", "candidate-7-resume.pdf"),
    ],
)
def test_resume_filename_is_ascii(name: str, filename: str) -> None:
    assert resume_filename(ResumeData(full_name=name, candidate_id=7)) == filename


def test_resume_filename_of_a_model(
    session_factory: sessionmaker[Session], workspace_id: int
) -> None:
    candidate_id = store(session_factory, workspace_id, full_name="Zoë Brontë")
    with session_factory() as session:
        candidate = session.get_one(Candidate, candidate_id)
        assert resume_filename(candidate) == "Zoe-Bronte-resume.pdf"


def test_core_font_fallback_rule() -> None:
    # Without the font package the text is mapped onto latin-1 by a fixed rule.
    core = _Fonts("helvetica", (), None)
    assert core.clean(f"José Łukasz{EN}“Zoë” • 山田\t…") == 'José Lukasz - "Zoë" · ?? ...'
