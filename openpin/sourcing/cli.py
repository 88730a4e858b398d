"""`openpin index status | rebuild`: the sourcing index from the command line."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from sqlalchemy.orm import Session, sessionmaker

from openpin.sourcing import rebuild

index_app = typer.Typer(help="The sourcing search index.", no_args_is_help=True)
console = Console()

WorkspaceOption = Annotated[
    int | None, typer.Option("--workspace-id", help="Only this workspace (default: all)")
]


def _factory() -> sessionmaker[Session]:
    from openpin.config import Settings
    from openpin.db import engine_from_settings, make_session_factory
    from openpin.logging import configure_logging
    from openpin.migrate import upgrade_to_head

    settings = Settings()
    configure_logging(settings.log_level, settings.log_json)
    engine = engine_from_settings(settings)
    upgrade_to_head(engine)
    return make_session_factory(engine)


def _print_status(factory: sessionmaker[Session], workspace_id: int | None) -> None:
    state = rebuild.status(factory, workspace_id)
    console.print(
        f"{state.candidates} candidates: {state.indexed} searchable by keyword, "
        f"{state.embedded} embedded ({state.percent_embedded}%); "
        f"pending: {state.pending_text} text, {state.pending_embedding} embeddings."
    )


@index_app.command("status")
def status(workspace_id: WorkspaceOption = None) -> None:
    """How much of the pool is indexed."""
    _print_status(_factory(), workspace_id)


@index_app.command("rebuild")
def rebuild_index(
    workspace_id: WorkspaceOption = None,
    resume: Annotated[
        bool, typer.Option("--resume", help="Only finish what is pending; do not start over")
    ] = False,
    batch_size: Annotated[int, typer.Option(min=1, max=5000, help="Profiles per batch")] = 256,
) -> None:
    """Re-derive every profile's text and embedding, with a progress bar.

    Search keeps working meanwhile (old embeddings serve until replaced). Safe to interrupt:
    `openpin index rebuild --resume` continues where it stopped.
    """
    factory = _factory()
    if not resume:
        rebuild.reset(factory, workspace_id)
    console.print("Indexing profile text for keyword search…")
    rebuild.index_texts(factory, workspace_id)
    state = rebuild.status(factory, workspace_id)
    columns = (
        TextColumn("Embedding profiles"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console) as progress:
        bar = progress.add_task("embed", total=state.candidates, completed=state.embedded)
        rebuild.embed_all(
            factory,
            workspace_id,
            batch_size=batch_size,
            after_batch=lambda n: progress.advance(bar, n),
        )
    _print_status(factory, workspace_id)
