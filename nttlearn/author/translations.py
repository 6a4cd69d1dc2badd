"""Translating a course in the browser: the state of each language, saving and deleting a translation.

English is the source. A translation lives in its element's ``translations`` JSON, with the
fingerprints of the English texts it was made from (:mod:`nttlearn.content.translations`), so
packages carry it unchanged and an English text edited since shows the translation as outdated.
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
    OUTDATED,
    PRESENT,
    SOURCE,
    changed_since,
    fingerprints,
    has_text,
    state,
    text_digest,
    texts,
)
from ..extensions import db
from ..models import Course, Lesson, Module
from .outline import check_lesson_body, normalize_body
from .services import AuthoringError

# The texts of each kind of element that are translated.
TRANSLATED_FIELDS: dict[type, tuple[str, ...]] = {
    Course: ("title", "summary"), Module: ("title", "summary"), Lesson: ("title", "body"),
}

Translatable = Course | Module | Lesson


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

    def __init__(self, element: Translatable, locale: str) -> None:
        super().__init__(f"translation {locale} changed")
        self.element, self.locale = element, locale

    @property
    def current(self) -> dict[str, str]:
        """What the translation says now (empty when someone deleted it)."""
        return translation_texts(self.element, self.locale)


def english(element: Translatable) -> dict[str, str]:
    """The English texts of ``element`` that translations are made from."""
    return {name: getattr(element, name) or "" for name in TRANSLATED_FIELDS[type(element)]}


def translation_texts(element: Translatable, locale: str) -> dict[str, str]:
    return texts((element.translations or {}).get(locale))


def opened_token(element: Translatable, locale: str) -> str:
    return text_digest((element.translations or {}).get(locale))


def language_states(element: Translatable) -> list[LanguageState]:
    """One entry per language, in the site's order: computed from the loaded row, no query."""
    source = english(element)
    found = element.translations or {}
    return [LanguageState(locale, state(found.get(locale), source), changed_since(found.get(locale), source))
            for locale in LANGUAGES]


def module_lesson_states(module: Module) -> list[tuple[Lesson, list[LanguageState]]]:
    """The live lessons of ``module`` with their languages, in one query."""
    lessons = db.session.execute(
        db.select(Lesson).where(Lesson.module_id == module.id, Lesson.archived.is_(False))
        .order_by(Lesson.position, Lesson.id)
    ).scalars()
    return [(lesson, language_states(lesson)) for lesson in lessons]


def source_token(element: Translatable) -> str:
    """The fingerprints of the English texts a translation form shows (``title:3f9c…,body:a71e…``)."""
    return ",".join(f"{name}:{value}" for name, value in fingerprints(english(element)).items())


def _source_from(token: str | None, element: Translatable) -> dict[str, str]:
    """The fingerprints in ``token``, or those of the English texts now when it is not one of ours."""
    found = dict(part.split(":", 1) for part in (token or "").split(",") if ":" in part)
    names = set(TRANSLATED_FIELDS[type(element)])
    if set(found) != names or not all(re.fullmatch(r"[0-9a-f]{16}", value) for value in found.values()):
        return fingerprints(english(element))
    return {name: found[name] for name in sorted(names)}


def save_translation(element: Translatable, locale: str, values: Mapping[str, str], opened: str,
                     source: str | None = None) -> bool:
    """Store the translation of ``element`` into ``locale``; True when it is up to date.

    ``opened`` is :func:`opened_token` when the form was opened: :class:`TranslationConflict` if
    the translation says something else now. ``source`` (:func:`source_token` when the form was
    opened) says which English texts it was translated from: if someone changed one meanwhile, the
    translation is saved as outdated. A new dict is assigned, so the ORM sees the change.
    """
    if opened_token(element, locale) != opened:
        raise TranslationConflict(element, locale)
    cleaned = {name: _clean(name, values.get(name) or "") for name in translatable_fields(element)}
    entry = {**{name: text for name, text in cleaned.items() if text}, SOURCE: _source_from(source, element)}
    # A course picture's alternative text comes with the package, not from this form: it stays.
    kept = ((element.translations or {}).get(locale) or {}).get("image_alt")
    if kept:
        entry["image_alt"] = kept
    element.translations = {**(element.translations or {}), locale: entry}
    return not changed_since(entry, english(element))


def translatable_fields(element: Translatable) -> tuple[str, ...]:
    """The texts of ``element`` a translation may hold: a summary only when there is an English one
    (a package cannot carry the translation of an empty English summary)."""
    return tuple(name for name in TRANSLATED_FIELDS[type(element)]
                 if name != "summary" or (getattr(element, name) or "").strip())


def save_lesson_translation(course: Course, lesson: Lesson, locale: str, values: Mapping[str, str],
                            opened: str, source: str | None = None) -> bool:
    """As :func:`save_translation`; the text is checked like the English lesson's (and a package's)."""
    if opened_token(lesson, locale) != opened:
        raise TranslationConflict(lesson, locale)
    problems = lesson_problems(course, lesson, values.get("body") or "")
    if problems:
        raise AuthoringError("\n".join(f"line {p.line}: {p.message}" for p in problems))
    return save_translation(lesson, locale, values, opened, source)


def lesson_problems(course: Course, lesson: Lesson, body: str) -> list[Any]:
    return check_lesson_body(course, db.session.get(Module, lesson.module_id), body)


def delete_translation(element: Translatable, locale: str, opened: str) -> bool:
    """Remove the translation into ``locale``; False when there is none.

    :class:`TranslationConflict` when it changed since the page showing it was opened.
    """
    found = element.translations or {}
    if locale not in found:
        return False
    if has_text(found[locale]) and text_digest(found[locale]) != opened:
        raise TranslationConflict(element, locale)
    element.translations = {other: entry for other, entry in found.items() if other != locale}
    return True


def commit_change(load: Callable[[], Any], locale: str, change: Callable[[Any], Any]) -> Any:
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
    raise TranslationConflict(load(), locale)


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


def translation_overview(course: Course, state: str = "", language: str = "") -> TranslationOverview:
    groups = course_texts([course])[course.id]
    totals = count_texts([text for group in groups for text in group.texts])
    languages = [language] if language else list(LANGUAGES)
    wanted = STATE_FILTERS.get(state)

    def kept(text: Text) -> bool:
        return wanted is None or any(text.states.get(locale) == wanted for locale in languages)

    shown = [TextGroup(group.element, [text for text in group.texts if kept(text)], group.module) for group in groups]
    return TranslationOverview([group for group in shown if group.texts], totals, languages, state, language,
                               sum(len(group.texts) for group in shown))
