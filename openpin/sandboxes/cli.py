"""`openpin sandbox <vendor>`: run an ATS sandbox server in the foreground."""

from __future__ import annotations

import importlib.util

import typer

from openpin.sandboxes.greenhouse.cli import command as greenhouse_command

sandbox_app = typer.Typer(help="Run an ATS sandbox server", no_args_is_help=True)
sandbox_app.command("greenhouse")(greenhouse_command)

# The Ashby sandbox is built separately; register it once its package provides the command.
if importlib.util.find_spec("openpin.sandboxes.ashby.cli") is not None:
    from openpin.sandboxes.ashby.cli import command as ashby_command

    sandbox_app.command("ashby")(ashby_command)

if __name__ == "__main__":
    sandbox_app()
