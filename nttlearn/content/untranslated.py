"""What a course package leaves untranslated: one warning per file and language, for
``nttlearn courses validate`` (errors with ``--strict``). The activities' own texts (quiz
questions, a rubric, survey questions…) are their plugins' to tell
(``ActivityType.package_untranslated``), at the activity's line of ``module.yaml``.

A package carries translations without the fingerprints of the English they were made from, so
an *outdated* translation cannot be told from a package alone: the site counts those once the
package is imported (`nttlearn courses translations`).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from ..hooktypes import ActivityType
from .package import ActivitySpec, CourseSpec, ModuleSpec, Problem
from .translations import LANGUAGES, OUTCOME, english_items


def _missing(
    english: dict[str, str], translations: dict[str, dict[str, str]], locale: str
) -> list[str]:
    have = translations.get(locale) or {}
    return [
        name
        for name, text in english.items()
        if text.strip() and not (have.get(name) or "").strip()
    ]


def _label(name: str) -> str:
    prefix, _, number = name.partition(".")
    return f"outcome {int(number) + 1}" if prefix == OUTCOME and number.isdigit() else name


def _activity_texts(
    activity: ActivitySpec, module: ModuleSpec, types: Mapping[str, ActivityType]
) -> list[Problem]:
    """What the activity's plugin says the package leaves untranslated in its own texts."""
    activity_type = types.get(activity.type_key)
    if activity_type is None or activity_type.package_untranslated is None:
        return []
    try:
        found = activity_type.package_untranslated(activity.definition, module.path, activity.key)
    except Exception as exc:  # noqa: BLE001 - a plugin's bug becomes a problem, not a crash
        return [
            Problem(
                module.display_path,
                activity.line,
                f"activity '{activity.key}': the "
                f"'{activity.type_key}' plugin could not tell its translations ({type(exc).__name__}: {exc})",
            )
        ]
    return [
        Problem(
            module.display_path,
            activity.line,
            f"not translated into {locale}: {', '.join(missing)}",
        )
        for locale in LANGUAGES
        if (missing := list((found or {}).get(locale) or []))
    ]


def untranslated(
    course: CourseSpec, types: Mapping[str, ActivityType] | None = None
) -> list[Problem]:
    """Every text of ``course`` missing in a language of the site; with ``types``, the
    activities' own texts too (a type without ``package_untranslated`` has none to tell)."""
    problems: list[Problem] = []

    def report(path: str, names_by_locale: dict[str, list[str]]) -> None:
        for locale, names in names_by_locale.items():
            if names:
                problems.append(
                    Problem(
                        path, 1, f"not translated into {locale}: {', '.join(map(_label, names))}"
                    )
                )

    english = {
        "title": course.title,
        "summary": course.summary,
        **english_items(OUTCOME, course.outcomes),
    }
    report(
        course.display_path,
        {locale: _missing(english, course.translations, locale) for locale in LANGUAGES},
    )
    for module in course.modules:
        english = {
            "title": module.title,
            "summary": module.summary,
            **english_items(OUTCOME, module.outcomes),
        }
        missing = {locale: _missing(english, module.translations, locale) for locale in LANGUAGES}
        for activity in module.activities:
            for locale in LANGUAGES:
                if not (activity.translations.get(locale) or {}).get("title"):
                    missing[locale].append(f"title of activity '{activity.key}'")
        report(module.display_path, missing)
        for activity in module.activities:
            problems += _activity_texts(activity, module, types or {})
        folder = Path(module.display_path).parent
        for lesson in module.lessons:
            report(
                str(folder / lesson.path.name),
                {
                    locale: ["the whole lesson"]
                    for locale in LANGUAGES
                    if locale not in lesson.translations
                },
            )
    return problems
