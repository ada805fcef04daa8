"""Command-line tools of the app (`flask --app webapp <command>`)."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import with_appcontext

from rules import check_knowledge


def register_commands(app: Flask) -> None:
    """Add the app's commands to `flask`."""
    app.cli.add_command(kb_check)
    app.cli.add_command(lti_keys)
    app.cli.add_command(lti_send_scores)


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


@click.command("lti-keys")
@click.option(
    "--dir", "folder", default=None, help="Where to write them (default: beside LTI_CONFIG, else instance/lti)."
)
@click.option("--force", is_flag=True, help="Replace an existing key pair (platforms must fetch the new public key).")
def lti_keys(folder: str | None, force: bool) -> None:
    """Write the LTI tool's RSA key pair (private.key, mode 0600, and public.key), named in LTI_CONFIG."""
    from .lti.keys import write_key_pair

    try:
        private, public = write_key_pair(folder, force)
    except FileExistsError as err:
        click.echo(f"{err}: keep it, or pass --force to replace it.", err=True)
        raise SystemExit(1) from err
    click.echo(f"Private key: {private}\nPublic key:  {public}")


@click.command("lti-send-scores")
@with_appcontext
def lti_send_scores() -> None:
    """Post every grade the LMS has not taken yet (a cron job's retry); exit 1 when some still fail."""
    from .lti.grades import send_pending

    sent, failed = send_pending()
    click.echo(f"{sent} sent, {failed} failed")
    if failed:
        raise SystemExit(1)
