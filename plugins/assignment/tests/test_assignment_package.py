"""An assignment in a course package: checked by ``nttlearn courses validate``, imported with
its per-language instructions and rubric, and exported back unchanged; the shipped main course
hands in its problem-tree exercise as one, graded with a rubric in every language."""

from __future__ import annotations

import yaml

from nttlearn.api import Activity, db
from nttlearn.testing import invoke_cli, repo_root
from nttlearn_assignment import rubric as rubrics
from nttlearn_assignment.activity import validate_definition
from nttlearn_assignment.models import Assignment

MAIN_COURSE = repo_root() / "courses" / "designing-twinned-town-networks"
NEEDS_ANALYSIS = MAIN_COURSE / "modules" / "02-needs-analysis"


def _entry() -> dict:
    module = yaml.safe_load((NEEDS_ANALYSIS / "module.yaml").read_text(encoding="utf-8"))
    return next(a for a in module["activities"] if a["type"] == "assignment")


def test_wrong_settings_are_reported_with_their_line(tmp_path):
    (tmp_path / "module.yaml").write_text(
        "activities:\n  - id: a\n    type: assignment\n    max_points: -1\n    file_types: [exe]\n",
        encoding="utf-8",
    )

    problems = validate_definition(
        {"max_points": -1, "file_types": ["exe"]}, tmp_path, "m/module.yaml"
    )

    assert [(p.line, p.message.split(":")[0]) for p in problems] == [
        (4, "max_points"),
        (5, "file_types"),
    ]


def test_the_main_course_validates_and_its_assignment_speaks_every_language(app, tmp_path):
    assert not validate_definition(_entry(), NEEDS_ANALYSIS, "module.yaml")
    result = invoke_cli(app, "courses", "import", str(MAIN_COURSE))
    assert result.exit_code == 0, result.output

    activity = db.session.execute(
        db.select(Activity).where(Activity.key == "problem-tree-assignment")
    ).scalar_one()
    assignment = db.session.get(Assignment, activity.id)

    assert activity.localized("title", "fi") == "Palauta ongelmapuusi"
    assert set(assignment.translations) == {"it", "sv", "es", "fi"}
    assert "alla olevalla arviointimatriisilla" in assignment.localized_instructions("fi")
    assert (assignment.max_points, assignment.pass_mark, assignment.completion) == (
        10,
        6,
        "submitted",
    )

    exported = invoke_cli(
        app, "courses", "export", "designing-twinned-town-networks", str(tmp_path / "out")
    )
    assert exported.exit_code == 0, exported.output
    module = yaml.safe_load(
        (tmp_path / "out" / "modules" / "02-needs-analysis" / "module.yaml").read_text("utf-8")
    )
    again = next(a for a in module["activities"] if a["type"] == "assignment")
    assert {k: v for k, v in again.items()} == _entry()
    for name in (
        "problem-tree-assignment-rubric.yaml",
        *(f"problem-tree-assignment-rubric.{lang}.yaml" for lang in ("it", "sv", "es", "fi")),
    ):
        written = tmp_path / "out" / "modules" / "02-needs-analysis" / name
        assert written.read_bytes() == (NEEDS_ANALYSIS / name).read_bytes(), name


def test_the_main_courses_problem_tree_is_graded_with_a_translated_rubric(app):
    result = invoke_cli(app, "courses", "import", str(MAIN_COURSE))
    assert result.exit_code == 0, result.output
    activity = db.session.execute(
        db.select(Activity).where(Activity.key == "problem-tree-assignment")
    ).scalar_one()
    assignment = db.session.get(Assignment, activity.id)

    assert [c["key"] for c in assignment.rubric["criteria"]] == [
        "focal-problem",
        "stakeholders",
        "causes",
        "evidence",
        "objective-tree",
    ]
    assert rubrics.highest_total(assignment.rubric) == assignment.max_points == 10
    for locale in ("it", "sv", "es", "fi"):
        states = rubrics.text_states(assignment.rubric, assignment.rubric_translations, locale)
        assert set(states.values()) == {"present"}, locale
    assert (
        rubrics.localized(assignment.rubric, assignment.rubric_translations, "sv")["criteria"][0][
            "title"
        ]
        == "Kärnproblemet"
    )


def test_every_hand_in_of_the_main_course_is_graded_with_its_rubric_in_every_language(app):
    result = invoke_cli(app, "courses", "import", str(MAIN_COURSE))
    assert result.exit_code == 0, result.output
    activities = (
        db.session.execute(db.select(Activity).where(Activity.type_key == "assignment"))
        .scalars()
        .all()
    )

    assert len(activities) == 7
    for activity in activities:
        assignment = db.session.get(Assignment, activity.id)
        assert 3 <= len(assignment.rubric["criteria"]) <= 5, activity.key
        assert all(3 <= len(c["levels"]) <= 4 for c in assignment.rubric["criteria"]), activity.key
        assert rubrics.lowest_total(assignment.rubric) == 0, activity.key
        assert rubrics.highest_total(assignment.rubric) == assignment.max_points, activity.key
        for locale in ("it", "sv", "es", "fi"):
            states = rubrics.text_states(assignment.rubric, assignment.rubric_translations, locale)
            assert set(states.values()) == {"present"}, (activity.key, locale)
        for locale in ("en", "it", "sv", "es", "fi"):
            # The criteria live in the rubric only: no assessment table left to drift from it.
            instructions = assignment.localized_instructions(locale)
            assert "| --- |" not in instructions, (activity.key, locale)
            assert f"({assignment.max_points:g} " in instructions.strip().splitlines()[-1], (
                activity.key,
                locale,
            )
