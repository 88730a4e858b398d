"""Hybrid retrieval: keyword and vector candidates fused, then ranked on structured fit.

Both sides retrieve a few hundred candidates each (the vector side scores every embedded profile
of the workspace with one matrix product); the union is ranked by `ranking.score_candidate`.
Candidates not embedded yet still come in through the keyword side, so search works while an
import is being indexed.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sqlalchemy import ColumnElement, Text, func, select, type_coerce
from sqlalchemy.orm import Session

from openpin.kit.embeddings import Vectors, get_embedder
from openpin.models import ActivityEvent
from openpin.models.ats import AtsCandidateLink
from openpin.models.sourcing import SourcingProfile
from openpin.sourcing import ranking
from openpin.sourcing.facts import skill_key, words
from openpin.sourcing.keyword import Mode, keyword_search
from openpin.sourcing.vectors import WorkspaceVectors, workspace_vectors

VECTOR_POOL = 150
KEYWORD_POOL = 150
# Vector side with filters: how many times the pool size of the closest profiles to check
# (one primary-key lookup each) before reading every passing id to mask the whole matrix.
POST_FILTER_FACTORS = (4, 20)
RRF_K = 60  # the usual reciprocal-rank-fusion constant: ranks matter, raw scores do not
ASK_VECTOR_WEIGHT = 0.8
CONTACTED_EVENTS = ("candidate.added_to_sequence", "message.sent")
IN_ATS_EVENTS = ("ats.exported",)


@dataclass
class MatchFilters:
    country: str | None = None  # ISO alpha-2
    city: str | None = None
    remote: bool | None = None  # None: from the job ("Remote" among its locations)
    min_years: float | None = None
    max_years: float | None = None
    current_title: str | None = None  # words the current title must contain
    must_have_required: bool = False
    exclude_contacted: bool = False
    exclude_in_ats: bool = False

    def conditions(self, must_have: Sequence[str]) -> list[ColumnElement[bool]]:
        """SQL conditions on `sourcing_profile` for the hard filters."""
        found: list[ColumnElement[bool]] = []
        if self.country:
            found.append(SourcingProfile.country_code == self.country.strip().upper())
        if self.city:
            found.append(func.lower(SourcingProfile.city) == self.city.strip().lower())
        if self.min_years is not None:
            found.append(SourcingProfile.years >= self.min_years)
        if self.max_years is not None:
            found.append(SourcingProfile.years <= self.max_years)
        for word in words(self.current_title or ""):
            found.append(func.lower(SourcingProfile.current_title).contains(word, autoescape=True))
        if self.must_have_required:
            for skill in must_have:
                key = f"|{skill_key(skill)}|"
                found.append(SourcingProfile.skill_keys.contains(key, autoescape=True))
        return found


# -- query vectors ------------------------------------------------------------------------------

_QUERY_CACHE_SIZE = 512
_query_vectors: OrderedDict[str, Vectors] = OrderedDict()
_query_lock = threading.Lock()


def query_vector(text: str) -> Vectors:
    """The embedding of a query text; repeated searches (paging, filters) reuse it."""
    with _query_lock:
        cached = _query_vectors.get(text)
        if cached is not None:
            _query_vectors.move_to_end(text)
            return cached
    vector = get_embedder().embed([text])[0]
    with _query_lock:
        _query_vectors[text] = vector
        while len(_query_vectors) > _QUERY_CACHE_SIZE:
            _query_vectors.popitem(last=False)
    return vector


def _normalised(vector: Vectors) -> Vectors:
    norm = float(np.linalg.norm(vector))
    return vector if norm == 0 else (vector / norm).astype(np.float32)


# -- exclusions ---------------------------------------------------------------------------------


def contacted_ids(session: Session, workspace_id: int) -> set[int]:
    query = select(ActivityEvent.candidate_id).where(
        ActivityEvent.workspace_id == workspace_id,
        ActivityEvent.type.in_(CONTACTED_EVENTS),
        ActivityEvent.candidate_id.is_not(None),
    )
    return {int(cid) for cid in session.scalars(query.distinct()) if cid is not None}


def in_ats_ids(session: Session, workspace_id: int) -> set[int]:
    linked = select(AtsCandidateLink.candidate_id).where(
        AtsCandidateLink.workspace_id == workspace_id,
        AtsCandidateLink.ats_candidate_id.is_not(None),
    )
    exported = select(ActivityEvent.candidate_id).where(
        ActivityEvent.workspace_id == workspace_id,
        ActivityEvent.type.in_(IN_ATS_EVENTS),
        ActivityEvent.candidate_id.is_not(None),
    )
    found = {int(cid) for cid in session.scalars(linked.distinct())}
    return found | {int(cid) for cid in session.scalars(exported.distinct()) if cid is not None}


def allowed_ids(
    session: Session,
    workspace_id: int,
    conditions: Sequence[ColumnElement[bool]],
    among: Sequence[int] | None = None,
) -> set[int]:
    """Ids passing the hard filters (of `among`, when given), read through the filter index."""
    in_workspace = SourcingProfile.workspace_id == workspace_id
    if among is not None:
        # A few hundred primary-key lookups; `+ 0` keeps the planner from scanning the filter
        # index instead (without statistics it takes a workspace's rows for a handful).
        in_workspace = SourcingProfile.workspace_id + 0 == workspace_id
    query = select(SourcingProfile.candidate_id).where(in_workspace, *conditions)
    if among is not None:
        query = query.where(SourcingProfile.candidate_id.in_(list(among)))
    return {int(cid) for cid in session.scalars(query)}


# -- retrieval ----------------------------------------------------------------------------------


@dataclass
class Retrieval:
    """What both retrievers found: cosine per candidate (all of the pool), keyword score."""

    cosines: dict[int, float] = field(default_factory=dict)
    keyword: dict[int, float] = field(default_factory=dict)
    vector_rank: dict[int, int] = field(default_factory=dict)
    keyword_rank: dict[int, int] = field(default_factory=dict)
    accepted_similarity: dict[int, float] = field(default_factory=dict)

    @property
    def pool(self) -> list[int]:
        return list(dict.fromkeys([*self.keyword_rank, *self.vector_rank]))

    def fused(self, candidate_id: int) -> float:
        score = 0.0
        if candidate_id in self.vector_rank:
            score += 1.0 / (RRF_K + self.vector_rank[candidate_id])
        if candidate_id in self.keyword_rank:
            score += 1.0 / (RRF_K + self.keyword_rank[candidate_id])
        return score


def _excluded_mask(ids: np.ndarray, excluded: Collection[int]) -> np.ndarray | None:
    if not excluded:
        return None
    return ~np.isin(ids, np.fromiter(excluded, dtype=np.int64, count=len(excluded)))


def _best_rows(scores: np.ndarray, count: int) -> np.ndarray:
    """Row numbers of the `count` highest scores, best first (ties in row order)."""
    count = min(count, len(scores))
    if count <= 0:
        return np.zeros(0, dtype=np.int64)
    best = np.argpartition(-scores, count - 1)[:count]
    return best[np.argsort(-scores[best], kind="stable")]


def _filtered_best(
    session: Session,
    workspace_id: int,
    ids: np.ndarray,
    scores: np.ndarray,
    conditions: Sequence[ColumnElement[bool]],
    limit: int,
) -> np.ndarray:
    if not conditions:
        return _best_rows(scores, limit)
    for factor in POST_FILTER_FACTORS:
        best = _best_rows(scores, limit * factor)
        passing = allowed_ids(session, workspace_id, conditions, among=ids[best].tolist())
        if len(passing) >= limit or len(best) == len(ids):
            return np.array([row for row in best if int(ids[row]) in passing], dtype=np.int64)
    allowed = allowed_ids(session, workspace_id, conditions)
    keep = np.isin(ids, np.fromiter(allowed, dtype=np.int64, count=len(allowed)))
    return _best_rows(np.where(keep, scores, -np.inf), limit)


def vector_scores(
    vectors: WorkspaceVectors, query: Vectors, excluded: Collection[int] = ()
) -> tuple[np.ndarray, np.ndarray]:
    """(candidate ids, cosine to `query`) over the whole matrix, -inf for the excluded.

    No database work: it runs while the keyword query does (see `SourcingService._rank`)."""
    ids, matrix = vectors.view()
    scores = matrix @ query
    mask = _excluded_mask(ids, excluded)
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    return ids, scores


def vector_pool(
    session: Session,
    workspace_id: int,
    ids: np.ndarray,
    scores: np.ndarray,
    retrieval: Retrieval,
    *,
    conditions: Sequence[ColumnElement[bool]] = (),
    limit: int = VECTOR_POOL,
    minimum: float | None = None,
) -> None:
    """The `limit` best scores that pass the filters, into `retrieval.vector_rank`.

    Filters are checked after scoring, on a few times `limit` of the closest profiles (a
    primary-key lookup); only when too few of those pass (a narrow filter) are all passing ids
    read, through the filter index, to mask the whole matrix.
    """
    if not len(ids):
        return
    best = _filtered_best(session, workspace_id, ids, scores, conditions, limit)
    for rank, row in enumerate(best[:limit]):
        value = float(scores[row])
        if value == -np.inf or (minimum is not None and value < minimum):
            break
        retrieval.vector_rank[int(ids[row])] = rank + 1


def vector_side(
    session: Session,
    workspace_id: int,
    query: Vectors,
    retrieval: Retrieval,
    *,
    conditions: Sequence[ColumnElement[bool]] = (),
    excluded: Collection[int] = (),
    limit: int = VECTOR_POOL,
    minimum: float | None = None,
) -> None:
    """The `limit` profiles closest to `query` that pass the filters and are not excluded."""
    ids, scores = vector_scores(workspace_vectors(session, workspace_id), query, excluded)
    vector_pool(
        session,
        workspace_id,
        ids,
        scores,
        retrieval,
        conditions=conditions,
        limit=limit,
        minimum=minimum,
    )


def cosines_for(
    session: Session, workspace_id: int, query: Vectors, candidate_ids: Iterable[int]
) -> dict[int, float]:
    cache = workspace_vectors(session, workspace_id)
    found = {}
    for candidate_id in candidate_ids:
        vector = cache.vector_of(candidate_id)
        if vector is not None:
            found[candidate_id] = float(vector @ query)
    return found


def keyword_side(
    session: Session,
    workspace_id: int,
    terms: Sequence[str],
    retrieval: Retrieval,
    *,
    conditions: Sequence[ColumnElement[bool]],
    excluded: set[int],
    mode: Mode = "any",
    limit: int = KEYWORD_POOL,
) -> None:
    hits = keyword_search(
        session, workspace_id, terms, mode=mode, limit=limit + len(excluded), conditions=conditions
    )
    hits = [(cid, score) for cid, score in hits if cid not in excluded][:limit]
    best = max((score for _, score in hits), default=0.0)
    for rank, (candidate_id, score) in enumerate(hits, start=1):
        retrieval.keyword_rank[candidate_id] = rank
        retrieval.keyword[candidate_id] = score / best if best > 0 else 0.0


# -- the ranked pool ----------------------------------------------------------------------------


@dataclass
class PoolRow:
    candidate_id: int
    facts: dict[str, Any]
    text: str  # folded match text


def load_pool(session: Session, workspace_id: int, candidate_ids: list[int]) -> list[PoolRow]:
    if not candidate_ids:
        return []
    facts: Any = SourcingProfile.facts
    if session.get_bind().dialect.name == "sqlite":
        # Parsed here instead: SQLAlchemy's JSON result processing costs ~100 us a row, which
        # is a third of a search over a few hundred candidates.
        facts = type_coerce(SourcingProfile.facts, Text)
    query = select(SourcingProfile.candidate_id, facts, SourcingProfile.match_text).where(
        SourcingProfile.workspace_id == workspace_id,
        SourcingProfile.candidate_id.in_(candidate_ids),
    )
    return [
        PoolRow(int(cid), row if isinstance(row, dict) else json.loads(row), text)
        for cid, row, text in session.execute(query)
    ]


def rank_pool(
    job: ranking.JobQuery,
    rows: list[PoolRow],
    retrieval: Retrieval,
    adjustments: ranking.Adjustments | None = None,
) -> list[ranking.Scored]:
    scored = []
    for row in rows:
        evidence = ranking.Evidence(
            cosine=retrieval.cosines.get(row.candidate_id),
            keyword=retrieval.keyword.get(row.candidate_id, 0.0),
            accepted_similarity=retrieval.accepted_similarity.get(row.candidate_id),
        )
        score, explanation = ranking.score_candidate(
            job, row.facts, row.text, evidence, adjustments
        )
        scored.append(ranking.Scored(row.candidate_id, score, explanation))
    scored.sort(key=lambda s: (-s.score, s.candidate_id))
    return scored
