"""`nttlearn courses validate` tells what a package leaves untranslated in the activities' own
texts, as their plugins read them: a quiz without its ``quiz.<lang>.gift``, a rubric without its
Finnish file, a survey question without its Spanish, assignment instructions without Italian.
Warnings, problems with ``--strict``; the shipped courses have none."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from test_content_fakes import COURSE_YAML, LESSON, run_cli, write_package

from nttlearn.testing import repo_root

CAPSTONE = repo_root() / "courses" / "designing-twinned-town-networks" / "modules" / "08-capstone"

MODULE_YAML = """\
title: The project cycle
summary: Phases of a project.
activities:
  - id: quiz
    type: quiz
    title: Check your understanding
    file: quiz.gift
  - id: proposal
    type: proposal
    title: Network proposal
    min_countries: 2
    reviewers: 3
    rubric: proposal-rubric.yaml
  - id: feedback
    type: survey
    title: Your feedback
    questions:
      - id: useful
        type: likert
        text: {en: The module was useful., it: Il modulo è stato utile., sv: Modulen var användbar., fi: Moduuli oli hyödyllinen.}
  - id: tree
    type: assignment
    title: Your problem tree
    instructions: {en: Draw your town's problem tree., sv: Rita din kommuns problemträd., es: Dibuje el árbol de problemas de su municipio., fi: Piirrä kuntasi ongelmapuu.}
"""

QUIZ = {
    "en": "::Cycle::The first phase of the project cycle is programming. {T}\n",
    "it": "::Cycle::La prima fase del ciclo di progetto è la programmazione. {T}\n",
    "es": "::Cycle::La primera fase del ciclo del proyecto es la programación. {T}\n",
    "fi": "::Cycle::Hankesyklin ensimmäinen vaihe on ohjelmointi. {T}\n",
}


@pytest.fixture
def app_plugins():
    return ["quiz", "peer_review", "evaluation", "assignment"]


def _package(root: Path, **overrides: str) -> Path:
    files: dict[str, str] = {
        "course.yaml": COURSE_YAML,
        "modules/01-cycle/module.yaml": MODULE_YAML,
        "modules/01-cycle/01-welcome.md": LESSON.format(title="Welcome"),
        **{
            f"modules/01-cycle/{'quiz.gift' if lang == 'en' else f'quiz.{lang}.gift'}": text
            for lang, text in QUIZ.items()
        },
        **overrides,
    }
    package = write_package(root, files)
    for lang in ("", ".it", ".sv", ".es"):
        shutil.copy(CAPSTONE / f"proposal-rubric{lang}.yaml", package / "modules" / "01-cycle")
    # The capstone's English rubric is the plugin's default one, whose texts the plugin's own
    # catalogues translate: reword a title so that only the package's files can translate it.
    english = package / "modules" / "01-cycle" / "proposal-rubric.yaml"
    english.write_text(
        english.read_text(encoding="utf-8").replace(
            "title: Relevance to the programme and policy area",
            "title: Relevance to the programme and to the network's policy area",
        ),
        encoding="utf-8",
    )
    return package


def _line(text: str, activity: str) -> int:
    return text.splitlines().index(f"  - id: {activity}") + 1


def _expected(package: Path) -> list[str]:
    module = f"{package}/modules/01-cycle/module.yaml"
    return [
        f"{module}:{_line(MODULE_YAML, 'quiz')}: not translated into sv: quiz.sv.gift (the whole quiz)",
        f"{module}:{_line(MODULE_YAML, 'proposal')}: not translated into fi: proposal-rubric.fi.yaml (the whole rubric)",
        f"{module}:{_line(MODULE_YAML, 'feedback')}: not translated into es: survey question 'useful'",
        f"{module}:{_line(MODULE_YAML, 'tree')}: not translated into it: instructions",
    ]


def test_the_activities_untranslated_texts_are_warnings_at_their_line(app, tmp_path):
    package = _package(tmp_path / "pkg")

    result = run_cli(app, "courses", "validate", str(package))

    assert result.exit_code == 0, result.stderr
    for line in _expected(package):
        assert f"{line} (warning)" in result.stderr
    # What is translated is not reported: the quiz in Italian, the rubric in Swedish, …
    for text in ("into it: quiz", "into sv: proposal", "into sv: survey", "into fi: instructions"):
        assert text not in result.stderr


def test_strict_makes_them_problems(app, tmp_path):
    package = _package(tmp_path / "pkg")

    result = run_cli(app, "courses", "validate", "--strict", "--json", str(package))

    assert result.exit_code == 1
    [report] = json.loads(result.stdout)
    shown = {f"{p['path']}:{p['line']}: {p['message']}" for p in report["problems"]}
    assert set(_expected(package)) <= shown


def test_a_translation_added_clears_its_warning(app, tmp_path):
    swedish = "::Cycle::Projektcykelns första fas är programplanering. {T}\n"
    package = _package(tmp_path / "pkg", **{"modules/01-cycle/quiz.sv.gift": swedish})

    result = run_cli(app, "courses", "validate", str(package))

    assert result.exit_code == 0, result.stderr
    assert "quiz.sv.gift (the whole quiz)" not in result.stderr
    assert "proposal-rubric.fi.yaml (the whole rubric)" in result.stderr


def test_a_rubric_translation_leaving_texts_out_names_them(app, tmp_path):
    package = _package(tmp_path / "pkg")
    swedish = package / "modules" / "01-cycle" / "proposal-rubric.sv.yaml"
    text = swedish.read_text(encoding="utf-8")
    start = text.index("  title:")  # the first criterion's title
    swedish.write_text(text[:start] + text[text.index("\n", start) + 1 :], encoding="utf-8")

    result = run_cli(app, "courses", "validate", str(package))

    assert (
        "not translated into sv: rubric (proposal-rubric.sv.yaml) criterion.relevance.title (warning)"
        in result.stderr
    )


@pytest.mark.parametrize(
    "slug",
    [
        "designing-twinned-town-networks",
        "youth-and-development",
        "social-sector-enterprises",
        "renewable-energy-sources",
        "family-support-gender-equality",
        "integration-and-immigration-employment",
    ],
)
def test_a_shipped_course_has_every_activity_text_in_every_language(app, slug):
    result = run_cli(app, "courses", "validate", "--strict", str(repo_root() / "courses" / slug))

    assert result.exit_code == 0, result.stderr
