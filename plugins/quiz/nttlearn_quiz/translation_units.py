"""A quiz's questions in the core's PO round trip (``nttlearn courses translations-export``).

Each text of each fixed question of the quiz (the questions `activity.translation_states`
counts; questions drawn at random from a category change from attempt to attempt) is one
:class:`TranslationUnit`, with an id made of the question's name and the text's place::

    question:<name>:text                    question:<name>:general_feedback
    question:<name>:answer:<n>:text         question:<name>:answer:<n>:feedback
    question:<name>:pair:<n>:question       question:<name>:pair:<n>:answer

(``n`` counting from 1, in the order of the English question). A translation is stored in the
question's latest version, as the browser's translation editor stores it: no new version, so
attempts and grades stay. A question keeps one fingerprint for all its texts
(`languages.english_fingerprint`), so every text of a question whose English changed is
outdated; a text translated from an English other than the question's now stamps the question
with the fingerprint of the English the translator saw, so it shows as outdated too.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from nttlearn.api import (
    Activity,
    TranslationProblem,
    TranslationUnit,
    TranslationUpdate,
    db,
    fingerprint,
)

from .bank import current_versions
from .languages import OUTDATED, SOURCE, english_fingerprint, only_texts, state, texts_of
from .models import Question, QuestionVersion, Quiz, Slot
from .translation_editor import MAX_SHORT, MAX_TEXT, _choice_problems, lock_version


@dataclass(frozen=True)
class _Text:
    """One text of a question: its unit id, where it sits in `texts_of`, and what it is."""

    id: str
    path: tuple[Any, ...]  # ("text",), ("answers", 1, "feedback"), ("pairs", 0, "answer")…
    english: str
    context: str
    limit: int


def _question_texts(prefix: str, data: Mapping[str, Any], number: int) -> list[_Text]:
    english = texts_of(data)
    where = f"Quiz question {number}"
    found = [
        _Text(f"{prefix}:text", ("text",), english["text"], f"{where}: the question.", MAX_TEXT)
    ]
    if english.get("general_feedback"):
        found.append(
            _Text(
                f"{prefix}:general_feedback",
                ("general_feedback",),
                english["general_feedback"],
                f"{where}: general feedback, shown to every learner after the attempt.",
                MAX_TEXT,
            )
        )
    for n, answer in enumerate(english.get("answers", []), start=1):
        if answer.get("text"):
            found.append(
                _Text(
                    f"{prefix}:answer:{n}:text",
                    ("answers", n - 1, "text"),
                    answer["text"],
                    f"{where}: answer {n}.",
                    MAX_SHORT,
                )
            )
        if answer.get("feedback"):
            found.append(
                _Text(
                    f"{prefix}:answer:{n}:feedback",
                    ("answers", n - 1, "feedback"),
                    answer["feedback"],
                    f"{where}: feedback on answer {n}.",
                    MAX_SHORT,
                )
            )
    for n, pair in enumerate(english.get("pairs", []), start=1):
        if pair.get("question"):
            found.append(
                _Text(
                    f"{prefix}:pair:{n}:question",
                    ("pairs", n - 1, "question"),
                    pair["question"],
                    f"{where}: item {n} to match.",
                    MAX_SHORT,
                )
            )
        found.append(
            _Text(
                f"{prefix}:pair:{n}:answer",
                ("pairs", n - 1, "answer"),
                pair["answer"],
                f"{where}: the choice that matches item {n}"
                if pair.get("question")
                else f"{where}: extra wrong choice {n}.",
                MAX_SHORT,
            )
        )
    return [text for text in found if text.english.strip()]


def _get(texts: Mapping[str, Any], path: tuple[Any, ...]) -> str:
    value: Any = texts
    for step in path:
        if isinstance(step, int):
            value = value[step] if isinstance(value, list) and step < len(value) else {}
        else:
            value = value.get(step, "") if isinstance(value, Mapping) else ""
    return value if isinstance(value, str) else ""


def _put(texts: dict[str, Any], path: tuple[Any, ...], value: str) -> None:
    target: Any = texts
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value


def _questions(activity: Activity) -> list[tuple[QuestionVersion, list[_Text]]]:
    """The quiz's fixed questions (latest versions) in slot order, each with its texts. A
    question's name makes its ids; a name used twice in the quiz gets its position as well."""
    rows = db.session.execute(
        db.select(Slot.position, Question.id, Question.name)
        .join(Question, Question.id == Slot.question_id)
        .where(Slot.activity_id == activity.id)
        .order_by(Slot.position)
    ).all()
    versions = current_versions({question_id for _, question_id, _ in rows})
    names = [name for _, _, name in rows]
    found = []
    for number, (position, question_id, name) in enumerate(rows, start=1):
        version = versions.get(question_id)
        if version is None:
            continue
        key = name if name and names.count(name) == 1 else f"{name}#{position}"
        found.append((version, _question_texts(f"question:{key}", version.data, number)))
    return found


def translation_units(activity: Activity, locale: str) -> list[TranslationUnit]:
    """Every text of the quiz's fixed questions, with its translation into ``locale``."""
    file = (
        db.session.execute(db.select(Quiz.source_file).filter_by(activity_id=activity.id)).scalar()
        or "quiz.gift"
    )
    units = []
    for version, texts in _questions(activity):
        entry = (version.translations or {}).get(locale)
        theirs = only_texts(entry)
        outdated = state(entry, version.data) == OUTDATED
        units += [
            TranslationUnit(
                text.id, text.english, _get(theirs, text.path), outdated, text.context, file
            )
            for text in texts
        ]
    return units


def _empty_like(english: Mapping[str, Any]) -> dict[str, Any]:
    """A translation with every text empty, in the shape of `texts_of` (empty: "show the English")."""

    def blank(value: Any) -> Any:
        if isinstance(value, str):
            return ""
        if isinstance(value, Mapping):
            return {k: blank(v) for k, v in value.items()}
        return [blank(v) for v in value]

    return blank(english)


def apply_translations(
    activity: Activity, locale: str, updates: Mapping[str, TranslationUpdate], write: bool = True
) -> list[TranslationProblem]:
    """Store ``updates`` (by unit id) in the questions' latest versions, as the translation
    editor does; the problems, and nothing written, when a text is too long, a unit is not one of
    the quiz's, or a matching question's choices would no longer tell apart."""
    if write:  # lock the versions first, then work from what they hold now
        for version, texts in _questions(activity):
            if any(text.id in updates for text in texts):
                lock_version(version.id)
    problems: list[TranslationProblem] = []
    planned: list[tuple[QuestionVersion, dict[str, Any], str]] = []
    seen: set[str] = set()
    for version, texts in _questions(activity):
        mine = [text for text in texts if text.id in updates]
        if not mine:
            continue
        seen.update(text.id for text in mine)
        entry = (version.translations or {}).get(locale)
        english = texts_of(version.data)
        merged = {**_empty_like(english), **copy.deepcopy(only_texts(entry))}
        blank = _empty_like(english)
        for key in ("answers", "pairs"):  # every item in the English's shape (and count)
            if key in english:
                old = list(merged.get(key) or [])
                merged[key] = [
                    {**item, **(old[i] if i < len(old) and isinstance(old[i], Mapping) else {})}
                    for i, item in enumerate(blank[key])
                ]
        seen_english = copy.deepcopy(english)  # the English the translator saw
        too_long = False
        for text in mine:
            update = updates[text.id]
            if len(update.text) > text.limit:
                problems.append(
                    TranslationProblem(text.id, f"the text is longer than {text.limit} characters")
                )
                too_long = True
                continue
            _put(merged, text.path, update.text)
            _put(seen_english, text.path, update.source.strip())
        if too_long:
            continue
        if "pairs" in english:
            for field, message in _choice_problems(version.data, merged).items():
                n = int(field.split("-")[1]) + 1
                problems.append(
                    TranslationProblem(
                        next((t.id for t in mine if t.path[:2] == ("pairs", n - 1)), mine[0].id),
                        f"{message} (item {n})",
                    )
                )
        stamp = _stamp(version, entry, texts, mine, updates, seen_english, english)
        planned.append((version, merged, stamp))
    problems += [
        TranslationProblem(unit_id, f"unknown text id '{unit_id}' of this quiz")
        for unit_id in updates
        if unit_id not in seen
    ]
    if problems or not write:
        return problems
    for version, merged, stamp in planned:
        translations = dict(version.translations or {})
        translations[locale] = {**merged, SOURCE: stamp}
        version.translations = (
            translations  # a new dict: the ORM writes it; no new question version
        )
    return problems


def _stamp(
    version: QuestionVersion,
    entry: Mapping[str, Any] | None,
    texts: list[_Text],
    mine: list[_Text],
    updates: Mapping[str, TranslationUpdate],
    seen_english: dict[str, Any],
    english: dict[str, Any],
) -> str:
    """The ``_source`` of the question's translation after the import. Made from the English the
    translator saw; when that is the English now, the question's translation is up to date only
    if it was, or if every translated text of it came in the file (an outdated question's texts
    each reviewed); else it keeps its old stamp (still outdated)."""
    now = english_fingerprint(version.data)
    if any(updates[t.id].source.strip() != t.english.strip() for t in mine):
        return fingerprint(json.dumps(seen_english, sort_keys=True, ensure_ascii=False))
    old = (entry or {}).get(SOURCE)
    if old is None or old == now:
        return now
    reviewed = {t.id for t in mine}
    theirs = only_texts(entry)
    if all(t.id in reviewed or not _get(theirs, t.path).strip() for t in texts):
        return now
    return old
