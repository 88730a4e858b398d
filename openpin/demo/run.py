"""`openpin serve --demo`: the demo workspace, plus both ATS sandboxes served beside the app.

The sandboxes keep their state in the data directory, so a restarted demo finds the same ATS.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.console import Console
from rich.table import Table
from sqlalchemy import Engine

from openpin.config import Settings
from openpin.db import make_session_factory, transaction
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
    greenhouse: RunningServer
    greenhouse_config: GreenhouseSandboxConfig
    ashby: RunningServer
    ashby_config: AshbySandboxConfig

    def stop(self) -> None:
        self.greenhouse.stop()
        self.ashby.stop()


def start_demo_sandboxes(settings: Settings, host: str = "127.0.0.1") -> DemoSandboxes:
    state_dir = settings.ensure_data_dir() / "sandboxes"
    state_dir.mkdir(exist_ok=True)
    greenhouse_config = GreenhouseSandboxConfig(persist_path=state_dir / "greenhouse.json")
    ashby_config = AshbySandboxConfig(persist_path=state_dir / "ashby.json")
    greenhouse = serve_in_thread(create_greenhouse_app(greenhouse_config), host, GREENHOUSE_PORT)
    ashby = serve_in_thread(create_ashby_app(ashby_config), host, ASHBY_PORT)
    return DemoSandboxes(greenhouse, greenhouse_config, ashby, ashby_config)


def prepare_demo(settings: Settings, engine: Engine, console: Console) -> DemoSandboxes:
    with transaction(make_session_factory(engine)) as session:
        login = seed_demo_workspace(session)
    sandboxes = start_demo_sandboxes(settings)
    table = Table(title="OpenPin demo", show_header=False)
    table.add_row("Log in at", f"{settings.base_url}/login")
    table.add_row("Email / password", f"{login.email} / {login.password}")
    table.add_row(
        "Greenhouse sandbox",
        f"{sandboxes.greenhouse.base_url} (client {sandboxes.greenhouse_config.default_client_id}"
        f" / {sandboxes.greenhouse_config.default_client_secret})",
    )
    table.add_row(
        "Ashby sandbox",
        f"{sandboxes.ashby.base_url} (API key {sandboxes.ashby_config.api_key()})",
    )
    console.print(table)
    if login.created:
        console.print("Seeded the demo workspace with candidates and open jobs.")
    return sandboxes
