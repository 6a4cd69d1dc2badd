"""``nttlearn report impact`` and ``nttlearn evaluation demo``."""

from __future__ import annotations

import json
import sys
from typing import Any, NoReturn

import click
from flask.cli import with_appcontext
from flask_babel import force_locale

LOCALES = ("en", "it", "sv", "es", "fi")


def _fail(message: str) -> NoReturn:
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)


@click.group("report")
def report_group() -> None:
    """Reports: the NTT+ impact figures for a period."""


@report_group.command("impact")
@click.option("--from", "start", metavar="YYYY-MM-DD", help="First day counted (included).")
@click.option("--to", "end", metavar="YYYY-MM-DD", help="Last day counted (included).")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.option(
    "--locale",
    type=click.Choice(LOCALES),
    default="en",
    show_default=True,
    help="Language of the summary sentence.",
)
@with_appcontext
def impact_command(start: str | None, end: str | None, as_json: bool, locale: str) -> None:
    """Participants, organisations, countries, completions, certificates, proposals, meetings."""
    from .filters import Period, parse_day
    from .impact import impact_report, proposals_sentence

    try:
        period = Period(parse_day(start), parse_day(end))
    except ValueError as exc:
        _fail(f"invalid date ({exc}): use YYYY-MM-DD, e.g. --from 2010-01-01")
    if period.start and period.end and period.end < period.start:
        _fail(f"--to {period.end} is before --from {period.start}")
    with force_locale(locale):
        report = impact_report(period)
        data = report.as_json()
        proposals = proposals_sentence(report.proposals_submitted)
    if as_json:
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    _print_text(data, proposals)


def _print_text(data: dict[str, Any], proposals: str) -> None:
    period = data["period"]
    click.echo(
        f"Period: {period['from'] or 'open start'} to {period['to'] or 'open end'} (UTC days, both included)"
    )
    click.echo(data["summary"] + ".")
    if data["proposals_submitted"]:
        click.echo(proposals)
    for key in (
        "participants",
        "organisations",
        "countries",
        "completions",
        "participants_completed",
        "certificates_issued",
        "proposals_submitted",
        "proposals_transnational",
    ):
        click.echo(f"  {key:<24} {data[key]}")
    if data["meetings"]["held"]:
        click.echo(f"  {'meetings_held':<24} {data['meetings']['held']}")
        click.echo(f"  {'meeting_attendance':<24} {data['meetings']['attendance']}")
    for area, count in data["proposals_by_policy_area"].items():
        click.echo(f"  proposals in {area:<12} {count}")
    for row in data["by_country"]:
        click.echo(
            f"  {row['country']}: {row['participants']} participants, {row['organisations']} organisations"
        )


@click.group("evaluation")
def evaluation_group() -> None:
    """The evaluation plugin: demo survey answers."""


@evaluation_group.command("demo")
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def demo_command(as_json: bool) -> None:
    """Answer the demo courses' surveys as the demo learners (@example.org) would; idempotent."""
    from nttlearn.api import db

    from .demo import answer_demo_surveys

    result = answer_demo_surveys()
    db.session.commit()
    if as_json:
        click.echo(json.dumps(result, indent=2))
        return
    click.echo(
        f"{result['answers']} survey answers added in {result['surveys']} surveys "
        f"({result['already']} learners had already answered)."
    )
