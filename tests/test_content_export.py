"""``nttlearn courses export``: the course written back as a package, byte for byte stable."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from test_content_fakes import ExercisePlugin, run_cli, sample_files, write_package

from nttlearn.content.yamlfile import dump_yaml
from nttlearn.extensions import db
from nttlearn.models import Activity, Course, Lesson
from nttlearn.testing import repo_root

MAIN_COURSE = repo_root() / "courses" / "designing-twinned-town-networks"


@pytest.fixture
def plugin():
    return ExercisePlugin()


@pytest.fixture
def app_plugins(plugin):
    return [plugin]


def files_of(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_export_import_export_of_the_main_course_gives_identical_files(app, tmp_path):
    assert run_cli(app, "courses", "import", str(MAIN_COURSE)).exit_code == 0
    first, second = tmp_path / "first", tmp_path / "second"

    exported = run_cli(app, "courses", "export", "designing-twinned-town-networks", str(first))
    reimported = run_cli(app, "courses", "import", str(first))
    run_cli(app, "courses", "export", "designing-twinned-town-networks", str(second))

    assert exported.exit_code == 0, exported.output
    assert reimported.stdout == "designing-twinned-town-networks: unchanged\n"
    assert files_of(first) == files_of(second)
    assert len(files_of(first)) == len(files_of(MAIN_COURSE))
    # What the quiz plugin (not installed here) will read is exported as it was shipped.
    assert (first / "modules/01-project-cycle/quiz.gift").read_bytes() == (
        MAIN_COURSE / "modules/01-project-cycle/quiz.gift"
    ).read_bytes()


def test_an_exported_package_reads_back_as_the_same_course(app, tmp_path):
    run_cli(app, "courses", "import", str(MAIN_COURSE))
    run_cli(app, "courses", "export", "designing-twinned-town-networks", str(tmp_path / "out"))
    original = yaml.safe_load((MAIN_COURSE / "course.yaml").read_text(encoding="utf-8"))

    exported = yaml.safe_load((tmp_path / "out" / "course.yaml").read_text(encoding="utf-8"))

    assert exported["title"] == original["title"]
    assert exported["summary"] == original["summary"]
    assert exported["outcomes"] == original["outcomes"]
    lesson = "modules/01-project-cycle/01-what-is-a-network-of-twinned-towns.md"
    assert body_of(tmp_path / "out" / lesson) == body_of(MAIN_COURSE / lesson)


def body_of(path: Path) -> str:
    return path.read_text(encoding="utf-8").split("\n---\n", 1)[1].strip()


def test_activities_are_written_by_their_plugin_and_media_copied(app, plugin, tmp_path):
    run_cli(app, "courses", "import", str(write_package(tmp_path / "pkg", sample_files())))
    activity = db.session.execute(db.select(Activity)).scalar_one()
    plugin.questions[activity.id] = ["Edited in the plugin?"]

    run_cli(app, "courses", "export", "sample-course", str(tmp_path / "out"))

    module = yaml.safe_load(
        (tmp_path / "out/modules/01-cycle/module.yaml").read_text(encoding="utf-8")
    )
    assert module["activities"] == [
        {
            "id": "check",
            "type": "exercise",
            "title": "Check your understanding",
            "required": True,
            "file": "check.txt",
        }
    ]
    assert (tmp_path / "out/modules/01-cycle/check.txt").read_text() == "Edited in the plugin?\n"
    assert (tmp_path / "out/media/cycle.png").is_file()
    assert (tmp_path / "out/modules/01-cycle/01-welcome.sv.md").read_text(encoding="utf-8") == (
        "---\ntitle: Välkommen\n---\nText på svenska.\n"
    )


def test_without_the_plugin_the_stored_definition_and_its_files_are_exported(app_factory, tmp_path):
    package = write_package(tmp_path / "pkg", sample_files())
    with_plugin = app_factory(plugins=[ExercisePlugin()])
    with with_plugin.app_context():
        run_cli(with_plugin, "courses", "import", str(package))
    without = app_factory(plugins=[])
    with without.app_context():
        result = run_cli(without, "courses", "export", "sample-course", str(tmp_path / "out"))

    assert result.exit_code == 0, result.output
    module = (tmp_path / "out/modules/01-cycle/module.yaml").read_text(encoding="utf-8")
    assert "file: questions.txt" in module and "_digest" not in module and "_files" not in module
    assert (tmp_path / "out/modules/01-cycle/questions.txt").read_bytes() == (
        package / "modules/01-cycle/questions.txt"
    ).read_bytes()


def test_exporting_over_a_package_replaces_it_and_keeps_other_files(app, tmp_path):
    target = write_package(
        tmp_path / "repo", sample_files(**{"modules/09-old/module.yaml": "title: Old\n"})
    )
    (target / "README.md").write_text("Our course\n")
    run_cli(app, "courses", "import", str(write_package(tmp_path / "pkg", sample_files())))

    result = run_cli(app, "courses", "export", "sample-course", str(target))

    assert result.exit_code == 0, result.output
    assert not (target / "modules/09-old").exists()
    assert (target / "README.md").read_text() == "Our course\n"


def test_exporting_into_a_folder_that_is_not_a_package_is_refused(app, tmp_path):
    run_cli(app, "courses", "import", str(write_package(tmp_path / "pkg", sample_files())))
    (tmp_path / "home").mkdir()
    (tmp_path / "home" / "notes.txt").write_text("mine")

    result = run_cli(app, "courses", "export", "sample-course", str(tmp_path / "home"))

    assert result.exit_code == 1
    assert "is not a course package" in result.stderr
    assert sorted(p.name for p in (tmp_path / "home").iterdir()) == ["notes.txt"]


def test_exporting_an_unknown_course_fails(app, tmp_path):
    result = run_cli(app, "courses", "export", "no-such-course", str(tmp_path / "out"))

    assert result.exit_code == 1
    assert "no course with slug 'no-such-course'" in result.stderr


def test_ids_that_cannot_be_file_names_are_written_explicitly(app, tmp_path):
    files = sample_files(
        **{"modules/01-cycle/02-phases.md": "---\nid: Phases_2010\ntitle: Phases\n---\nText\n"}
    )
    run_cli(app, "courses", "import", str(write_package(tmp_path / "pkg", files)))

    run_cli(app, "courses", "export", "sample-course", str(tmp_path / "out"))
    reimport = run_cli(app, "courses", "import", str(tmp_path / "out"))

    assert (
        (tmp_path / "out/modules/01-cycle/02-phases.md")
        .read_text()
        .startswith("---\nid: Phases_2010\ntitle: Phases\n")
    )
    assert (
        "lesson" not in reimport.stdout
    )  # the lesson came back as it was (the plugin rewrote its activity)
    assert db.session.execute(db.select(Lesson.key).order_by(Lesson.key)).scalars().all() == [
        "Phases_2010",
        "finding",
        "welcome",
    ]


def test_archived_elements_are_not_exported(app, tmp_path):
    run_cli(app, "courses", "import", str(write_package(tmp_path / "pkg", sample_files())))
    db.session.execute(db.update(Lesson).where(Lesson.key == "phases").values(archived=True))
    db.session.commit()

    run_cli(app, "courses", "export", "sample-course", str(tmp_path / "out"))

    assert sorted(p.name for p in (tmp_path / "out/modules/01-cycle").glob("*.md")) == [
        "01-welcome.md",
        "01-welcome.sv.md",
    ]
    assert db.session.execute(db.select(Course.slug)).scalar() == "sample-course"


@given(st.text())
def test_any_text_dumped_as_yaml_reads_back_unchanged(text):
    assert yaml.safe_load(dump_yaml({"title": text, "outcomes": [text]})) == {
        "title": text,
        "outcomes": [text],
    }
