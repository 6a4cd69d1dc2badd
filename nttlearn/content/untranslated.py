"""What a course package leaves untranslated: one warning per file and language, for
``nttlearn courses validate`` (errors with ``--strict``).

A package carries translations without the fingerprints of the English they were made from, so
an *outdated* translation cannot be told from a package alone: the site counts those once the
package is imported (`nttlearn courses translations`).
"""

from __future__ import annotations

from pathlib import Path

from .package import CourseSpec, Problem
from .translations import LANGUAGES, OUTCOME, english_items


def _missing(english: dict[str, str], translations: dict[str, dict[str, str]], locale: str) -> list[str]:
    have = translations.get(locale) or {}
    return [name for name, text in english.items() if text.strip() and not (have.get(name) or "").strip()]


def _label(name: str) -> str:
    prefix, _, number = name.partition(".")
    return f"outcome {int(number) + 1}" if prefix == OUTCOME and number.isdigit() else name


def untranslated(course: CourseSpec) -> list[Problem]:
    problems: list[Problem] = []

    def report(path: str, names_by_locale: dict[str, list[str]]) -> None:
        for locale, names in names_by_locale.items():
            if names:
                problems.append(Problem(path, 1, f"not translated into {locale}: {', '.join(map(_label, names))}"))

    english = {"title": course.title, "summary": course.summary, **english_items(OUTCOME, course.outcomes)}
    report(course.display_path, {locale: _missing(english, course.translations, locale) for locale in LANGUAGES})
    for module in course.modules:
        english = {"title": module.title, "summary": module.summary, **english_items(OUTCOME, module.outcomes)}
        missing = {locale: _missing(english, module.translations, locale) for locale in LANGUAGES}
        for activity in module.activities:
            for locale in LANGUAGES:
                if not (activity.translations.get(locale) or {}).get("title"):
                    missing[locale].append(f"title of activity '{activity.key}'")
        report(module.display_path, missing)
        folder = Path(module.display_path).parent
        for lesson in module.lessons:
            report(str(folder / lesson.path.name),
                   {locale: ["the whole lesson"] for locale in LANGUAGES if locale not in lesson.translations})
    return problems
