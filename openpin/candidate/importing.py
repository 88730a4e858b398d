"""Importing a candidates file: parse, write in batches, report every bad row by its line."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from itertools import islice

from sqlalchemy.orm import Session

from openpin.candidate.importers import ParsedRow, parse_candidates_file
from openpin.candidate.schemas import CandidateCreate, ImportError_, ImportResult
from openpin.candidate.service import DEFAULT_REGION, CandidateService

BATCH_SIZE = 500

# Called after each batch is written with the number of rows handled so far. The CLI commits
# there (so a 100,000-row file neither holds one huge transaction nor all rows in memory).
BatchCallback = Callable[[int], None]


def _batches(rows: Iterator[ParsedRow], size: int) -> Iterator[list[ParsedRow]]:
    while batch := list(islice(rows, size)):
        yield batch


def import_candidates(
    session: Session,
    workspace_id: int,
    actor_user_id: int | None,
    filename: str,
    data: bytes,
    *,
    default_region: str = DEFAULT_REGION,
    source: str = "",
    after_batch: BatchCallback | None = None,
    batch_size: int = BATCH_SIZE,
) -> ImportResult:
    service = CandidateService(session, workspace_id, actor_user_id, default_region)
    result = ImportResult()
    handled = 0
    for batch in _batches(
        iter(parse_candidates_file(filename, data, default_region=default_region)), batch_size
    ):
        _import_batch(service, batch, result, source)
        handled += len(batch)
        if after_batch is not None:
            after_batch(handled)
    return result


def _import_batch(
    service: CandidateService, batch: list[ParsedRow], result: ImportResult, source: str
) -> None:
    good: list[tuple[int, CandidateCreate]] = []
    for row in batch:
        if row.candidate is None:
            result.errors.append(ImportError_(line=row.line, message=row.error or "unreadable row"))
            continue
        if source and not row.candidate.source:
            row.candidate.source = source
        good.append((row.line, row.candidate))
    for outcome in service.write_many(good, via="import"):
        if outcome.error is not None:
            result.errors.append(ImportError_(line=outcome.line, message=outcome.error))
        elif outcome.merged:
            result.merged += 1
        else:
            result.created += 1
