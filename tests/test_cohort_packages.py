"""Release rules in course packages: ``opens_on``, ``opens_after_days`` and ``requires`` in
module.yaml, checked by ``courses validate`` (``path:line: message``), imported and exported."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from test_content_fakes import MODULE_YAML, ExercisePlugin, sample_files, write_package

from nttlearn.cohorts.services import rules_of_course
from nttlearn.content.exporter import export_course
from nttlearn.content.importer import commit_import, import_package
from nttlearn.content.package import load_package
from nttlearn.extensions import db
from nttlearn.models import Activity, Course, Module
from nttlearn.testing import invoke_cli

PACED_MODULE = "title: Partners\nopens_after_days: 14\nrequires: [cycle/check]\n"
PACED_ACTIVITY = MODULE_YAML.replace(
    "    file: questions.txt\n", "    file: questions.txt\n    opens_on: 2027-03-01\n"
)


@pytest.fixture
def app_plugins():
    return [ExercisePlugin()]


def problems_of(app, tmp_path, **overrides) -> list[str]:
    root = write_package(tmp_path / "pkg", sample_files(**overrides))
    result = load_package(root, app.extensions["nttlearn"].all_activity_types(), display="pkg")
    return [str(p) for p in result.problems]


def test_release_keys_are_valid_and_not_handed_to_the_plugin(app, tmp_path):
    assert (
        problems_of(
            app,
            tmp_path,
            **{
                "modules/02-partners/module.yaml": PACED_MODULE,
                "modules/01-cycle/module.yaml": PACED_ACTIVITY,
            },
        )
        == []
    )


@pytest.mark.parametrize(
    ("module_yaml", "expected"),
    [
        (
            "title: Partners\nopens_after_days: -3\n",
            "pkg/modules/02-partners/module.yaml:2: 'opens_after_days' must be a whole number of days from 0 to 3650",
        ),
        (
            "title: Partners\nopens_on: next spring\n",
            "pkg/modules/02-partners/module.yaml:2: 'opens_on' must be a date (YYYY-MM-DD)",
        ),
        (
            "title: Partners\nrequires: [nowhere]\n",
            "pkg/modules/02-partners/module.yaml:2: 'requires: nowhere' is not a module id or module-id/activity-id of this course",
        ),
        (
            "title: Partners\nrequires: [partners]\n",
            "pkg/modules/02-partners/module.yaml:2: 'partners' cannot require itself",
        ),
    ],
)
def test_bad_release_keys_are_reported_on_their_line(app, tmp_path, module_yaml, expected):
    assert problems_of(app, tmp_path, **{"modules/02-partners/module.yaml": module_yaml}) == [
        expected
    ]


def test_a_prerequisite_cycle_is_reported_with_its_path(app, tmp_path):
    cycle = MODULE_YAML.replace(
        "summary: Phases of a project.\n", "summary: Phases of a project.\nrequires: [partners]\n"
    )

    problems = problems_of(
        app,
        tmp_path,
        **{"modules/01-cycle/module.yaml": cycle, "modules/02-partners/module.yaml": PACED_MODULE},
    )

    assert len(problems) == 1
    assert problems[0].startswith("pkg/modules/")
    assert "the prerequisites make a cycle, so nothing in it would ever open" in problems[0]
    assert "cycle → partners" in problems[0] or "partners → cycle" in problems[0]


def test_validate_on_the_command_line_fails_on_a_cycle(app, tmp_path):
    cycle = "title: Partners\nrequires: [partners/x]\nactivities:\n  - id: x\n    type: exercise\n    title: X\n    file: q.txt\n"
    root = write_package(
        tmp_path / "pkg",
        sample_files(
            **{"modules/02-partners/module.yaml": cycle, "modules/02-partners/q.txt": "Why?\n"}
        ),
    )

    result = invoke_cli(app, "courses", "validate", str(root))

    assert result.exit_code != 0
    assert "module.yaml:2: the prerequisites make a cycle" in result.output


def test_import_makes_the_rules_and_export_writes_them_back(app, tmp_path):
    root = write_package(
        tmp_path / "pkg",
        sample_files(
            **{
                "modules/02-partners/module.yaml": PACED_MODULE,
                "modules/01-cycle/module.yaml": PACED_ACTIVITY,
            }
        ),
    )
    import_package(root, app.extensions["nttlearn"].all_activity_types())
    commit_import()
    course = db.session.execute(db.select(Course)).scalar_one()
    partners = db.session.execute(db.select(Module).filter_by(key="partners")).scalar_one()
    check = db.session.execute(db.select(Activity).filter_by(key="check")).scalar_one()

    rules = rules_of_course(course.id)

    module_rule, requires = rules[("m", partners.id)]
    assert (module_rule.offset_days, requires) == (14, [("a", check.id)])
    assert rules[("a", check.id)][0].opens_at == datetime(2027, 3, 1, tzinfo=UTC)
    exported = export_course(
        course, tmp_path / "out", app.extensions["nttlearn"].all_activity_types()
    )
    text = (exported / "modules/02-partners/module.yaml").read_text(encoding="utf-8")
    assert text == "title: Partners\nopens_after_days: 14\nrequires:\n  - cycle/check\n"
    assert "opens_on: 2027-03-01" in (exported / "modules/01-cycle/module.yaml").read_text(
        encoding="utf-8"
    )
