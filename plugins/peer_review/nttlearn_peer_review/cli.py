"""``nttlearn peer_review …``: move activities on at their dates, and the capstone demo."""

from __future__ import annotations

import json
import sys

import click
from flask.cli import with_appcontext

from nttlearn.api import db

from . import demo as demo_data
from .workflow import advance_all


@click.group("peer_review")
def peer_review_group() -> None:
    """Network proposals and peer review."""


@peer_review_group.command("advance")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@with_appcontext
def advance_command(as_json: bool) -> None:
    """Move every proposal activity on to the phase its dates say (run it from cron; pages do
    the same when they are opened)."""
    moved = advance_all()
    if as_json:
        click.echo(json.dumps([{"activity_id": a, "from": f, "to": t} for a, f, t in moved]))
        return
    for activity_id, before, after in moved:
        click.echo(f"activity {activity_id}: {before} -> {after}")
    click.echo(f"{len(moved)} activities moved on.")


@peer_review_group.command("demo")
@click.option(
    "--stage",
    type=click.Choice(demo_data.STAGES),
    default="drafting",
    show_default=True,
    help="drafting: two teams writing; review: both submitted, reviews open.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@with_appcontext
def demo_command(stage: str, as_json: bool) -> None:
    """Two cross-country teams in the main course's capstone (after `nttlearn demo`)."""
    try:
        result = demo_data.create_demo(stage)
    except demo_data.DemoError as exc:
        db.session.rollback()
        click.echo(f"Error: {exc}", err=True)
        sys.exit(1)
    db.session.commit()
    if as_json:
        click.echo(json.dumps(result))
        return
    for line in result["summary"]:
        click.echo(line)
