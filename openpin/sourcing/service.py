"""Sourcing rules: ranked matches for a job, feedback that moves the ranking, pool search.

Never commits; every query is scoped to the service's workspace.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from openpin.activity.service import record_event
from openpin.db import database_key
from openpin.errors import NotFound, ValidationFailed
from openpin.job.repository import JobRepository
from openpin.kit.embeddings import Vectors
from openpin.kit.pagination import decode_cursor, encode_cursor
from openpin.models import Candidate, Job
from openpin.models.sourcing import DeclineReason, FeedbackDecision, SourcingFeedback
from openpin.sourcing import indexer, ranking
from openpin.sourcing.search import (
    ASK_VECTOR_WEIGHT,
    MatchFilters,
    Retrieval,
    contacted_ids,
    cosines_for,
    in_ats_ids,
    keyword_side,
    load_pool,
    query_vector,
    rank_pool,
    vector_pool,
    vector_scores,
)
from openpin.sourcing.vectors import workspace_vectors

Strategy = Literal["hybrid", "keyword", "vector"]
STATUS_MAX_AGE = 60.0
_status_cache: dict[tuple[Any, ...], _CountedStatus] = {}
MAX_PAGE = 100
# Runs each search's keyword query beside its vector scoring (see `SourcingService._rank`).
_side_threads = ThreadPoolExecutor(max_workers=4, thread_name_prefix="openpin-keyword")
# Rocchio: how far accepted profiles pull the query, and declined ones push it away.
ACCEPT_PULL, DECLINE_PUSH = 0.6, 0.25


@dataclass
class Match:
    candidate_id: int
    score: int  # 0..100
    explanation: ranking.Explanation
    name: str
    headline: str
    decision: str | None = None  # accept / decline, when the recruiter decided already


@dataclass
class MatchPage:
    items: list[Match]
    next_cursor: str | None
    total: int
    index: indexer.IndexStatus
    learned_from: int = 0  # decisions on this job that shaped the ranking
    notes: list[str] = field(default_factory=list)


@dataclass
class JobFeedback:
    accepted: list[int] = field(default_factory=list)
    declined: dict[int, DeclineReason | None] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return len(self.accepted) + len(self.declined)

    def adjustments(self) -> tuple[ranking.Adjustments, list[str]]:
        reasons = list(self.declined.values())
        adjust, notes = ranking.Adjustments(), []
        shift = reasons.count(DeclineReason.TOO_JUNIOR) - reasons.count(DeclineReason.TOO_SENIOR)
        if shift:
            adjust.level_shift = 1 if shift > 0 else -1
            notes.append(
                "More senior profiles rank higher"
                if shift > 0
                else "Less senior profiles rank higher"
            )
        if DeclineReason.WRONG_LOCATION in reasons:
            adjust.location_weight = 3.0
            notes.append("Location counts more")
        if DeclineReason.WRONG_SKILLS in reasons:
            adjust.skills_weight = 1.5
            notes.append("Skills count more")
        if self.accepted:
            notes.append("Profiles like the ones you accepted rank higher")
        return adjust, notes


def _offset(cursor: str | None) -> int:
    if not cursor:
        return 0
    value = decode_cursor(cursor).get("offset")
    if not isinstance(value, int) or value < 0:
        raise ValidationFailed("The cursor is not valid.", field="cursor")
    return value


def _check_limit(limit: int) -> int:
    if not 1 <= limit <= MAX_PAGE:
        raise ValidationFailed(
            f"limit must be between 1 and {MAX_PAGE}, got {limit}.", field="limit"
        )
    return limit


class SourcingService:
    def __init__(self, session: Session, workspace_id: int, actor_user_id: int | None = None):
        self.session = session
        self.workspace_id = workspace_id
        self.actor_user_id = actor_user_id
        self.jobs = JobRepository(session, workspace_id)

    # -- matches for a job ----------------------------------------------------------------

    def match_job(
        self,
        job_id: int,
        filters: MatchFilters | None = None,
        ask: str = "",
        cursor: str | None = None,
        limit: int = 50,
        strategy: Strategy = "hybrid",
    ) -> MatchPage:
        filters = filters or MatchFilters()
        offset, limit = _offset(cursor), _check_limit(limit)
        job = self.jobs.get(job_id)
        query = ranking.JobQuery.from_job(job, ask=ask, remote=filters.remote)
        feedback = self.feedback_for(job.id)
        ranked = self._rank(query, filters, feedback, strategy)
        page = ranked[offset : offset + limit]
        end = offset + len(page)
        adjust_notes = feedback.adjustments()[1]
        return MatchPage(
            items=self._matches(page, feedback),
            next_cursor=encode_cursor({"offset": end}) if end < len(ranked) else None,
            total=len(ranked),
            index=self._index_status(),
            learned_from=feedback.count,
            notes=adjust_notes,
        )

    def _excluded(self, filters: MatchFilters, feedback: JobFeedback) -> set[int]:
        excluded = set(feedback.declined)
        if filters.exclude_contacted:
            excluded |= contacted_ids(self.session, self.workspace_id)
        if filters.exclude_in_ats:
            excluded |= in_ats_ids(self.session, self.workspace_id)
        return excluded

    def _rank(
        self,
        job: ranking.JobQuery,
        filters: MatchFilters,
        feedback: JobFeedback,
        strategy: Strategy,
    ) -> list[ranking.Scored]:
        conditions = filters.conditions(job.must_have)
        excluded = self._excluded(filters, feedback)
        retrieval = Retrieval()
        vectors = workspace_vectors(self.session, self.workspace_id)
        vector = self._query_vector(job, feedback) if vectors.size else None
        # The keyword query runs in a worker thread while this one scores the vectors: SQLite
        # and numpy both release the GIL, so on two cores the two sides take the time of the
        # longer one. Only the worker touches the session until it is done.
        keyword = None
        if strategy != "vector":
            keyword = _side_threads.submit(
                keyword_side,
                self.session,
                self.workspace_id,
                job.keyword_terms(),
                retrieval,
                conditions=conditions,
                excluded=excluded,
            )
        scored = None
        try:
            if vector is not None and strategy != "keyword":
                scored = vector_scores(vectors, vector, excluded)
        finally:
            if keyword is not None:
                keyword.result()
        if scored is not None:
            ids, scores = scored
            vector_pool(
                self.session, self.workspace_id, ids, scores, retrieval, conditions=conditions
            )
        if strategy != "hybrid":
            return self._by_retrieval(retrieval, strategy)
        pool = retrieval.pool
        if vector is not None:
            retrieval.cosines = cosines_for(self.session, self.workspace_id, vector, pool)
            self._accepted_similarity(retrieval, feedback, pool)
        adjust = feedback.adjustments()[0]
        return rank_pool(job, load_pool(self.session, self.workspace_id, pool), retrieval, adjust)

    def _by_retrieval(self, retrieval: Retrieval, strategy: Strategy) -> list[ranking.Scored]:
        """One retriever's own order (the quality benchmark's baselines), explained all the same."""
        ranks = retrieval.keyword_rank if strategy == "keyword" else retrieval.vector_rank
        order = sorted(ranks, key=lambda cid: ranks[cid])
        return [ranking.Scored(cid, 1.0 / ranks[cid], _bare_explanation()) for cid in order]

    def _query_vector(self, job: ranking.JobQuery, feedback: JobFeedback) -> Vectors:
        vector = query_vector(job.embedding_text())
        if job.ask:
            vector = vector + ASK_VECTOR_WEIGHT * query_vector(job.ask)
        cache = workspace_vectors(self.session, self.workspace_id)
        accepted = [v for cid in feedback.accepted if (v := cache.vector_of(cid)) is not None]
        # Declines for location or seniority say nothing about what the profile is about.
        content = {None, DeclineReason.WRONG_SKILLS, DeclineReason.OTHER}
        declined = [
            v
            for cid, reason in feedback.declined.items()
            if reason in content and (v := cache.vector_of(cid)) is not None
        ]
        if accepted:
            vector = vector + ACCEPT_PULL * np.mean(accepted, axis=0)
        if declined:
            vector = vector - DECLINE_PUSH * np.mean(declined, axis=0)
        norm = float(np.linalg.norm(vector))
        return (vector / norm).astype(np.float32) if norm else vector

    def _accepted_similarity(
        self, retrieval: Retrieval, feedback: JobFeedback, pool: list[int]
    ) -> None:
        cache = workspace_vectors(self.session, self.workspace_id)
        accepted = [v for cid in feedback.accepted if (v := cache.vector_of(cid)) is not None]
        if not accepted:
            return
        matrix = np.vstack(accepted)
        for candidate_id in pool:
            vector = cache.vector_of(candidate_id)
            if vector is not None and candidate_id not in feedback.accepted:
                retrieval.accepted_similarity[candidate_id] = float(np.max(matrix @ vector))

    def _matches(self, page: list[ranking.Scored], feedback: JobFeedback) -> list[Match]:
        ids = [s.candidate_id for s in page]
        names = self._names(ids)
        accepted = set(feedback.accepted)
        matches = []
        for scored in page:
            name, headline = names.get(scored.candidate_id, ("", ""))
            decision = "accept" if scored.candidate_id in accepted else None
            matches.append(
                Match(
                    candidate_id=scored.candidate_id,
                    score=round(100 * scored.score),
                    explanation=scored.explanation,
                    name=name,
                    headline=headline,
                    decision=decision,
                )
            )
        return matches

    def _names(self, ids: list[int]) -> dict[int, tuple[str, str]]:
        if not ids:
            return {}
        query = select(Candidate.id, Candidate.full_name, Candidate.headline).where(
            Candidate.workspace_id == self.workspace_id, Candidate.id.in_(ids)
        )
        return {int(cid): (name, headline) for cid, name, headline in self.session.execute(query)}

    # -- feedback ---------------------------------------------------------------------------

    def feedback_for(self, job_id: int) -> JobFeedback:
        query = select(
            SourcingFeedback.candidate_id, SourcingFeedback.decision, SourcingFeedback.reason
        ).where(
            SourcingFeedback.workspace_id == self.workspace_id, SourcingFeedback.job_id == job_id
        )
        feedback = JobFeedback()
        for candidate_id, decision, reason in self.session.execute(
            query.order_by(SourcingFeedback.id)
        ):
            if decision == FeedbackDecision.ACCEPT:
                feedback.accepted.append(int(candidate_id))
            else:
                feedback.declined[int(candidate_id)] = reason
        return feedback

    def record_feedback(
        self,
        job_id: int,
        candidate_id: int,
        decision: FeedbackDecision,
        reason: DeclineReason | None = None,
        note: str = "",
    ) -> SourcingFeedback:
        """Store the decision (replacing an earlier one) and note it on the candidate's timeline."""
        job = self.jobs.get(job_id)
        self._check_candidate(candidate_id)
        if decision == FeedbackDecision.ACCEPT and reason is not None:
            raise ValidationFailed(
                "A reason only goes with a decline.",
                "Leave reason out when accepting.",
                field="reason",
            )
        row = self.session.scalars(
            select(SourcingFeedback).where(
                SourcingFeedback.workspace_id == self.workspace_id,
                SourcingFeedback.job_id == job.id,
                SourcingFeedback.candidate_id == candidate_id,
            )
        ).one_or_none()
        if row is None:
            row = SourcingFeedback(
                workspace_id=self.workspace_id, job_id=job.id, candidate_id=candidate_id
            )
            self.session.add(row)
        row.decision, row.reason, row.note = decision, reason, note.strip()[:2000]
        row.actor_user_id = self.actor_user_id
        self.session.flush()
        self._feedback_event(job, candidate_id, decision, reason)
        return row

    def _check_candidate(self, candidate_id: int) -> None:
        found = self.session.scalar(
            select(Candidate.id).where(
                Candidate.workspace_id == self.workspace_id, Candidate.id == candidate_id
            )
        )
        if found is None:
            raise NotFound(
                f"No candidate with id {candidate_id} in this workspace.",
                "Use a candidate_id from this job's matches.",
            )

    def _feedback_event(
        self, job: Job, candidate_id: int, decision: FeedbackDecision, reason: DeclineReason | None
    ) -> None:
        data: dict[str, Any] = {"job_title": job.title}
        if reason is not None:
            data["reason"] = reason.value
        record_event(
            self.session,
            self.workspace_id,
            "candidate.accepted_for_job"
            if decision == FeedbackDecision.ACCEPT
            else "candidate.declined_for_job",
            candidate_id=candidate_id,
            job_id=job.id,
            actor_user_id=self.actor_user_id,
            data=data,
        )

    def index_status(self) -> indexer.IndexStatus:
        return indexer.index_status(self.session, self.workspace_id)

    def _index_status(self) -> indexer.IndexStatus:
        """The counts shown with results. Counting scans the whole pool, so the answer is
        reused while nothing that changes it has moved (cheap index lookups, see
        `indexer.change_signals`), for at most `STATUS_MAX_AGE` seconds; "done" shows as soon
        as it is true."""
        key = (database_key(self.session), self.workspace_id)
        signals = indexer.change_signals(self.session, self.workspace_id)
        now = time.monotonic()
        cached = _status_cache.get(key)
        if (
            cached is not None
            and cached.signals == signals
            and now - cached.counted_at < STATUS_MAX_AGE
        ):
            return cached.status
        status = self.index_status()
        if len(_status_cache) > 1000:
            _status_cache.clear()
        _status_cache[key] = _CountedStatus(now, signals, status)
        return status


@dataclass(frozen=True)
class _CountedStatus:
    counted_at: float
    signals: tuple[Any, ...]
    status: indexer.IndexStatus


def _bare_explanation() -> ranking.Explanation:
    return ranking.Explanation(
        matched_skills=[],
        missing_skills=[],
        missing_nice=[],
        role=None,
        years=0.0,
        seniority="",
        seniority_fit=True,
        location="",
        location_match="unknown",
        ask_matches=[],
        similar_to_accepted=False,
        parts={},
    )
