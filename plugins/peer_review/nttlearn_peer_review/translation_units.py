"""A proposal's template and rubric in the core's PO round trip (``nttlearn courses
translations-export``).

Each text (`languages.english_texts`) is one :class:`TranslationUnit`; its id is the text's id
with the part it belongs to::

    template:section.<key>.title            template:section.<key>.guidance
    rubric:criterion.<key>.title
    rubric:criterion.<key>.level.<points>.label     rubric:criterion.<key>.level.<points>.descriptor

A text still as the shipped default is exported with the interface catalogue's translation
(what readers see). An import writes ``ProposalSettings.translations`` as the browser's
translation editor does, text by text, each stamped with the fingerprint of the English the
translator saw: a text translated from an English that changed since shows as *outdated*.
Word limits, weights and points stay the English's.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from nttlearn.api import (
    Activity,
    TranslationProblem,
    TranslationUnit,
    TranslationUpdate,
    db,
    fingerprint,
)

from .languages import OUTDATED, SOURCE, english_texts, shown_texts, texts
from .models import ProposalSettings
from .services import english_structures, new_settings, settings_for

_PARTS = {"section": "template", "criterion": "rubric"}


def _unit_id(key: str) -> str:
    return f"{_PARTS[key.split('.')[0]]}:{key}"


def _context(key: str, template: Mapping[str, Any], rubric: Mapping[str, Any]) -> str:
    parts = key.split(".")
    if parts[0] == "section":
        n = next(
            (
                i
                for i, s in enumerate(template.get("sections") or [], start=1)
                if s.get("key") == parts[1]
            ),
            0,
        )
        what = "title" if parts[-1] == "title" else "guidance for the writers (Markdown)"
        return (
            f"Proposal template, section {n}: {what}. Learners read it in the proposal workspace."
        )
    n = next(
        (
            i
            for i, c in enumerate(rubric.get("criteria") or [], start=1)
            if c.get("key") == parts[1]
        ),
        0,
    )
    if parts[2] == "title":
        return f"Review rubric, criterion {n}: title. Reviewers and writers read it on the review and results pages."
    points = ".".join(parts[3:-1])
    what = "name" if parts[-1] == "label" else "descriptor"
    return f"Review rubric, criterion {n}, level of {points} points: {what}."


def _location(activity: Activity, part: str) -> str:
    named = (activity.spec or {}).get(part)
    return named if isinstance(named, str) and named else "module.yaml"


def translation_units(activity: Activity, locale: str) -> list[TranslationUnit]:
    """Every text of the proposal's template and rubric, with its translation into ``locale``."""
    settings = db.session.get(ProposalSettings, activity.id) or new_settings(activity.id)
    template, rubric = english_structures(settings)
    english = english_texts(template, rubric)
    shown = shown_texts(english, settings.translations, locale)
    units = []
    for key, (text, state) in shown.items():
        part = _PARTS[key.split(".")[0]]
        units.append(
            TranslationUnit(
                _unit_id(key),
                english[key],
                text if state != "missing" else "",
                state == OUTDATED,
                _context(key, template, rubric),
                _location(activity, part),
            )
        )
    return units


def apply_translations(
    activity: Activity, locale: str, updates: Mapping[str, TranslationUpdate], write: bool = True
) -> list[TranslationProblem]:
    """Store ``updates`` (by unit id) in the proposal's translations into ``locale``, each made
    from the English the file gives; the problems, and nothing written, when a text is too long or
    an id is not one of this proposal's."""
    from .translation_views import (  # the editor's limits and lock (views: late)
        MAX_LONG,
        MAX_SHORT,
        lock_settings,
    )

    if write:  # the row exists from here (a proposal never opened has none yet), locked
        settings_for(activity)
        settings = lock_settings(activity.id)
    else:
        settings = db.session.get(ProposalSettings, activity.id) or new_settings(activity.id)
    english = english_texts(*english_structures(settings))
    by_unit = {_unit_id(key): key for key in english if english[key].strip()}
    problems = []
    for unit_id, update in updates.items():
        key = by_unit.get(unit_id)
        if key is None:
            problems.append(
                TranslationProblem(unit_id, f"unknown text id '{unit_id}' of this proposal")
            )
            continue
        limit = MAX_LONG if key.endswith((".guidance", ".descriptor")) else MAX_SHORT
        if len(update.text) > limit:
            problems.append(
                TranslationProblem(unit_id, f"the text is longer than {limit} characters")
            )
    if problems or not write:
        return problems
    translations = dict(settings.translations or {})
    entry = dict(translations.get(locale) or {})
    source = dict(entry.get(SOURCE) or {})
    if not entry.get(SOURCE):  # texts stored without fingerprints counted as current: keep them so
        source = {key: fingerprint(english[key]) for key in texts(entry) if key in english}
    for unit_id, update in updates.items():
        key = by_unit[unit_id]
        entry[key] = update.text
        current = update.source.strip() == english[key].strip()
        source[key] = fingerprint(english[key] if current else update.source)
    entry[SOURCE] = source
    translations[locale] = entry
    settings.translations = translations
    return problems
