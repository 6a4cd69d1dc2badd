"""A question in every language: the texts a question version holds for each locale, and the
question a learner sees in theirs.

The English question JSON (``QuestionVersion.data``) is the question: its types, answers, marks
and order, which grading and item analysis read. A translation only replaces *texts*; it is kept
beside the data in ``QuestionVersion.translations`` as ``{"it": {<texts>, "_source": "3f9c…"}}``,
``<texts>`` being what `texts_of` takes from a question (``text``, ``general_feedback``,
``answers: [{text, feedback}]`` or ``[{feedback}]``, ``pairs: [{question, answer}]``) and
``_source`` the fingerprint of the English texts it was translated from, so that a translation
whose English has changed since shows as outdated (as lessons' do).

Translations change no structure, so they never make a new version: a corrected translation is
corrected in the version attempts point at, and their grades stay.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from nttlearn.api import LANGUAGES, db, fingerprint  # noqa: F401 - LANGUAGES: the quiz's languages too

from .models import Attempt, AttemptAnswer, QuestionVersion

SOURCE = "_source"
MISSING, PRESENT, OUTDATED = "missing", "present", "outdated"
_TEXT_ANSWERS = ("multichoice", "shortanswer")
_FEEDBACK_ANSWERS = ("truefalse", "numerical")


# -- texts ------------------------------------------------------------------------------------------
def texts_of(data: Mapping[str, Any]) -> dict[str, Any]:
    """Every text of a question (its JSON) that a translation replaces, in the question's order."""
    texts: dict[str, Any] = {"text": data.get("text") or ""}
    if data.get("general_feedback"):
        texts["general_feedback"] = data["general_feedback"]
    kind = data.get("type")
    answers = list(data.get("answers") or [])
    if kind in _TEXT_ANSWERS:
        texts["answers"] = [
            {"text": a.get("text") or "", "feedback": a.get("feedback") or ""} for a in answers
        ]
    elif kind in _FEEDBACK_ANSWERS:
        texts["answers"] = [{"feedback": a.get("feedback") or ""} for a in answers]
    elif kind == "matching":
        texts["pairs"] = [
            {"question": p.get("question") or "", "answer": p.get("answer") or ""}
            for p in data.get("pairs") or []
        ]
    return texts


def english_fingerprint(data: Mapping[str, Any]) -> str:
    """The fingerprint of a question's English texts (``_source`` of a translation made from them)."""
    return fingerprint(json.dumps(texts_of(data), sort_keys=True, ensure_ascii=False))


def only_texts(entry: Mapping[str, Any] | None) -> dict[str, Any]:
    return {k: v for k, v in (entry or {}).items() if not k.startswith("_")}


def state(entry: Mapping[str, Any] | None, data: Mapping[str, Any]) -> str:
    """``missing``, ``present`` (up to date with the English) or ``outdated``."""
    if not entry or not any(_strings(only_texts(entry))):
        return MISSING
    source = entry.get(SOURCE)
    return OUTDATED if source is not None and source != english_fingerprint(data) else PRESENT


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        if value.strip():
            yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


# -- a question in a language -------------------------------------------------------------------------
def _pick(translated: Any, english: Any) -> Any:
    """A translated text where there is one, else the English (per text, never per question)."""
    return translated if isinstance(translated, str) and translated.strip() else english


def overlay(data: Mapping[str, Any], entry: Mapping[str, Any] | None) -> dict[str, Any]:
    """The question with its texts in the translation's language: the same JSON shape, answers,
    marks and order (what GIFT export writes to ``quiz.<lang>.gift``)."""
    shown = copy.deepcopy(dict(data))
    if not entry:
        return shown
    shown["text"] = _pick(entry.get("text"), shown.get("text"))
    if shown.get("general_feedback"):
        shown["general_feedback"] = _pick(entry.get("general_feedback"), shown["general_feedback"])
    for answer, texts in zip(shown.get("answers") or [], entry.get("answers") or [], strict=False):
        if not isinstance(texts, Mapping):
            continue
        if shown.get("type") in _TEXT_ANSWERS:
            answer["text"] = _pick(texts.get("text"), answer.get("text"))
        if answer.get("feedback"):
            answer["feedback"] = _pick(texts.get("feedback"), answer["feedback"])
    for pair, texts in zip(shown.get("pairs") or [], entry.get("pairs") or [], strict=False):
        if isinstance(texts, Mapping):
            pair["question"] = (
                _pick(texts.get("question"), pair["question"]) if pair.get("question") else ""
            )
            pair["answer"] = _pick(texts.get("answer"), pair.get("answer"))
    return shown


def for_learner(data: Mapping[str, Any], entry: Mapping[str, Any] | None) -> dict[str, Any]:
    """The question as a learner of the translation's language sees and is graded on it.

    `overlay`, and two things grading needs: a short answer accepts the translated answers *and*
    the English ones (each with the translated feedback), and a matching question keeps one label
    per English choice (its choices are answered by English text, mapped by position).
    """
    shown = overlay(data, entry)
    if not entry:
        return shown
    if shown.get("type") == "shortanswer":
        english = [
            {**a, "feedback": t["feedback"]}
            for a, t in zip(data.get("answers") or [], shown["answers"], strict=True)
        ]
        shown["answers"] = shown["answers"] + english
    elif shown.get("type") == "matching":
        labels = matching_labels(data, shown)
        for pair, english in zip(shown["pairs"], data.get("pairs") or [], strict=True):
            pair["answer"] = labels[english["answer"]]
    return shown


def matching_labels(data: Mapping[str, Any], shown: Mapping[str, Any]) -> dict[str, str]:
    """English choice → its label in ``shown``: the translation of its first pair, or the English
    when two different English choices would read the same (the learner must tell them apart)."""
    labels: dict[str, str] = {}
    for english, translated in zip(data.get("pairs") or [], shown.get("pairs") or [], strict=True):
        labels.setdefault(english["answer"], translated["answer"])
    if len(set(labels.values())) != len(labels):
        return {choice: choice for choice in labels}
    return labels


def shown_response(data: Mapping[str, Any], shown: Mapping[str, Any], response: Any) -> Any:
    """A stored response as the shown question reads it: a matching response names English
    choices, shown by their labels; every other response is the same in every language."""
    if data.get("type") != "matching" or not isinstance(response, list) or shown is data:
        return response
    labels = matching_labels(data, shown)
    return [
        labels.get(chosen, chosen) if isinstance(chosen, str) else chosen for chosen in response
    ]


# -- storing -----------------------------------------------------------------------------------------
def merged(
    stored: Mapping[str, Any] | None,
    incoming: Mapping[str, Mapping[str, Any]],
    data: Mapping[str, Any],
) -> dict[str, Any]:
    """The translations after a package gave ``incoming`` (texts only, by locale) for the English
    ``data``. The package decides: a locale it does not give is dropped. A translation whose texts
    did not change keeps its ``_source`` (so it shows as outdated if the English changed without
    it); a new or changed one is stamped as translated from this English."""
    result: dict[str, Any] = {}
    for locale, texts in incoming.items():
        old = (stored or {}).get(locale)
        if isinstance(old, Mapping) and only_texts(old) == dict(texts) and SOURCE in old:
            result[locale] = dict(old)
        else:
            result[locale] = {**texts, SOURCE: english_fingerprint(data)}
    return result


def store_translations(
    versions: Sequence[QuestionVersion], incoming: Sequence[Mapping[str, Mapping[str, Any]]]
) -> int:
    """Give each (latest) version the translations a package brought for it; returns how many
    versions changed. A version made by this import starts from its predecessor's translations,
    so an unchanged translation of a changed English question keeps its fingerprint."""
    previous = _previous_translations([v for v in versions if not v.translations and v.number > 1])
    changed = 0
    for version, texts in zip(versions, incoming, strict=True):
        stored = version.translations or previous.get(version.question_id) or {}
        value = merged(stored, texts, version.data)
        if value != (version.translations or {}):
            version.translations = value
            changed += 1
    return changed


def _previous_translations(versions: list[QuestionVersion]) -> dict[int, dict[str, Any]]:
    """The translations of the newest earlier version of each question that has some."""
    if not versions:
        return {}
    rows = db.session.execute(
        db.select(QuestionVersion.question_id, QuestionVersion.translations)
        .where(
            QuestionVersion.question_id.in_({v.question_id for v in versions}),
            QuestionVersion.id.not_in([v.id for v in versions if v.id is not None]),
        )
        .order_by(QuestionVersion.question_id, QuestionVersion.number.desc())
    ).all()
    found: dict[int, dict[str, Any]] = {}
    for question_id, translations in rows:
        if translations and question_id not in found:
            found[question_id] = translations
    return found


# -- reading for attempts ----------------------------------------------------------------------------------
def current_locale() -> str:
    """The viewer's language (Flask-Babel's: their profile's, else their browser's)."""
    from flask_babel import get_locale

    return str(get_locale() or "en")


def version_texts(
    version_ids: Iterable[int],
) -> tuple[dict[int, dict[str, Any]], dict[int, dict[str, Any]]]:
    """The question JSON and the translations of each version, by id, in one query."""
    ids = set(version_ids)
    data: dict[int, dict[str, Any]] = {}
    translations: dict[int, dict[str, Any]] = {}
    if ids:
        for vid, question, texts in db.session.execute(
            db.select(QuestionVersion.id, QuestionVersion.data, QuestionVersion.translations).where(
                QuestionVersion.id.in_(ids)
            )
        ):
            data[vid], translations[vid] = question, texts or {}
    return data, translations


def version_translations(version_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """The translations of each version, by id, in one query."""
    ids = set(version_ids)
    if not ids:
        return {}
    return {
        vid: t or {}
        for vid, t in db.session.execute(
            db.select(QuestionVersion.id, QuestionVersion.translations).where(
                QuestionVersion.id.in_(ids)
            )
        )
    }


def grading_data(
    attempt: Attempt, answers: Sequence[AttemptAnswer], data: Mapping[int, Mapping[str, Any]]
) -> dict[int, Mapping[str, Any]]:
    """The questions an attempt is graded on: the English ones, except that a short answer also
    accepts the answers of the attempt's language. Nothing else depends on the language (choices
    are stored by index, matching choices by their English text), so nothing else changes."""
    locale = attempt.locale
    short = {
        a.question_version_id
        for a in answers
        if data[a.question_version_id].get("type") == "shortanswer"
    }
    if not locale or locale == "en" or not short:
        return dict(data)
    translations = version_translations(short)
    result = dict(data)
    for version_id in short:
        entry = translations.get(version_id, {}).get(locale)
        if entry:
            result[version_id] = for_learner(data[version_id], entry)
    return result
