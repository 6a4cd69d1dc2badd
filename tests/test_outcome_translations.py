"""Learning outcomes and activity titles in Italian, Swedish, Spanish and Finnish: carried by
packages (course.yaml, module.yaml), kept one text per item with its own outdated state, written
back by the export, and read by learners in their language."""

from __future__ import annotations

import pytest
from test_content_fakes import COURSE_YAML, ExercisePlugin, sample_files, write_package

from nttlearn.content.exporter import export_course
from nttlearn.content.importer import ImportFailed, commit_import, import_package
from nttlearn.content.translations import OUTDATED, PRESENT, english_texts, state
from nttlearn.extensions import db
from nttlearn.learn.services import enrol
from nttlearn.models import Activity, Course, Lesson, Module

MODULE_YAML = """\
title: The project cycle
outcomes:
  - en: Name the phases of the project cycle.
    it: Indicare le fasi del ciclo di progetto.
    fi: Nimetä hankesyklin vaiheet.
  - Say which decisions are taken in each phase.
activities:
  - id: check
    type: exercise
    title:
      en: Check your understanding
      it: Verificate la vostra comprensione
    required: true
    file: questions.txt
"""
COURSE_WITH_OUTCOMES = (
    COURSE_YAML.split("outcomes:")[0].rstrip()
    + """
outcomes:
  - en: Design a network project.
    sv: Utforma ett nätverksprojekt.
"""
)


@pytest.fixture
def app_plugins():
    return [ExercisePlugin()]


@pytest.fixture
def types(app):
    return app.extensions["nttlearn"].all_activity_types()


def _import(tmp_path, types, name="pkg", **overrides):
    files = {
        "course.yaml": COURSE_WITH_OUTCOMES,
        "modules/01-cycle/module.yaml": MODULE_YAML,
        **overrides,
    }
    report = import_package(write_package(tmp_path / name, sample_files(**files)), types)
    commit_import()
    return report


def _module() -> Module:
    db.session.expire_all()
    return db.session.execute(db.select(Module).filter_by(key="cycle")).scalar_one()


def _activity() -> Activity:
    db.session.expire_all()
    return db.session.execute(db.select(Activity).filter_by(key="check")).scalar_one()


def test_outcomes_and_activity_titles_in_other_languages_are_imported_item_by_item(
    app, types, tmp_path
):
    _import(tmp_path, types)
    module = _module()

    assert module.outcomes == [
        "Name the phases of the project cycle.",
        "Say which decisions are taken in each phase.",
    ]
    assert module.localized_outcomes("it") == [
        "Indicare le fasi del ciclo di progetto.",
        "Say which decisions are taken in each phase.",
    ]
    assert module.localized_outcomes("sv") == module.outcomes
    assert _activity().title == "Check your understanding"
    assert _activity().localized("title", "it") == "Verificate la vostra comprensione"
    course = db.session.execute(db.select(Course)).scalar_one()
    assert course.localized_outcomes("sv") == ["Utforma ett nätverksprojekt."]


def test_export_writes_outcome_and_activity_title_translations_back_identically(
    app, types, tmp_path
):
    _import(tmp_path, types)
    course = db.session.execute(db.select(Course)).scalar_one()

    first = export_course(course, tmp_path / "first", types)
    import_package(first, types)
    commit_import()
    second = export_course(
        db.session.execute(db.select(Course)).scalar_one(), tmp_path / "second", types
    )

    module_yaml = (first / "modules/01-cycle/module.yaml").read_text(encoding="utf-8")
    assert (
        "  - en: Name the phases of the project cycle.\n    it: Indicare le fasi del ciclo di progetto.\n"
        in module_yaml
    )
    assert "  - Say which decisions are taken in each phase.\n" in module_yaml
    assert (
        "    title:\n      en: Check your understanding\n      it: Verificate la vostra comprensione\n"
        in module_yaml
    )
    assert (first / "course.yaml").read_bytes() == (second / "course.yaml").read_bytes()
    assert module_yaml == (second / "modules/01-cycle/module.yaml").read_text(encoding="utf-8")


def test_a_package_that_changes_an_english_outcome_but_not_its_translation_makes_it_outdated(
    app, types, tmp_path
):
    _import(tmp_path, types)
    changed = MODULE_YAML.replace(
        "en: Name the phases of the project cycle.", "en: Name and explain the phases."
    )

    _import(tmp_path, types, "pkg2", **{"modules/01-cycle/module.yaml": changed})

    module = _module()
    assert state(module.translations["it"], english_texts(module)) == OUTDATED
    assert state(module.translations["fi"], english_texts(module)) == OUTDATED
    assert (
        module.localized_outcomes("it")[0] == "Indicare le fasi del ciclo di progetto."
    )  # outdated, still shown


def test_an_unchanged_reimport_keeps_outcome_translations_up_to_date(app, types, tmp_path):
    _import(tmp_path, types)
    _import(tmp_path, types, "again")

    module = _module()
    assert state(module.translations["it"], english_texts(module)) == PRESENT


def test_an_outcome_translation_without_english_is_refused_with_its_file_and_line(
    app, types, tmp_path
):
    broken = MODULE_YAML.replace(
        "  - en: Name the phases of the project cycle.\n", "  - de: Die Phasen.\n"
    )

    with pytest.raises(ImportFailed) as failed:
        _import(tmp_path, types, **{"modules/01-cycle/module.yaml": broken})

    messages = [f"{p.path}:{p.line}: {p.message}" for p in failed.value.problems]
    assert any(
        m.endswith("module.yaml:3: 'outcomes[1]' needs an English ('en') text") for m in messages
    ), messages
    assert any("module.yaml:3: unknown language 'de' in 'outcomes[1]'" in m for m in messages), (
        messages
    )


def test_an_italian_learner_sees_outcomes_and_activity_titles_in_italian(
    app, types, tmp_path, client, make_user, login_as
):
    _import(
        tmp_path,
        types,
        **{
            "course.yaml": COURSE_WITH_OUTCOMES.replace(
                "sv: Utforma", "it: Progettare una rete.\n    sv: Utforma"
            )
        },
    )
    learner = make_user(locale="it")
    course = db.session.execute(db.select(Course)).scalar_one()
    enrol(learner.id, course)
    db.session.commit()
    login_as(learner)

    course_page = client.get(f"/courses/{course.slug}").get_data(as_text=True)
    lesson_id = db.session.execute(db.select(Lesson.id).filter_by(key="welcome")).scalar_one()
    lesson_page = client.get(f"/courses/{course.slug}/lessons/{lesson_id}").get_data(as_text=True)

    assert "Progettare una rete." in course_page and "Design a network project." not in course_page
    for page in (course_page, lesson_page):  # the course's outline, and the lesson page's sidebar
        assert "Verificate la vostra comprensione" in page
        assert "Check your understanding" not in page
