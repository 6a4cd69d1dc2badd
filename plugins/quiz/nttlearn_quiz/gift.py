"""Read and write GIFT, the plain-text question format of Moodle, as Moodle's importer reads it.

`parse_gift` turns a file's text into `questions.py` objects and a list of line-numbered errors
(one per bad question; reading goes on with the next question). `export_gift` writes questions
back so that reading the result gives the same questions. Nothing in a file is ever evaluated.

Where this reader is stricter or kinder than Moodle's, a Moodle file still imports unchanged
unless Moodle itself would import something broken: a second answer block, a '}' before '{', a
'{' inside an answer block, an empty answer, weights beyond ±100 %, reversed numerical ranges and
negative tolerances are reported as errors instead; ``$CATEGORY:`` only takes its own line (the
rest of its paragraph is read as a question); ``=%50%`` weights are read after ``=`` in multiple
choice too; comment lines inside a question leave no blank line in its text.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _

from .questions import (
    FORMATS,
    Answer,
    DescriptionQuestion,
    EssayQuestion,
    MatchingPair,
    MatchingQuestion,
    MultipleChoiceQuestion,
    NumericalAnswer,
    NumericalQuestion,
    Question,
    ShortAnswerQuestion,
    TrueFalseQuestion,
    category_fits,
    category_path,
)

BLANK = "_____"
"""What stands for the answer block in a missing-word question's text."""

# PHP's trim(), which Moodle applies everywhere; Python's strip() would also eat e.g. NBSP.
_WS = " \t\n\r\x00\x0b"

# Escaped control characters are swapped for Unicode noncharacters (reserved for exactly this
# kind of internal use) before the text is cut up, and swapped back in each finished piece.
_ESCAPED = {
    ":": "\ufdd0",
    "#": "\ufdd1",
    "=": "\ufdd2",
    "~": "\ufdd3",
    "{": "\ufdd4",
    "}": "\ufdd5",
    "n": "\ufdd6",
}
_UNESCAPE = str.maketrans({v: ("\n" if k == "n" else k) for k, v in _ESCAPED.items()})
_ESCAPE_RE = re.compile(r"\\([\\:#=~{}n])")
_NONCHARACTERS_RE = re.compile("[\ufdd0-\ufdef]")
_WEIGHT_RE = re.compile(r"%(-?\d+(?:\.\d*)?)%")
_NUMBER_RE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_TAG_RE = re.compile(r"<[A-Za-z/!][^>]*>")
_TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}
_DEFAULT_NAME_LENGTH = 80


@dataclass(frozen=True)
class GiftError:
    """A problem with one question of a file, shown as ``source:line: message``."""

    line: int
    message: str
    source: str = "<string>"

    def __str__(self) -> str:
        return f"{self.source}:{self.line}: {self.message}"


@dataclass
class GiftResult:
    """The questions read from a file, in file order, and an error for each question that could
    not be read. Aiken files give the same result."""

    questions: list[Question] = field(default_factory=list)
    errors: list[GiftError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_json(self) -> dict[str, Any]:
        """``{"questions": [...], "errors": [{"line", "message"}]}``: gift-to-json ``--json``."""
        return {
            "questions": [q.to_json() for q in self.questions],
            "errors": [{"line": e.line, "message": e.message} for e in self.errors],
        }


def too_many_questions(line: int, most: int, source: str) -> GiftError:
    """The error of a file with more than ``most`` questions, at the first question too many."""
    return GiftError(
        line,
        _(
            "The file has more than %(most)d questions, the most one import takes: split it into "
            "several files (the limit is the quiz setting NTTLEARN_QUIZ_GIFT_MAX_QUESTIONS).",
            most=most,
        ),
        source,
    )


class TooManyQuestions(Exception):
    """Raised by a reader at the first question beyond its limit (caught by the reader itself)."""

    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


class _QuestionError(Exception):
    def __init__(self, offset: int, message: str) -> None:
        super().__init__(message)
        self.offset = offset
        self.message = message


def parse_gift(text: str, source: str = "<string>", max_questions: int | None = None) -> GiftResult:
    """Read every question of a GIFT file.

    ``text`` may start with a BOM and use Windows or old Mac line endings. Questions are
    separated by blank lines; ``source`` names the file in error messages. A file with more than
    ``max_questions`` questions is not read further: the result is that one error, no questions.
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # A noncharacter in the file would be mistaken for an escape placeholder.
    text = _NONCHARACTERS_RE.sub("\ufffd", text)
    text = _ESCAPE_RE.sub(lambda m: "\\" if m[1] == "\\" else _ESCAPED[m[1]], text)

    result = GiftResult()
    category: str | None = None
    paragraph: list[tuple[int, str]] = []

    def read_paragraph() -> None:
        nonlocal category
        if paragraph and paragraph[0][1].startswith("$CATEGORY:"):
            category = _resolve(paragraph[0][1][len("$CATEGORY:") :]) or None
            if category is not None and not category_fits(category_path(category)):
                result.errors.append(
                    GiftError(paragraph[0][0], _("The category name is too long."), source)
                )
            del paragraph[0]
        if not paragraph:
            return
        if (
            max_questions is not None
            and len(result.questions) + len(result.errors) >= max_questions
        ):
            raise TooManyQuestions(paragraph[0][0])
        try:
            question = _read_question(paragraph)
        except _QuestionError as error:
            line = _line_at(paragraph, error.offset)
            result.errors.append(GiftError(line, error.message, source))
        else:
            question.category = category
            question.line = paragraph[0][0]
            result.questions.append(question)
        paragraph.clear()

    try:
        for number, raw in enumerate(text.split("\n"), start=1):
            line = raw.strip(_WS)
            if not line:
                read_paragraph()
            elif not line.startswith("//"):
                paragraph.append((number, line))
        read_paragraph()
    except TooManyQuestions as over:
        return GiftResult(errors=[too_many_questions(over.line, max_questions or 0, source)])
    return result


def _resolve(piece: str) -> str:
    """A finished piece of text: escapes resolved, surrounding white space removed."""
    return piece.translate(_UNESCAPE).strip(_WS)


def _line_at(paragraph: list[tuple[int, str]], offset: int) -> int:
    """The file line of a character offset into the paragraph's lines joined by newlines."""
    for number, line in paragraph:
        if offset <= len(line):
            return number
        offset -= len(line) + 1
    return paragraph[-1][0]


def _split_format(piece: str, default: str) -> tuple[str, str]:
    """Take a leading ``[html]``-style marker off a piece: (format, text without it)."""
    piece = piece.strip(_WS)
    if piece.startswith("["):
        end = piece.find("]")
        if end > 0 and piece[1:end] in FORMATS:
            return piece[1:end], _resolve(piece[end + 1 :])
    return default, _resolve(piece)


def _default_name(text: str) -> str:
    """Moodle's name for an untitled question: the start of its text, without HTML tags."""
    name = " ".join(_TAG_RE.sub(" ", text).split())
    if len(name) > _DEFAULT_NAME_LENGTH:
        cut = name[: _DEFAULT_NAME_LENGTH - 3]
        cut = cut.rsplit(" ", 1)[0] if " " in cut else cut
        name = cut + "..."
    return name or _("Untitled question")


def _read_question(paragraph: list[tuple[int, str]]) -> Question:
    text = "\n".join(line for _number, line in paragraph)

    name: str | None = None
    start = 0
    if text.startswith("::"):
        end = text.find("::", 2)
        if end == -1:
            start = 2  # Moodle drops an unclosed "::" and keeps the rest as text.
        else:
            name = _resolve(text[2:end]) or None
            start = end + 2

    open_at = text.find("{", start)
    close_at = text.find("}", start)
    if open_at == -1 and close_at == -1:
        fmt, question_text = _split_format(text[start:], "moodle")
        return DescriptionQuestion(
            name=name or _default_name(question_text), text=question_text, format=fmt
        )
    if close_at == -1:
        raise _QuestionError(open_at, _("The answer block has no closing '}'."))
    if open_at == -1:
        raise _QuestionError(close_at, _("'}' without an opening '{'; write \\} for a brace."))
    if close_at < open_at:
        raise _QuestionError(close_at, _("'}' before the answer block; write \\} for a brace."))
    nested = text.find("{", open_at + 1, close_at)
    if nested != -1:
        raise _QuestionError(nested, _("'{' inside the answer block; write \\{ for a brace."))
    extra = min(
        (i for i in (text.find("{", close_at), text.find("}", close_at + 1)) if i != -1), default=-1
    )
    if extra != -1:
        raise _QuestionError(
            extra, _("Only one answer block per question; write \\{ and \\} for braces.")
        )

    after = text[close_at + 1 :]
    body = text[start:open_at] + (BLANK + after if after.strip(_WS) else "")
    fmt, question_text = _split_format(body, "moodle")

    block = text[open_at + 1 : close_at]
    general_feedback: str | None = None
    separator = block.rfind("####")
    if separator != -1:
        general_feedback = _split_format(block[separator + 4 :], fmt)[1] or None
        block = block[:separator]

    common = {
        "name": name or _default_name(question_text),
        "text": question_text,
        "format": fmt,
        "general_feedback": general_feedback,
    }
    offset = open_at + 1
    answers = block.strip(_WS)
    if not answers:
        return EssayQuestion(**common)
    if answers.startswith("#"):
        return NumericalQuestion(**common, answers=_numerical_answers(block, offset))
    if "~" in answers:
        return _multiple_choice(common, block, offset)
    if "=" in answers and "->" in answers:
        return MatchingQuestion(**common, pairs=_matching_pairs(block, offset))
    head = answers.split("#", 1)[0].strip(_WS)
    if head in _TRUE_FALSE:
        return _true_false(common, answers)
    return ShortAnswerQuestion(**common, answers=_short_answers(block, offset))


def _segments(block: str, offset: int, markers: str) -> list[tuple[str, int, str]]:
    """Cut an answer block before each marker character: (marker, file offset, rest).

    Text before the first marker is a segment with marker "" when it is not blank, as Moodle
    keeps it as an answer.
    """
    cuts = [i for i, char in enumerate(block) if char in markers]
    segments = []
    head = block[: cuts[0]] if cuts else block
    if head.strip(_WS):
        segments.append(("", offset, head))
    for n, cut in enumerate(cuts):
        end = cuts[n + 1] if n + 1 < len(cuts) else len(block)
        segments.append((block[cut], offset + cut, block[cut + 1 : end]))
    return segments


def _weight(piece: str, default: float, offset: int) -> tuple[float, str]:
    """Take a leading ``%50%`` weight off an answer: (fraction, rest of the answer)."""
    stripped = piece.lstrip(_WS)
    match = _WEIGHT_RE.match(stripped)
    if match is None:
        return default, piece
    percent = Decimal(match[1])
    if not -100 <= percent <= 100:
        raise _QuestionError(
            offset, _("The weight %(weight)s%% is not between -100%% and 100%%.", weight=match[1])
        )
    return float(percent / 100), stripped[match.end() :]


def _text_and_feedback(piece: str, fmt: str) -> tuple[str, str]:
    text, _hash, feedback = piece.partition("#")
    return _split_format(text, fmt)[1], _split_format(feedback, fmt)[1]


def _multiple_choice(common: dict[str, Any], block: str, offset: int) -> MultipleChoiceQuestion:
    answers = []
    for marker, at, piece in _segments(block, offset, "~="):
        fraction, piece = _weight(piece, 1.0 if marker == "=" else 0.0, at)
        text, feedback = _text_and_feedback(piece, common["format"])
        if not text:
            raise _QuestionError(at, _("An answer has no text."))
        answers.append(Answer(text, fraction, feedback))
    if len(answers) < 2:
        raise _QuestionError(offset, _("A multiple choice question needs at least two answers."))
    positive = sum(a.fraction for a in answers if a.fraction > 0)
    if positive == 0:
        raise _QuestionError(offset, _("No answer gives any marks; mark the right one with '='."))
    if round(positive, 2) < 1:
        raise _QuestionError(
            offset,
            _(
                "The positive weights add up to %(total)s%%, so nobody can get full marks.",
                total=f"{positive * 100:g}",
            ),
        )
    return MultipleChoiceQuestion(**common, answers=answers)


def _short_answers(block: str, offset: int) -> list[Answer]:
    answers = []
    for _marker, at, piece in _segments(block, offset, "="):
        fraction, piece = _weight(piece, 1.0, at)
        text, feedback = _text_and_feedback(piece, "moodle")
        if not text:
            raise _QuestionError(at, _("An answer has no text."))
        answers.append(Answer(text, fraction, feedback))
    if not answers:
        raise _QuestionError(offset, _("A short answer question needs at least one answer."))
    _require_full_marks((a.fraction for a in answers), offset)
    return answers


def _require_full_marks(fractions: Iterable[float], offset: int) -> None:
    if max(fractions) < 1:
        raise _QuestionError(offset, _("No answer gives full marks (100%)."))


def _true_false(common: dict[str, Any], answers: str) -> TrueFalseQuestion:
    parts = answers.split("#", 2)
    correct = _TRUE_FALSE[parts[0].strip(_WS)]
    wrong = _split_format(parts[1], common["format"])[1] if len(parts) > 1 else ""
    right = _split_format(parts[2], common["format"])[1] if len(parts) > 2 else ""
    return TrueFalseQuestion(
        **common,
        correct=correct,
        true_feedback=right if correct else wrong,
        false_feedback=wrong if correct else right,
    )


def _matching_pairs(block: str, offset: int) -> list[MatchingPair]:
    pairs = []
    for _marker, at, piece in _segments(block, offset, "="):
        if "->" not in piece:
            raise _QuestionError(at, _("A matching pair needs '->' between its two sides."))
        question, _arrow, answer = piece.partition("->")
        pair = MatchingPair(_split_format(question, "moodle")[1], _resolve(answer))
        if not pair.answer:
            raise _QuestionError(at, _("A matching pair has nothing after '->'."))
        pairs.append(pair)
    if sum(1 for p in pairs if p.question) < 2:
        raise _QuestionError(offset, _("A matching question needs at least two pairs."))
    return pairs


def _number(piece: str, at: int) -> float:
    piece = piece.strip(_WS)
    if not _NUMBER_RE.fullmatch(piece) or not math.isfinite(float(piece)):
        raise _QuestionError(at, _("'%(value)s' is not a number.", value=_resolve(piece)))
    return float(piece)


def _numerical_answers(block: str, offset: int) -> list[NumericalAnswer]:
    hash_at = block.find("#")
    rest = block[hash_at + 1 :]
    other, _tilde, other_feedback = rest.partition("~")
    answers = []
    for _marker, at, piece in _segments(other, offset + hash_at + 1, "="):
        fraction, piece = _weight(piece, 1.0, at)
        value_text, _hash, feedback = piece.partition("#")
        if ".." in value_text.strip(_WS)[1:]:
            low_text, _dots, high_text = value_text.partition("..")
            low, high = _number(low_text, at), _number(high_text, at)
            if low > high:
                raise _QuestionError(at, _("The range's minimum is greater than its maximum."))
            value = (low + high) / 2
            tolerance = high - value
            if not math.isfinite(value + tolerance):
                raise _QuestionError(at, _("The range is too wide."))
        elif ":" in value_text.strip(_WS)[1:]:
            value_part, _colon, tolerance_part = value_text.partition(":")
            value, tolerance = _number(value_part, at), _number(tolerance_part, at)
            if tolerance < 0:
                raise _QuestionError(at, _("A tolerance cannot be negative."))
        else:
            value, tolerance = _number(value_text, at), 0.0
        feedback = _split_format(feedback, "moodle")[1]
        answers.append(NumericalAnswer(value, tolerance, fraction, feedback))
    if not answers:
        raise _QuestionError(offset, _("A numerical question needs at least one answer."))
    _require_full_marks((a.fraction for a in answers), offset)
    if _tilde:
        feedback = _text_and_feedback(other_feedback, "moodle")[1]
        answers.append(NumericalAnswer(None, 0.0, 0.0, feedback))
    return answers


# ---------------------------------------------------------------------------------------------
# Writing


def export_gift(questions: Iterable[Question]) -> str:
    """Write questions as GIFT, with a ``$CATEGORY:`` line wherever the category changes.

    Reading the result with `parse_gift` gives the same questions for any question the reader
    can produce. Raises ValueError for what GIFT cannot say: '->' in a short answer or its
    feedback or on the left of a matching pair, a numerical "any other number" answer that is
    not last or has a weight, general feedback on a description, a non-finite number, a
    multiple choice question with fewer than two answers.
    """
    out: list[str] = []
    category: str | None = None
    for question in questions:
        if question.category != category:
            category = question.category
            out.append(f"$CATEGORY: {_escape(category or '')}".rstrip() + "\n\n")
        out.append(_write_question(question) + "\n\n")
    return "".join(out)


def _escape(text: str) -> str:
    """Escape GIFT's control characters; new lines become ``\\n`` so a text is one line."""
    text = text.replace("\\", "\\\\")
    for char in ":#=~{}":
        text = text.replace(char, "\\" + char)
    return text.replace("\r", "").replace("\n", "\\n")


def _formatted(text: str, fmt: str, default: str) -> str:
    """A text with a format marker where it differs from the default or could be taken for one."""
    marker = f"[{fmt}]" if fmt != default or text.startswith("[") else ""
    return marker + _escape(text)


def _percent(fraction: float) -> str:
    if fraction != fraction or abs(fraction) > 1:
        raise ValueError(f"fraction {fraction!r} is not between -1 and 1")
    return "%" + format((Decimal(repr(fraction)) * 100).normalize(), "f") + "%"


def _number_text(value: float) -> str:
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(f"{value!r} cannot be written in GIFT")
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def _feedback(text: str, fmt: str) -> str:
    return "#" + _formatted(text, fmt, fmt) if text else ""


def _write_question(question: Question) -> str:
    fmt, text = question.format, question.text
    # The title is left out where reading would give the same name back anyway.
    untitled = text and not text.startswith("//") and question.name == _default_name(text)
    head = "" if untitled else f"::{_escape(question.name)}::"
    if isinstance(question, DescriptionQuestion):
        if question.general_feedback is not None:
            raise ValueError("GIFT cannot give a description general feedback")
        return head + _formatted(text, fmt, "moodle")

    lines = _answer_lines(question)
    if question.general_feedback:
        lines.append("####" + _formatted(question.general_feedback, fmt, fmt))
    # A missing-word text gets its answers back in the middle, where the author wrote them.
    if text.count(BLANK) == 1 and not text.endswith(BLANK):
        before, after = text.split(BLANK)
        block = "{" + " ".join(lines) + "}"
        return head + _formatted(before, fmt, "moodle") + block + _escape(after)
    if len(lines) <= 1:
        block = "{" + "".join(lines) + "}"
    else:
        block = "{\n" + "".join(f"\t{line}\n" for line in lines) + "}"
    return head + _formatted(text, fmt, "moodle") + block


def _answer_lines(question: Question) -> list[str]:
    fmt = question.format
    if isinstance(question, MultipleChoiceQuestion):
        if len(question.answers) < 2:
            raise ValueError("a multiple choice question needs at least two answers")
        return [_choice_line(a, question.single, fmt) for a in question.answers]
    if isinstance(question, TrueFalseQuestion):
        right, wrong = question.true_feedback, question.false_feedback
        if not question.correct:
            right, wrong = wrong, right
        line = "TRUE" if question.correct else "FALSE"
        if wrong or right:
            line += "#" + _formatted(wrong, fmt, fmt)
        if right:
            line += "#" + _formatted(right, fmt, fmt)
        return [line]
    if isinstance(question, ShortAnswerQuestion):
        return [_short_answer_line(a) for a in question.answers]
    if isinstance(question, NumericalQuestion):
        return _numerical_lines(question)
    if isinstance(question, MatchingQuestion):
        return [_pair_line(p, fmt) for p in question.pairs]
    if isinstance(question, EssayQuestion):
        return []
    raise ValueError(f"GIFT cannot write a {question.type!r} question")


def _choice_line(answer: Answer, single: bool, fmt: str) -> str:
    if answer.fraction == 1 and single:
        marker = "=%100%" if answer.text.startswith("%") else "="
    elif answer.fraction == 0 and not answer.text.startswith("%"):
        marker = "~"
    else:
        marker = "~" + _percent(answer.fraction)
    return marker + _formatted(answer.text, fmt, fmt) + _feedback(answer.feedback, fmt)


def _short_answer_line(answer: Answer) -> str:
    if "->" in answer.text or "->" in answer.feedback:
        raise ValueError("GIFT cannot write '->' in a short answer: it would read as matching")
    weight = (
        ""
        if answer.fraction == 1 and not answer.text.startswith("%")
        else (_percent(answer.fraction))
    )
    return (
        "="
        + weight
        + _formatted(answer.text, "moodle", "moodle")
        + _feedback(answer.feedback, "moodle")
    )


def _numerical_lines(question: NumericalQuestion) -> list[str]:
    lines = []
    for n, answer in enumerate(question.answers):
        if answer.value is None:
            if n != len(question.answers) - 1 or answer.fraction != 0:
                raise ValueError("GIFT writes 'any other number' last and without marks")
            lines.append("~" + (_feedback(answer.feedback, "moodle") or "#"))
            continue
        weight = "" if answer.fraction == 1 else _percent(answer.fraction)
        marker = "" if weight == "" and len(question.answers) == 1 else "="
        if answer.tolerance < 0:
            raise ValueError("a tolerance cannot be negative")
        number = _number_text(answer.value)
        if answer.tolerance:
            number += ":" + _number_text(answer.tolerance)
        lines.append(marker + weight + number + _feedback(answer.feedback, "moodle"))
    if not any(answer.value is not None for answer in question.answers):
        raise ValueError("a numerical question needs at least one number")
    lines[0] = "#" + lines[0]
    return lines


def _pair_line(pair: MatchingPair, fmt: str) -> str:
    if "->" in pair.question:
        raise ValueError("GIFT cannot write '->' on the left of a matching pair")
    return "=" + _formatted(pair.question, fmt, fmt) + " -> " + _escape(pair.answer)
