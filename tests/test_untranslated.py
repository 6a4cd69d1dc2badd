"""`nttlearn courses validate` tells what a package leaves untranslated: warnings, or problems
with --strict; and keeps the shipped courses complete in the languages they are finished in."""

from __future__ import annotations

import pytest
from test_content_fakes import ExercisePlugin, run_cli, sample_files, write_package

from nttlearn.testing import repo_root


@pytest.fixture
def app_plugins():
    return [ExercisePlugin()]


def test_untranslated_texts_are_warnings_naming_the_file_and_the_language(app, tmp_path):
    package = write_package(tmp_path / "pkg", sample_files())

    result = run_cli(app, "courses", "validate", str(package))

    assert result.exit_code == 0
    assert (
        f"{package}/modules/01-cycle/01-welcome.md:1: not translated into it: the whole lesson (warning)"
        in result.stderr
    )
    assert (
        f"{package}/modules/01-cycle/01-welcome.md:1: not translated into sv" not in result.stderr
    )  # it has 01-welcome.sv.md
    assert (
        f"{package}/course.yaml:1: not translated into sv: title, summary, outcome 1 (warning)"
        in result.stderr
    )


def test_strict_makes_untranslated_texts_problems(app, tmp_path):
    package = write_package(tmp_path / "pkg", sample_files())

    result = run_cli(app, "courses", "validate", "--strict", str(package))

    assert result.exit_code == 1
    assert f"{package}/course.yaml:1: not translated into it: summary, outcome 1" in result.stderr


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
def test_a_shipped_course_has_every_text_in_every_language(app, slug):
    result = run_cli(app, "courses", "validate", "--strict", str(repo_root() / "courses" / slug))

    assert result.exit_code == 0, result.stderr
