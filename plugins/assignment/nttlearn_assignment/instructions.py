"""The instructions' translations: ``Assignment.translations`` holds one Markdown text per
language (``{"fi": "…"}``) and, under ``_source``, the fingerprint of the English each was made
from (``{"_source": {"fi": "3f9c…"}}``), so that a translation whose English has changed since
shows as outdated. Packages carry only the texts; a translation without a fingerprint (imported,
or made before fingerprints were kept) counts as up to date until its English changes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from nttlearn.api import LANGUAGES, fingerprint

from .models import Assignment

SOURCE = "_source"
#: Each language's name in that language, as the pages name it.
LANGUAGE_NAMES = {"it": "Italiano", "sv": "Svenska", "es": "Español", "fi": "Suomi"}
MISSING, PRESENT, OUTDATED = "missing", "present", "outdated"


class InstructionsConflict(Exception):
    """The translation changed since the form was opened; nothing was written."""


def texts(translations: Mapping[str, Any] | None) -> dict[str, str]:
    """The translated instructions by language, without the fingerprints."""
    return {
        locale: text
        for locale, text in (translations or {}).items()
        if locale in LANGUAGES and isinstance(text, str) and text.strip()
    }


def _sources(translations: Mapping[str, Any] | None) -> dict[str, str]:
    found = (translations or {}).get(SOURCE)
    return dict(found) if isinstance(found, Mapping) else {}


def state(assignment: Assignment, locale: str) -> str:
    """``missing``, ``present`` (up to date) or ``outdated``."""
    if locale not in texts(assignment.translations):
        return MISSING
    made_from = _sources(assignment.translations).get(locale)
    return (
        OUTDATED
        if made_from is not None and made_from != fingerprint(assignment.instructions)
        else PRESENT
    )


def opened_token(assignment: Assignment, locale: str) -> str:
    """What the translation says, as a short token (``new`` when there is none)."""
    text = texts(assignment.translations).get(locale)
    return hashlib.sha256(text.strip().encode("utf-8")).hexdigest()[:16] if text else "new"


def save(assignment: Assignment, locale: str, text: str, opened: str, source: str | None) -> bool:
    """Store the translation into ``locale`` (an empty text removes it), made from the English
    whose fingerprint is ``source`` (the one the form showed; the English now when it is not
    one); True when it is up to date. :class:`InstructionsConflict` when someone else changed
    this translation since the form was opened."""
    if opened_token(assignment, locale) != opened:
        raise InstructionsConflict(locale)
    text = text.replace("\r\n", "\n").strip()
    found, sources = texts(assignment.translations), _sources(assignment.translations)
    if text:
        found[locale] = text
        made_from = (
            source
            if source and len(source) == 16 and all(c in "0123456789abcdef" for c in source)
            else fingerprint(assignment.instructions)
        )
        sources[locale] = made_from
    else:
        found.pop(locale, None)
        sources.pop(locale, None)
    assignment.translations = _stored(found, sources)
    return state(assignment, locale) != OUTDATED


def before_english_change(assignment: Assignment, new_english: str) -> None:
    """The English instructions become ``new_english``: a translation without a fingerprint was
    up to date with the English so far, and gets its fingerprint, so that it shows as outdated."""
    if (assignment.instructions or "").strip() == (new_english or "").strip():
        return
    found, sources = texts(assignment.translations), _sources(assignment.translations)
    old = fingerprint(assignment.instructions)
    if any(locale not in sources for locale in found):
        assignment.translations = _stored(found, {**{locale: old for locale in found}, **sources})


def merge_imported(
    assignment: Assignment, incoming: Mapping[str, str], new_english: str
) -> dict[str, Any]:
    """The translations after a package brings ``incoming`` (texts only) and ``new_english``: the
    package decides the texts; a translation it did not change keeps its fingerprint (stamped with
    the English so far when it had none and the English changes), a new or changed one is up to
    date with the package."""
    stored, sources = texts(assignment.translations), _sources(assignment.translations)
    english_changed = (assignment.instructions or "").strip() != (new_english or "").strip()
    kept = {}
    for locale, text in incoming.items():
        if (stored.get(locale) or "").strip() != text.strip():
            continue
        if locale in sources:
            kept[locale] = sources[locale]
        elif english_changed:
            kept[locale] = fingerprint(assignment.instructions)
    return _stored(dict(incoming), kept)


def _stored(found: Mapping[str, str], sources: Mapping[str, str]) -> dict[str, Any]:
    stored: dict[str, Any] = dict(sorted(found.items()))
    kept = {locale: value for locale, value in sorted(sources.items()) if locale in found}
    if kept:
        stored[SOURCE] = kept
    return stored
