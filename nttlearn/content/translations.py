"""The translations of a course's texts as the ``translations`` JSON columns hold them.

``{"it": {"title": "…", "body": "…", "_source": {"title": "3f9c…", "body": "a71e…"}}}``: for each
language its texts, and the fingerprint of each English text they were translated from, so that a
translation whose English text has changed since shows as *outdated*. Keys starting with ``_`` are
not texts: packages carry only the texts, and a translation without fingerprints (imported, or
made before fingerprints existed) counts as up to date until its English text changes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from ..config import LOCALES

SOURCE = "_source"
# A list of texts (learning outcomes) is kept one text per item, ``outcome.0``, ``outcome.1``…,
# so that each item has its own translation and its own outdated state.
OUTCOME = "outcome"


def item_key(prefix: str, n: int) -> str:
    return f"{prefix}.{n}"


def english_items(prefix: str, items: list[str] | None) -> dict[str, str]:
    """A list's English items keyed as its translations are (what fingerprints compare)."""
    return {item_key(prefix, n): text for n, text in enumerate(items or [])}


def english_texts(element: Any) -> dict[str, str]:
    """A course's or module's English texts (title, summary, each outcome), keyed as their
    translations are."""
    return {
        "title": element.title,
        "summary": element.summary,
        **english_items(OUTCOME, element.outcomes),
    }


LANGUAGES = LOCALES[1:]  # the languages a course is translated into; English is the source
MISSING, PRESENT, OUTDATED = "missing", "present", "outdated"


def fingerprint(text: str | None) -> str:
    """A short digest of an English text (spaces around it do not count)."""
    return hashlib.sha256((text or "").strip().encode("utf-8")).hexdigest()[:16]


def fingerprints(english: Mapping[str, str | None]) -> dict[str, str]:
    return {name: fingerprint(text) for name, text in sorted(english.items())}


def texts(entry: Mapping[str, Any] | None) -> dict[str, str]:
    """The translated texts of ``entry``, without what is kept about them."""
    return {
        name: value
        for name, value in (entry or {}).items()
        if not name.startswith("_") and isinstance(value, str)
    }


def has_text(entry: Mapping[str, Any] | None) -> bool:
    return any(value.strip() for value in texts(entry).values())


def text_digest(entry: Mapping[str, Any] | None) -> str:
    """What a translation says, as a short token: ``new`` when there is none (a conflict check)."""
    if not has_text(entry):
        return "new"
    canonical = json.dumps(
        {k: v.strip() for k, v in texts(entry).items()}, sort_keys=True, ensure_ascii=False
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


def changed_since(
    entry: Mapping[str, Any] | None, english: Mapping[str, str | None]
) -> tuple[str, ...]:
    """The English texts that changed after ``entry`` was translated from them (in ``english``'s order)."""
    source = (entry or {}).get(SOURCE)
    if not isinstance(source, Mapping):
        return ()
    return tuple(
        name
        for name, text in english.items()
        if name in source and source[name] != fingerprint(text)
    )


def state(entry: Mapping[str, Any] | None, english: Mapping[str, str | None]) -> str:
    """``missing``, ``present`` (up to date) or ``outdated``."""
    if not has_text(entry):
        return MISSING
    return OUTDATED if changed_since(entry, english) else PRESENT


def english_changed(before: Mapping[str, str | None], after: Mapping[str, str | None]) -> bool:
    return {k: (v or "").strip() for k, v in before.items()} != {
        k: (v or "").strip() for k, v in after.items()
    }


def before_english_change(
    translations: Mapping[str, Any] | None,
    before: Mapping[str, str | None],
    after: Mapping[str, str | None],
) -> dict[str, Any] | None:
    """The translations to keep when the English texts change from ``before`` to ``after``.

    A translation without fingerprints was up to date with ``before``: it gets their fingerprints,
    so that it shows as outdated from now on. None when nothing needs writing.
    """
    if not english_changed(before, after):
        return None
    changed = {
        name
        for name in before.keys() | after.keys()
        if (before.get(name) or "").strip() != (after.get(name) or "").strip()
    }
    # A changed list item (an outcome) concerns only a translation that has that item: editing
    # the outcomes leaves a translation of the title and summary as it was.
    unstamped = [
        locale
        for locale, entry in (translations or {}).items()
        if isinstance(entry, Mapping)
        and has_text(entry)
        and SOURCE not in entry
        and any("." not in name or texts(entry).get(name, "").strip() for name in changed)
    ]
    if not unstamped:
        return None
    return {
        locale: ({**entry, SOURCE: fingerprints(before)} if locale in unstamped else entry)
        for locale, entry in (translations or {}).items()
    }


def merge_imported(
    stored: Mapping[str, Any] | None,
    incoming: Mapping[str, Mapping[str, str]],
    before: Mapping[str, str | None] | None,
    after: Mapping[str, str | None],
) -> dict[str, Any]:
    """The translations after importing ``incoming`` (a package's, texts only) over ``stored``.

    The package decides the texts. A translation whose text it did not change keeps its
    fingerprints, so an English text changed by the package without its translation shows the
    translation as outdated; a new or changed translation counts as up to date with the package.
    """
    merged: dict[str, Any] = {}
    for locale, entry in incoming.items():
        old = (stored or {}).get(locale)
        if isinstance(old, Mapping) and _same_texts(old, entry):
            source = old.get(SOURCE)
            if source is None and before is not None and english_changed(before, after):
                source = fingerprints(before)
            merged[locale] = {**entry, SOURCE: source} if source else dict(entry)
        else:
            merged[locale] = dict(entry)
    return merged


def _same_texts(old: Mapping[str, Any], new: Mapping[str, Any]) -> bool:
    strip = {k: v.strip() for k, v in texts(old).items()}
    return strip == {k: v.strip() for k, v in texts(new).items()}


def text_states(
    entry: Mapping[str, Any] | None, english: Mapping[str, str | None]
) -> dict[str, str]:
    """The state of each English text (with text) of an element in one language: ``missing``,
    ``present`` or ``outdated`` (the translation was made from another English text)."""
    translated = texts(entry)
    changed = set(changed_since(entry, english))
    return {
        name: (
            MISSING
            if not translated.get(name, "").strip()
            else OUTDATED
            if name in changed
            else PRESENT
        )
        for name, text in english.items()
        if (text or "").strip()
    }
