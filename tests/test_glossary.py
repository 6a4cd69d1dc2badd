"""The term base (courses/glossary.yaml) is used: wherever a lesson of a shipped course uses a
glossary term in English, its translation uses that term's translation (any inflected form the
glossary lists as a stem)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from nttlearn.testing import repo_root

COURSES = repo_root() / "courses"
LANGUAGES = ("it", "sv", "es", "fi")
GLOSSARY = yaml.safe_load((COURSES / "glossary.yaml").read_text(encoding="utf-8"))["terms"]


def _forms(text: str) -> list[str]:
    """``"pacchetto di lavoro (WP)"`` → ``["pacchetto di lavoro"]``; ``"a / b"`` → ``["a", "b"]``."""
    return [
        re.sub(r"\s*\(.*?\)", "", part).strip().lower()
        for part in text.split(" / ")
        if part.strip()
    ]


def _plain(path: Path) -> str:
    """The file's text in lower case, emphasis and block-quote marks and link targets dropped and
    line breaks folded (a term may wrap across lines)."""
    text = re.sub(
        r"\n[ \t]*>[ \t]?", "\n", path.read_text(encoding="utf-8")
    )  # block quotes' markers
    text = re.sub(
        r"\]\([^)\s]*\)", "]", text
    )  # link targets (file names are English in every language)
    return re.sub(r"\s+", " ", re.sub(r"[*_]", "", text)).lower()


def _checked_terms() -> list[dict]:
    # Terms whose English is one plain phrase (not "a / b" pairs or programme names with dates)
    # and that are not marked ``check: false`` (words with an everyday meaning as well).
    return [
        t
        for t in GLOSSARY
        if t.get("check", True) and " / " not in t["en"] and not re.search(r"\d", t["en"])
    ]


def _pairs() -> list[tuple[Path, Path, str]]:
    pairs = []
    for english in sorted(COURSES.glob("*/modules/*/*.md")):
        if re.search(r"\.(it|sv|es|fi)\.md$", english.name):
            continue
        for lang in LANGUAGES:
            translated = english.with_name(english.stem + f".{lang}.md")
            if translated.exists():
                pairs.append((english, translated, lang))
    return pairs


def test_the_glossary_gives_every_term_in_all_four_languages():
    for term in GLOSSARY:
        assert all(term.get(lang) for lang in LANGUAGES), term["en"]


def test_there_are_translated_lessons_to_check():
    assert len(_pairs()) >= 120


@pytest.mark.parametrize(
    ("english", "translated", "lang"),
    _pairs(),
    ids=lambda v: v.relative_to(COURSES).as_posix() if isinstance(v, Path) else v,
)
def test_a_translated_lesson_uses_the_glossary_term_where_the_english_uses_the_term(
    english, translated, lang
):
    source, target = _plain(english), _plain(translated)
    missing = []
    relative = english.relative_to(COURSES).as_posix()
    for term in _checked_terms():
        if relative in term.get(
            "other_sense", ()
        ):  # the English word is used in another sense there
            continue
        if not any(re.search(rf"\b{re.escape(form)}", source) for form in _forms(term["en"])):
            continue
        stems = [s.lower() for s in (term.get("match") or {}).get(lang, [])] + _forms(term[lang])
        if not any(stem in target for stem in stems):
            missing.append(f"{term['en']!r} → {term[lang]!r}")
    assert not missing, (
        f"{translated.relative_to(COURSES)} lacks the glossary's term for: " + "; ".join(missing)
    )
