"""Ranked, explained matches for a job: retrieval, ranking, filters and exclusions."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session, sessionmaker

from openpin.activity.service import record_event
from openpin.db import transaction
from openpin.sourcing.search import MatchFilters
from openpin.sourcing.service import MatchPage, SourcingService
from tests.fixtures.app import ApiUser
from tests.fixtures.database import both_backends
from tests.sourcing.helpers import (
    BACKEND_JOB,
    POOL,
    add_job,
    add_people,
    index_everything,
    person,
)

pytestmark = both_backends


def _matches(
    factory: sessionmaker[Session], user: ApiUser, job_id: int, **kwargs: object
) -> MatchPage:
    with transaction(factory) as session:
        return SourcingService(session, user.workspace_id).match_job(job_id, **kwargs)  # type: ignore[arg-type]


def _names(page: MatchPage) -> list[str]:
    return [m.name for m in page.items]


def test_the_right_people_rank_first_with_an_explanation(
    session_factory: sessionmaker[Session], alice: ApiUser
) -> None:
    add_people(session_factory, alice, POOL)
    job_id = add_job(session_factory, alice, **BACKEND_JOB)
    index_everything(session_factory)
    page = _matches(session_factory, alice, job_id)
    names = _names(page)
    assert names[0] == "Ana Backend"
    assert names.index("Ben Backend") < names.index("Cleo Frontend") < names.index("Dan Nurse")
    assert page.index.complete
    top = page.items[0].explanation
    assert top.matched_skills == ["Python", "PostgreSQL", "Kubernetes"]
    assert top.missing_skills == [] and top.location_match == "city"
    assert top.role is not None and top.role["title"] == "Senior Backend Engineer"
    assert top.years >= 6 and top.seniority == "senior"
    ben = next(m for m in page.items if m.name == "Ben Backend").explanation
    assert "PostgreSQL" in ben.matched_skills  # "Postgres" on the profile is the same skill
    assert "Kubernetes" in ben.missing_nice and ben.location_match == "country"
    assert page.items[0].score > page.items[-1].score


def test_keyword_search_works_before_embeddings_exist(
    session_factory: sessionmaker[Session], alice: ApiUser
) -> None:
    from openpin.sourcing import rebuild

    add_people(session_factory, alice, POOL)
    job_id = add_job(session_factory, alice, **BACKEND_JOB)
    rebuild.index_texts(session_factory, None)
    page = _matches(session_factory, alice, job_id)
    assert not page.index.complete and page.index.embedded == 0
    assert _names(page)[0] == "Ana Backend"
    assert "Dan Nurse" not in _names(page)  # nothing of the job in a nurse's profile


def test_hard_filters(session_factory: sessionmaker[Session], alice: ApiUser) -> None:
    add_people(session_factory, alice, POOL)
    job_id = add_job(session_factory, alice, **BACKEND_JOB)
    index_everything(session_factory)
    french = _matches(session_factory, alice, job_id, filters=MatchFilters(country="fr"))
    assert _names(french) == ["Eve Junior"]
    seasoned = _matches(session_factory, alice, job_id, filters=MatchFilters(min_years=3))
    assert "Eve Junior" not in _names(seasoned) and "Ana Backend" in _names(seasoned)
    required = _matches(
        session_factory, alice, job_id, filters=MatchFilters(must_have_required=True)
    )
    assert set(_names(required)) == {"Ana Backend", "Ben Backend", "Eve Junior"}
    titled = _matches(session_factory, alice, job_id, filters=MatchFilters(current_title="backend"))
    assert set(_names(titled)) == {"Ana Backend", "Ben Backend", "Eve Junior"}


def test_excluding_contacted_and_ats_candidates(
    session_factory: sessionmaker[Session], alice: ApiUser
) -> None:
    ids = add_people(session_factory, alice, POOL)
    job_id = add_job(session_factory, alice, **BACKEND_JOB)
    index_everything(session_factory)
    with transaction(session_factory) as session:
        record_event(session, alice.workspace_id, "message.sent", candidate_id=ids["Ana Backend"])
        record_event(session, alice.workspace_id, "ats.exported", candidate_id=ids["Ben Backend"])
    everyone = _names(_matches(session_factory, alice, job_id))
    assert {"Ana Backend", "Ben Backend"} <= set(everyone)
    fresh = _names(
        _matches(
            session_factory,
            alice,
            job_id,
            filters=MatchFilters(exclude_contacted=True, exclude_in_ats=True),
        )
    )
    assert "Ana Backend" not in fresh and "Ben Backend" not in fresh and fresh


def test_ask_refines_the_ranking(session_factory: sessionmaker[Session], alice: ApiUser) -> None:
    people = [
        POOL[0],
        {
            **POOL[0],
            "full_name": "Lea Lead",
            "emails": ["lea@example.com"],
            "summary": "Led a team of six engineers through a payments migration in fintech.",
        },
    ]
    add_people(session_factory, alice, people)
    job_id = add_job(session_factory, alice, **BACKEND_JOB)
    index_everything(session_factory)
    asked = _matches(session_factory, alice, job_id, ask="has led a team in fintech")
    assert _names(asked)[0] == "Lea Lead"
    assert "fintech" in asked.items[0].explanation.ask_matches


def test_cursor_pages_through_the_ranking(
    session_factory: sessionmaker[Session], alice: ApiUser
) -> None:
    add_people(session_factory, alice, POOL)
    job_id = add_job(session_factory, alice, **BACKEND_JOB)
    index_everything(session_factory)
    everyone = _names(_matches(session_factory, alice, job_id))
    seen: list[str] = []
    cursor = None
    while True:
        page = _matches(session_factory, alice, job_id, cursor=cursor, limit=2)
        seen.extend(_names(page))
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == everyone


def test_filters_on_the_vector_side_match_a_full_scan(
    session_factory: sessionmaker[Session], alice: ApiUser
) -> None:
    """The vector side checks filters on its closest profiles first and reads every passing id
    only when too few pass: each path must give what masking the whole pool gives."""
    import numpy as np

    from openpin.sourcing import ranking
    from openpin.sourcing.search import Retrieval, allowed_ids, query_vector, vector_side
    from openpin.sourcing.vectors import workspace_vectors

    backend = [
        person(f"Dev {n}", "Backend Engineer", ["Python", "PostgreSQL"], years=2 + n % 9)
        for n in range(24)
    ]
    far = [person("Nia Nurse", "Registered Nurse", ["ICU"], years=3, city="Lyon", country="FR")]
    add_people(session_factory, alice, backend + far + POOL)
    job_id = add_job(session_factory, alice, **BACKEND_JOB)
    index_everything(session_factory)
    with transaction(session_factory) as session:
        job = ranking.JobQuery.from_job(
            SourcingService(session, alice.workspace_id).jobs.get(job_id)
        )
        query = query_vector(job.embedding_text())
        ids, matrix = workspace_vectors(session, alice.workspace_id).view()
        scores = matrix @ query
        cases = [(MatchFilters(min_years=6), 3), (MatchFilters(city="Lyon"), 1)]
        for filters, limit in cases:  # a wide filter, then one only the far end passes
            conditions = filters.conditions(job.must_have)
            passing = allowed_ids(session, alice.workspace_id, conditions)
            order = [int(ids[row]) for row in np.argsort(-scores, kind="stable")]
            expected = [cid for cid in order if cid in passing][:limit]
            retrieval = Retrieval()
            vector_side(
                session, alice.workspace_id, query, retrieval, conditions=conditions, limit=limit
            )
            found = sorted(retrieval.vector_rank, key=retrieval.vector_rank.get)
            assert set(found) <= passing and len(found) == len(expected)
            # Several profiles differ only in their name, so compare scores, not who wins a tie.
            score_of = {int(cid): float(score) for cid, score in zip(ids, scores, strict=True)}
            assert [score_of[c] for c in found] == pytest.approx([score_of[c] for c in expected])


def test_keyword_side_finds_a_narrow_filter_match_beyond_the_first_window(
    session_factory: sessionmaker[Session], alice: ApiUser
) -> None:
    """The keyword side ranks first and checks filters on a window of the best matches; a
    filter that none of them pass must still find its match further down."""
    from openpin.sourcing import rebuild
    from openpin.sourcing.keyword import keyword_search

    crowd = [
        person(f"Dev {n}", "Backend Engineer", ["Python", "PostgreSQL"], years=3 + n % 5)
        for n in range(12)
    ]
    lyon = person("Lou Lyon", "Data Analyst", ["Python"], city="Lyon", country="FR")
    ids = add_people(session_factory, alice, [*crowd, lyon])
    rebuild.index_texts(session_factory, None)
    with transaction(session_factory) as session:
        terms = ["python", "postgresql"]
        everyone = keyword_search(session, alice.workspace_id, terms, limit=100)
        assert len(everyone) == 13 and everyone[-1][0] == ids["Lou Lyon"]  # ranked last
        conditions = MatchFilters(city="Lyon").conditions([])
        found = keyword_search(session, alice.workspace_id, terms, limit=2, conditions=conditions)
        assert [cid for cid, _ in found] == [ids["Lou Lyon"]]
