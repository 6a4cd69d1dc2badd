"""Questions as plain data: what the GIFT and Aiken readers produce, the exporter writes and the
question types grade, with the conversion to and from the JSON shape of `docs/quiz.md`.

A question's JSON object is the contract between the bank, the attempt pages and the grader
(`grading.py` works on these dicts, never on database rows).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

FORMATS = ("moodle", "html", "markdown", "plain")
"""Text formats a question may be written in, as GIFT names them in ``[format]`` markers."""

QUESTION_TYPE_KEYS = (
    "multichoice",
    "truefalse",
    "shortanswer",
    "numerical",
    "matching",
    "essay",
    "description",
)

_CATEGORY_CONTEXTS = ("$course$", "$system$", "$module$", "$cat$", "$coursecategory$")
MAX_CATEGORY_NAME = 255  # the sizes of the bank's category name and path columns
MAX_CATEGORY_PATH = 1000


@dataclass
class Answer:
    """A choice of a multiple-choice question or an accepted text of a short-answer question.

    ``fraction`` is the share of the question's mark it earns, from -1 to 1.
    """

    text: str
    fraction: float
    feedback: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "fraction": self.fraction, "feedback": self.feedback}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Answer:
        return cls(
            text=_string(data, "text"),
            fraction=_fraction(data.get("fraction")),
            feedback=_string(data, "feedback", default=""),
        )


@dataclass
class NumericalAnswer:
    """An accepted number: ``value`` ± ``tolerance``. ``value`` None stands for "any other
    number" (GIFT's ``~#feedback``), which lets a trainer give feedback to every wrong answer."""

    value: float | None
    tolerance: float = 0.0
    fraction: float = 1.0
    feedback: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "tolerance": self.tolerance,
            "fraction": self.fraction,
            "feedback": self.feedback,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> NumericalAnswer:
        value = data.get("value")
        return cls(
            value=None if value is None else _finite(value, "value"),
            tolerance=_tolerance(data.get("tolerance", 0.0)),
            fraction=_fraction(data.get("fraction")),
            feedback=_string(data, "feedback", default=""),
        )


@dataclass
class MatchingPair:
    """One line of a matching question. An empty ``question`` makes ``answer`` an extra,
    wrong choice (a distractor), as in Moodle."""

    question: str
    answer: str

    def to_json(self) -> dict[str, Any]:
        return {"question": self.question, "answer": self.answer}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> MatchingPair:
        return cls(question=_string(data, "question"), answer=_string(data, "answer"))


@dataclass(kw_only=True)
class Question:
    """What every question has. ``line`` is where it starts in the file it was read from; it is
    not part of a question's identity (two equal questions read from different lines are equal)
    and not part of its JSON."""

    type: ClassVar[str]

    name: str
    text: str
    format: str = "moodle"
    category: str | None = None
    general_feedback: str | None = None
    line: int = field(default=0, compare=False)

    def to_json(self) -> dict[str, Any]:
        """The question as the JSON object documented in `docs/quiz.md`."""
        data: dict[str, Any] = {
            "type": self.type,
            "name": self.name,
            "text": self.text,
            "format": self.format,
            "category": self.category,
            "general_feedback": self.general_feedback,
        }
        data.update(self._type_json())
        return data

    def _type_json(self) -> dict[str, Any]:
        return {}

    @staticmethod
    def from_dict(data: Mapping[str, Any]) -> Question:
        """Build the right question class from a JSON object; raises ValueError when the object
        does not have the documented shape."""
        if not isinstance(data, Mapping):
            raise ValueError("a question must be a JSON object")
        key = data.get("type")
        cls = QUESTION_CLASSES.get(key) if isinstance(key, str) else None
        if cls is None:
            raise ValueError(f"unknown question type {key!r}")
        fmt = data.get("format", "moodle")
        if fmt not in FORMATS:
            raise ValueError(f"unknown text format {fmt!r}")
        line = data.get("line", 0)
        common = {
            "name": _string(data, "name"),
            "text": _string(data, "text"),
            "format": fmt,
            "category": _optional_string(data, "category"),
            "general_feedback": _optional_string(data, "general_feedback"),
            "line": line if isinstance(line, int) else 0,
        }
        return cls._from_type_json(data, common)

    @classmethod
    def _from_type_json(cls, data: Mapping[str, Any], common: dict[str, Any]) -> Question:
        return cls(**common)


@dataclass(kw_only=True)
class MultipleChoiceQuestion(Question):
    type: ClassVar[str] = "multichoice"
    answers: list[Answer] = field(default_factory=list)

    @property
    def single(self) -> bool:
        """True when exactly one answer has full marks and no other answer has a weight: the
        learner then picks one answer; otherwise they tick several (issue 5's definition)."""
        return is_single_choice([answer.fraction for answer in self.answers])

    def _type_json(self) -> dict[str, Any]:
        return {"single": self.single, "answers": [a.to_json() for a in self.answers]}

    @classmethod
    def _from_type_json(cls, data: Mapping[str, Any], common: dict[str, Any]) -> Question:
        # "single" is derived from the answers, so a stored value cannot contradict them.
        return cls(**common, answers=[Answer.from_dict(a) for a in _list(data, "answers")])


@dataclass(kw_only=True)
class TrueFalseQuestion(Question):
    type: ClassVar[str] = "truefalse"
    correct: bool = True
    true_feedback: str = ""
    false_feedback: str = ""

    @property
    def answers(self) -> list[Answer]:
        """The two choices, true first, each with the feedback a learner sees on choosing it."""
        return [
            Answer("true", 1.0 if self.correct else 0.0, self.true_feedback),
            Answer("false", 0.0 if self.correct else 1.0, self.false_feedback),
        ]

    def _type_json(self) -> dict[str, Any]:
        return {"answers": [a.to_json() for a in self.answers]}

    @classmethod
    def _from_type_json(cls, data: Mapping[str, Any], common: dict[str, Any]) -> Question:
        answers = {a.text: a for a in (Answer.from_dict(a) for a in _list(data, "answers"))}
        if set(answers) != {"true", "false"} or len(_list(data, "answers")) != 2:
            raise ValueError('a true/false question has exactly the answers "true" and "false"')
        if {answers["true"].fraction, answers["false"].fraction} != {0.0, 1.0}:
            raise ValueError("a true/false question has one answer with fraction 1, one with 0")
        return cls(
            **common,
            correct=answers["true"].fraction == 1.0,
            true_feedback=answers["true"].feedback,
            false_feedback=answers["false"].feedback,
        )


@dataclass(kw_only=True)
class ShortAnswerQuestion(Question):
    type: ClassVar[str] = "shortanswer"
    answers: list[Answer] = field(default_factory=list)

    def _type_json(self) -> dict[str, Any]:
        return {"answers": [a.to_json() for a in self.answers]}

    @classmethod
    def _from_type_json(cls, data: Mapping[str, Any], common: dict[str, Any]) -> Question:
        return cls(**common, answers=[Answer.from_dict(a) for a in _list(data, "answers")])


@dataclass(kw_only=True)
class NumericalQuestion(Question):
    type: ClassVar[str] = "numerical"
    answers: list[NumericalAnswer] = field(default_factory=list)

    def _type_json(self) -> dict[str, Any]:
        return {"answers": [a.to_json() for a in self.answers]}

    @classmethod
    def _from_type_json(cls, data: Mapping[str, Any], common: dict[str, Any]) -> Question:
        answers = [NumericalAnswer.from_dict(a) for a in _list(data, "answers")]
        return cls(**common, answers=answers)


@dataclass(kw_only=True)
class MatchingQuestion(Question):
    type: ClassVar[str] = "matching"
    pairs: list[MatchingPair] = field(default_factory=list)

    def _type_json(self) -> dict[str, Any]:
        return {"pairs": [p.to_json() for p in self.pairs]}

    @classmethod
    def _from_type_json(cls, data: Mapping[str, Any], common: dict[str, Any]) -> Question:
        return cls(**common, pairs=[MatchingPair.from_dict(p) for p in _list(data, "pairs")])


@dataclass(kw_only=True)
class EssayQuestion(Question):
    type: ClassVar[str] = "essay"


@dataclass(kw_only=True)
class DescriptionQuestion(Question):
    type: ClassVar[str] = "description"


QUESTION_CLASSES: dict[str, type[Question]] = {
    cls.type: cls
    for cls in (
        MultipleChoiceQuestion,
        TrueFalseQuestion,
        ShortAnswerQuestion,
        NumericalQuestion,
        MatchingQuestion,
        EssayQuestion,
        DescriptionQuestion,
    )
}


def is_single_choice(fractions: list[float]) -> bool:
    """Exactly one fraction is 1 and every other is 0."""
    return fractions.count(1.0) == 1 and all(f in (0.0, 1.0) for f in fractions)


def questions_to_json(questions: list[Question]) -> dict[str, Any]:
    """``{"questions": [...]}``, the output of ``nttlearn quiz gift-to-json``."""
    return {"questions": [q.to_json() for q in questions]}


def category_path(category: str) -> list[str]:
    """The nested category names of a GIFT ``$CATEGORY:`` value, outermost first.

    Moodle writes paths like ``$course$/top/Networks/Funding``: the context (``$course$``…) and
    the ``top`` level are dropped, ``/`` separates levels and ``//`` is a literal slash.
    """
    parts = [p.replace("\x00", "/").strip() for p in category.replace("//", "\x00").split("/")]
    parts = [p for p in parts if p]
    if parts and parts[0] in _CATEGORY_CONTEXTS:
        parts = parts[1:]
        if parts and parts[0] == "top":
            parts = parts[1:]
    return parts


def category_fits(names: list[str]) -> bool:
    """Whether the bank can hold a category with these nested names: each name, and the path
    they make (a literal slash doubled), within the sizes of its columns."""
    path = "/".join(name.replace("/", "//") for name in names)
    return len(path) <= MAX_CATEGORY_PATH and all(len(name) <= MAX_CATEGORY_NAME for name in names)


def _string(data: Mapping[str, Any], key: str, default: str | None = None) -> str:
    value = data.get(key, default)
    if value is None and default is not None:
        return default
    if not isinstance(value, str):
        raise ValueError(f"{key!r} must be a string")
    return value


def _optional_string(data: Mapping[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is not None and not isinstance(value, str):
        raise ValueError(f"{key!r} must be a string or null")
    return value


def _list(data: Mapping[str, Any], key: str) -> list[Any]:
    value = data.get(key)
    if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
        raise ValueError(f"{key!r} must be a list of objects")
    return value


def _finite(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{what!r} must be a finite number")
    return float(value)


def _fraction(value: Any) -> float:
    fraction = _finite(value, "fraction")
    if not -1.0 <= fraction <= 1.0:
        raise ValueError("'fraction' must be between -1 and 1")
    return fraction


def _tolerance(value: Any) -> float:
    tolerance = _finite(value, "tolerance")
    if tolerance < 0:
        raise ValueError("'tolerance' must not be negative")
    return tolerance
