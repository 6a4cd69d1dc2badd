"""Translated GIFT files: ``quiz.<lang>.gift`` beside ``quiz.gift``, with the same questions
(paired by ``::name::``), of the same types, with the same answers in the same order and the same
marks, differing only in texts and feedback. `pair_questions` pairs a translation with the English
and reports each structural difference at its line, as ``path:line: message``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .gift import GiftError
from .languages import only_texts, overlay, texts_of
from .questions import Question

TYPE_NAMES = {
    "multichoice": "multiple choice",
    "truefalse": "true/false",
    "shortanswer": "short answer",
    "numerical": "numerical",
    "matching": "matching",
    "essay": "essay",
    "description": "description",
}


def pair_questions(
    english: Sequence[Question],
    translated: Sequence[Question],
    english_file: str,
    translated_file: str,
    last_line: int = 1,
) -> tuple[list[dict[str, Any] | None], list[GiftError]]:
    """Pair a translation's questions with the English ones by name (the n-th question of a name
    with the n-th of that name), in any order.

    Returns, for each English question in order, the translated texts (`languages.texts_of`), or
    None when the translation says nothing the English does not; and the problems, in the
    translated file's line order. Texts are only returned when there is no problem at all.
    """
    waiting: dict[str, list[int]] = {}
    for index, question in enumerate(english):
        waiting.setdefault(question.name, []).append(index)
    paired: list[Question | None] = [None] * len(english)
    errors: list[GiftError] = []
    for question in translated:
        queue = waiting.get(question.name)
        if not queue:
            errors.append(
                GiftError(
                    question.line,
                    f"question '{question.name}' is not in {english_file}",
                    translated_file,
                )
            )
            continue
        index = queue.pop(0)
        paired[index] = question
        where = f"{english_file}:{english[index].line}"
        errors += [
            GiftError(question.line, message, translated_file)
            for message in differences(english[index], question, where)
        ]
    for index, question in enumerate(english):
        if paired[index] is None:
            later = [q.line for q in paired[index + 1 :] if q is not None]
            errors.append(
                GiftError(
                    min(later) if later else max(last_line, 1),
                    f"question '{question.name}' of {english_file}:{question.line} is missing",
                    translated_file,
                )
            )
    errors.sort(key=lambda e: e.line)
    if errors:
        return [None] * len(english), errors
    return [_texts(source, match) for source, match in zip(english, paired, strict=True)], []


def _texts(english: Question, translated: Question | None) -> dict[str, Any] | None:
    if translated is None:
        return None
    texts = texts_of(translated.to_json())
    return None if texts == texts_of(english.to_json()) else texts


def _percent(fraction: float) -> str:
    return f"{fraction * 100:g}%"


def _number(answer: Any) -> str:
    if answer.value is None:
        return "any other number"
    tolerance = f" ± {answer.tolerance:g}" if answer.tolerance else ""
    return f"{answer.value:g}{tolerance} ({_percent(answer.fraction)})"


def differences(english: Question, translated: Question, where: str) -> list[str]:
    """What a translation changes beyond texts, each as a message naming the English at ``where``
    (``quiz.gift:12``); empty when it only translates."""
    name = english.name
    if english.type != translated.type:
        return [
            f"question '{name}' is {TYPE_NAMES.get(translated.type, translated.type)} here but "
            f"{TYPE_NAMES.get(english.type, english.type)} in {where}"
        ]
    problems = []
    if (english.category or "") != (translated.category or ""):
        problems.append(
            f"question '{name}' is in category '{translated.category or ''}' here but "
            f"'{english.category or ''}' in {where}"
        )
    if english.format != translated.format:
        problems.append(
            f"question '{name}' is written in '{translated.format}' here but '{english.format}' in {where}"
        )
    if english.type == "truefalse":
        if english.correct != translated.correct:
            problems.append(
                f"the right answer to '{name}' is {_true(translated.correct)} here but "
                f"{_true(english.correct)} in {where}"
            )
    elif english.type in ("multichoice", "shortanswer"):
        problems += _answer_differences(
            name,
            english.answers,
            translated.answers,
            where,
            lambda a: _percent(a.fraction),
            "worth",
        )
    elif english.type == "numerical":
        problems += _answer_differences(
            name, english.answers, translated.answers, where, _number, ""
        )
    elif english.type == "matching":
        problems += _pair_differences(name, english.pairs, translated.pairs, where)
    return problems


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _true(value: bool) -> str:
    return "TRUE" if value else "FALSE"


def _answer_differences(
    name: str,
    english: Sequence[Any],
    translated: Sequence[Any],
    where: str,
    describe: Any,
    verb: str,
) -> list[str]:
    if len(english) != len(translated):
        return [
            f"question '{name}' has {_count(len(translated), 'answer')} here but {len(english)} in {where}"
        ]
    for number, (ours, theirs) in enumerate(zip(english, translated, strict=True), start=1):
        if describe(ours) != describe(theirs):
            said = f"{verb} " if verb else ""
            return [
                f"answer {number} of '{name}' is {said}{describe(theirs)} here but {said}{describe(ours)} in {where}"
                " (answers keep the English order and marks)"
            ]
    return []


def _pair_differences(
    name: str, english: Sequence[Any], translated: Sequence[Any], where: str
) -> list[str]:
    if len(english) != len(translated):
        return [
            f"question '{name}' has {_count(len(translated), 'pair')} here but {len(english)} in {where}"
        ]

    def kind(pair: Any) -> str:
        return "a pair" if pair.question else "an extra choice (nothing before '->')"

    for number, (ours, theirs) in enumerate(zip(english, translated, strict=True), start=1):
        if bool(ours.question) != bool(theirs.question):
            return [f"pair {number} of '{name}' is {kind(theirs)} here but {kind(ours)} in {where}"]
    if _same_answers(english) != _same_answers(translated):
        return [
            f"the choices of '{name}' are not the same here as in {where}: pairs whose answers are "
            "equal in one must be equal in the other"
        ]
    return []


def _same_answers(pairs: Sequence[Any]) -> list[int]:
    """For each pair, the first pair with the same answer: the shape of the choices."""
    first: dict[str, int] = {}
    return [first.setdefault(pair.answer, n) for n, pair in enumerate(pairs)]


def texts_by_locale(
    per_locale: Mapping[str, Sequence[dict[str, Any] | None]], count: int
) -> list[dict[str, Any]]:
    """``{locale: [texts per question]}`` turned into ``[{locale: texts} per question]``."""
    result: list[dict[str, Any]] = [{} for _ in range(count)]
    for locale, texts in per_locale.items():
        for index, entry in enumerate(texts):
            if entry is not None:
                result[index][locale] = entry
    return result


def translated_questions(
    exported: Sequence[tuple[Question, Any]], locale: str
) -> list[Question] | None:
    """Exported questions (each with the version it was read from) in ``locale``, for its
    parallel file: English wherever a text has no translation, so that the file pairs with the
    English one. None when no question has a translation in ``locale``."""
    entries = [
        only_texts((version.translations or {}).get(locale)) for _question, version in exported
    ]
    if not any(entries):
        return None
    return [
        Question.from_dict(overlay(question.to_json(), entry))
        for (question, _version), entry in zip(exported, entries, strict=True)
    ]
