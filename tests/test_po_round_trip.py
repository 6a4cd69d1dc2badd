"""The PO round trip: a course's texts in one language exported for a CAT tool, translated there,
and imported back, all or nothing, with ``file:line`` problems and outdated texts kept honest."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po
from test_content_fakes import ExercisePlugin, run_cli, sample_files, snapshot, write_package

from nttlearn.content.coverage import count_course
from nttlearn.content.translations import OUTDATED, PRESENT, text_states
from nttlearn.extensions import db
from nttlearn.learn.services import enrol
from nttlearn.models import Course, Lesson, Module
from nttlearn.testing import login, repo_root

MAIN_COURSE = repo_root() / "courses" / "designing-twinned-town-networks"

PHASES_WITH_LINK = """\
---
title: Phases
minutes: 15
---
## Phases

Read the [programme guide](https://ec.europa.eu/citizens/guide) first.

![The cycle](../../media/cycle.png)
"""


@pytest.fixture
def app_plugins():
    return [ExercisePlugin()]


@pytest.fixture
def course(app, tmp_path) -> Course:
    package = write_package(
        tmp_path / "pkg", sample_files(**{"modules/01-cycle/02-phases.md": PHASES_WITH_LINK})
    )
    assert run_cli(app, "courses", "import", str(package)).exit_code == 0
    return _course()


def _course(slug: str = "sample-course") -> Course:
    db.session.expire_all()
    return db.session.execute(db.select(Course).filter_by(slug=slug)).scalar_one()


def _lesson(key: str) -> Lesson:
    db.session.expire_all()
    return db.session.execute(db.select(Lesson).filter_by(key=key)).scalar_one()


def _export(app, path: Path, slug: str = "sample-course", locale: str = "it") -> Path:
    result = run_cli(app, "courses", "translations-export", slug, locale, str(path))
    assert result.exit_code == 0, result.output
    return path


def _translate(path: Path, width: int = 0, **by_id: str) -> Path:
    """Edit ``path`` as a CAT tool does: set the translation of each text id (``__`` for ``/``)."""
    with path.open("rb") as handle:
        catalog = read_po(handle)
    wanted = {key.replace("__", "/"): value for key, value in by_id.items()}
    for message in catalog:
        if message.context in wanted:
            message.string = wanted.pop(message.context)
            message.flags.discard("fuzzy")
    assert not wanted, f"no such messages: {wanted}"
    with path.open("wb") as handle:
        write_po(handle, catalog, width=width)
    return path


def _line(path: Path, text: str) -> int:
    """The first line of ``path`` holding ``text``."""
    return next(
        n
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if text in line
    )


def _import(app, path: Path, *options: str, slug: str = "sample-course", locale: str = "it"):
    return run_cli(app, "courses", "translations-import", slug, locale, str(path), *options)


def _state(element, name: str, locale: str = "it") -> str:
    english = (
        {"title": element.title, "body": element.body}
        if isinstance(element, Lesson)
        else {"title": element.title}
    )
    return text_states((element.translations or {}).get(locale), english)[name]


def test_a_lesson_translated_in_the_po_file_reaches_the_italian_learners_lesson_page(
    app, course, tmp_path, make_user
):
    learner = make_user(name="Luca Learner", locale="it")
    enrol(learner.id, course)
    db.session.commit()
    lesson_url = f"/courses/{course.slug}/lessons/{_lesson('welcome').id}"
    reader = app.test_client()
    login(reader, learner)
    before = reader.get(lesson_url).get_data(as_text=True)
    po = _translate(
        _export(app, tmp_path / "it.po"),
        lesson__cycle__welcome__title="Benvenuti",
        lesson__cycle__welcome__body="## Benvenuti\n\nUn testo sulle città gemellate.\n",
        module__cycle__title="Il ciclo di progetto",
    )

    result = _import(app, po)
    page = reader.get(lesson_url).get_data(as_text=True)

    assert result.exit_code == 0, result.output
    assert (
        result.stdout == "sample-course (it): imported: 3 imported, 0 outdated, 0 fuzzy skipped\n"
    )
    assert "Un testo sulle città gemellate." not in before
    assert (
        "Un testo sulle città gemellate." in page and "Some text about twinned towns." not in page
    )
    assert "Il ciclo di progetto" in page
    assert _state(_lesson("welcome"), "body") == PRESENT


def test_the_main_course_exports_every_text_in_italian_and_reimports_with_no_change(app, tmp_path):
    assert run_cli(app, "courses", "import", str(MAIN_COURSE)).exit_code == 0
    course = _course("designing-twinned-town-networks")
    po = _export(app, tmp_path / "it.po", slug=course.slug)
    with po.open("rb") as handle:
        messages = [m for m in read_po(handle) if m.id]
    before = snapshot()

    result = _import(app, po, "--json", slug=course.slug)

    assert len(messages) == count_course(course)["it"].total  # every counted text is in the file
    assert all(m.string.strip() and not m.fuzzy for m in messages)
    assert len({m.context for m in messages}) == len(messages)
    assert any(m.context.startswith("lesson/") and m.context.endswith("/body") for m in messages)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert (
        report["imported"],
        report["outdated"],
        report["fuzzy_skipped"],
        report["unchanged"],
    ) == (0, 0, 0, len(messages))
    assert snapshot() == before


def test_unknown_ids_unsafe_markdown_and_changed_link_targets_are_reported_by_line_and_nothing_is_imported(
    app, course, tmp_path
):
    po = _export(app, tmp_path / "it.po")
    text = po.read_text(encoding="utf-8")
    po.write_text(
        text + '\nmsgctxt "lesson/cycle/gone/title"\nmsgid "Gone"\nmsgstr "Sparita"\n',
        encoding="utf-8",
    )
    # Saved by a tool that wraps long lines: the line numbers still name the right line.
    _translate(
        po,
        width=76,
        lesson__cycle__welcome__title="Benvenuti",
        lesson__cycle__welcome__body="## Benvenuti\n\nUn testo.\n\n<script>alert(1)</script>\n",
        lesson__cycle__phases__body=(
            "## Fasi\n\nLeggere prima la [guida del programma]"
            "(https://example.com/guida) con molta attenzione.\n\n"
            "![Il ciclo](../../media/cycle.png)\n"
        ),
    )
    before = snapshot()

    result = _import(app, po)

    assert result.exit_code == 1
    script_line = _line(po, "<script>")
    assert (
        f"{po}:{_line(po, 'lesson/cycle/gone/title')}: unknown text id 'lesson/cycle/gone/title'"
        in result.stderr
    )
    assert f"{po}:{script_line}: lessons may not contain '<script'" in result.stderr
    assert (
        f"{po}:{_line(po, 'https://example.com/guida')}: link target 'https://example.com/guida' is not in the English text"
        in result.stderr
    )
    assert (
        "link target 'https://ec.europa.eu/citizens/guide' of the English text is missing"
        in result.stderr
    )
    assert f"{po}: not imported (4 problem(s)); nothing was changed" in result.stderr
    assert snapshot() == before
    assert "it" not in (_lesson("welcome").translations or {})


def test_a_changed_placeholder_is_a_problem(app, tmp_path):
    package = write_package(
        tmp_path / "pkg",
        sample_files(
            **{
                "modules/02-partners/module.yaml": "title: Partners\nsummary: Meet %(count)s partner towns.\n"
            }
        ),
    )
    run_cli(app, "courses", "import", str(package))
    po = _translate(
        _export(app, tmp_path / "it.po"), module__partners__summary="Incontrare %(numero)s città."
    )

    result = _import(app, po)

    assert result.exit_code == 1
    assert (
        f"{po}:{_line(po, 'Incontrare')}: placeholder '%(numero)s' is not in the English text of 'module/partners/summary'"
        in result.stderr
    )
    assert "#, python-format" in po.read_text(encoding="utf-8")  # CAT tools check it too


def test_a_translation_of_english_changed_since_the_export_is_imported_as_outdated(
    app, course, tmp_path
):
    po = _translate(
        _export(app, tmp_path / "it.po"),
        lesson__cycle__welcome__title="Benvenuti",
        lesson__partners__finding__title="Trovare i partner",
    )
    lesson = _lesson("welcome")
    lesson.title = "Welcome aboard"  # a trainer edits the English while the file is at the agency
    db.session.commit()

    result = _import(app, po)
    reexported = _export(app, tmp_path / "again.po")

    assert result.exit_code == 0, result.output
    assert "2 imported, 1 outdated, 0 fuzzy skipped" in result.stdout
    assert _lesson("welcome").translations["it"]["title"] == "Benvenuti"
    assert _state(_lesson("welcome"), "title") == OUTDATED
    assert _state(_lesson("finding"), "title") == PRESENT
    with reexported.open("rb") as handle:
        welcome = next(m for m in read_po(handle) if m.context == "lesson/cycle/welcome/title")
    assert welcome.fuzzy and welcome.id == "Welcome aboard" and welcome.string == "Benvenuti"


def test_fuzzy_messages_are_skipped_and_counted_and_a_reviewed_one_becomes_current(
    app, course, tmp_path
):
    _import(
        app,
        _translate(_export(app, tmp_path / "first.po"), lesson__cycle__welcome__title="Benvenuti"),
    )
    lesson = _lesson("welcome")
    lesson.title = "Welcome aboard"
    db.session.commit()
    po = _export(app, tmp_path / "it.po")
    with po.open("rb") as handle:
        catalog = read_po(handle)
    catalog.get("Welcome aboard", context="lesson/cycle/welcome/title").string = "Benvenuti a bordo"
    with po.open("wb") as handle:
        write_po(handle, catalog, width=0)

    skipped = _import(app, po)
    assert "0 imported, 0 outdated, 1 fuzzy skipped" in skipped.stdout
    assert _lesson("welcome").translations["it"]["title"] == "Benvenuti"

    reviewed = _import(app, _translate(po, lesson__cycle__welcome__title="Benvenuti a bordo"))
    assert "1 imported, 0 outdated, 0 fuzzy skipped" in reviewed.stdout
    assert _state(_lesson("welcome"), "title") == PRESENT


def test_an_empty_translation_leaves_the_stored_one(app, course, tmp_path):
    po = _translate(_export(app, tmp_path / "it.po"), course__title="")

    result = _import(app, po, "--json")

    assert json.loads(result.stdout)["empty"] >= 1
    assert _course().translations["it"]["title"] == "Corso di esempio"


def test_dry_run_checks_and_counts_but_writes_nothing(app, course, tmp_path):
    po = _translate(_export(app, tmp_path / "it.po"), module__cycle__title="Il ciclo di progetto")
    before = snapshot()

    result = _import(app, po, "--dry-run", "--json")

    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["dry_run"] is True and report["imported_ids"] == ["module/cycle/title"]
    assert snapshot() == before
    assert "it" not in (
        db.session.execute(db.select(Module).filter_by(key="cycle")).scalar_one().translations or {}
    )


def test_a_file_for_another_language_is_refused(app, course, tmp_path):
    po = _translate(
        _export(app, tmp_path / "sv.po", locale="sv"), module__cycle__title="Projektcykeln"
    )

    result = _import(app, po, locale="it")

    assert result.exit_code == 1
    assert (
        f"{po}:{_line(po, 'Language:')}: this file holds translations into 'sv', not 'it'"
        in result.stderr
    )
