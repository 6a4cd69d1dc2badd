"""``nttlearn quiz …``: gift-to-json (the exact JSON of docs/quiz.md), import-gift (all or
nothing, with --dry-run), export-gift, close-overdue and stats."""

from __future__ import annotations

import json

import pytest

from nttlearn import db
from nttlearn_quiz.commands import quiz_group
from nttlearn_quiz.models import Question

GIFT = """// The NTT+ check
$CATEGORY: $course$/top/NTT+/Facts

::Coordinator::Which [b]organisation\\[/b] coordinated NTT+?{
=SERN#Right.
~%-50%Eurocities#No.
~CEMR
####The Sweden\\-Emilia-Romagna Network\\: SERN.
}

::Year::[markdown]NTT+ ran in **2010**.{T#Check the dates.#Right.}

::Town::Name a partner town.{=Luleå =%50%Lule*#Spelling.}

::Participants::How many participants?{#=69:2#Yes. =%50%60..80#Close. ~#No.}

::Match::Match the towns.{=Bologna -> Italy =Luleå -> Sweden}

::Essay::Describe your town.{}

Just an introduction.
"""

EXPECTED = {
    "questions": [
        {
            "type": "multichoice",
            "name": "Coordinator",
            "text": "Which [b]organisation\\[/b] coordinated NTT+?",
            "format": "moodle",
            "category": "$course$/top/NTT+/Facts",
            "general_feedback": "The Sweden\\-Emilia-Romagna Network: SERN.",
            "single": False,
            "answers": [
                {"text": "SERN", "fraction": 1.0, "feedback": "Right."},
                {"text": "Eurocities", "fraction": -0.5, "feedback": "No."},
                {"text": "CEMR", "fraction": 0.0, "feedback": ""},
            ],
        },
        {
            "type": "truefalse",
            "name": "Year",
            "text": "NTT+ ran in **2010**.",
            "format": "markdown",
            "category": "$course$/top/NTT+/Facts",
            "general_feedback": None,
            "answers": [
                {"text": "true", "fraction": 1.0, "feedback": "Right."},
                {"text": "false", "fraction": 0.0, "feedback": "Check the dates."},
            ],
        },
        {
            "type": "shortanswer",
            "name": "Town",
            "text": "Name a partner town.",
            "format": "moodle",
            "category": "$course$/top/NTT+/Facts",
            "general_feedback": None,
            "answers": [
                {"text": "Luleå", "fraction": 1.0, "feedback": ""},
                {"text": "Lule*", "fraction": 0.5, "feedback": "Spelling."},
            ],
        },
        {
            "type": "numerical",
            "name": "Participants",
            "text": "How many participants?",
            "format": "moodle",
            "category": "$course$/top/NTT+/Facts",
            "general_feedback": None,
            "answers": [
                {"value": 69.0, "tolerance": 2.0, "fraction": 1.0, "feedback": "Yes."},
                {"value": 70.0, "tolerance": 10.0, "fraction": 0.5, "feedback": "Close."},
                {"value": None, "tolerance": 0.0, "fraction": 0.0, "feedback": "No."},
            ],
        },
        {
            "type": "matching",
            "name": "Match",
            "text": "Match the towns.",
            "format": "moodle",
            "category": "$course$/top/NTT+/Facts",
            "general_feedback": None,
            "pairs": [
                {"question": "Bologna", "answer": "Italy"},
                {"question": "Luleå", "answer": "Sweden"},
            ],
        },
        {
            "type": "essay",
            "name": "Essay",
            "text": "Describe your town.",
            "format": "moodle",
            "category": "$course$/top/NTT+/Facts",
            "general_feedback": None,
        },
        {
            "type": "description",
            "name": "Just an introduction.",
            "text": "Just an introduction.",
            "format": "moodle",
            "category": "$course$/top/NTT+/Facts",
            "general_feedback": None,
        },
    ]
}


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def test_gift_to_json_prints_the_documented_shape(runner, tmp_path):
    path = tmp_path / "quiz.gift"
    path.write_text(GIFT, encoding="utf-8")

    result = runner.invoke(quiz_group, ["gift-to-json", str(path)])

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == EXPECTED


def test_gift_to_json_reports_every_bad_question_on_stderr_and_exits_1(runner, tmp_path):
    path = tmp_path / "broken.gift"
    path.write_text("::Ok::Fine?{T}\n\n::Bad::Open{=a ~b\n\n\n::Worse::{~a ~b}\n", encoding="utf-8")

    result = runner.invoke(quiz_group, ["gift-to-json", str(path)])
    with_json = runner.invoke(quiz_group, ["gift-to-json", str(path), "--json"])

    assert result.exit_code == with_json.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{path}:3: The answer block has no closing '}}'.",
        f"{path}:6: No answer gives any marks; mark the right one with '='.",
    ]
    assert [q["name"] for q in json.loads(result.stdout)["questions"]] == ["Ok"]
    output = json.loads(with_json.stdout)
    assert output["errors"] == [
        {"line": 3, "message": "The answer block has no closing '}'."},
        {"line": 6, "message": "No answer gives any marks; mark the right one with '='."},
    ]


def test_gift_to_json_reads_windows_line_endings_and_a_bom(runner, tmp_path):
    path = tmp_path / "windows.gift"
    path.write_bytes(("\ufeff" + GIFT).replace("\n", "\r\n").encode("utf-8"))
    result = runner.invoke(quiz_group, ["gift-to-json", str(path)])
    assert json.loads(result.stdout) == EXPECTED


def test_import_gift_is_all_or_nothing(runner, make_course, tmp_path):
    course = make_course(modules=1, lessons=1)
    path = tmp_path / "mixed.gift"
    path.write_text(GIFT + "\n::Bad::Broken{=a ~b\n", encoding="utf-8")

    result = runner.invoke(quiz_group, ["import-gift", str(path), "--course", course.slug])

    assert result.exit_code == 1
    assert f"{path}:23: The answer block has no closing" in result.stderr
    assert db.session.execute(db.select(db.func.count(Question.id))).scalar_one() == 0


def test_import_gift_dry_run_then_import_then_reimport_unchanged(runner, make_course, tmp_path):
    course = make_course(modules=1, lessons=1)
    path = tmp_path / "quiz.gift"
    path.write_text(GIFT, encoding="utf-8")

    dry = runner.invoke(
        quiz_group, ["import-gift", str(path), "--course", course.slug, "--dry-run"]
    )
    assert dry.exit_code == 0 and "would import 7 question(s)" in dry.stdout
    assert db.session.execute(db.select(db.func.count(Question.id))).scalar_one() == 0

    done = runner.invoke(quiz_group, ["import-gift", str(path), "--course", course.slug, "--json"])
    assert json.loads(done.stdout)["created"] == 7
    again = runner.invoke(quiz_group, ["import-gift", str(path), "--course", course.slug, "--json"])
    assert json.loads(again.stdout) | {"categories": []} == {
        "file": str(path),
        "course": course.slug,
        "dry_run": False,
        "questions": 7,
        "created": 0,
        "updated": 0,
        "unchanged": 7,
        "categories": [],
    }


def test_export_gift_then_import_gives_the_same_bank(runner, make_course, tmp_path):
    first, second = make_course(modules=1, lessons=1), make_course(modules=1, lessons=1)
    path = tmp_path / "quiz.gift"
    path.write_text(GIFT, encoding="utf-8")
    runner.invoke(quiz_group, ["import-gift", str(path), "--course", first.slug])
    out = tmp_path / "exported.gift"

    exported = runner.invoke(quiz_group, ["export-gift", "--course", first.slug, "-o", str(out)])
    runner.invoke(quiz_group, ["import-gift", str(out), "--course", second.slug])

    assert exported.exit_code == 0
    from nttlearn_quiz.bank import export_questions

    def bank(course):
        return [q.to_json() for q in export_questions(course.id)]

    assert bank(second) == bank(first)
    assert len(bank(first)) == 7


def test_unknown_course_is_an_error(runner, tmp_path):
    path = tmp_path / "quiz.gift"
    path.write_text(GIFT, encoding="utf-8")
    result = runner.invoke(quiz_group, ["import-gift", str(path), "--course", "nope"])
    assert result.exit_code == 1 and "no course with the slug 'nope'" in result.stderr


def test_import_gift_refuses_a_file_over_the_question_limit(
    runner, make_course, tmp_path, monkeypatch
):
    course = make_course(modules=1, lessons=1)
    monkeypatch.setenv("NTTLEARN_QUIZ_GIFT_MAX_QUESTIONS", "3")
    path = tmp_path / "bank.gift"
    path.write_text(
        "\n\n".join(f"::Q{n}::Question {n}{{T}}" for n in range(1, 6)) + "\n", encoding="utf-8"
    )

    result = runner.invoke(quiz_group, ["import-gift", str(path), "--course", course.slug])

    assert result.exit_code == 1
    assert f"{path}:7: The file has more than 3 questions" in result.stderr
    assert db.session.execute(db.select(db.func.count(Question.id))).scalar_one() == 0
