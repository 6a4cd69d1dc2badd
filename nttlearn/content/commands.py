"""``nttlearn courses …``: list, validate, import and export course packages."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from ..extensions import db
from .importer import ImportFailed, import_package, install_media
from .package import load_package


def _types():
    return current_app.extensions["nttlearn"].all_activity_types()


@click.group("courses")
def courses_group() -> None:
    """Course packages: list, validate, import, export."""


@courses_group.command("list")
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def courses_list(as_json: bool) -> None:
    from ..cli import echo_json
    from ..models import Course

    courses = db.session.execute(db.select(Course).order_by(Course.slug)).scalars()
    rows = [{"slug": c.slug, "title": c.title, "published": c.published, "archived": c.archived,
             "policy_area": c.policy_area, "languages": c.languages, "hours": c.hours} for c in courses]
    if as_json:
        echo_json(rows)
        return
    for row in rows:
        click.echo(f"{row['slug']:<45} {'published' if row['published'] else 'draft':<10} {row['title']}")


@courses_group.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def courses_validate(paths: tuple[Path, ...], as_json: bool) -> None:
    """Check packages; print every problem as ``path:line: message``; exit 1 when any."""
    from ..cli import echo_json

    results = []
    for path in paths:
        result = load_package(path, _types())
        results.append({"path": str(path), "valid": not result.problems,
                        "problems": [p.__dict__ for p in result.problems],
                        "warnings": [w.__dict__ for w in result.warnings]})
        if not as_json:
            for warning in result.warnings:
                click.echo(f"{warning} (warning)", err=True)
            for problem in result.problems:
                click.echo(str(problem), err=True)
            if not result.problems:
                click.echo(f"{path}: valid")
    if as_json:
        echo_json(results)
    if any(not r["valid"] for r in results):
        sys.exit(1)


@courses_group.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Show what would change, change nothing.")
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def courses_import(paths: tuple[Path, ...], dry_run: bool, as_json: bool) -> None:
    """Import packages, each all-or-nothing; importing the same package twice changes nothing."""
    if not import_paths(list(paths), dry_run=dry_run, as_json=as_json):
        sys.exit(1)


def import_paths(paths: list[Path], *, dry_run: bool, as_json: bool) -> bool:
    from ..cli import echo_json

    reports, ok = [], True
    for path in paths:
        try:
            report = import_package(path, _types())
        except ImportFailed as exc:
            db.session.rollback()
            ok = False
            for problem in exc.problems:
                click.echo(str(problem), err=True)
            click.echo(f"{path}: not imported ({len(exc.problems)} problems); nothing was changed", err=True)
            reports.append({"path": str(path), "imported": False, "problems": [p.__dict__ for p in exc.problems]})
            continue
        media = db.session.info.pop("nttlearn_media", [])
        if dry_run:
            db.session.rollback()
        else:
            db.session.commit()
            for slug, package in media:
                install_media(slug, package)
        reports.append({"path": str(path), "imported": not dry_run, **report.as_dict()})
        if not as_json:
            for warning in report.warnings:
                click.echo(f"{warning} (warning)", err=True)
            prefix = "would import" if dry_run else "imported"
            if not report.changed:
                click.echo(f"{report.slug}: unchanged")
            else:
                click.echo(f"{report.slug}: {prefix}: {len(report.created)} created, {len(report.updated)} updated, "
                           f"{len(report.archived)} archived, {len(report.deleted)} deleted")
    if as_json:
        echo_json(reports)
    return ok
