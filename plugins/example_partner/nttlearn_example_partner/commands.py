"""``nttlearn example_partner …``: the plugin's command group."""

from __future__ import annotations

import json

import click
from flask.cli import with_appcontext

from nttlearn.api import db

from . import services


@click.group("example_partner")
def example_partner_group() -> None:
    """Town-twinning meetings (the example partner plugin)."""


@example_partner_group.command("demo")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@with_appcontext
def demo_command(as_json: bool) -> None:
    """Add NTT+'s four transnational meetings of 2010 as sample data (safe to run twice)."""
    result = services.add_ntt_plus_meetings()
    db.session.commit()
    if as_json:
        click.echo(json.dumps({"added": result.added, "existing": result.existing}))
        return
    click.echo(f"Added {result.added} NTT+ meetings ({result.existing} were already there).")
