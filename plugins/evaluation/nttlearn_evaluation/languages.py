"""A survey's texts in every language: its questions and options, each text on its own.

A survey keeps its questions (ids, types, options, and each English text) in
``Survey.questions``, and their translations in ``Survey.translations``:

```python
{"it": {"relevance": "Il corso è pertinente …", "intention/yes": "Sì, entro il prossimo anno",
        "_source": {"relevance": "3f9c0a…", "intention/yes": "a71e2b…"}}}
```

A question's text is keyed by the question's id, an option's by ``<question id>/<option id>``;
``_source`` holds the fingerprint of the English text each translation was made from, as the
core keeps it for lessons and titles: a translation whose English has changed since is
*outdated*. Answers are stored by question and option id, never by text, so answers given in
any language are counted together.

The two built-in questionnaires (``end-of-course`` and ``needs``) are written in code with their
translations in the plugin's catalogues; importing a survey that uses one copies its texts, in
every language, into the survey, where trainers can then adapt and translate them like their
own questions. A survey stored before that copy existed reads the questionnaire from code.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

from flask_babel import force_locale

from nttlearn.api import LANGUAGES, LOCALES, fingerprint

SOURCE = "_source"
MISSING, PRESENT, OUTDATED = "missing", "present", "outdated"


def option_key(question_id: str, option_id: str) -> str:
    return f"{question_id}/{option_id}"


def english_texts(questions: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """Every English text of stored questions, in the order of the questionnaire, keyed as their
    translations are."""
    result: dict[str, str] = {}
    for question in questions:
        result[question["id"]] = _english(question.get("text"))
        for option in question.get("options") or []:
            result[option_key(question["id"], option["id"])] = _english(option.get("text"))
    return result


def _english(value: Any) -> str:
    """The English of a stored text (a survey imported before translations were kept apart may
    still hold a ``{locale: text}`` mapping)."""
    if isinstance(value, Mapping):
        return str(value.get("en") or next(iter(value.values()), ""))
    return str(value or "")


def texts(entry: Mapping[str, Any] | None) -> dict[str, str]:
    """The translated texts of one language, without the fingerprints."""
    return {
        k: v
        for k, v in (entry or {}).items()
        if not k.startswith("_") and isinstance(v, str) and v.strip()
    }


def text_states(entry: Mapping[str, Any] | None, english: Mapping[str, str]) -> dict[str, str]:
    """Each English text's state in one language: ``missing``, ``present`` or ``outdated``."""
    translated = texts(entry)
    source = (entry or {}).get(SOURCE) or {}
    states = {}
    for key, text in english.items():
        if not text.strip():
            continue
        if key not in translated:
            states[key] = MISSING
        elif key in source and source[key] != fingerprint(text):
            states[key] = OUTDATED
        else:
            states[key] = PRESENT
    return states


def entry_digest(entry: Mapping[str, Any] | None) -> str:
    """What a translation says, as a short token (``new`` when there is none): the editor posts
    the token of the translation it showed, and a save based on another one is a conflict."""
    found = texts(entry)
    if not found:
        return "new"
    canonical = json.dumps(
        {k: v.strip() for k, v in found.items()}, sort_keys=True, ensure_ascii=False
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


def split_text(value: Any) -> tuple[str, dict[str, str]]:
    """A package text (``"…"`` or ``{en: …, it: …}``) as its English and its translations."""
    if isinstance(value, Mapping):
        english = str(value.get("en") or "").strip()
        return english, {
            str(k): str(v).strip()
            for k, v in value.items()
            if k != "en" and k in LANGUAGES and isinstance(v, str) and v.strip()
        }
    return str(value).strip(), {}


def merge(
    stored: Mapping[str, Any] | None,
    old_english: Mapping[str, str],
    incoming: Mapping[str, Mapping[str, str]],
    new_english: Mapping[str, str],
) -> dict[str, Any]:
    """The translations after an import: the package decides the texts. A translation the
    package left as it was keeps the English it was made from (so it turns *outdated* when the
    package changed only the English); a new or changed one is up to date with the new English."""
    merged: dict[str, Any] = {}
    for locale, found in incoming.items():
        if not found:
            continue
        old = (stored or {}).get(locale) or {}
        old_texts, old_source = texts(old), old.get(SOURCE) or {}
        source = {}
        for key, text in found.items():
            if key not in new_english:
                continue
            if old_texts.get(key, "").strip() == text.strip() and key in old_english:
                source[key] = old_source.get(key) or fingerprint(old_english[key])
            else:
                source[key] = fingerprint(new_english[key])
        kept = {key: text for key, text in found.items() if key in new_english}
        if kept:
            merged[locale] = {**kept, SOURCE: source}
    return merged


def package_texts(
    questions: Sequence[Mapping[str, Any]], translations: Mapping[str, Any] | None
) -> list[dict[str, Any]]:
    """Stored questions with their texts as package maps (``{en: …, it: …}``) where translated."""

    def text(key: str, english: str) -> Any:
        found = {locale: texts((translations or {}).get(locale)).get(key) for locale in LANGUAGES}
        found = {locale: value for locale, value in found.items() if value}
        return {"en": english, **found} if found else english

    result = []
    for question in questions:
        entry: dict[str, Any] = {
            "id": question["id"],
            "type": question["type"],
            "text": text(question["id"], _english(question.get("text"))),
            "required": bool(question.get("required", True)),
        }
        if question.get("options"):
            entry["options"] = [
                {
                    "id": o["id"],
                    "text": text(option_key(question["id"], o["id"]), _english(o["text"])),
                }
                for o in question["options"]
            ]
        result.append(entry)
    return result


def template_texts(build) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """A built-in questionnaire (``build()`` gives its questions) as stored questions in English
    and its translations from the plugin's catalogues, each up to date with the English."""
    with force_locale("en"):
        questions = [_stored(q) for q in build()]
    english = english_texts(questions)
    translations: dict[str, Any] = {}
    for locale in LOCALES[1:]:
        with force_locale(locale):
            found = english_texts([_stored(q) for q in build()])
        # Every text, also one spelt as in English ("No" in Italian): the catalogue tests keep
        # every message of the plugin translated.
        kept = {key: text for key, text in found.items() if text.strip()}
        if kept:
            translations[locale] = {
                **kept,
                SOURCE: {key: fingerprint(english[key]) for key in kept},
            }
    return questions, translations


def _stored(question) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "id": question.key,
        "type": question.kind,
        "text": str(question.prompt),
        "required": question.required,
    }
    if question.options:
        entry["options"] = [{"id": o.value, "text": str(o.label)} for o in question.options]
    return entry
