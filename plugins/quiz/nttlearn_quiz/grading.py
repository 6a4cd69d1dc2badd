"""Question types: how each kind of question checks, grades and shuffles a learner's response.

A question type works on the question's JSON object (``Question.to_json()``, see
`questions.py`) and a response, never on database rows, so the quiz, the preview and another
plugin's type (registered through ``nttlearn_quiz_question_types``) all grade the same way.

Responses, as stored in an attempt (JSON-friendly; ``None`` always means "not answered"):

==============  ============================================================================
multichoice     single: the index of the chosen answer; multiple: a list of indices
truefalse       ``True`` or ``False``
shortanswer     the text typed
numerical       the text typed (or a number), read by `numeric_input.parse_number`
matching        a list as long as ``pairs``: the chosen answer text for each pair, ``None``
                for pairs whose question is empty (extra choices) or left unanswered
essay           the text written
description     always ``None``
==============  ============================================================================

Indices always refer to the question's own order; `QuestionType.shuffle` gives the order to
show them in, which the attempt stores.
"""

from __future__ import annotations

import random
import re
import unicodedata
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from .numeric_input import NumberFormatError, parse_number

QuestionData = Mapping[str, Any]


@dataclass(frozen=True)
class Grade:
    """The outcome of grading one response. ``fraction`` is the share of the question's mark
    earned, from 0 to 1, or None when a person grades it (essay) or there is nothing to grade
    (description). ``feedback`` holds the feedback texts the response earned, in answer order;
    the question's general feedback is not among them (review settings show it separately)."""

    fraction: float | None
    feedback: list[str] = field(default_factory=list)


def clamp(fraction: float) -> float:
    """A fraction forced into 0..1 (negative weights never take marks from other questions)."""
    return min(1.0, max(0.0, fraction))


class QuestionType(ABC):
    """A kind of question. Subclass it, set the class attributes and implement `grade` to add a
    type; instances hold no state."""

    key: ClassVar[str]
    """The ``type`` of the questions this class handles, e.g. ``"multichoice"``."""
    label: ClassVar[LazyString]
    """The type's name for people, translated lazily."""
    auto_graded: ClassVar[bool] = True
    """False when a person grades the response (or nothing is graded)."""
    graded: ClassVar[bool] = True
    """False for questions that carry no marks at all (description)."""

    @abstractmethod
    def grade(self, question_data: QuestionData, response: Any) -> Grade:
        """Grade a response. Never raises for a malformed response: it earns 0."""

    def validate_response(self, question_data: QuestionData, response: Any) -> list[str]:
        """Messages for the learner explaining why ``response`` cannot be accepted; empty when
        it can. ``None`` (not answered) is always acceptable."""
        return []

    def shuffle(self, question_data: QuestionData, rng: random.Random) -> list[int] | None:
        """An order to show the choices in (a permutation of their indices), or None when the
        type has nothing to shuffle."""
        return None

    def correct_response(self, question_data: QuestionData) -> Any:
        """A response that earns full marks, for the review page; None when there is none."""
        return None


def _answers(question_data: QuestionData) -> list[Mapping[str, Any]]:
    return list(question_data.get("answers") or [])


def _feedback(*answers: Mapping[str, Any]) -> list[str]:
    return [a["feedback"] for a in answers if a.get("feedback")]


def _is_index(value: Any, count: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < count


def one_choice(question_data: QuestionData) -> bool:
    """How a multiple-choice question is answered, by Moodle's rule: with radio buttons (one
    choice) when some answer earns full marks, with check boxes (several) otherwise.

    This is deliberately not the JSON's ``single`` flag (issue 5's definition: one full-marks
    answer and no other weights): ``{=A ~%50%B ~C}`` is not ``single``, yet answered with check
    boxes, ticking everything would earn 150 %, capped to full marks. The attempt page and the
    grader both use this rule, so a response always has the shape the grader expects.
    """
    return any(a.get("fraction", 0) >= 1.0 for a in _answers(question_data))


class MultipleChoice(QuestionType):
    """One answer (see `one_choice`) or several; several answers earn the sum of their
    fractions, so negative weights take back what wrong ticks earned."""

    key = "multichoice"
    label = _l("Multiple choice")

    def validate_response(self, question_data: QuestionData, response: Any) -> list[str]:
        if response is None:
            return []
        count = len(_answers(question_data))
        if one_choice(question_data):
            if not _is_index(response, count):
                return [_("Please choose one of the answers.")]
            return []
        if (
            not isinstance(response, list | tuple)
            or not all(_is_index(i, count) for i in response)
            or len(set(response)) != len(response)
        ):
            return [_("Please tick answers from the list.")]
        return []

    def grade(self, question_data: QuestionData, response: Any) -> Grade:
        if response is None or self.validate_response(question_data, response):
            return Grade(0.0)
        answers = _answers(question_data)
        chosen = [response] if one_choice(question_data) else sorted(response)
        picked = [answers[i] for i in chosen]
        return Grade(clamp(sum(a["fraction"] for a in picked)), _feedback(*picked))

    def shuffle(self, question_data: QuestionData, rng: random.Random) -> list[int] | None:
        order = list(range(len(_answers(question_data))))
        rng.shuffle(order)
        return order

    def correct_response(self, question_data: QuestionData) -> Any:
        answers = _answers(question_data)
        if one_choice(question_data):
            return max(range(len(answers)), key=lambda i: answers[i]["fraction"])
        return [i for i, a in enumerate(answers) if a["fraction"] > 0]


class TrueFalse(QuestionType):
    key = "truefalse"
    label = _l("True/False")

    def validate_response(self, question_data: QuestionData, response: Any) -> list[str]:
        if response is None or isinstance(response, bool):
            return []
        return [_("Please choose true or false.")]

    def grade(self, question_data: QuestionData, response: Any) -> Grade:
        if not isinstance(response, bool):
            return Grade(0.0)
        answer = self._answer(question_data, response)
        return Grade(clamp(answer["fraction"]), _feedback(answer))

    def correct_response(self, question_data: QuestionData) -> Any:
        return self._answer(question_data, True)["fraction"] > 0

    @staticmethod
    def _answer(question_data: QuestionData, value: bool) -> Mapping[str, Any]:
        wanted = "true" if value else "false"
        return next(a for a in _answers(question_data) if a["text"] == wanted)


def _normalized(text: str, case_sensitive: bool) -> str:
    text = " ".join(unicodedata.normalize("NFC", text).split())
    return text if case_sensitive else text.casefold()


def _wildcard_pattern(answer: str) -> re.Pattern[str]:
    """``*`` matches any run of characters; ``\\*`` is a literal star (as in Moodle)."""
    parts = re.split(r"(\\\*|\*)", answer)
    regex = "".join(
        ".*" if part == "*" else re.escape("*") if part == "\\*" else re.escape(part)
        for part in parts
    )
    return re.compile(regex, re.DOTALL)


class ShortAnswer(QuestionType):
    """The best of the accepted answers the response matches. Matching ignores case (unless the
    question data says ``"case_sensitive": true``), surrounding white space and repeated inner
    spaces."""

    key = "shortanswer"
    label = _l("Short answer")

    def validate_response(self, question_data: QuestionData, response: Any) -> list[str]:
        if response is None or isinstance(response, str):
            return []
        return [_("Please type your answer.")]

    def grade(self, question_data: QuestionData, response: Any) -> Grade:
        if not isinstance(response, str):
            return Grade(0.0)
        case_sensitive = bool(question_data.get("case_sensitive", False))
        typed = _normalized(response, case_sensitive)
        best: Mapping[str, Any] | None = None
        for answer in _answers(question_data):
            pattern = _wildcard_pattern(_normalized(answer["text"], case_sensitive))
            if pattern.fullmatch(typed) and (best is None or answer["fraction"] > best["fraction"]):
                best = answer
        if best is None:
            return Grade(0.0)
        return Grade(clamp(best["fraction"]), _feedback(best))

    def correct_response(self, question_data: QuestionData) -> Any:
        answers = _answers(question_data)
        return max(answers, key=lambda a: a["fraction"])["text"] if answers else None


class Numerical(QuestionType):
    """The best answer whose value ± tolerance contains the number read from the response; an
    answer without a value ("any other number") matches every number."""

    key = "numerical"
    label = _l("Numerical")

    def validate_response(self, question_data: QuestionData, response: Any) -> list[str]:
        if response is None or _number_or_none(response) is not None:
            return []
        if isinstance(response, str):
            try:
                parse_number(response)
            except NumberFormatError as error:
                return [str(error)]
        return [_("Please enter a number.")]

    def grade(self, question_data: QuestionData, response: Any) -> Grade:
        number = _number_or_none(response)
        if number is None:
            return Grade(0.0)
        best: Mapping[str, Any] | None = None
        for answer in _answers(question_data):
            if not _within(number, answer):
                continue
            # On equal marks a specific answer's feedback beats the catch-all's.
            if (
                best is None
                or answer["fraction"] > best["fraction"]
                or (
                    answer["fraction"] == best["fraction"]
                    and best["value"] is None
                    and answer["value"] is not None
                )
            ):
                best = answer
        if best is None:
            return Grade(0.0)
        return Grade(clamp(best["fraction"]), _feedback(best))

    def correct_response(self, question_data: QuestionData) -> Any:
        answers = [a for a in _answers(question_data) if a["value"] is not None]
        return max(answers, key=lambda a: a["fraction"])["value"] if answers else None


def _number_or_none(response: Any) -> float | None:
    if isinstance(response, bool):
        return None
    if isinstance(response, int | float):
        return float(response)
    if isinstance(response, str):
        try:
            return parse_number(response)
        except NumberFormatError:
            return None
    return None


def _within(number: float, answer: Mapping[str, Any]) -> bool:
    if answer["value"] is None:
        return True
    value, tolerance = float(answer["value"]), abs(float(answer.get("tolerance") or 0.0))
    # A relative hair of slack, so that 1.2 ± 0.1 accepts 1.3 despite binary rounding.
    return abs(number - value) <= tolerance + 1e-9 * (abs(value) + tolerance)


class Matching(QuestionType):
    """Each pair with a question is one item; the fraction is the share of items matched right.
    Pairs with an empty question only add a wrong choice."""

    key = "matching"
    label = _l("Matching")

    @staticmethod
    def choices(question_data: QuestionData) -> list[str]:
        """The answers to choose from, each once, in the order of the pairs."""
        return list(dict.fromkeys(p["answer"] for p in question_data.get("pairs") or []))

    def validate_response(self, question_data: QuestionData, response: Any) -> list[str]:
        if response is None:
            return []
        pairs = question_data.get("pairs") or []
        choices = set(self.choices(question_data))
        if (
            not isinstance(response, list | tuple)
            or len(response) != len(pairs)
            or any(
                chosen is not None and (chosen not in choices or not pair["question"])
                for pair, chosen in zip(pairs, response, strict=True)
            )
        ):
            return [_("Please choose an answer from the list for each item.")]
        return []

    def grade(self, question_data: QuestionData, response: Any) -> Grade:
        items = [p for p in question_data.get("pairs") or [] if p["question"]]
        if response is None or self.validate_response(question_data, response) or not items:
            return Grade(0.0)
        pairs = question_data["pairs"]
        right = sum(
            1
            for pair, chosen in zip(pairs, response, strict=True)
            if pair["question"] and chosen == pair["answer"]
        )
        return Grade(right / len(items))

    def shuffle(self, question_data: QuestionData, rng: random.Random) -> list[int] | None:
        """An order for `choices` (the stems keep the author's order)."""
        order = list(range(len(self.choices(question_data))))
        rng.shuffle(order)
        return order

    def correct_response(self, question_data: QuestionData) -> Any:
        return [p["answer"] if p["question"] else None for p in question_data.get("pairs") or []]


class Essay(QuestionType):
    """Graded by a person: `grade` only records that the response waits for a mark."""

    key = "essay"
    label = _l("Essay")
    auto_graded = False

    def validate_response(self, question_data: QuestionData, response: Any) -> list[str]:
        if response is None or isinstance(response, str):
            return []
        return [_("Please write your answer as text.")]

    def grade(self, question_data: QuestionData, response: Any) -> Grade:
        return Grade(None)


class Description(QuestionType):
    """Text between questions; no answer, no marks."""

    key = "description"
    label = _l("Description")
    auto_graded = False
    graded = False

    def validate_response(self, question_data: QuestionData, response: Any) -> list[str]:
        return [] if response is None else [_("This item takes no answer.")]

    def grade(self, question_data: QuestionData, response: Any) -> Grade:
        return Grade(None)


BUILTIN_TYPES: dict[str, type[QuestionType]] = {
    cls.key: cls
    for cls in (MultipleChoice, TrueFalse, ShortAnswer, Numerical, Matching, Essay, Description)
}


def grade_response(
    question_data: QuestionData,
    response: Any,
    types: Mapping[str, type[QuestionType]] = BUILTIN_TYPES,
) -> Grade:
    """Grade with the type named by ``question_data["type"]``; KeyError for an unknown type."""
    return types[question_data["type"]]().grade(question_data, response)
