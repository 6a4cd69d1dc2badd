"""Read Aiken, Moodle's simplest import format: single-answer multiple choice questions.

    What is the first phase of the project cycle?
    A) Needs analysis
    B. Submitting the proposal
    ANSWER: A

The question text may take several lines; each option is a capital letter, ')' or '.', a space
and its text; ``ANSWER:`` names the right option and ends the question. Blank lines are ignored.
Aiken text is plain text, so questions come out in the ``plain`` format.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from flask_babel import gettext as _

from .gift import GiftError, GiftResult, TooManyQuestions, too_many_questions
from .questions import Answer, MultipleChoiceQuestion

_OPTION_RE = re.compile(r"([A-Z])[).][ \t]+(.*)")
_ANSWER_RE = re.compile(r"ANSWER:\s*(.*)")
_WS = " \t\x00\x0b"
_NAME_LENGTH = 50


@dataclass
class _Draft:
    line: int
    text: list[str] = field(default_factory=list)
    options: list[tuple[str, str]] = field(default_factory=list)
    error: GiftError | None = None


def parse_aiken(
    text: str, source: str = "<string>", max_questions: int | None = None
) -> GiftResult:
    """Read every question of an Aiken file; an error for each question that cannot be read,
    at the line where it starts (or where the problem is). A file with more than
    ``max_questions`` questions gives that one error and no questions."""
    if text.startswith("\ufeff"):
        text = text[1:]
    result = GiftResult()
    draft: _Draft | None = None

    def fail(line: int, message: str) -> None:
        nonlocal draft
        if draft is None:
            draft = _Draft(line)
        if draft.error is None:
            draft.error = GiftError(line, message, source)

    def finish(correct: str | None, line: int) -> None:
        nonlocal draft
        if draft is None:
            return
        if draft.error is None:
            if correct is None:
                fail(draft.line, _("The question has no 'ANSWER:' line."))
            elif len(draft.options) < 2:
                fail(line, _("A question needs at least two options before 'ANSWER:'."))
            elif correct not in {letter for letter, _text in draft.options}:
                fail(line, _("'ANSWER: %(letter)s' names no option.", letter=correct))
        if draft.error is not None:
            result.errors.append(draft.error)
        else:
            question_text = "\n".join(draft.text)
            result.questions.append(
                MultipleChoiceQuestion(
                    name=_name(question_text),
                    text=question_text,
                    format="plain",
                    line=draft.line,
                    answers=[
                        Answer(option, 1.0 if letter == correct else 0.0)
                        for letter, option in draft.options
                    ],
                )
            )
        if max_questions is not None and len(result.questions) + len(result.errors) > max_questions:
            raise TooManyQuestions(draft.line)
        draft = None

    try:
        for number, raw in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), 1):
            line = raw.strip(_WS)
            if not line:
                continue
            answer = _ANSWER_RE.fullmatch(line)
            option = _OPTION_RE.fullmatch(line)
            if answer is not None:
                letter = answer[1].strip(_WS)[:1].upper()
                if draft is None:
                    fail(number, _("'ANSWER:' without a question before it."))
                elif not letter.isalpha():
                    fail(number, _("'ANSWER:' must be followed by the letter of an option."))
                finish(letter, number)
            elif option is not None:
                if draft is None or not draft.text:
                    fail(number, _("An option without a question text before it."))
                elif option[1] in {letter for letter, _text in draft.options}:
                    fail(number, _("Option %(letter)s appears twice.", letter=option[1]))
                elif not option[2].strip(_WS):
                    fail(number, _("Option %(letter)s has no text.", letter=option[1]))
                else:
                    draft.options.append((option[1], option[2].strip(_WS)))
            elif draft is not None and (draft.options or draft.error):
                # A text line after the options (or after a broken start): the previous question
                # is over, without an ANSWER line, and this line starts the next one.
                finish(None, number)
                draft = _Draft(number, [line])
            elif draft is None:
                draft = _Draft(number, [line])
            else:
                draft.text.append(line)
        finish(None, 0)
    except TooManyQuestions as over:
        return GiftResult(errors=[too_many_questions(over.line, max_questions or 0, source)])
    return result


def _name(text: str) -> str:
    name = " ".join(text.split())
    if len(name) > _NAME_LENGTH:
        cut = name[: _NAME_LENGTH - 3]
        name = (cut.rsplit(" ", 1)[0] if " " in cut else cut) + "..."
    return name
