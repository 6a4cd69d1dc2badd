"""``nttlearn courses validate``: every problem of a package as ``path:line: message``."""

from __future__ import annotations

import json
import os

import pytest
from test_content_fakes import LESSON, MODULE_YAML, ExercisePlugin, sample_files, write_package

from nttlearn.cli import main
from nttlearn.content.package import load_package
from nttlearn.testing import repo_root


@pytest.fixture
def app_plugins():
    return [ExercisePlugin()]


def problems_of(app, tmp_path, **overrides):
    root = write_package(tmp_path / "pkg", sample_files(**overrides))
    result = load_package(root, app.extensions["nttlearn"].all_activity_types(), display="pkg")
    return [str(p) for p in result.problems]


def test_the_sample_package_is_valid(app, tmp_path):
    assert problems_of(app, tmp_path) == []


def test_yaml_syntax_error_is_reported_on_its_line(app, tmp_path):
    broken = "slug: sample-course\ntitle: Sample\nsummary: [unclosed\nhours: 3\n"

    problems = problems_of(app, tmp_path, **{"course.yaml": broken})

    assert len(problems) == 1
    assert problems[0].startswith("pkg/course.yaml:4: invalid YAML")


def test_yaml_error_in_lesson_front_matter_is_reported_on_the_files_line(app, tmp_path):
    lesson = "---\ntitle: Welcome\nminutes: [15\n---\nText\n"

    problems = problems_of(app, tmp_path, **{"modules/01-cycle/02-phases.md": lesson})

    assert len(problems) == 1
    assert problems[0].startswith("pkg/modules/01-cycle/02-phases.md:4: invalid YAML")


@pytest.mark.parametrize(
    ("path", "text", "expected"),
    [
        (
            "course.yaml",
            "slug: sample-course\nhours: 2\n",
            "pkg/course.yaml:1: 'title' is required",
        ),
        (
            "modules/02-partners/module.yaml",
            "summary: no title\n",
            "pkg/modules/02-partners/module.yaml:1: 'title' is required",
        ),
        (
            "modules/01-cycle/02-phases.md",
            "---\nminutes: 5\n---\nText\n",
            "pkg/modules/01-cycle/02-phases.md:2: 'title' is required",
        ),
        (
            "modules/02-partners/module.yaml",
            "title: Partners\nactivities:\n  - type: exercise\n    title: No id\n    questions: []\n",
            "pkg/modules/02-partners/module.yaml:3: activity needs 'id' (a text)",
        ),
    ],
)
def test_missing_required_field(app, tmp_path, path, text, expected):
    assert problems_of(app, tmp_path, **{path: text}) == [expected]


def test_missing_files_are_reported(app, tmp_path):
    problems = problems_of(app, tmp_path, **{"modules/02-partners/module.yaml": None})

    assert problems == ["pkg/modules/02-partners/module.yaml:1: file is missing"]


def test_unknown_keys_are_reported_where_they_are_written(app, tmp_path):
    course = sample_files()["course.yaml"] + "colour: blue\n"
    module = "title: Partners\n\nsumary: typo\n"
    lesson = "---\ntitle: Welcome\nminutes: 5\nauthor: Anna\n---\nText\n"

    problems = problems_of(
        app,
        tmp_path,
        **{
            "course.yaml": course,
            "modules/02-partners/module.yaml": module,
            "modules/01-cycle/02-phases.md": lesson,
        },
    )

    assert problems == [
        "pkg/course.yaml:15: unknown key 'colour' (allowed: completion, hours, id, image, image_alt, languages, outcomes, policy_area, published, self_enrolment, slug, summary, title)",
        "pkg/modules/01-cycle/02-phases.md:4: unknown key 'author' (allowed: id, kind, minutes, required, title)",
        "pkg/modules/02-partners/module.yaml:3: unknown key 'sumary' (allowed: activities, id, opens_after_days, opens_on, outcomes, requires, summary, title)",
    ]


def test_broken_links_and_media_are_reported_on_their_line(app, tmp_path):
    lesson = LESSON.format(title="Phases") + (
        "\nA long paragraph that goes on\nand names a [missing page](03-missing.md) on its third\nline.\n"
        "\n![A diagram](../../media/diagram.png)\n\n![The cycle](../../media/cycle.png)\n"
    )

    problems = problems_of(app, tmp_path, **{"modules/01-cycle/02-phases.md": lesson})

    assert problems == [
        "pkg/modules/01-cycle/02-phases.md:10: broken link: '03-missing.md' does not exist",
        "pkg/modules/01-cycle/02-phases.md:13: broken link: '../../media/diagram.png' does not exist",
    ]


def test_links_outside_the_package_are_refused(app, tmp_path):
    lesson = (
        LESSON.format(title="Phases")
        + "\nSee [the passwords](../../../../etc/passwd) and [home](/etc/hosts).\n"
    )

    problems = problems_of(app, tmp_path, **{"modules/01-cycle/02-phases.md": lesson})

    assert problems == [
        "pkg/modules/01-cycle/02-phases.md:9: link '../../../../etc/passwd' points outside the package",
        "pkg/modules/01-cycle/02-phases.md:9: link '/etc/hosts' is an absolute path: link to files of the package "
        "with a relative path (../../media/photo.png) and to web pages with https://",
    ]


def test_an_activity_file_outside_the_package_is_refused(app, tmp_path):
    module = MODULE_YAML.replace("file: questions.txt", "file: ../../../../etc/passwd")

    problems = problems_of(app, tmp_path, **{"modules/01-cycle/module.yaml": module})

    assert problems == [
        "pkg/modules/01-cycle/module.yaml:8: 'file: ../../../../etc/passwd' points outside the package"
    ]


def test_script_tags_and_event_handlers_are_refused(app, tmp_path):
    lesson = (
        LESSON.format(title="Phases")
        + "\n<script>alert('x')</script>\n\n<img src=x onerror=alert(1)>\n"
    )

    problems = problems_of(app, tmp_path, **{"modules/01-cycle/02-phases.md": lesson})

    assert problems == [
        "pkg/modules/01-cycle/02-phases.md:9: lessons may not contain '<script': raw HTML and scripts are not allowed",
        "pkg/modules/01-cycle/02-phases.md:11: lessons may not contain '<img src=x onerror=': raw HTML and scripts are not allowed",
    ]


def test_a_type_no_installed_plugin_provides_is_one_warning_whatever_plugin_it_belongs_to(
    app, tmp_path
):
    """A partner's type (``poll``) and a built-in's (``quiz``) follow the same rule: the package
    stays valid, the warning names the installed types, so a typo is still seen."""
    module = (
        MODULE_YAML
        + "  - id: poll\n    type: poll\n    title: A poll\n  - id: quiz\n    type: quiz\n    title: Quiz\n"
    )
    root = write_package(tmp_path / "pkg", sample_files(**{"modules/01-cycle/module.yaml": module}))

    result = load_package(root, app.extensions["nttlearn"].all_activity_types(), display="pkg")

    assert result.problems == []
    # The sample's "certificate: true" is the certificates plugin's course setting, not installed here.
    assert [str(w) for w in result.warnings] == [
        "pkg/course.yaml:13: 'certificate' is a course setting of the 'certificates' plugin, which is not "
        "installed: it is ignored",
        *(
            f"pkg/modules/01-cycle/module.yaml:{line}: activity type '{key}' is not provided by any installed plugin "
            "(installed: exercise): the activity will show as unavailable"
            for line, key in ((10, "poll"), (13, "quiz"))
        ),
    ]


def test_duplicate_ids_are_reported(app, tmp_path):
    module = (
        MODULE_YAML + "  - id: check\n    type: exercise\n    title: Again\n    questions: []\n"
    )
    problems = problems_of(
        app,
        tmp_path,
        **{
            "modules/01-cycle/module.yaml": module,
            "modules/01-cycle/03-welcome-again.md": "---\nid: welcome\ntitle: Again\n---\nText\n",
            "modules/02-partners/module.yaml": "id: cycle\ntitle: Partners\n",
        },
    )

    assert problems == [
        "pkg/modules/01-cycle/03-welcome-again.md:2: duplicate lesson id 'welcome' (also pkg/modules/01-cycle/01-welcome.md)",
        "pkg/modules/01-cycle/module.yaml:9: duplicate activity id 'check'",
        "pkg/modules/02-partners/module.yaml:1: duplicate module id 'cycle' (also pkg/modules/01-cycle)",
    ]


def test_the_plugin_checks_its_own_definition_with_line_numbers(app, tmp_path):
    problems = problems_of(
        app,
        tmp_path,
        **{
            "modules/01-cycle/questions.txt": "What is a project cycle?\nName the stakeholders.\n",
            "modules/02-partners/module.yaml": "title: Partners\nactivities:\n  - id: a\n    type: exercise\n    title: A\n    file: nothing.txt\n",
        },
    )

    assert problems == [
        "pkg/modules/01-cycle/questions.txt:2: a question ends with '?'",
        "pkg/modules/02-partners/module.yaml:6: file 'nothing.txt' is missing",
    ]


def test_a_plugin_that_crashes_while_checking_becomes_a_problem(app, tmp_path):
    module = MODULE_YAML.replace("file: questions.txt", "crash: true")  # the plugin's check raises

    problems = problems_of(app, tmp_path, **{"modules/01-cycle/module.yaml": module})

    assert len(problems) == 1
    assert problems[0].startswith(
        "pkg/modules/01-cycle/module.yaml:4: activity 'check': the 'exercise' plugin could not check it (RuntimeError: the checker crashed)"
    )


def test_field_types_and_values_are_checked(app, tmp_path):
    course = (
        sample_files()["course.yaml"]
        .replace("hours: 3", "hours: many")
        .replace("policy_area: youth", "policy_area: sports")
    )
    lesson = "---\ntitle: Phases\nminutes: 0\nrequired: maybe\nkind: video\n---\nText\n"

    problems = problems_of(
        app, tmp_path, **{"course.yaml": course, "modules/01-cycle/02-phases.md": lesson}
    )

    assert problems == [
        "pkg/course.yaml:6: unknown policy area 'sports' (use one of methodology, youth, social-enterprise, renewable-energy, family-gender, integration-employment)",
        "pkg/course.yaml:8: 'hours' must be a positive number",
        "pkg/modules/01-cycle/02-phases.md:3: 'minutes' must be a whole number of at least 1",
        "pkg/modules/01-cycle/02-phases.md:4: 'required' must be true or false",
        "pkg/modules/01-cycle/02-phases.md:5: unknown kind 'video' (use lesson or exercise)",
    ]


def test_symbolic_links_are_refused(app, tmp_path):
    root = write_package(tmp_path / "pkg", sample_files())
    os.symlink("/etc/passwd", root / "media" / "passwords.png")

    result = load_package(root, {}, display="pkg")

    assert (
        "pkg/media/passwords.png:1: symbolic links are not allowed in a package (they could point outside it)"
        in [str(p) for p in result.problems]
    )


def test_translations_need_a_lesson_and_a_known_language(app, tmp_path):
    problems = problems_of(
        app,
        tmp_path,
        **{
            "modules/01-cycle/05-gone.fi.md": "---\ntitle: Poissa\n---\nTeksti\n",
            "modules/01-cycle/02-phases.de.md": "---\ntitle: Phasen\n---\nText\n",
        },
    )

    assert problems == [
        "pkg/modules/01-cycle/02-phases.de.md:1: unknown translation language 'de' (use one of it, sv, es, fi)",
        "pkg/modules/01-cycle/05-gone.fi.md:1: translation of a lesson that does not exist (05-gone.md)",
    ]


def test_cli_prints_each_problem_as_path_line_message_and_exits_1(app, tmp_path):
    root = write_package(
        tmp_path / "pkg", sample_files(**{"modules/02-partners/module.yaml": "summary: x\n"})
    )
    result = app.test_cli_runner().invoke(main, ["courses", "validate", str(root)])

    assert result.exit_code == 1
    assert f"{root}/modules/02-partners/module.yaml:1: 'title' is required" in result.stderr


def test_cli_json_output_lists_problems_for_machines(app, tmp_path):
    good = write_package(tmp_path / "good", sample_files())
    bad = write_package(
        tmp_path / "bad", sample_files(**{"modules/02-partners/module.yaml": "summary: x\n"})
    )

    result = app.test_cli_runner().invoke(
        main, ["courses", "validate", "--json", str(good), str(bad)]
    )

    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert [r["valid"] for r in data] == [True, False]
    assert data[1]["problems"] == [
        {
            "path": f"{bad}/modules/02-partners/module.yaml",
            "line": 1,
            "message": "'title' is required",
        }
    ]


def test_the_shipped_curriculum_validates_cleanly(app):
    packages = sorted(
        str(p) for p in (repo_root() / "courses").iterdir() if (p / "course.yaml").is_file()
    )

    result = app.test_cli_runner().invoke(main, ["courses", "validate", "--json", *packages])

    assert result.exit_code == 0, result.output
    assert len(packages) == 6
    assert all(r["problems"] == [] for r in json.loads(result.stdout))
