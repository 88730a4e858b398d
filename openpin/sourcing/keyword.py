"""Keyword retrieval over the sourcing index: SQLite FTS5 (BM25) or PostgreSQL full text.

Terms are bound as parameters (FTS5 phrases are quoted, PostgreSQL terms go through
`plainto_tsquery`), so nothing a recruiter types can break or widen the query.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any, Literal

from sqlalchemy import ColumnElement, column, func, literal_column, select, table, text
from sqlalchemy.orm import Session

from openpin.db import database_key
from openpin.models.sourcing import FTS_TABLE, SourcingProfile
from openpin.sourcing.facts import words

Mode = Literal["any", "all"]

# bm25 weights for titles, skills and body: a word in a title says more than one in a summary.
SQLITE_WEIGHTS = (4.0, 2.5, 1.0)
_fts = table(FTS_TABLE, column("rowid"))
_docsize = table(f"{FTS_TABLE}_docsize", column("id"))
# Words in more than this share of all profiles are not scored (see `selective_terms`).
COMMON_SHARE = 0.2
FREQUENCY_MAX_AGE = 600.0
_frequencies: dict[tuple[str, str], tuple[float, int]] = {}


def _phrase(term: str) -> str:
    return '"' + " ".join(words(term)).replace('"', "") + '"'


def fts5_query(terms: Sequence[str], mode: Mode) -> str:
    phrases = [_phrase(t) for t in terms if words(t)]
    return f" {'OR' if mode == 'any' else 'AND'} ".join(dict.fromkeys(phrases))


def keyword_search(
    session: Session,
    workspace_id: int,
    terms: Sequence[str],
    *,
    mode: Mode = "any",
    limit: int = 300,
    conditions: Sequence[ColumnElement[bool]] = (),
) -> list[tuple[int, float]]:
    """(candidate_id, score) best first; a higher score is a better match on both databases."""
    usable = [t for t in terms if words(t)]
    if not usable:
        return []
    if session.get_bind().dialect.name == "postgresql":
        return _postgres(session, workspace_id, usable, mode, limit, conditions)
    return _sqlite(session, workspace_id, usable, mode, limit, conditions)


def _sqlite(
    session: Session,
    workspace_id: int,
    terms: Sequence[str],
    mode: Mode,
    limit: int,
    conditions: Sequence[ColumnElement[bool]],
) -> list[tuple[int, float]]:
    if mode == "any":
        terms = selective_terms(session, terms, limit)
    match = text(f"{FTS_TABLE} MATCH :fts_query").bindparams(fts_query=fts5_query(terms, mode))
    rank = func.bm25(literal_column(FTS_TABLE), *SQLITE_WEIGHTS).label("rank")
    # Rank in the FTS index first and only then look the best rows up for their workspace and
    # filters (a primary-key lookup each): checking every match before ranking costs more than
    # ranking. Other workspaces' matches, or a narrow filter, can crowd the first window out.
    window = limit * 4
    while True:
        best = select(_fts.c.rowid, rank).where(match).order_by(rank).limit(window).subquery()
        query = (
            select(best.c.rowid, best.c.rank)
            .join(SourcingProfile, SourcingProfile.candidate_id == best.c.rowid)
            .where(SourcingProfile.workspace_id == workspace_id, *conditions)
            .order_by(best.c.rank)
            .limit(limit)
        )
        found = _flipped(session.execute(query))
        if len(found) >= limit or not _more_than(session, match, window):
            return found
        if conditions:
            return _sqlite_filtered(session, workspace_id, match, rank, limit, conditions)
        window *= 4


def _sqlite_filtered(
    session: Session,
    workspace_id: int,
    match: Any,
    rank: Any,
    limit: int,
    conditions: Sequence[ColumnElement[bool]],
) -> list[tuple[int, float]]:
    """A filter too narrow for the window: the ids passing it are read first (through the
    covering filter index) and each match is checked against them before bm25 is computed for
    it. The unary plus keeps FTS5 from taking the list as rowids to run the MATCH for one by
    one."""
    passing = select(SourcingProfile.candidate_id).where(
        SourcingProfile.workspace_id == workspace_id, *conditions
    )
    query = (
        select(_fts.c.rowid, rank)
        .where(match, literal_column(f"+{FTS_TABLE}.rowid").in_(passing))
        .order_by(rank)
        .limit(limit)
    )
    return _flipped(session.execute(query))


def selective_terms(session: Session, terms: Sequence[str], limit: int) -> list[str]:
    """The terms of an any-term query worth scoring every match of.

    bm25 costs about 2 us per matching profile, and a word found in a fifth or more of all
    profiles ("senior", "engineer", "manager") makes most of the pool match while adding
    little to a score (an idf near 0.4 against 2-3 for a skill). Such words are left out when
    the others still match more than `limit` profiles; the structured ranking weighs the job
    title on its own anyway.
    """
    total = _document_count(session)
    frequencies = {term: _document_frequency(session, term) for term in terms}
    kept = [term for term in terms if frequencies[term] <= COMMON_SHARE * total]
    if not kept or sum(frequencies[term] for term in kept) < limit:
        return list(terms)
    return kept


def _document_count(session: Session) -> int:
    return _cached(session, "", lambda: select(func.count()).select_from(_docsize))


def _document_frequency(session: Session, term: str) -> int:
    phrase = text(f"{FTS_TABLE} MATCH :phrase").bindparams(phrase=_phrase(term))
    return _cached(session, term, lambda: select(func.count()).select_from(_fts).where(phrase))


def _cached(session: Session, term: str, query: Callable[[], Any]) -> int:
    """Counts over the whole index (all workspaces), kept a few minutes: they move slowly and
    only steer which words are scored, never which profiles may be found."""
    key = (database_key(session), term)
    now = time.monotonic()
    found = _frequencies.get(key)
    if found is not None and now - found[0] < FREQUENCY_MAX_AGE:
        return found[1]
    count = int(session.scalar(query()) or 0)
    if len(_frequencies) > 10_000:
        _frequencies.clear()
    _frequencies[key] = (now, count)
    return count


def _more_than(session: Session, match: Any, window: int) -> bool:
    query = select(func.count()).select_from(
        select(_fts.c.rowid).where(match).limit(window + 1).subquery()
    )
    return (session.scalar(query) or 0) > window


def _flipped(rows: Any) -> list[tuple[int, float]]:
    # bm25() is lower-is-better and negative; flip it so every caller reads "higher is better".
    return [(int(row[0]), -float(row[1])) for row in rows]


def _postgres(
    session: Session,
    workspace_id: int,
    terms: Sequence[str],
    mode: Mode,
    limit: int,
    conditions: Sequence[ColumnElement[bool]],
) -> list[tuple[int, float]]:
    operator = "||" if mode == "any" else "&&"
    ts_query: Any = None
    part: Any
    for term in dict.fromkeys(terms):
        part = func.plainto_tsquery("english", term)
        ts_query = part if ts_query is None else ts_query.op(operator)(part)
    vector: Any = literal_column("sourcing_profile.search_vector")
    rank = func.ts_rank(vector, ts_query).label("rank")
    query = (
        select(SourcingProfile.candidate_id, rank)
        .where(vector.op("@@")(ts_query))
        .where(SourcingProfile.workspace_id == workspace_id, *conditions)
        .order_by(rank.desc())
        .limit(limit)
    )
    return [(int(row[0]), float(row[1])) for row in session.execute(query)]
