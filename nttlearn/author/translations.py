"""Translating a course in the browser: the state of each language, saving and deleting a translation.

English is the source. A translation lives in its element's ``translations`` JSON, with the
fingerprints of the English texts it was made from (:mod:`nttlearn.content.translations`), so
packages carry it unchanged and an English text edited since shows the translation as outdated.

A course's or module's entry holds two *parts* edited on separate pages: its title and summary
(``TEXTS``) and its learning outcomes (``OUTCOMES``, ``outcome.0``, ``outcome.1``…). Saving or
deleting one part leaves the other, and its fingerprints, as they were.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm.exc import StaleDataError

from ..config import LANGUAGE_NAMES
from ..content.coverage import Coverage, Text, TextGroup, count_texts, course_texts
from ..content.translations import (
    LANGUAGES,
    MISSING,
    OUTCOME,
    OUTDATED,
    PRESENT,
    SOURCE,
    changed_since,
    english_items,
    fingerprints,
    has_text,
    state,
    text_digest,
    texts,
)
from ..content.translations import english_texts as all_english_texts
from ..extensions import db
from ..models import Activity, Course, Lesson, Module
from .outline import check_lesson_body, normalize_body
from .services import AuthoringError

# The texts of each kind of element that are translated.
TRANSLATED_FIELDS: dict[type, tuple[str, ...]] = {
    Course: ("title", "summary"),
    Module: ("title", "summary"),
    Lesson: ("title", "body"),
    Activity: ("title",),
}

Translatable = Course | Module | Lesson | Activity

#: The parts of an element's translation that are edited (and deleted) on their own page.
TEXTS, OUTCOMES = "texts", "outcomes"


def in_part(name: str, part: str) -> bool:
    """Whether the translated text ``name`` (``title``, ``outcome.2``…) belongs to ``part``."""
    return (
        name.partition(".")[0] == OUTCOME
        if part == OUTCOMES
        else not name.startswith(f"{OUTCOME}.")
    )


def part_entry(entry: Mapping[str, Any] | None, part: str) -> dict[str, Any]:
    """The texts of ``part`` in one language's ``entry``, with their fingerprints."""
    found: dict[str, Any] = {
        name: value
        for name, value in (entry or {}).items()
        if not name.startswith("_") and in_part(name, part)
    }
    source = (entry or {}).get(SOURCE)
    if isinstance(source, Mapping):
        found[SOURCE] = {name: value for name, value in source.items() if in_part(name, part)}
    return found


@dataclass(frozen=True)
class LanguageState:
    """Where the translation of one element into one language stands."""

    locale: str
    state: str  # missing, present or outdated
    changed: tuple[str, ...]  # the English texts changed since it was translated

    @property
    def name(self) -> str:
        """The language's name in that language (Italiano, Svenska…)."""
        return LANGUAGE_NAMES[self.locale]

    @property
    def missing(self) -> bool:
        return self.state == MISSING

    @property
    def outdated(self) -> bool:
        return self.state == OUTDATED


class TranslationConflict(Exception):
    """The translation changed (or was deleted) since the form was opened; nothing was written."""

    def __init__(self, element: Translatable, locale: str, part: str = TEXTS) -> None:
        super().__init__(f"translation {locale} changed")
        self.element, self.locale, self.part = element, locale, part

    @property
    def current(self) -> dict[str, str]:
        """What the translation says now (empty when someone deleted it)."""
        return translation_texts(self.element, self.locale, self.part)


def english(element: Translatable, part: str = TEXTS) -> dict[str, str]:
    """The English texts of ``element`` (of its ``part``) that translations are made from."""
    if part == OUTCOMES:
        return english_items(OUTCOME, getattr(element, "outcomes", None))
    return {name: getattr(element, name) or "" for name in TRANSLATED_FIELDS[type(element)]}


def _all_english(element: Translatable) -> dict[str, str | None]:
    return (
        all_english_texts(element)
        if isinstance(element, Course | Module)
        else dict(english(element))
    )


def _entry(element: Translatable, locale: str, part: str) -> dict[str, Any]:
    return part_entry((element.translations or {}).get(locale), part)


def translation_texts(element: Translatable, locale: str, part: str = TEXTS) -> dict[str, str]:
    return texts(_entry(element, locale, part))


def opened_token(element: Translatable, locale: str, part: str = TEXTS) -> str:
    return text_digest(_entry(element, locale, part))


def language_states(element: Translatable, part: str = TEXTS) -> list[LanguageState]:
    """One entry per language, in the site's order: computed from the loaded row, no query."""
    source = english(element, part)
    found = {locale: _entry(element, locale, part) for locale in LANGUAGES}
    return [
        LanguageState(locale, state(found[locale], source), changed_since(found[locale], source))
        for locale in LANGUAGES
    ]


def module_lesson_states(module: Module) -> list[tuple[Lesson, list[LanguageState]]]:
    """The live lessons of ``module`` with their languages, in one query."""
    lessons = db.session.execute(
        db.select(Lesson)
        .where(Lesson.module_id == module.id, Lesson.archived.is_(False))
        .order_by(Lesson.position, Lesson.id)
    ).scalars()
    return [(lesson, language_states(lesson)) for lesson in lessons]


def source_token(element: Translatable, part: str = TEXTS) -> str:
    """The fingerprints of the English texts a translation form shows (``title:3f9c…,body:a71e…``)."""
    return ",".join(
        f"{name}:{value}" for name, value in fingerprints(english(element, part)).items()
    )


def _source_from(token: str | None, element: Translatable, part: str = TEXTS) -> dict[str, str]:
    """The fingerprints in ``token``, or those of the English texts now when it is not one of ours."""
    found = dict(item.split(":", 1) for item in (token or "").split(",") if ":" in item)
    names = set(english(element, part))
    if set(found) != names or not all(
        re.fullmatch(r"[0-9a-f]{16}", value) for value in found.values()
    ):
        return fingerprints(english(element, part))
    return {name: found[name] for name in sorted(names)}


def save_translation(
    element: Translatable,
    locale: str,
    values: Mapping[str, str],
    opened: str,
    source: str | None = None,
    part: str = TEXTS,
) -> bool:
    """Store the translation of ``element``'s ``part`` into ``locale``; True when it is up to date.

    ``opened`` is :func:`opened_token` when the form was opened: :class:`TranslationConflict` if
    the translation says something else now. ``source`` (:func:`source_token` when the form was
    opened) says which English texts it was translated from: if someone changed one meanwhile, the
    translation is saved as outdated. The other part's texts stay (a course picture's alternative
    text too, which comes with the package); a translation of theirs kept without fingerprints is
    up to date with the English now, and gets its fingerprints, so that it shows as outdated when
    that English changes. A new dict is assigned, so the ORM sees the change.
    """
    if opened_token(element, locale, part) != opened:
        raise TranslationConflict(element, locale, part)
    old = (element.translations or {}).get(locale) or {}
    kept = {
        name: value
        for name, value in old.items()
        if not name.startswith("_") and not _edited_by(element, part, name)
    }
    extra = {name: value for name, value in old.items() if name.startswith("_") and name != SOURCE}
    cleaned = {
        name: _clean(name, values.get(name) or "") for name in translatable_fields(element, part)
    }
    old_source = old.get(SOURCE) if isinstance(old.get(SOURCE), Mapping) else {}
    now = fingerprints(_all_english(element))
    fingerprint_of = {
        **{name: now[name] for name in kept if name in now},
        **{
            name: value for name, value in old_source.items() if not _edited_by(element, part, name)
        },
        **_source_from(source, element, part),
    }
    entry = {
        **kept,
        **{name: text for name, text in cleaned.items() if text},
        **extra,
        SOURCE: fingerprint_of,
    }
    if has_text(entry):
        element.translations = {**(element.translations or {}), locale: entry}
    else:  # every field left empty: nothing is translated into that language
        element.translations = {
            other: found for other, found in (element.translations or {}).items() if other != locale
        }
    return not changed_since(part_entry(entry, part), english(element, part))


def _edited_by(element: Translatable, part: str, name: str) -> bool:
    """Whether saving ``part`` replaces the text ``name``: every outcome for the outcomes; for the
    other part its form's fields only (a course picture's alternative text stays)."""
    return in_part(name, OUTCOMES) if part == OUTCOMES else name in TRANSLATED_FIELDS[type(element)]


def translatable_fields(element: Translatable, part: str = TEXTS) -> tuple[str, ...]:
    """The texts of ``element`` a translation may hold: a summary (an outcome) only when there is
    an English one (a package cannot carry the translation of an empty English text)."""
    if part == OUTCOMES:
        return tuple(name for name, text in english(element, part).items() if (text or "").strip())
    return tuple(
        name
        for name in TRANSLATED_FIELDS[type(element)]
        if name != "summary" or (getattr(element, name) or "").strip()
    )


def save_lesson_translation(
    course: Course,
    lesson: Lesson,
    locale: str,
    values: Mapping[str, str],
    opened: str,
    source: str | None = None,
) -> bool:
    """As :func:`save_translation`; the text is checked like the English lesson's (and a package's)."""
    if opened_token(lesson, locale) != opened:
        raise TranslationConflict(lesson, locale)
    problems = lesson_problems(course, lesson, values.get("body") or "")
    if problems:
        raise AuthoringError("\n".join(f"line {p.line}: {p.message}" for p in problems))
    return save_translation(lesson, locale, values, opened, source)


def lesson_problems(course: Course, lesson: Lesson, body: str) -> list[Any]:
    return check_lesson_body(course, db.session.get(Module, lesson.module_id), body)


def delete_translation(element: Translatable, locale: str, opened: str, part: str = TEXTS) -> bool:
    """Remove the translation of ``part`` into ``locale`` (the other part stays); False when there
    is none.

    :class:`TranslationConflict` when it changed since the page showing it was opened.
    """
    found = element.translations or {}
    if locale not in found:
        return False
    entry, mine = found[locale] or {}, _entry(element, locale, part)
    if has_text(mine) and text_digest(mine) != opened:
        raise TranslationConflict(element, locale, part)
    other = OUTCOMES if part == TEXTS else TEXTS
    rest = part_entry(entry, other)
    if not has_text(rest):
        element.translations = {name: value for name, value in found.items() if name != locale}
        return True
    if not has_text(mine):
        return False
    extra = {
        name: value for name, value in entry.items() if name.startswith("_") and name != SOURCE
    }
    element.translations = {**found, locale: {**rest, **extra}}
    return True


def commit_change(
    load: Callable[[], Any], locale: str, change: Callable[[Any], Any], part: str = TEXTS
) -> Any:
    """Apply ``change`` to the element and commit.

    Each save bumps the element's version, so a save of another language (or of the English
    text) at the same moment makes this one fail: it is then made again on the fresh row, where
    :class:`TranslationConflict` stops it if it was this very translation that changed.
    """
    for _attempt in range(2):
        element = load()
        result = change(element)
        try:
            db.session.commit()
        except StaleDataError:
            db.session.rollback()
            continue
        return result
    raise TranslationConflict(load(), locale, part)


def _clean(name: str, text: str) -> str:
    return normalize_body(text) if name == "body" else text.strip()


# -- the overview of every text ----------------------------------------------------------------------
#: The states the overview filters on, as the query string names them.
STATE_FILTERS = {"missing": MISSING, "outdated": OUTDATED, "translated": PRESENT}


@dataclass(frozen=True)
class TranslationOverview:
    """Every translatable text of a course (:func:`nttlearn.content.coverage.course_texts`, what
    ``nttlearn courses translations`` counts), the totals per language over all of them, and the
    groups of texts that the filters keep: a text is kept when its state in ``language`` (in any
    language of ``languages`` when none is chosen) is ``state``."""

    groups: list[TextGroup]
    totals: dict[str, Coverage]
    languages: list[str]  # the columns shown
    state: str  # "" (every state) or a key of STATE_FILTERS
    language: str  # "" (every language) or one of LANGUAGES
    shown: int  # how many texts the filters keep


def translation_overview(
    course: Course, state: str = "", language: str = ""
) -> TranslationOverview:
    groups = course_texts([course])[course.id]
    totals = count_texts([text for group in groups for text in group.texts])
    languages = [language] if language else list(LANGUAGES)
    wanted = STATE_FILTERS.get(state)

    def kept(text: Text) -> bool:
        return wanted is None or any(text.states.get(locale) == wanted for locale in languages)

    shown = [
        TextGroup(group.element, [text for text in group.texts if kept(text)], group.module)
        for group in groups
    ]
    return TranslationOverview(
        [group for group in shown if group.texts],
        totals,
        languages,
        state,
        language,
        sum(len(group.texts) for group in shown),
    )
