"""`openpin import`: a file into a workspace, committed per batch, with progress and a summary."""

from __future__ import annotations

import csv
import time
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from openpin.auth.service import find_user_by_email
from openpin.candidate.importing import import_candidates
from openpin.candidate.schemas import ImportResult
from openpin.config import Settings
from openpin.db import make_session_factory
from openpin.errors import OpenPinError

SHOWN_ERRORS = 20


def _count_records(path: Path) -> int | None:
    """Data rows in a CSV (for the progress bar); None for JSON, whose size is known only parsed."""
    if path.suffix.lower() == ".json":
        return None
    with path.open("rb") as handle:
        return max(sum(1 for _ in handle) - 1, 0)


def run_cli_import(
    settings: Settings,
    engine: Engine,
    path: Path,
    email: str,
    source: str,
    errors_out: Path | None,
    console: Console,
) -> ImportResult:
    factory = make_session_factory(engine)
    session = factory()
    try:
        user = find_user_by_email(session, email)
        result = _import_with_progress(
            settings, session, user.workspace_id, user.id, path, source, console
        )
    except OpenPinError as exc:
        session.rollback()
        console.print(f"[red]Error:[/red] {exc.message} {exc.hint}")
        raise SystemExit(1) from exc
    finally:
        session.close()
    _print_summary(result, console)
    if errors_out is not None and result.errors:
        _write_errors(errors_out, result)
        console.print(f"Every bad row is listed in {errors_out}.")
    return result


def _import_with_progress(
    settings: Settings,
    session: Session,
    workspace_id: int,
    user_id: int,
    path: Path,
    source: str,
    console: Console,
) -> ImportResult:
    progress = Progress(
        TextColumn("Importing"),
        BarColumn(),
        TextColumn("{task.completed:,} rows"),
        TimeElapsedColumn(),
        console=console,
    )
    started = time.perf_counter()
    with progress:
        task = progress.add_task("import", total=_count_records(path))

        def after_batch(handled: int) -> None:
            # Commit each batch: memory stays flat and an interrupted import keeps what it wrote.
            session.commit()
            session.expunge_all()
            progress.update(task, completed=handled)

        result = import_candidates(
            session,
            workspace_id,
            user_id,
            path.name,
            path.read_bytes(),
            default_region=settings.candidate.default_phone_region,
            source=source,
            after_batch=after_batch,
        )
        session.commit()
    console.print(f"Done in {time.perf_counter() - started:.1f} s.")
    return result


def _print_summary(result: ImportResult, console: Console) -> None:
    table = Table(title="Import summary", show_header=False)
    table.add_row("Created", f"{result.created:,}")
    table.add_row("Merged into existing candidates", f"{result.merged:,}")
    table.add_row("Rows with errors (not imported)", f"{len(result.errors):,}")
    console.print(table)
    for error in result.errors[:SHOWN_ERRORS]:
        console.print(f"  line {error.line}: {error.message}")
    if len(result.errors) > SHOWN_ERRORS:
        console.print(
            f"  … and {len(result.errors) - SHOWN_ERRORS:,} more (use --errors-out FILE)."
        )


def _write_errors(path: Path, result: ImportResult) -> None:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["line", "message"])
        for error in result.errors:
            writer.writerow([error.line, error.message])
