"""Command-line tools of the app (`flask --app webapp <command>`)."""

from __future__ import annotations

import click
from flask import Flask

from rules import check_knowledge


def register_commands(app: Flask) -> None:
    """Add the app's commands to `flask`."""
    app.cli.add_command(kb_check)


@click.command("kb-check")
def kb_check() -> None:
    """Check every knowledge file against its schema and load it all; exit 1 with the problems."""
    found, summary = check_knowledge()
    for problem in found:
        click.echo(problem, err=True)
    if found:
        click.echo(summary, err=True)
        raise SystemExit(1)
    click.echo(summary)
