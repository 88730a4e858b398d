"""Accept and decline: declined candidates leave, accepted-like candidates rise."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session, sessionmaker

from openpin.db import transaction
from openpin.errors import NotFound, ValidationFailed
from openpin.models.sourcing import DeclineReason, FeedbackDecision
from openpin.sourcing.service import MatchPage, SourcingService
from tests.fixtures.app import ApiUser
from tests.fixtures.database import both_backends
from tests.sourcing.helpers import add_job, add_people, index_everything, person

pytestmark = both_backends

CLINICAL = "Data scientist in healthcare: clinical trials, patient outcomes and hospital data."
ADTECH = "Data scientist in advertising technology: bidding, campaign attribution and ad auctions."


def _pool() -> list[dict[str, object]]:
    people = []
    for index in range(6):
        people.append(
            person(f"Clinical {index}", "Data Scientist", ["Python", "SQL"], summary=CLINICAL)
        )
        people.append(
            person(f"Adtech {index}", "Data Scientist", ["Python", "SQL"], summary=ADTECH)
        )
    return people


def _ranking(factory: sessionmaker[Session], user: ApiUser, job_id: int) -> MatchPage:
    with transaction(factory) as session:
        return SourcingService(session, user.workspace_id).match_job(job_id)


def _decide(
    factory: sessionmaker[Session],
    user: ApiUser,
    job_id: int,
    candidate_id: int,
    decision: FeedbackDecision,
    reason: DeclineReason | None = None,
) -> None:
    with transaction(factory) as session:
        service = SourcingService(session, user.workspace_id, user.user_id)
        service.record_feedback(job_id, candidate_id, decision, reason)


def _mean_position(page: MatchPage, prefix: str, skip: set[int]) -> float:
    positions = [
        i
        for i, m in enumerate(page.items)
        if m.name.startswith(prefix) and m.candidate_id not in skip
    ]
    return sum(positions) / len(positions)


def test_accepted_like_candidates_rise(
    session_factory: sessionmaker[Session], alice: ApiUser
) -> None:
    ids = add_people(session_factory, alice, _pool())
    job_id = add_job(
        session_factory, alice, title="Data Scientist", must_have_skills=["Python", "SQL"]
    )
    index_everything(session_factory)
    accepted = {ids["Clinical 0"], ids["Clinical 1"]}
    before = _ranking(session_factory, alice, job_id)
    for candidate_id in accepted:
        _decide(session_factory, alice, job_id, candidate_id, FeedbackDecision.ACCEPT)
    after = _ranking(session_factory, alice, job_id)
    # The four clinical profiles not yet judged move up; the ad-tech ones make room.
    assert _mean_position(after, "Clinical", accepted) < _mean_position(
        before, "Clinical", accepted
    )
    top_unjudged = [m for m in after.items if m.candidate_id not in accepted][:4]
    assert all(m.name.startswith("Clinical") for m in top_unjudged)
    assert after.learned_from == 2 and any("accepted" in note for note in after.notes)
    assert {m.decision for m in after.items if m.candidate_id in accepted} == {"accept"}


def test_declined_candidates_leave_the_results(
    session_factory: sessionmaker[Session], alice: ApiUser
) -> None:
    ids = add_people(session_factory, alice, _pool())
    job_id = add_job(session_factory, alice, title="Data Scientist", seniority="senior")
    index_everything(session_factory)
    _decide(
        session_factory,
        alice,
        job_id,
        ids["Adtech 0"],
        FeedbackDecision.DECLINE,
        DeclineReason.TOO_JUNIOR,
    )
    page = _ranking(session_factory, alice, job_id)
    assert ids["Adtech 0"] not in {m.candidate_id for m in page.items}
    assert "More senior profiles rank higher" in page.notes
    # A later accept replaces the decline: one decision per candidate and job.
    _decide(session_factory, alice, job_id, ids["Adtech 0"], FeedbackDecision.ACCEPT)
    assert ids["Adtech 0"] in {
        m.candidate_id for m in _ranking(session_factory, alice, job_id).items
    }


def test_feedback_is_checked(
    session_factory: sessionmaker[Session], alice: ApiUser, bob: ApiUser
) -> None:
    ids = add_people(session_factory, alice, _pool()[:1])
    job_id = add_job(session_factory, alice, title="Data Scientist")
    with pytest.raises(NotFound):
        _decide(session_factory, bob, job_id, ids["Clinical 0"], FeedbackDecision.ACCEPT)
    with pytest.raises(ValidationFailed):
        _decide(
            session_factory,
            alice,
            job_id,
            ids["Clinical 0"],
            FeedbackDecision.ACCEPT,
            DeclineReason.OTHER,
        )
