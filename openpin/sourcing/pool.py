"""Free-text search over the whole pool, ranked with the same machinery as job matching.

A candidate is found when every word of the query appears in their indexed profile (keyword
side), or in their name, emails, titles or companies (the candidate list's own search text, which
also covers candidates not indexed yet), or when their profile is semantically close to the query
(vector side, above a similarity floor so a name search does not drag in strangers). The three
lists are fused by reciprocal rank.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from openpin.candidate.repository import CandidateFilters, CandidateRepository
from openpin.errors import ValidationFailed
from openpin.kit.pagination import Page, clamp_limit, decode_cursor, encode_cursor
from openpin.models import Candidate
from openpin.sourcing.search import RRF_K, Retrieval, keyword_side, query_vector, vector_side
from openpin.sourcing.vectors import workspace_vectors

LEXICAL_LIMIT = 1000
SEMANTIC_LIMIT = 100
# Below this cosine a profile is not "about" the query. Short queries such as "python
# developer" reach 0.5-0.6 with matching profiles and stay under 0.4 with unrelated ones.
SEMANTIC_FLOOR = 0.45


def search_pool(session: Session, workspace_id: int, q: str) -> list[int]:
    """Candidate ids matching `q`, best first (at most about a thousand)."""
    retrieval = Retrieval()
    keyword_side(
        session,
        workspace_id,
        q.split(),
        retrieval,
        conditions=(),
        excluded=set(),
        mode="all",
        limit=LEXICAL_LIMIT,
    )
    if workspace_vectors(session, workspace_id).size:  # no model load for an empty index
        vector_side(
            session,
            workspace_id,
            query_vector(q),
            retrieval,
            limit=SEMANTIC_LIMIT,
            minimum=SEMANTIC_FLOOR,
        )
    listed = _listed_matches(session, workspace_id, q)
    scores: dict[int, float] = {}
    for ranks in (retrieval.keyword_rank, retrieval.vector_rank, listed):
        for candidate_id, rank in ranks.items():
            scores[candidate_id] = scores.get(candidate_id, 0.0) + 1.0 / (RRF_K + rank)
    return sorted(scores, key=lambda cid: (-scores[cid], -cid))


def _listed_matches(session: Session, workspace_id: int, q: str) -> dict[int, int]:
    repo = CandidateRepository(session, workspace_id)
    query = repo.search_query(q, CandidateFilters()).with_only_columns(Candidate.id)
    ids = session.scalars(query.order_by(Candidate.id.desc()).limit(LEXICAL_LIMIT))
    return {int(cid): rank for rank, cid in enumerate(ids, start=1)}


def _offset(cursor: str | None) -> int:
    if not cursor:
        return 0
    value = decode_cursor(cursor).get("rank")
    if not isinstance(value, int) or value < 0:
        raise ValidationFailed(
            "The cursor is not valid for a search.",
            "Use the next_cursor of the previous page of the same search.",
            field="cursor",
        )
    return value


def ranked_candidate_page(
    session: Session,
    workspace_id: int,
    q: str,
    filters: CandidateFilters,
    cursor: str | None,
    limit: int,
) -> Page[Candidate]:
    """A page of the candidate list for a search: best match first, the list's filters applied."""
    limit, offset = clamp_limit(limit), _offset(cursor)
    ranked = search_pool(session, workspace_id, q)
    repo = CandidateRepository(session, workspace_id)
    if ranked and filters != CandidateFilters():
        passing = set(
            session.scalars(
                repo.search_query(None, filters)
                .with_only_columns(Candidate.id)
                .where(Candidate.id.in_(ranked))
            )
        )
        ranked = [cid for cid in ranked if cid in passing]
    ids = ranked[offset : offset + limit]
    loaded = repo.load_full(ids)
    end = offset + len(ids)
    return Page(
        items=[loaded[cid] for cid in ids if cid in loaded],
        next_cursor=encode_cursor({"rank": end}) if end < len(ranked) else None,
        total=len(ranked),
    )


def candidate_exists(session: Session, workspace_id: int, candidate_id: int) -> bool:
    query = select(Candidate.id).where(
        Candidate.workspace_id == workspace_id, Candidate.id == candidate_id
    )
    return session.scalar(query) is not None
