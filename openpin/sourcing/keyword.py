"""Keyword retrieval over the sourcing index: SQLite FTS5 (BM25) or PostgreSQL full text.

Terms are bound as parameters (FTS5 phrases are quoted, PostgreSQL terms go through
`plainto_tsquery`), so nothing a recruiter types can break or widen the query.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from sqlalchemy import ColumnElement, column, func, literal_column, select, table, text
from sqlalchemy.orm import Session

from openpin.models.sourcing import FTS_TABLE, SourcingProfile
from openpin.sourcing.facts import words

Mode = Literal["any", "all"]

# bm25 weights for titles, skills and body: a word in a title says more than one in a summary.
SQLITE_WEIGHTS = (4.0, 2.5, 1.0)
_fts = table(FTS_TABLE, column("rowid"))


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
    match = text(f"{FTS_TABLE} MATCH :fts_query").bindparams(fts_query=fts5_query(terms, mode))
    rank = func.bm25(literal_column(FTS_TABLE), *SQLITE_WEIGHTS).label("rank")
    if conditions:
        query = (
            select(_fts.c.rowid, rank)
            .join(SourcingProfile, SourcingProfile.candidate_id == _fts.c.rowid)
            .where(match, SourcingProfile.workspace_id == workspace_id, *conditions)
            .order_by(rank)
            .limit(limit)
        )
        return _flipped(session.execute(query))
    # Rank in the FTS index first and only then look rows up for their workspace: checking the
    # workspace of every match before ranking reads tens of thousands of wide rows. Other
    # workspaces' matches can crowd the first window out, so it widens until it holds enough.
    window = limit * 4
    while True:
        best = select(_fts.c.rowid, rank).where(match).order_by(rank).limit(window).subquery()
        query = (
            select(best.c.rowid, best.c.rank)
            .join(SourcingProfile, SourcingProfile.candidate_id == best.c.rowid)
            .where(SourcingProfile.workspace_id == workspace_id)
            .order_by(best.c.rank)
            .limit(limit)
        )
        found = _flipped(session.execute(query))
        if len(found) >= limit or not _more_than(session, match, window):
            return found
        window *= 4


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
