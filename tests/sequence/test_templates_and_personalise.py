"""Templates are checked when saved; the personal line says only what the profile says."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

import openpin.sequence.tasks  # noqa: F401  (registers the task handlers)
from openpin.config import Settings
from openpin.db import transaction
from openpin.errors import ValidationFailed
from openpin.integrations.llm.client import LlmClient, LlmConfig
from openpin.models import Candidate, CandidateExperience, Job
from openpin.models.sequence import Enrollment, Message, MessageStatus
from openpin.sequence.ai_settings import save_ai_settings
from openpin.sequence.enrolment import PERSONALISE_TASK
from openpin.sequence.personalise import (
    MAX_LINE_CHARS,
    check_draft,
    compose_line,
    personal_line,
    profile_facts,
)
from openpin.sequence.rendering import check_template
from openpin.sequence.schemas import AiSettingsIn
from openpin.worker.registry import Registry, registry
from openpin.worker.runner import Worker
from tests.fixtures.chat_server import ChatServer, chat_server
from tests.fixtures.smtp import SmtpServer
from tests.sequence.conftest import MONDAY_10, SECRET, Outreach

__all__ = ["chat_server"]


@pytest.mark.parametrize(
    ("source", "words"),
    [
        ("Hi {{ frist_name }}", "unknown variable frist_name"),
        ("Hi {{ first_name }", "line 1"),
        ("{{ first_name|shout }}", "shout"),
        ("{{ first_name.__class__.__mro__ }}", "unsafe"),
    ],
)
def test_bad_templates_are_refused_with_the_reason(source: str, words: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        check_template(source, "steps[1].body")
    assert words in str(caught.value) and caught.value.field == "steps[1].body"


def test_known_variables_and_filters_pass() -> None:
    check_template("Hi {{ first_name|title }}, {{ company or 'your team' }}", "body")


def _profile() -> tuple[Candidate, Job]:
    candidate = Candidate(
        full_name="Grace Hopper",
        first_name="Grace",
        city="Arlington",
        country_name="United States",
        skills=["COBOL", "Python", "Compilers"],
    )
    candidate.experiences = [
        CandidateExperience(title="Rear Admiral", company="US Navy", is_current=True),
        CandidateExperience(
            title="Compiler Engineer",
            company="Remington Rand",
            description="Wrote the A-0 compiler",
        ),
        CandidateExperience(title="Professor", company="Vassar College"),
    ]
    job = Job(
        title="Staff Compiler Engineer",
        locations=["Arlington, VA"],
        must_have_skills=["Compilers", "Rust"],
        nice_to_have_skills=["Python"],
    )
    return candidate, job


def test_composer_uses_current_role_matched_skills_relevant_past_role_and_location() -> None:
    facts = profile_facts(*_profile(), hiring_company="Acme")
    line = compose_line(facts)
    assert line == (
        "Your work as Rear Admiral at US Navy caught my attention: your experience with Compilers "
        "and Python is exactly what our Staff Compiler Engineer role needs. Your time as Compiler "
        "Engineer at Remington Rand looks especially relevant. "
        "The role works well from Arlington, too."
    )
    assert "Rust" not in line  # the job wants it, the profile does not have it
    assert len(line) <= MAX_LINE_CHARS


def test_composer_copes_with_a_bare_profile() -> None:
    candidate = Candidate(full_name="Anon", first_name="", skills=[])
    candidate.experiences = []
    facts = profile_facts(
        candidate,
        Job(title="Analyst", locations=[], must_have_skills=[], nice_to_have_skills=[]),
        "Acme",
    )
    assert compose_line(facts) == "Your background stood out to me for our Analyst role."


def test_draft_check_catches_invented_facts() -> None:
    facts = profile_facts(*_profile(), hiring_company="Acme")
    assert (
        check_draft(
            "Your compiler work at Remington Rand and today at US Navy is impressive.", facts
        )
        == []
    )
    problems = check_draft("Your 12 years at Google building Rust compilers are impressive.", facts)
    assert any("12" in p and "Google" in p for p in problems)
    assert any("Rust" in p for p in problems)
    assert check_draft("x" * (MAX_LINE_CHARS + 1), facts)


def _llm(server: ChatServer) -> LlmClient:
    return LlmClient(LlmConfig(base_url=server.base_url, model="tiny", timeout_seconds=5))


def test_llm_line_is_used_when_it_keeps_to_the_facts(chat_server: ChatServer) -> None:
    facts = profile_facts(*_profile(), hiring_company="Acme")
    chat_server.reply(
        "Your compiler work at Remington Rand is exactly the depth our Staff Compiler Engineer "
        "team needs."
    )
    line = personal_line(facts, _llm(chat_server))
    assert line.source == "llm" and line.text.startswith("Your compiler work at Remington Rand")
    prompt = chat_server.requests[0]["messages"][1]["content"]
    assert "Relevant past role: Compiler Engineer at Remington Rand" in prompt
    assert "Rust" not in prompt.split("Skills matching the job:")[1].split("\n")[0]


def test_llm_line_that_invents_falls_back_to_the_composer(chat_server: ChatServer) -> None:
    facts = profile_facts(*_profile(), hiring_company="Acme")
    chat_server.reply("Your decade at Microsoft shipping Rust is remarkable.")
    line = personal_line(facts, _llm(chat_server))
    assert line.source == "composer" and line.text == compose_line(facts)
    assert "Microsoft" in line.notes[0]


def test_llm_outage_falls_back_to_the_composer(chat_server: ChatServer) -> None:
    facts = profile_facts(*_profile(), hiring_company="Acme")
    chat_server.fail(503, "overloaded")
    line = personal_line(facts, _llm(chat_server))
    assert line.source == "composer" and "overloaded" in line.notes[0]


def test_enrolment_with_an_llm_drafts_then_releases_the_first_email(
    outreach: Outreach,
    smtp_server: SmtpServer,
    chat_server: ChatServer,
    session_factory: sessionmaker[Session],
) -> None:
    with transaction(session_factory) as session:
        save_ai_settings(
            session,
            outreach.user.workspace_id,
            AiSettingsIn(base_url=chat_server.base_url, model="tiny", api_key="sk-x"),
            outreach.secrets,
        )
    candidate = outreach.candidate()
    with transaction(session_factory) as session:
        from openpin.sequence.service import SequenceService

        SequenceService(session, outreach.user.workspace_id).enroll(
            outreach.sequence_id, [candidate], now=MONDAY_10, secrets=outreach.secrets
        )
    with transaction(session_factory) as session:
        assert session.scalars(select(Message.status)).one() == MessageStatus.DRAFTING
    # Not sent while drafting.
    assert outreach.sender().run_pass(MONDAY_10).sent == 0
    chat_server.reply(
        "Your Airflow pipelines at Looms plc are exactly what our Staff Data Engineer team needs."
    )
    # A worker that runs only this task (the periodic send pass would use the real clock).
    only_personalise = Registry()
    spec = registry.get(PERSONALISE_TASK)
    assert spec is not None
    only_personalise.add(spec)
    worker = Worker(session_factory, Settings(secret_key=SECRET), only_personalise)
    assert worker.run_once() == 1
    with transaction(session_factory) as session:
        message = session.scalars(select(Message)).one()
        enrollment = session.scalars(select(Enrollment)).one()
        assert message.status == MessageStatus.SCHEDULED
        assert enrollment.personal_line_source == "llm"
        assert "Your Airflow pipelines at Looms plc" in message.body
    assert chat_server.keys == ["Bearer sk-x"]
    assert outreach.sender().run_pass(MONDAY_10 + timedelta(minutes=1)).sent == 1
