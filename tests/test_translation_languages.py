"""Every translation file of the shipped courses is written in its language: a language
identifier (lingua, trained models shipped in the package, nothing downloaded) reads each
translated lesson and quiz and must find the language its file name says, not English or
another partner language left in by mistake."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lingua import Language, LanguageDetectorBuilder

from nttlearn.testing import repo_root

COURSES = repo_root() / "courses"
LANGUAGES = {
    "en": Language.ENGLISH,
    "it": Language.ITALIAN,
    "sv": Language.SWEDISH,
    "es": Language.SPANISH,
    "fi": Language.FINNISH,
}
DETECTOR = LanguageDetectorBuilder.from_languages(*LANGUAGES.values()).build()
TRANSLATED = re.compile(r"\.(it|sv|es|fi)\.(md|gift)$")


def _files() -> list[Path]:
    return sorted(p for p in COURSES.glob("*/modules/*/*") if TRANSLATED.search(p.name))


def _prose(text: str) -> str:
    """What a reader reads: no front matter, code, link targets, table rules, GIFT markup or names."""
    text = re.sub(r"\A---\n.*?\n---\n", "", text, flags=re.S)
    text = re.sub(r"`[^`]*`", " ", text)
    text = re.sub(r"\]\([^)]*\)", "]", text)
    text = re.sub(r"::[^:]*::", " ", text)  # GIFT question names stay in English
    text = re.sub(r"\$CATEGORY:.*", " ", text)
    return re.sub(r"[|#*_>{}=~\[\]-]+", " ", text)


def test_there_are_translation_files_to_check():
    assert len(_files()) > 400


@pytest.mark.parametrize("path", _files(), ids=lambda p: p.relative_to(COURSES).as_posix())
def test_a_translation_file_is_written_in_its_language(path):
    expected = LANGUAGES[TRANSLATED.search(path.name).group(1)]

    found = DETECTOR.detect_language_of(_prose(path.read_text(encoding="utf-8")))

    assert found == expected, f"{path.relative_to(COURSES)} reads as {found}, not {expected}"


def test_an_english_lesson_left_in_a_translation_file_would_be_caught():
    english = (
        COURSES
        / "designing-twinned-town-networks/modules/02-needs-analysis/01-stakeholder-analysis.md"
    )

    assert (
        DETECTOR.detect_language_of(_prose(english.read_text(encoding="utf-8"))) == Language.ENGLISH
    )
