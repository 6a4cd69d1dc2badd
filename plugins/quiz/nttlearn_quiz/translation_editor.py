"""The question translation editor: each text of a question (`languages.texts_of`) as a row with
the English beside its translation's field, the posted form back into a translation, and saving
it without overwriting a translation someone else saved meanwhile.

Only texts are edited here: answers, marks and their order are the English question's, so a
translation can never change how a question is graded.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from nttlearn.api import LANGUAGE_NAMES, db

from .languages import (
    LANGUAGES,
    MISSING,
    OUTDATED,
    SOURCE,
    english_fingerprint,
    only_texts,
    overlay,
    state,
    texts_of,
)
from .models import QuestionVersion

MAX_TEXT, MAX_SHORT = 20_000, 5_000


@dataclass(frozen=True)
class TextRow:
    """One text: its form field, what it is, the English, and the translation (empty: none)."""

    field: str
    label: str
    english: str
    value: str
    long: bool = False


@dataclass(frozen=True)
class LanguageState:
    locale: str
    name: str
    state: str

    @property
    def label(self) -> str:
        return {MISSING: _("Not translated"), OUTDATED: _("Outdated")}.get(
            self.state, _("Up to date")
        )


def language_states(version: QuestionVersion) -> list[LanguageState]:
    """The state of the version's translation into each language, for the bank's pages."""
    return [
        LanguageState(
            locale,
            LANGUAGE_NAMES.get(locale, locale),
            state((version.translations or {}).get(locale), version.data),
        )
        for locale in LANGUAGES
    ]


class TranslationConflict(Exception):
    """Someone saved the translation after the editor was opened; ``stored`` is what they saved."""

    def __init__(self, stored: Mapping[str, Any] | None) -> None:
        super().__init__("translation changed meanwhile")
        self.stored = only_texts(stored)


def entry_digest(entry: Mapping[str, Any] | None) -> str:
    """What a translation says, as a short token (``new`` when there is none): the editor posts
    the token of the translation it showed, and a save based on another one is a conflict."""
    texts = only_texts(entry)
    if not texts:
        return "new"
    return hashlib.sha256(
        json.dumps(texts, sort_keys=True, ensure_ascii=False).encode("utf-8")
    ).hexdigest()[:16]


def _item(items: Any, index: int) -> Mapping[str, Any]:
    return (
        items[index]
        if isinstance(items, list) and index < len(items) and isinstance(items[index], Mapping)
        else {}
    )


def text_rows(data: Mapping[str, Any], entry: Mapping[str, Any] | None) -> list[TextRow]:
    """The rows of the editor, in the order of the question (only texts the English has)."""
    english, theirs = texts_of(data), only_texts(entry)
    rows = [TextRow("text", _("Question text"), english["text"], theirs.get("text", ""), long=True)]
    if "general_feedback" in english:
        rows.append(
            TextRow(
                "general_feedback",
                _("General feedback (shown to every learner after the attempt)"),
                english["general_feedback"],
                theirs.get("general_feedback", ""),
                long=True,
            )
        )
    kind = data.get("type")
    answer_label, feedback_label = _("Answer"), _("Feedback")
    item_label, matches_label, extra_label = _("Item"), _("Matches"), _("Extra wrong choice")
    for n, answer in enumerate(english.get("answers", [])):
        mine = _item(theirs.get("answers"), n)
        if "text" in answer:
            rows.append(
                TextRow(
                    f"answers-{n}-text",
                    f"{n + 1}. {answer_label}",
                    answer["text"],
                    mine.get("text", ""),
                )
            )
        if answer["feedback"]:
            if kind == "truefalse":
                label = (
                    _("Feedback for the answer 'True'")
                    if n == 0
                    else _("Feedback for the answer 'False'")
                )
            elif kind == "numerical" and (data.get("answers") or [])[n].get("value") is None:
                label = _("Feedback for any other number")
            else:
                label = f"{n + 1}. {feedback_label}"
            rows.append(
                TextRow(
                    f"answers-{n}-feedback", label, answer["feedback"], mine.get("feedback", "")
                )
            )
    for n, pair in enumerate(english.get("pairs", [])):
        mine = _item(theirs.get("pairs"), n)
        if pair["question"]:
            rows.append(
                TextRow(
                    f"pairs-{n}-question",
                    f"{n + 1}. {item_label}",
                    pair["question"],
                    mine.get("question", ""),
                )
            )
            rows.append(
                TextRow(
                    f"pairs-{n}-answer",
                    f"{n + 1}. {matches_label}",
                    pair["answer"],
                    mine.get("answer", ""),
                )
            )
        else:
            rows.append(
                TextRow(
                    f"pairs-{n}-answer",
                    f"{n + 1}. {extra_label}",
                    pair["answer"],
                    mine.get("answer", ""),
                )
            )
    return rows


def posted_texts(
    data: Mapping[str, Any], form: Mapping[str, str]
) -> tuple[dict[str, Any], dict[str, str]]:
    """The translation the posted form describes (`texts_of` shape; an empty text means "show
    the English"), and a problem per field that cannot be saved."""
    english = texts_of(data)
    problems: dict[str, str] = {}

    def read(name: str, limit: int) -> str:
        value = (form.get(name) or "").replace("\r\n", "\n").strip()
        if len(value) > limit:
            problems[name] = _("This text is longer than %(n)s characters.", n=limit)
        return value

    texts: dict[str, Any] = {"text": read("text", MAX_TEXT)}
    if "general_feedback" in english:
        texts["general_feedback"] = read("general_feedback", MAX_TEXT)
    if "answers" in english:
        texts["answers"] = []
        for n, answer in enumerate(english["answers"]):
            item = {
                "feedback": read(f"answers-{n}-feedback", MAX_SHORT) if answer["feedback"] else ""
            }
            if "text" in answer:
                item = {"text": read(f"answers-{n}-text", MAX_SHORT), **item}
            texts["answers"].append(item)
    if "pairs" in english:
        texts["pairs"] = [
            {
                "question": read(f"pairs-{n}-question", MAX_SHORT) if pair["question"] else "",
                "answer": read(f"pairs-{n}-answer", MAX_SHORT),
            }
            for n, pair in enumerate(english["pairs"])
        ]
        if not problems:
            problems.update(_choice_problems(data, texts))
    return texts, problems


def _choice_problems(data: Mapping[str, Any], texts: Mapping[str, Any]) -> dict[str, str]:
    """A matching question's choices keep their places: answers equal in English are equal in the
    translation, different ones different (each text read as shown, English where empty)."""
    shown = overlay(data, texts)
    first: dict[str, int] = {}
    seen: dict[str, int] = {}
    for n, (english, translated) in enumerate(
        zip(data.get("pairs") or [], shown["pairs"], strict=True)
    ):
        origin = first.setdefault(english["answer"], n)
        other = seen.setdefault(translated["answer"], origin)
        if other != origin or shown["pairs"][origin]["answer"] != translated["answer"]:
            return {
                f"pairs-{n}-answer": _(
                    "Choices that are the same in English must be the same in the translation, "
                    "and different ones different."
                )
            }
    return {}


def lock_version(version_id: int) -> QuestionVersion | None:
    """The version, holding its row lock until the transaction ends (on SQLite the first write
    of a transaction takes the database's write lock, so write first)."""
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(
            db.update(QuestionVersion)
            .where(QuestionVersion.id == version_id)
            .values(number=QuestionVersion.number)
        )
    return db.session.execute(
        db.select(QuestionVersion)
        .where(QuestionVersion.id == version_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar()


def save_translation(
    version_id: int, locale: str, texts: Mapping[str, Any], opened: str, source: str
) -> str:
    """Store the translation of a version into ``locale``, made from the English whose
    fingerprint is ``source``, over the translation whose token was ``opened``.

    Returns ``saved``, ``outdated`` (the English changed while it was being translated: saved,
    but shown as outdated) or ``removed`` (every text empty). Raises TranslationConflict when
    the stored translation is no longer the one the editor showed.
    """
    version = lock_version(version_id)
    if version is None:
        raise LookupError(version_id)
    stored = (version.translations or {}).get(locale)
    if entry_digest(stored) != opened:
        raise TranslationConflict(stored)
    translations = dict(version.translations or {})
    if not any(_has_text(texts)):
        translations.pop(locale, None)
        version.translations = translations
        return "removed"
    translations[locale] = {**texts, SOURCE: source}
    version.translations = translations
    return "saved" if source == english_fingerprint(version.data) else "outdated"


def _has_text(value: Any):
    if isinstance(value, str):
        yield bool(value.strip())
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _has_text(item)
    elif isinstance(value, list):
        for item in value:
            yield from _has_text(item)
