"""``nttlearn courses …``: list, validate, import and export course packages."""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from flask import current_app
from flask.cli import with_appcontext

from ..course_settings import course_settings
from ..extensions import db
from .archive import ArchiveLimits, UnsafeArchive, extract_package
from .exporter import ExportError, export_course
from .importer import ImportFailed, commit_import, import_package, rollback_import
from .package import Problem, load_package


def _types():
    """Every installed activity type, disabled plugins' too: their data must stay importable."""
    return current_app.extensions["nttlearn"].all_activity_types()


@contextmanager
def _package_folder(path: Path) -> Iterator[tuple[Path, str]]:
    """A package folder for ``path``: the folder itself, or a zip unpacked into a temporary one."""
    if path.is_file() and path.suffix.lower() == ".zip":
        with tempfile.TemporaryDirectory() as tmp:
            root = extract_package(path, Path(tmp), ArchiveLimits.from_config(current_app.config))
            inside = root.relative_to(tmp).as_posix()
            yield root, f"{path}:{inside}" if inside != "." else str(path)
    else:
        yield path, str(path)


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
    rows = [
        {
            "slug": c.slug,
            "title": c.title,
            "published": c.published,
            "archived": c.archived,
            "policy_area": c.policy_area,
            "languages": c.languages,
            "hours": c.hours,
        }
        for c in courses
    ]
    if as_json:
        echo_json(rows)
        return
    for row in rows:
        click.echo(
            f"{row['slug']:<45} {'published' if row['published'] else 'draft':<10} {row['title']}"
        )


@courses_group.command("translations")
@click.argument("slug", required=False)
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def courses_translations(slug: str | None, as_json: bool) -> None:
    """How far each course (or SLUG) is translated: per language, the texts in total, translated
    (up to date), outdated and missing (lessons, titles, summaries, outcomes, activity titles and
    the activities' own texts such as quiz questions)."""
    from ..cli import echo_json
    from ..models import Course
    from .coverage import count_course

    stmt = db.select(Course).where(Course.archived.is_(False)).order_by(Course.slug)
    if slug:
        stmt = stmt.where(Course.slug == slug)
    courses = db.session.execute(stmt).scalars().all()
    if slug and not courses:
        click.echo(f"no course called {slug!r}", err=True)
        sys.exit(1)
    report = {
        course.slug: {locale: c.as_json() for locale, c in count_course(course).items()}
        for course in courses
    }
    if as_json:
        echo_json(report)
        return
    for course_slug, languages in report.items():
        click.echo(course_slug)
        for locale, c in languages.items():
            click.echo(
                f"  {locale}: {c['translated']}/{c['total']} translated, {c['outdated']} outdated, {c['missing']} missing"
            )


@courses_group.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON on stdout.")
@click.option(
    "--strict",
    is_flag=True,
    help="Texts not translated into every language are problems, not warnings.",
)
@with_appcontext
def courses_validate(paths: tuple[Path, ...], as_json: bool, strict: bool) -> None:
    """Check packages (folders or zips): every problem as ``path:line: message``; exit 1 when any.
    Texts not translated into every language are warnings, problems with ``--strict``."""
    from ..cli import echo_json
    from .untranslated import untranslated

    results = []
    for path in paths:
        problems: list[Problem]
        warnings: list[Problem] = []
        try:
            with _package_folder(path) as (folder, display):
                types = _types()
                result = load_package(
                    folder, types, display=display, settings=course_settings(include_disabled=True)
                )
                problems, warnings = result.problems, result.warnings
                gaps = untranslated(result.course, types) if result.course is not None else []
                if strict:
                    problems = [*problems, *gaps]
                else:
                    warnings = [*warnings, *gaps]
        except UnsafeArchive as exc:
            problems = [Problem(str(path), 1, str(exc))]
        results.append(
            {
                "path": str(path),
                "valid": not problems,
                "problems": [_as_dict(p) for p in problems],
                "warnings": [_as_dict(w) for w in warnings],
            }
        )
        if not as_json:
            for warning in warnings:
                click.echo(f"{warning} (warning)", err=True)
            for problem in problems:
                click.echo(str(problem), err=True)
            click.echo(f"{path}: valid" if not problems else f"{path}: {len(problems)} problem(s)")
    if as_json:
        echo_json(results)
    if any(not r["valid"] for r in results):
        sys.exit(1)


def _as_dict(problem: Problem) -> dict[str, Any]:
    return {"path": problem.path, "line": problem.line, "message": problem.message}


@courses_group.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Show what would change, change nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON on stdout.")
@with_appcontext
def courses_import(paths: tuple[Path, ...], dry_run: bool, as_json: bool) -> None:
    """Import packages (folders or zips), each all-or-nothing; an unchanged package changes nothing."""
    if not import_paths(list(paths), dry_run=dry_run, as_json=as_json):
        sys.exit(1)


def import_paths(paths: list[Path], *, dry_run: bool, as_json: bool) -> bool:
    """Import each package in its own transaction; print what changed. False when any failed."""
    from ..cli import echo_json

    reports: list[dict[str, Any]] = []
    ok = True
    for path in paths:
        try:
            with _package_folder(path) as (folder, display):
                report = import_package(folder, _types(), display=display)
                if dry_run:
                    rollback_import()
                else:
                    commit_import()
        except (ImportFailed, UnsafeArchive) as exc:
            rollback_import()
            ok = False
            problems = (
                exc.problems if isinstance(exc, ImportFailed) else [Problem(str(path), 1, str(exc))]
            )
            for problem in problems:
                click.echo(str(problem), err=True)
            click.echo(
                f"{path}: not imported ({len(problems)} problem(s)); nothing was changed", err=True
            )
            reports.append(
                {"path": str(path), "imported": False, "problems": [_as_dict(p) for p in problems]}
            )
            continue
        reports.append(
            {"path": str(path), "imported": not dry_run, "dry_run": dry_run, **report.as_dict()}
        )
        if not as_json:
            _print_report(report, dry_run)
    if as_json:
        echo_json(reports)
    return ok


def _print_report(report, dry_run: bool) -> None:
    for warning in report.warnings:
        click.echo(f"{warning} (warning)", err=True)
    if not report.changed:
        click.echo(f"{report.slug}: unchanged")
        return
    click.echo(f"{report.slug}: {'would import' if dry_run else 'imported'}: {report.summary()}")
    if report.new_course:
        return  # a new course: every element was created, the counts say enough
    for verb, items in (
        ("created", report.created),
        ("updated", report.updated),
        ("archived", report.archived),
        ("deleted", report.deleted),
    ):
        for item in items:
            click.echo(f"  {verb} {item}")


@courses_group.command("export")
@click.argument("slug")
@click.argument("directory", type=click.Path(path_type=Path))
@with_appcontext
def courses_export(slug: str, directory: Path) -> None:
    """Write the course SLUG as a package into DIRECTORY (replacing a package already there)."""
    from ..cli import fail
    from ..models import Course

    course = db.session.execute(db.select(Course).filter_by(slug=slug)).scalar()
    if course is None:
        fail(f"no course with slug {slug!r}")
    try:
        export_course(course, directory, _types())
    except ExportError as exc:
        fail(str(exc))
    click.echo(f"{slug}: exported to {directory}")


def _course_or_fail(slug: str):
    from ..cli import fail
    from ..models import Course

    course = db.session.execute(db.select(Course).filter_by(slug=slug)).scalar()
    if course is None:
        fail(f"no course with slug {slug!r}")
    return course


def _translation_language() -> click.Choice:
    from .translations import LANGUAGES

    return click.Choice(LANGUAGES)


@courses_group.command("translations-export")
@click.argument("slug")
@click.argument("lang", type=_translation_language())
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def courses_translations_export(slug: str, lang: str, file: Path) -> None:
    """Write the texts of the course SLUG in LANG to FILE as gettext PO, for a CAT tool: one
    message per text, the English as msgid, outdated translations marked fuzzy."""
    from .po_round_trip import export_po

    course = _course_or_fail(slug)
    with file.open("wb") as out:
        count = export_po(course, lang, out)
    click.echo(f"{slug}: {count} texts in {lang} exported to {file}")


@courses_group.command("translations-import")
@click.argument("slug")
@click.argument("lang", type=_translation_language())
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--dry-run", is_flag=True, help="Check the file and count what would change, change nothing."
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON on stdout.")
@with_appcontext
def courses_translations_import(
    slug: str, lang: str, file: Path, dry_run: bool, as_json: bool
) -> None:
    """Import the translations into LANG of the course SLUG from the PO file FILE, all or nothing.
    Problems are printed as ``FILE:LINE: message``; fuzzy messages are skipped, empty ones leave
    the translation as it is, and a text translated from an English text that has changed since
    is imported as outdated."""
    from ..cli import echo_json
    from .po_round_trip import PoImportFailed, import_po

    course = _course_or_fail(slug)
    try:
        report = import_po(course, lang, file, display=str(file))
    except PoImportFailed as exc:
        db.session.rollback()
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        click.echo(
            f"{file}: not imported ({len(exc.problems)} problem(s)); nothing was changed", err=True
        )
        if as_json:
            echo_json(
                {
                    "course": slug,
                    "language": lang,
                    "file": str(file),
                    "ok": False,
                    "problems": [_as_dict(p) for p in exc.problems],
                }
            )
        sys.exit(1)
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    if as_json:
        echo_json(
            {
                "course": slug,
                "language": lang,
                "file": str(file),
                "ok": True,
                "dry_run": dry_run,
                **report.as_dict(),
            }
        )
        return
    click.echo(f"{slug} ({lang}): {'would import' if dry_run else 'imported'}: {report.summary()}")
