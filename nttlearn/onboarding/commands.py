"""``nttlearn users import`` and ``nttlearn organisations merge``.

Exit codes: 0 done (or, with ``--dry-run``, the file is valid); 1 the file cannot be read or has
invalid lines (nothing written unless ``--skip-invalid``); 2 a usage error (click's own).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from .invitations import send_invitations
from .organisations import MergeProblem, merge_organisations, merge_preview
from .plan import apply_plan, plan_import
from .reading import FileProblem, read_participants


def _echo_json(data) -> None:
    from ..cli import echo_json

    echo_json(data)


@click.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--dry-run", is_flag=True, help="Check the file and show what it would do; write nothing."
)
@click.option(
    "--skip-invalid", is_flag=True, help="Import the valid lines even when some are invalid."
)
@click.option("--no-invitations", is_flag=True, help="Do not mail new accounts their invitation.")
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def users_import(
    path: Path, dry_run: bool, skip_invalid: bool, no_invitations: bool, as_json: bool
) -> None:
    """Create, update and enrol the participants of a CSV or XLSX file (see the admin guide)."""
    try:
        plan = plan_import(read_participants(path.name, path.read_bytes()))
    except FileProblem as problem:
        _report(path, {"ok": False, "file_error": str(problem)}, as_json, [f"{path}: {problem}"])
        sys.exit(1)
    result = {
        "ok": plan.valid or skip_invalid,
        "dry_run": dry_run,
        "counts": plan.counts(),
        "errors": plan.errors,
        "lines": [_line_json(line) for line in plan.lines],
    }
    problems = [f"{path}:{line.line}: {message}" for line in plan.lines for message in line.errors]
    if dry_run or not result["ok"]:
        if not result["ok"]:
            problems.append(
                f"{path}: nothing imported: correct the lines above, or use --skip-invalid"
            )
        _report(path, result, as_json, problems)
        sys.exit(0 if plan.valid else 1)
    try:
        applied = apply_plan(plan, skip_invalid=skip_invalid)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        _report(
            path,
            {
                "ok": False,
                "file_error": "some accounts were created meanwhile: run the import again",
            },
            as_json,
            [f"{path}: some accounts were created meanwhile: run the import again"],
        )
        sys.exit(1)
    result["invited"] = 0 if no_invitations else send_invitations(applied.created)
    db.session.commit()  # the invitations are queued until this commit
    result["skipped"] = applied.skipped
    _report(path, result, as_json, problems)


def _line_json(line) -> dict:
    return {
        "line": line.line,
        "email": line.email,
        "status": line.status,
        "changes": line.changes,
        "enrol": [c.slug for c in line.enrol] if not line.errors else [],
        "errors": line.messages,
    }


def _report(path: Path, result: dict, as_json: bool, problems: list[str]) -> None:
    if as_json:
        _echo_json(result)
        return
    for problem in problems:
        click.echo(problem, err=True)
    counts = result.get("counts")
    if counts:
        verb = "would be" if result.get("dry_run") or not result["ok"] else "were"
        click.echo(
            f"{path}: {counts['create']} new, {counts['update']} updated, {counts['enrol']} only enrolled, "
            f"{counts['unchanged']} unchanged, {counts['invalid']} invalid; {counts['enrolments']} "
            f"enrolments {verb} made"
            + (f"; {result['invited']} invitations sent" if "invited" in result else "")
        )


@click.group("organisations")
def organisations_group() -> None:
    """Merge duplicate organisations."""


@organisations_group.command("merge")
@click.argument("from_id", type=int)
@click.argument("to_id", type=int)
@click.option("--dry-run", is_flag=True, help="Show what would move; change nothing.")
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def organisations_merge(from_id: int, to_id: int, dry_run: bool, as_json: bool) -> None:
    """Move the people of organisation FROM_ID to TO_ID and delete FROM_ID."""
    try:
        preview = merge_preview(from_id, to_id) if dry_run else merge_organisations(from_id, to_id)
    except MergeProblem as problem:
        if as_json:
            _echo_json({"ok": False, "error": str(problem)})
        else:
            click.echo(f"Error: {problem}", err=True)
        sys.exit(1)
    if not dry_run:
        db.session.commit()
    result = {"ok": True, "dry_run": dry_run, **preview.as_dict()}
    if as_json:
        _echo_json(result)
        return
    verb = "would move" if dry_run else "moved"
    click.echo(
        f"{preview.source.name} -> {preview.target.name}: {preview.people} people {verb} "
        f"({preview.enrolments} enrolments)"
    )
