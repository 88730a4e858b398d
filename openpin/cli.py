"""The `openpin` command: serve, worker, migrate, users, tokens, import, demo, sandboxes."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from sqlalchemy import Engine

from openpin.config import Settings
from openpin.db import engine_from_settings, make_session_factory, transaction
from openpin.logging import configure_logging

app = typer.Typer(
    help="OpenPin: open-source, self-hostable, AI-powered recruiting.", no_args_is_help=True
)
user_app = typer.Typer(help="Manage users.", no_args_is_help=True)
token_app = typer.Typer(help="Manage API tokens.", no_args_is_help=True)
app.add_typer(user_app, name="user")
app.add_typer(token_app, name="token")

console = Console()
err_console = Console(stderr=True)


def _settings() -> Settings:
    settings = Settings()
    configure_logging(settings.log_level, settings.log_json)
    return settings


def _migrated_engine(settings: Settings) -> Engine:
    from openpin.migrate import upgrade_to_head

    engine = engine_from_settings(settings)
    upgrade_to_head(engine)
    return engine


def _fail(message: str) -> None:
    err_console.print(f"[red]Error:[/red] {message}")
    raise typer.Exit(code=1)


@app.command()
def migrate() -> None:
    """Create or upgrade the database schema to the latest version."""
    from openpin.migrate import current_revision

    settings = _settings()
    engine = _migrated_engine(settings)
    console.print(f"Database at revision [bold]{current_revision(engine)}[/bold]: {engine.url!r}")


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to listen on")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on")] = None,
    worker: Annotated[
        bool, typer.Option("--worker/--no-worker", help="Run the embedded worker thread")
    ] = True,
    demo: Annotated[
        bool,
        typer.Option(
            "--demo/--no-demo", help="Seed the demo workspace and start the ATS sandboxes"
        ),
    ] = False,
) -> None:
    """Run the web server (API + UI), with an embedded background worker by default."""
    import uvicorn

    from openpin.app import create_app

    settings = _settings()
    engine = _migrated_engine(settings)
    bind_host, bind_port = host or settings.web.host, port or settings.web.port
    if demo:
        from openpin.demo.run import prepare_demo

        prepare_demo(settings, engine, console, f"http://{bind_host}:{bind_port}")
    web_app = create_app(settings, engine, embedded_worker=worker, warm_search=True)
    console.print(f"OpenPin is running at [bold]http://{bind_host}:{bind_port}/[/bold]")
    uvicorn.run(web_app, host=bind_host, port=bind_port, log_level="warning")


@app.command("worker")
def run_worker() -> None:
    """Run a dedicated background worker (scale-out: any number, on any machine)."""
    from openpin.worker.runner import run_dedicated

    settings = _settings()
    _migrated_engine(settings).dispose()
    console.print("Worker started; Ctrl-C finishes the current task and stops.")
    run_dedicated(settings)


@user_app.command("create")
def user_create(
    email: Annotated[str, typer.Option(help="Login email")],
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)],
    workspace: Annotated[str, typer.Option(help="Workspace name (created if new)")],
    role: Annotated[str, typer.Option(help="admin or recruiter")] = "recruiter",
    name: Annotated[str, typer.Option(help="Full name")] = "",
) -> None:
    """Create a user in a workspace."""
    from openpin.auth.service import create_user
    from openpin.errors import OpenPinError
    from openpin.models import Role

    if role not in {r.value for r in Role}:
        _fail(f"role must be admin or recruiter, got {role!r}.")
    settings = _settings()
    factory = make_session_factory(_migrated_engine(settings))
    try:
        with transaction(factory) as session:
            user = create_user(
                session,
                email=email,
                password=password,
                workspace_name=workspace,
                role=Role(role),
                full_name=name,
            )
            console.print(f"Created {user.role.value} {user.email} in workspace {workspace!r}.")
    except OpenPinError as exc:
        _fail(f"{exc.message} {exc.hint}")


@token_app.command("create")
def token_create(
    email: Annotated[str, typer.Option(help="The user the token acts as")],
    name: Annotated[str, typer.Option(help="A label to recognise the token")] = "cli",
) -> None:
    """Create an API token for a user and print it (it is shown only once)."""
    from openpin.auth.service import create_api_token, find_user_by_email
    from openpin.errors import OpenPinError

    settings = _settings()
    factory = make_session_factory(_migrated_engine(settings))
    try:
        with transaction(factory) as session:
            token = create_api_token(session, find_user_by_email(session, email), name)
    except OpenPinError as exc:
        _fail(f"{exc.message} {exc.hint}")
    typer.echo(token)


@app.command("import")
def import_file(
    path: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, help="CSV or JSON Resume file")
    ],
    email: Annotated[str, typer.Option(help="The user importing (sets the workspace)")],
    source: Annotated[str, typer.Option(help="Source to record on new candidates")] = "import",
    errors_out: Annotated[Path | None, typer.Option(help="Write every bad row to this CSV")] = None,
) -> None:
    """Import candidates from a file, with a progress bar and a summary."""
    from openpin.candidate.cli_import import run_cli_import

    settings = _settings()
    engine = _migrated_engine(settings)
    run_cli_import(settings, engine, path, email, source, errors_out, console)


@app.command("secret-key")
def secret_key() -> None:
    """Print a new random key for OPENPIN_SECRET_KEY."""
    from cryptography.fernet import Fernet

    typer.echo(Fernet.generate_key().decode())


def _register_sandboxes() -> None:
    try:
        from openpin.sandboxes.cli import sandbox_app
    except ImportError:  # pragma: no cover - the sandboxes ship with the package
        return
    app.add_typer(sandbox_app, name="sandbox")


_register_sandboxes()


def _register_index() -> None:
    from openpin.sourcing.cli import index_app

    app.add_typer(index_app, name="index")


_register_index()

if __name__ == "__main__":
    app()
