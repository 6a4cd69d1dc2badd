"""The proposal template and the rubric in every language.

The English template and rubric (``ProposalSettings.template`` / ``.rubric``) decide the
structure: section keys and word limits, criterion keys, weights and level points, which reviews
are scored and graded on. A translation only replaces texts. Each text has an id::

    section.<key>.title          section.<key>.guidance
    criterion.<key>.title
    criterion.<key>.level.<points>.label    criterion.<key>.level.<points>.descriptor

and ``ProposalSettings.translations`` keeps, as the core keeps a lesson's, each language's texts
and the fingerprint of the English text each was translated from::

    {"sv": {"section.objectives.title": "Mål", "_source": {"section.objectives.title": "3f9c…"}}}

so that a translation whose English changed since shows as *outdated*. A text without a
translation is read in English; a text left as the shipped default (`template.default_template`,
`template.default_rubric`) is read as the interface's catalogue translates it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from flask import g, has_app_context
from flask_babel import force_locale, get_locale

from nttlearn.api import LANGUAGES, fingerprint

from .template import default_rubric, default_template

SOURCE = "_source"
MISSING, PRESENT, OUTDATED = "missing", "present", "outdated"
TEXT_FIELDS = {
    "section": ("title", "guidance"),
    "criterion": ("title",),
    "level": ("label", "descriptor"),
}


def current_locale() -> str:
    """The reader's language (their profile's, else their browser's; inside a mail, the
    recipient's: ``force_locale``)."""
    return str(get_locale() or "en").split("_")[0]


def points_key(points: Any) -> str:
    """A level's id part: its points, ``0``, ``2``, ``2.5``."""
    return f"{float(points):g}"


def _plain(value: Any) -> str:
    return str(value) if value is not None else ""


def template_texts(template: Mapping[str, Any] | None) -> dict[str, str]:
    """The template's English texts by id, in the template's order."""
    found: dict[str, str] = {}
    for section in (template or {}).get("sections") or []:
        if isinstance(section, Mapping) and isinstance(section.get("key"), str):
            for name in TEXT_FIELDS["section"]:
                found[f"section.{section['key']}.{name}"] = _plain(section.get(name))
    return found


def rubric_texts(rubric: Mapping[str, Any] | None) -> dict[str, str]:
    """The rubric's English texts by id, criterion by criterion, levels in their order."""
    found: dict[str, str] = {}
    for criterion in (rubric or {}).get("criteria") or []:
        if not isinstance(criterion, Mapping) or not isinstance(criterion.get("key"), str):
            continue
        prefix = f"criterion.{criterion['key']}"
        found[f"{prefix}.title"] = _plain(criterion.get("title"))
        for level in criterion.get("levels") or []:
            if isinstance(level, Mapping) and isinstance(level.get("points"), int | float):
                for name in TEXT_FIELDS["level"]:
                    found[f"{prefix}.level.{points_key(level['points'])}.{name}"] = _plain(
                        level.get(name)
                    )
    return found


def english_texts(
    template: Mapping[str, Any] | None, rubric: Mapping[str, Any] | None
) -> dict[str, str]:
    return {**template_texts(template), **rubric_texts(rubric)}


def default_dicts(locale: str = "en") -> tuple[dict[str, Any], dict[str, Any]]:
    """The shipped default template and rubric with their texts in ``locale`` (the catalogue's)."""
    with force_locale(locale):
        return default_template().to_dict(), default_rubric().to_dict()


def catalogue_texts(locale: str) -> dict[str, tuple[str, str]]:
    """For each text of the defaults: (English, the catalogue's ``locale`` text) where they
    differ; worked out once per request (or command) and language."""
    cache = g.setdefault("peer_review_catalogue_texts", {}) if has_app_context() else {}
    if locale not in cache:
        english = english_texts(*default_dicts("en"))
        translated = english_texts(*default_dicts(locale))
        cache[locale] = {
            key: (text, translated[key])
            for key, text in english.items()
            if translated.get(key) and translated[key] != text
        }
    return cache[locale]


def texts(entry: Mapping[str, Any] | None) -> dict[str, str]:
    """The translated texts of one language's entry (without ``_source``), non-empty only."""
    return {
        k: v
        for k, v in (entry or {}).items()
        if not k.startswith("_") and isinstance(v, str) and v.strip()
    }


def _source(entry: Mapping[str, Any] | None) -> Mapping[str, Any]:
    source = (entry or {}).get(SOURCE)
    return source if isinstance(source, Mapping) else {}


def shown_texts(
    english: Mapping[str, str],
    translations: Mapping[str, Any] | None,
    locale: str,
    catalogue: Mapping[str, tuple[str, str]] | None = None,
) -> dict[str, tuple[str, str]]:
    """Each English text (with text) in ``locale``: (text shown, state). The state is
    ``missing`` (English shown), ``present`` or ``outdated`` (the translation was made from
    another English text: still shown, as the core shows an outdated lesson)."""
    if locale == "en" or locale not in LANGUAGES:
        return {key: (text, PRESENT) for key, text in english.items() if text.strip()}
    entry = (translations or {}).get(locale)
    theirs, source = texts(entry), _source(entry)
    if catalogue is None:
        catalogue = catalogue_texts(locale)
    shown: dict[str, tuple[str, str]] = {}
    for key, text in english.items():
        if not text.strip():
            continue
        if key in theirs:
            made_from = source.get(key)
            stale = made_from is not None and made_from != fingerprint(text)
            shown[key] = (theirs[key], OUTDATED if stale else PRESENT)
        elif key in catalogue and catalogue[key][0].strip() == text.strip():
            shown[key] = (catalogue[key][1], PRESENT)
        else:
            shown[key] = (text, MISSING)
    return shown


def states(
    template: Mapping[str, Any],
    rubric: Mapping[str, Any],
    translations: Mapping[str, Any] | None,
    catalogues: Mapping[str, Mapping[str, tuple[str, str]]] | None = None,
) -> dict[str, list[str]]:
    """One state per text and language: what a course's translation coverage counts."""
    english = english_texts(template, rubric)
    return {
        locale: [
            state
            for _text, state in shown_texts(
                english, translations, locale, (catalogues or {}).get(locale)
            ).values()
        ]
        for locale in LANGUAGES
    }


def localize(
    template: Mapping[str, Any],
    rubric: Mapping[str, Any],
    translations: Mapping[str, Any] | None,
    locale: str,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The template and the rubric with their texts in ``locale``, English where one is missing;
    keys, word limits, weights and points as in the English."""
    english = english_texts(template, rubric)
    if locale == "en" or locale not in LANGUAGES:
        return dict(template), dict(rubric)
    shown = {
        key: text for key, (text, _state) in shown_texts(english, translations, locale).items()
    }
    return apply_texts(template, rubric, shown)


def apply_texts(
    template: Mapping[str, Any], rubric: Mapping[str, Any], shown: Mapping[str, str]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Copies of the template and rubric whose texts are replaced where ``shown`` has one."""
    sections = []
    for section in template.get("sections") or []:
        item = dict(section)
        for name in TEXT_FIELDS["section"]:
            item[name] = shown.get(f"section.{section['key']}.{name}", item.get(name, ""))
        sections.append(item)
    criteria = []
    for criterion in rubric.get("criteria") or []:
        prefix = f"criterion.{criterion['key']}"
        item = dict(criterion)
        item["title"] = shown.get(f"{prefix}.title", item.get("title"))
        levels = []
        for level in criterion.get("levels") or []:
            one = dict(level)
            for name in TEXT_FIELDS["level"]:
                one[name] = shown.get(
                    f"{prefix}.level.{points_key(level['points'])}.{name}", one.get(name)
                )
            levels.append(one)
        item["levels"] = levels
        criteria.append(item)
    return {**template, "sections": sections}, {**rubric, "criteria": criteria}


# -- storing ------------------------------------------------------------------------------------
def merged(
    stored: Mapping[str, Any] | None,
    incoming: Mapping[str, Mapping[str, str]],
    english: Mapping[str, str],
) -> dict[str, Any]:
    """The translations after a package gave ``incoming`` (texts by language) for ``english``.

    The package decides the texts: a language it does not give is dropped. A text the package
    did not change keeps the fingerprint of the English it was made from (so it shows as
    outdated when the package changed the English without it); a new or changed text counts as
    translated from the English now.
    """
    result: dict[str, Any] = {}
    for locale, given in incoming.items():
        old = (stored or {}).get(locale)
        old_texts, old_source = texts(old), _source(old)
        entry: dict[str, Any] = {}
        source: dict[str, str] = {}
        for key, text in given.items():
            if key not in english or not text.strip():
                continue
            entry[key] = text
            keep = old_texts.get(key, "").strip() == text.strip() and key in old_source
            source[key] = old_source[key] if keep else fingerprint(english[key])
        if entry:
            result[locale] = {**entry, SOURCE: source}
    return result


def saved(
    stored: Mapping[str, Any] | None,
    locale: str,
    given: Mapping[str, str],
    sources: Mapping[str, str],
    english: Mapping[str, str],
) -> dict[str, Any]:
    """The translations after the browser editor saved ``given`` (every text of one language;
    an empty one removes the translation) made from the English whose fingerprints the editor
    showed (``sources``): a text saved beside an English that changed meanwhile is outdated."""
    result = {k: v for k, v in (stored or {}).items() if k != locale}
    entry: dict[str, Any] = {}
    source: dict[str, str] = {}
    for key in english:
        text = (given.get(key) or "").strip()
        if text:
            entry[key] = text
            source[key] = sources.get(key) or fingerprint(english[key])
    if entry:
        result[locale] = {**entry, SOURCE: source}
    return result


def kinds_translated(translations: Mapping[str, Any] | None, ids: Iterable[str]) -> set[str]:
    """The languages that hold a text for one of ``ids``."""
    wanted = set(ids)
    return {
        locale
        for locale, entry in (translations or {}).items()
        if isinstance(entry, Mapping) and set(texts(entry)) & wanted
    }


# -- the browser editor ------------------------------------------------------------------------------
def entry_digest(entry: Mapping[str, Any] | None) -> str:
    """What one language's translation says, as a short token (``new`` when there is none): the
    editor posts the token of the translation it showed, and a save over another is refused."""
    found = texts(entry)
    if not found:
        return "new"
    return fingerprint("\n\x1f".join(f"{key}\x1e{found[key].strip()}" for key in sorted(found)))


def language_summary(
    english: Mapping[str, str], translations: Mapping[str, Any] | None, locale: str
) -> dict[str, int]:
    """How many texts of the template and rubric are translated, outdated and missing."""
    counts = {PRESENT: 0, OUTDATED: 0, MISSING: 0}
    for _text, state in shown_texts(english, translations, locale).values():
        counts[state] += 1
    return {
        "total": sum(counts.values()),
        "translated": counts[PRESENT],
        "outdated": counts[OUTDATED],
        "missing": counts[MISSING],
    }
