"""``nttlearn quiz …``: GIFT to JSON, importing and exporting a course's question bank, closing
attempts whose time ran out, and a quiz's item analysis. Problems go to stderr as
``FILE:LINE: message`` with exit code 1."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click
from flask.cli import with_appcontext

from nttlearn.api import Course, db

from .aiken import parse_aiken
from .gift import GiftError, GiftResult, export_gift, parse_gift
from .settings import gift_max_questions


def _echo_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


def _fail(message: str) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)


def read_questions(path: Path, fmt: str = "gift") -> GiftResult:
    """Parse a GIFT (or Aiken) file; a file that is not UTF-8 gives an error at its line."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return GiftResult(
            errors=[
                GiftError(
                    raw[: exc.start].count(b"\n") + 1, "the file is not UTF-8 text", str(path)
                )
            ]
        )
    return (parse_aiken if fmt == "aiken" else parse_gift)(
        text, str(path), max_questions=gift_max_questions()
    )


def _report_errors(result: GiftResult) -> None:
    for error in result.errors:
        click.echo(str(error), err=True)


@click.group("quiz")
def quiz_group() -> None:
    """Quizzes: GIFT and Aiken files, the question bank, attempts, item analysis."""


@quiz_group.command("gift-to-json")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help='Also put the errors in the output ({"questions", "errors"}).',
)
def gift_to_json(file: Path, as_json: bool) -> None:
    """Print the questions of a GIFT FILE as {"questions": [...]} (see docs/quiz.md).

    Every question that cannot be read is reported on stderr as FILE:LINE: message, and the
    exit code is then 1. Nothing in the file is ever evaluated.
    """
    result = read_questions(file)
    _echo_json(
        result.to_json() if as_json else {"questions": [q.to_json() for q in result.questions]}
    )
    _report_errors(result)
    if result.errors:
        sys.exit(1)


def _course(slug: str) -> Course:
    course = db.session.execute(db.select(Course).filter_by(slug=slug)).scalar()
    if course is None:
        _fail(f"no course with the slug {slug!r}")
    return course  # type: ignore[return-value]


@quiz_group.command("import-gift")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--course", "slug", required=True, help="The course whose question bank receives the questions."
)
@click.option(
    "--category",
    default="Imported",
    show_default=True,
    help="Category path for questions before any $CATEGORY line (levels separated by /).",
)
@click.option(
    "--format", "fmt", type=click.Choice(["gift", "aiken"]), default="gift", show_default=True
)
@click.option("--dry-run", is_flag=True, help="Show what would change; change nothing.")
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def import_gift(
    file: Path, slug: str, category: str, fmt: str, dry_run: bool, as_json: bool
) -> None:
    """Import FILE into a course's question bank: all of it, or (on any error) nothing.

    A question with the same name in the same category is the same question: it gets a new
    version when it changed and is left alone otherwise.
    """
    from .bank import import_questions, split_path

    course = _course(slug)
    result = read_questions(file, fmt)
    if result.errors:
        _report_errors(result)
        click.echo(
            f"{file}: not imported ({len(result.errors)} problem(s)); nothing was changed", err=True
        )
        sys.exit(1)
    report = import_questions(course.id, result.questions, split_path(category) or ["Imported"])
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    summary = {
        "file": str(file),
        "course": slug,
        "dry_run": dry_run,
        "questions": len(result.questions),
        **report.as_dict(),
    }
    if as_json:
        _echo_json(summary)
        return
    verb = "would import" if dry_run else "imported"
    click.echo(
        f"{file}: {verb} {len(result.questions)} question(s) into {slug}: {report.created} new, "
        f"{report.updated} changed, {report.unchanged} unchanged"
    )


@quiz_group.command("export-gift")
@click.option("--course", "slug", required=True)
@click.option("--category", default=None, help="Only this category (and the ones below it).")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write to this file (and its translations beside it: FILE.it.gift, …) instead of stdout.",
)
@click.option(
    "--lang", default=None, help="Write the questions in this language instead (it, sv, es, fi)."
)
@with_appcontext
def export_gift_command(
    slug: str, category: str | None, output: Path | None, lang: str | None
) -> None:
    """Write a course's question bank as GIFT (importing it again gives the same questions)."""
    from nttlearn.api import translated_file_name

    from .bank import export_versions, join_path, split_path
    from .languages import LANGUAGES
    from .models import Category
    from .parallel import translated_questions

    course = _course(slug)
    chosen = None
    if category:
        chosen = db.session.execute(
            db.select(Category).where(
                Category.course_id == course.id, Category.path == join_path(split_path(category))
            )
        ).scalar()
        if chosen is None:
            _fail(f"course {slug!r} has no category {category!r}")
    if lang is not None and lang not in LANGUAGES:
        _fail(f"unknown language {lang!r} (use one of {', '.join(LANGUAGES)})")
    exported = export_versions(course.id, category=chosen)
    english = [q for q, _v in exported]
    # The file asked for, then (for a file in English) its translations beside it.
    files = [(output, translated_questions(exported, lang) or english if lang else english)]
    if output is not None and lang is None:
        files += [
            (output.with_name(translated_file_name(output.name, locale)), questions)
            for locale in LANGUAGES
            if (questions := translated_questions(exported, locale)) is not None
        ]
    try:
        texts = [(path, export_gift(questions)) for path, questions in files]
    except ValueError as exc:
        _fail(str(exc))
    for path, text in texts:
        if path is None:
            click.echo(text, nl=False)
        else:
            path.write_text(text, encoding="utf-8")
            click.echo(f"{path}: written")


@quiz_group.command("close-overdue")
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def close_overdue_command(as_json: bool) -> None:
    """Close every attempt whose time limit or close date has passed, as if submitted then.

    Run it from cron every few minutes; attempts are also closed when next opened.
    """
    from .services import close_overdue

    closed = close_overdue()
    db.session.commit()
    if as_json:
        _echo_json({"closed": closed})
    else:
        click.echo(f"{len(closed)} attempt(s) closed")


@quiz_group.command("stats")
@click.argument("quiz_id", type=int)
@click.option("--json", "as_json", is_flag=True)
@click.option(
    "--csv", "as_csv", is_flag=True, help="The same CSV as the item analysis page offers."
)
@with_appcontext
def stats_command(quiz_id: int, as_json: bool, as_csv: bool) -> None:
    """The item analysis of quiz QUIZ_ID (the number in the quiz's address, /quiz/QUIZ_ID)."""
    from .analysis import analysis_csv, item_analysis
    from .models import Quiz

    quiz = db.session.get(Quiz, quiz_id)
    if quiz is None:
        _fail(f"no quiz {quiz_id}")
    analysis = item_analysis(quiz)  # type: ignore[arg-type]
    if as_json:
        _echo_json(analysis.to_json())
        return
    if as_csv:
        click.echo(analysis_csv(analysis, bom=False), nl=False)
        return
    s = analysis.stats

    def fmt(value: float | None, spec: str = ".2f") -> str:
        return "-" if value is None else format(value, spec)

    click.echo(
        f"{analysis.title}: {s.attempts} graded attempt(s), mean {fmt(s.mean)} / {s.max_mark:g}, "
        f"median {fmt(s.median)}, sd {fmt(s.standard_deviation)}, alpha {fmt(s.cronbach_alpha, '.3f')}"
    )
    for q in analysis.questions:
        click.echo(
            f"{q.position:>3}  facility {fmt(q.facility, '6.1f')}  discrimination "
            f"{fmt(q.discrimination, '6.1f')}  {q.label}"
        )
