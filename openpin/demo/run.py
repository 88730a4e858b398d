"""`openpin serve --demo`: the demo workspace, plus both ATS sandboxes served beside the app.

The sandboxes keep their state in the data directory, so a restarted demo finds the same ATS.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rich.console import Console
from rich.table import Table
from sqlalchemy import Engine
from starlette.types import ASGIApp

from openpin.config import Settings
from openpin.db import make_session_factory, transaction
from openpin.demo.ats import connect_demo_ats
from openpin.demo.outreach import prepare_demo_outreach
from openpin.demo.seed import seed_demo_workspace
from openpin.sandboxes.ashby.app import create_app as create_ashby_app
from openpin.sandboxes.ashby.config import AshbySandboxConfig
from openpin.sandboxes.common import RunningServer, serve_in_thread
from openpin.sandboxes.greenhouse.app import create_app as create_greenhouse_app
from openpin.sandboxes.greenhouse.config import GreenhouseSandboxConfig

GREENHOUSE_PORT = 8701
ASHBY_PORT = 8702


@dataclass
class DemoSandboxes:
    """The sandboxes that could start; `problems` says in plain words why any could not."""

    greenhouse: RunningServer | None
    greenhouse_config: GreenhouseSandboxConfig
    ashby: RunningServer | None
    ashby_config: AshbySandboxConfig
    problems: list[str] = field(default_factory=list)

    def stop(self) -> None:
        for server in (self.greenhouse, self.ashby):
            if server is not None:
                server.stop()


def _serve(
    app: ASGIApp, host: str, port: int, name: str, problems: list[str]
) -> RunningServer | None:
    try:
        return serve_in_thread(app, host, port)
    except OSError as exc:
        problems.append(
            f"The {name} sandbox did not start: port {port} is not free ({exc.strerror}). "
            "Stop the other process using it (an earlier demo?) and start again."
        )
        return None


def start_demo_sandboxes(settings: Settings, host: str = "127.0.0.1") -> DemoSandboxes:
    state_dir = settings.ensure_data_dir() / "sandboxes"
    state_dir.mkdir(exist_ok=True)
    greenhouse_config = GreenhouseSandboxConfig(persist_path=state_dir / "greenhouse.json")
    ashby_config = AshbySandboxConfig(persist_path=state_dir / "ashby.json")
    problems: list[str] = []
    greenhouse = _serve(
        create_greenhouse_app(greenhouse_config), host, GREENHOUSE_PORT, "Greenhouse", problems
    )
    ashby = _serve(create_ashby_app(ashby_config), host, ASHBY_PORT, "Ashby", problems)
    return DemoSandboxes(greenhouse, greenhouse_config, ashby, ashby_config, problems)


def _sandbox_rows(sandboxes: DemoSandboxes) -> list[tuple[str, str]]:
    rows = []
    if sandboxes.greenhouse is not None:
        config = sandboxes.greenhouse_config
        rows.append(
            (
                "Greenhouse sandbox",
                f"{sandboxes.greenhouse.base_url} (client {config.default_client_id}"
                f" / secret {config.default_client_secret})",
            )
        )
    if sandboxes.ashby is not None:
        key = sandboxes.ashby_config.api_key()
        rows.append(("Ashby sandbox", f"{sandboxes.ashby.base_url} (API key {key})"))
    return rows


def prepare_demo(
    settings: Settings, engine: Engine, console: Console, app_url: str
) -> DemoSandboxes:
    with transaction(make_session_factory(engine)) as session:
        login = seed_demo_workspace(session)
    sandboxes = start_demo_sandboxes(settings)
    ats = connect_demo_ats(
        settings, make_session_factory(engine), sandboxes.greenhouse, sandboxes.greenhouse_config
    )
    if ats.problem:
        sandboxes.problems.append(ats.problem)
    outreach = prepare_demo_outreach(settings, make_session_factory(engine))
    if outreach.problem:
        sandboxes.problems.append(outreach.problem)
    table = Table(title="OpenPin demo", show_header=False)
    table.add_row("Log in at", f"{app_url}/login")
    table.add_row("Email / password", f"{login.email} / {login.password}")
    for label, value in _sandbox_rows(sandboxes):
        table.add_row(label, value)
    if ats.summary:
        table.add_row("ATS", ats.summary)
    if outreach.summary:
        table.add_row("Outreach", outreach.summary)
    console.print(table)
    for problem in sandboxes.problems:
        console.print(f"[yellow]Warning:[/yellow] {problem}")
    if login.created:
        console.print("Seeded the demo workspace with candidates and open jobs.")
    return sandboxes
