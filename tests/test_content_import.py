"""``nttlearn courses import``: all-or-nothing, idempotent, and learners keep their progress."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from test_content_fakes import (
    LESSON,
    MODULE_YAML,
    ExercisePlugin,
    run_cli,
    sample_files,
    snapshot,
    write_package,
    zip_folder,
)

from nttlearn.content.importer import commit_import, import_package
from nttlearn.extensions import db
from nttlearn.learn.services import complete_activity, complete_lesson, enrol
from nttlearn.models import Activity, Course, Lesson, LessonCompletion, Module
from nttlearn.testing import count_queries

WRITES = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.I)


@pytest.fixture
def plugin():
    return ExercisePlugin()


@pytest.fixture
def app_plugins(plugin):
    return [plugin]


def _package(tmp_path: Path, **overrides) -> Path:
    return write_package(tmp_path / "sample-course", sample_files(**overrides))


def _lesson(key: str) -> Lesson:
    return db.session.execute(db.select(Lesson).filter_by(key=key)).scalar_one()


def _import(app, path: Path) -> None:
    import_package(path, app.extensions["nttlearn"].all_activity_types())
    commit_import()


def test_import_creates_the_course_and_says_what_it_created(app, plugin, tmp_path):
    package = _package(tmp_path)

    result = run_cli(app, "courses", "import", str(package))

    assert result.exit_code == 0, result.output
    assert result.stdout == "sample-course: imported: 7 created, 0 updated, 0 archived, 0 deleted\n"
    course = db.session.execute(db.select(Course).filter_by(slug="sample-course")).scalar_one()
    assert (course.title, course.translations, course.policy_area, course.hours) == (
        "Sample course",
        {"it": {"title": "Corso di esempio"}},
        "youth",
        3.0,
    )
    assert _lesson("welcome").translations["sv"] == {
        "title": "Välkommen",
        "body": "Text på svenska.\n",
    }
    activity = db.session.execute(db.select(Activity)).scalar_one()
    assert plugin.questions[activity.id] == [
        "What is a project cycle?",
        "Who are the stakeholders?",
    ]
    assert (Path(app.instance_path) / "media" / "sample-course" / "cycle.png").is_file()


def test_importing_the_same_package_twice_changes_nothing_and_writes_nothing(app, plugin, tmp_path):
    package = _package(tmp_path)
    run_cli(app, "courses", "import", str(package))
    media = Path(app.instance_path) / "media" / "sample-course" / "cycle.png"
    media_time = media.stat().st_mtime_ns

    with count_queries(app) as statements:
        result = run_cli(app, "courses", "import", str(package))

    assert result.exit_code == 0
    assert result.stdout == "sample-course: unchanged\n"
    assert [s for s in statements if WRITES.match(s)] == []
    assert plugin.imported == ["check"]  # the plugin was not asked again
    assert media.stat().st_mtime_ns == media_time


def test_reimporting_an_edited_package_updates_in_place_and_keeps_progress(
    app, make_user, tmp_path
):
    _import(app, _package(tmp_path))
    learner = make_user()
    course = db.session.execute(db.select(Course)).scalar_one()
    enrol(learner.id, course)
    welcome_id = _lesson("welcome").id
    for key in ("welcome", "phases"):
        complete_lesson(learner.id, _lesson(key))
    db.session.commit()
    edited = sample_files(
        **{
            "modules/01-cycle/01-welcome.md": LESSON.format(title="Welcome, officials"),
            "modules/01-cycle/02-phases.md": None,  # learners completed it: archived
            "modules/01-cycle/03-stakeholders.md": LESSON.format(title="Stakeholders"),
            "modules/02-partners/01-finding.md": None,  # nobody started it: deleted
            "modules/02-partners/02-agreement.md": LESSON.format(title="Agreement"),
        }
    )

    result = run_cli(
        app, "courses", "import", str(write_package(tmp_path / "sample-course", edited))
    )

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "sample-course: imported: 2 created, 1 updated, 1 archived, 1 deleted",
        "  created lesson cycle/stakeholders",
        "  created lesson partners/agreement",
        "  updated lesson cycle/welcome",
        "  archived lesson cycle/phases",
        "  deleted lesson partners/finding",
    ]
    welcome = _lesson("welcome")
    assert (welcome.id, welcome.title) == (welcome_id, "Welcome, officials")
    assert _lesson("phases").archived is True
    assert db.session.scalar(db.select(db.func.count(LessonCompletion.id))) == 2
    assert db.session.execute(db.select(Lesson).filter_by(key="finding")).scalar() is None


def test_a_changed_translation_of_an_activity_file_hands_the_activity_to_its_plugin_again(
    app, plugin, tmp_path
):
    translated = {
        "modules/01-cycle/questions.sv.txt": "Vad är en projektcykel?\nVilka är intressenterna?\n"
    }
    _import(app, _package(tmp_path, **translated))
    plugin.imported.clear()
    edited = {
        "modules/01-cycle/questions.sv.txt": "Vad är projektcykeln?\nVilka är intressenterna?\n"
    }

    result = run_cli(app, "courses", "import", str(_package(tmp_path, **edited)))

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "sample-course: imported: 0 created, 1 updated, 0 archived, 0 deleted",
        "  updated activity cycle/check",
    ]
    assert plugin.imported == ["check"]
    stored = db.session.execute(db.select(Activity)).scalar_one().spec["_files"]
    assert stored["questions.sv.txt"] == {"text": edited["modules/01-cycle/questions.sv.txt"]}


def test_a_removed_module_is_archived_with_learner_work_and_deleted_without(
    app, make_user, tmp_path
):
    files = sample_files(
        **{
            "modules/03-budget/module.yaml": "title: Budget\n",
            "modules/03-budget/01-costs.md": LESSON.format(title="Costs"),
        }
    )
    _import(app, write_package(tmp_path / "sample-course", files))
    learner = make_user()
    enrol(learner.id, db.session.execute(db.select(Course)).scalar_one())
    complete_activity(
        learner.id, db.session.execute(db.select(Activity)).scalar_one()
    )  # in module "cycle"
    db.session.commit()
    files = {
        k: v
        for k, v in files.items()
        if not k.startswith(("modules/01-cycle/", "modules/03-budget/"))
    }

    result = run_cli(
        app, "courses", "import", str(write_package(tmp_path / "sample-course", files))
    )

    assert result.exit_code == 0, result.output
    assert "  archived module cycle" in result.stdout.splitlines()
    assert "  deleted module budget" in result.stdout.splitlines()
    modules = {m.key: m.archived for m in db.session.execute(db.select(Module)).scalars()}
    assert modules == {"cycle": True, "partners": False}
    assert db.session.execute(db.select(Lesson).filter_by(key="costs")).scalar() is None


def test_an_archived_lesson_that_comes_back_is_restored_with_its_progress(app, make_user, tmp_path):
    _import(app, _package(tmp_path))
    learner = make_user()
    enrol(learner.id, db.session.execute(db.select(Course)).scalar_one())
    complete_lesson(learner.id, _lesson("phases"))
    db.session.commit()
    _import(app, _package(tmp_path, **{"modules/01-cycle/02-phases.md": None}))

    result = run_cli(app, "courses", "import", str(_package(tmp_path)))

    assert "  updated lesson cycle/phases" in result.stdout.splitlines()
    db.session.expire_all()
    assert _lesson("phases").archived is False
    assert db.session.scalar(db.select(db.func.count(LessonCompletion.id))) == 1


def test_dry_run_says_what_would_change_and_changes_nothing(app, tmp_path):
    before = snapshot()

    result = run_cli(app, "courses", "import", "--dry-run", str(_package(tmp_path)))

    assert result.exit_code == 0
    assert (
        result.stdout
        == "sample-course: would import: 7 created, 0 updated, 0 archived, 0 deleted\n"
    )
    assert snapshot() == before
    assert not (Path(app.instance_path) / "media" / "sample-course").exists()


BAD_PACKAGES = {
    "broken YAML": (
        {"modules/01-cycle/module.yaml": "title: [The cycle\n"},
        "sample-course/modules/01-cycle/module.yaml:2: invalid YAML",
    ),
    "missing file": (
        {"modules/02-partners/module.yaml": None},
        "sample-course/modules/02-partners/module.yaml:1: file is missing",
    ),
    "script tag": (
        {
            "modules/01-cycle/02-phases.md": LESSON.format(title="Phases")
            + "<script>steal()</script>\n"
        },
        "sample-course/modules/01-cycle/02-phases.md:8: lessons may not contain '<script'",
    ),
    "link outside": (
        {
            "modules/01-cycle/02-phases.md": LESSON.format(title="Phases")
            + "[x](../../../../etc/passwd)\n"
        },
        "sample-course/modules/01-cycle/02-phases.md:8: link '../../../../etc/passwd' points outside the package",
    ),
}


@pytest.mark.parametrize("case", BAD_PACKAGES, ids=list(BAD_PACKAGES))
def test_a_bad_package_gets_a_precise_message_and_changes_nothing(app, tmp_path, case):
    overrides, message = BAD_PACKAGES[case]
    _import(app, _package(tmp_path))
    before = snapshot()
    changed = _package(
        tmp_path, **{"modules/01-cycle/01-welcome.md": LESSON.format(title="Changed"), **overrides}
    )

    result = run_cli(app, "courses", "import", str(changed))

    assert result.exit_code == 1
    assert message in result.stderr
    assert result.stderr.rstrip().endswith("; nothing was changed")
    assert snapshot() == before


def test_a_plugin_failing_in_the_middle_of_an_import_leaves_the_database_as_it_was(
    app, plugin, tmp_path
):
    _import(app, _package(tmp_path))
    before = snapshot()
    changed = _package(
        tmp_path,
        **{
            "modules/01-cycle/01-welcome.md": LESSON.format(title="Changed"),
            "modules/01-cycle/questions.txt": "A new question?\n",  # handed to the plugin first: it writes an event
            "modules/02-partners/module.yaml": "title: Partners\nactivities:\n  - id: bad\n    type: exercise\n"
            "    title: Bad\n    questions: []\n    fail: true\n",
        },
    )

    result = run_cli(app, "courses", "import", str(changed))

    assert result.exit_code == 1
    assert (
        "sample-course/modules/02-partners/module.yaml:3: activity 'bad': the exercise plugin refused this definition"
        in result.stderr
    )
    assert plugin.imported == ["check", "check"]  # it ran, and its database writes were rolled back
    assert snapshot() == before


def test_a_zipped_package_imports_like_a_folder(app, tmp_path):
    archive = tmp_path / "sample.zip"
    archive.write_bytes(zip_folder(_package(tmp_path), prefix="sample-course/"))

    result = run_cli(app, "courses", "import", "--json", str(archive))

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)[0]["created"][0] == "course sample-course"


@pytest.mark.parametrize("type_key", ["quiz", "poll"], ids=["built-in type", "partner type"])
def test_activities_of_a_plugin_installed_later_are_handed_to_it_on_the_next_import(
    app_factory, tmp_path, type_key
):
    package = _package(
        tmp_path,
        **{
            "modules/01-cycle/module.yaml": MODULE_YAML.replace(
                "type: exercise", f"type: {type_key}"
            )
        },
    )
    bare = app_factory(plugins=[])
    with bare.app_context():
        first = run_cli(bare, "courses", "import", str(package))
        assert first.exit_code == 0, first.output
        assert (
            f"activity type '{type_key}' is not provided by any installed plugin (installed: none)"
            in first.stderr
        )
    quiz = ExercisePlugin(key=type_key)
    with_quiz = app_factory(plugins=[quiz])
    with with_quiz.app_context():
        second = run_cli(with_quiz, "courses", "import", str(package))
        third = run_cli(with_quiz, "courses", "import", str(package))

    assert second.stdout.splitlines() == [
        "sample-course: imported: 0 created, 1 updated, 0 archived, 0 deleted",
        "  updated activity cycle/check",
    ]
    assert quiz.imported == ["check"]
    assert third.stdout == "sample-course: unchanged\n"


def _generated(tmp_path: Path, modules: int, lessons: int) -> Path:
    files = {"course.yaml": f"slug: size-{modules}\ntitle: Size {modules}\n"}
    for m in range(1, modules + 1):
        files[f"modules/{m:02d}-m{m}/module.yaml"] = f"title: Module {m}\n"
        for n in range(1, lessons + 1):
            files[f"modules/{m:02d}-m{m}/{n:02d}-l{n}.md"] = LESSON.format(title=f"Lesson {m}.{n}")
    return write_package(tmp_path / f"size-{modules}", files)


def test_the_number_of_queries_does_not_grow_with_the_number_of_lessons(app, tmp_path):
    counts = {}
    for modules in (2, 8):
        package = _generated(tmp_path, modules, 10)
        with count_queries(app) as statements:
            _import(app, package)
        counts[modules] = len(statements)

    assert counts[8] <= counts[2], counts


def test_a_removed_activity_with_a_completion_is_archived(app, make_user, tmp_path):
    _import(app, _package(tmp_path))
    learner = make_user()
    enrol(learner.id, db.session.execute(db.select(Course)).scalar_one())
    complete_activity(learner.id, db.session.execute(db.select(Activity)).scalar_one(), score=80)
    db.session.commit()

    result = run_cli(
        app,
        "courses",
        "import",
        str(_package(tmp_path, **{"modules/01-cycle/module.yaml": "title: The project cycle\n"})),
    )

    assert result.stdout.splitlines()[1:] == [
        "  updated module cycle",
        "  archived activity cycle/check",
    ]
    db.session.expire_all()
    assert db.session.execute(db.select(Activity.archived)).scalar_one() is True


@pytest.mark.parametrize("removed", ["activity", "module"])
def test_a_removed_activity_the_plugin_says_holds_learner_work_is_archived(
    app, plugin, tmp_path, removed
):
    """The core asks the activity's plugin (``ActivityType.has_learner_work``) about its own
    activities: work kept in a plugin's tables, with no completion, keeps the activity."""
    _import(app, _package(tmp_path))
    activity = db.session.execute(db.select(Activity)).scalar_one()
    plugin.answered.add(activity.id)
    edited = (
        {"modules/01-cycle/module.yaml": "title: The project cycle\n"}
        if removed == "activity"
        else {
            f"modules/01-cycle/{name}": None
            for name in (
                "module.yaml",
                "questions.txt",
                "01-welcome.md",
                "01-welcome.sv.md",
                "02-phases.md",
            )
        }
    )

    result = run_cli(app, "courses", "import", str(_package(tmp_path, **edited)))

    assert result.exit_code == 0, result.output
    assert (
        f"  archived {'activity cycle/check' if removed == 'activity' else 'module cycle'}"
        in result.stdout.splitlines()
    )
    assert [activity.id] in plugin.asked_about
    db.session.expire_all()
    kept = db.session.get(Activity, activity.id)
    assert kept is not None
    assert (
        kept.archived if removed == "activity" else db.session.get(Module, kept.module_id).archived
    )


def test_a_removed_activity_without_learner_work_is_deleted(app, plugin, tmp_path):
    _import(app, _package(tmp_path))

    result = run_cli(
        app,
        "courses",
        "import",
        str(_package(tmp_path, **{"modules/01-cycle/module.yaml": "title: The project cycle\n"})),
    )

    assert "  deleted activity cycle/check" in result.stdout.splitlines()
    assert plugin.asked_about and db.session.execute(db.select(Activity)).first() is None
