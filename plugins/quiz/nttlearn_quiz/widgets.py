"""What a learner sees of a question and how their form becomes a response.

A page gets a `QuestionView` per question: the text and the choices as safe HTML, in the order
of the attempt, with the values the form posts back. Choices are posted by their *position on
the page*, never by their index in the question, so the page gives away nothing about which
answer the author wrote first (GIFT authors usually write the right one first). Fractions and
feedback are only put into a view when the review settings allow it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from markupsafe import Markup, escape

from nttlearn.api import parse_int

from .grading import Matching, QuestionType, one_choice
from .rendering import render_inline, render_text

MAX_TEXT = {"essay": 50_000}
MAX_SHORT_TEXT = 1_000


@dataclass
class Choice:
    position: int
    label: Markup
    selected: bool = False
    correct: bool | None = None  # only set when the review shows correct answers
    feedback: Markup | None = None  # only set when the review shows feedback


@dataclass
class MatchRow:
    index: int
    stem: Markup
    selected: int | None
    correct_answer: Markup | None = None
    right: bool | None = None


@dataclass
class QuestionView:
    """One question as a page shows it. ``name`` is the form field (``q<slot number>``)."""

    slot_number: int
    name: str
    qtype: str
    text: Markup
    mark: float
    sequence: int
    one_choice: bool = True
    choices: list[Choice] = field(default_factory=list)
    rows: list[MatchRow] = field(default_factory=list)
    options: list[Choice] = field(default_factory=list)
    value: str = ""
    custom: Markup | None = None
    disabled: bool = False
    problems: list[str] = field(default_factory=list)
    answered: bool = False
    # Review only (None: not shown):
    fraction: float | None = None
    earned: float | None = None
    needs_grading: bool = False
    feedback: list[Markup] = field(default_factory=list)
    general_feedback: Markup | None = None
    right_answer: Markup | None = None
    comment: str = ""

    @property
    def outcome(self) -> str | None:
        """``correct``, ``partial`` or ``incorrect`` once the marks may be shown, else None."""
        if self.fraction is None or self.needs_grading or self.qtype == "description":
            return None
        return "correct" if self.fraction >= 1 else "incorrect" if self.fraction <= 0 else "partial"

    # Which question answer each choice position shows (server side only, never rendered).
    order: list[int] = field(default_factory=list)


def _position(order: Sequence[int], index: Any) -> int | None:
    try:
        return list(order).index(index)
    except ValueError:
        return None


def build_view(
    *,
    slot_number: int,
    data: Mapping[str, Any],
    qtype: QuestionType | None,
    response: Any,
    choice_order: Sequence[int] | None,
    mark: float,
    sequence: int,
    media_base: str | None,
    disabled: bool = False,
) -> QuestionView:
    """The view of a question for the attempt page (no marks, no feedback, no right answers)."""
    key = data.get("type", "")
    fmt = data.get("format", "moodle")
    name = f"q{slot_number}"
    view = QuestionView(
        slot_number=slot_number,
        name=name,
        qtype=key,
        mark=mark,
        sequence=sequence,
        text=render_text(data.get("text"), fmt, media_base),
        disabled=disabled,
        answered=response is not None,
    )
    if qtype is not None and response is not None:
        view.problems = list(qtype.validate_response(data, response))
    answers = list(data.get("answers") or [])
    if key == "multichoice":
        order = list(choice_order) if choice_order else list(range(len(answers)))
        view.one_choice = one_choice(data)
        view.order = order
        if view.one_choice:
            chosen = {response} if isinstance(response, int) else set()
        else:
            chosen = set(response) if isinstance(response, list) else set()
        view.choices = [
            Choice(pos, render_inline(answers[i]["text"], fmt, media_base), i in chosen)
            for pos, i in enumerate(order)
        ]
    elif key == "truefalse":
        view.choices = [
            Choice(0, escape(_("True")), response is True),
            Choice(1, escape(_("False")), response is False),
        ]
    elif key in ("shortanswer", "numerical", "essay"):
        view.value = (
            response if isinstance(response, str) else "" if response is None else str(response)
        )
    elif key == "matching":
        choices = Matching.choices(data)
        order = list(choice_order) if choice_order else list(range(len(choices)))
        view.options = [Choice(pos, escape(choices[i])) for pos, i in enumerate(order)]
        picked = response if isinstance(response, list) else []
        for index, pair in enumerate(data.get("pairs") or []):
            if not pair["question"]:
                continue
            chosen = picked[index] if index < len(picked) else None
            selected = _position(order, choices.index(chosen)) if chosen in choices else None
            view.rows.append(
                MatchRow(index, render_inline(pair["question"], fmt, media_base), selected)
            )
    elif key != "description" and qtype is not None:
        render = getattr(qtype, "render_input", None)
        if render is not None:
            view.custom = Markup(render(data, response, name, choice_order))  # noqa: S704 - the type's own HTML
        else:
            view.qtype = "text"
            view.value = "" if response is None else str(response)
    return view


def read_response(
    data: Mapping[str, Any],
    qtype: QuestionType | None,
    form: Any,
    name: str,
    choice_order: Sequence[int] | None,
) -> Any:
    """The response a posted form gives for one question (None: not answered)."""
    key = data.get("type", "")
    answers = list(data.get("answers") or [])
    if key == "multichoice":
        order = list(choice_order) if choice_order else list(range(len(answers)))
        positions = [parse_int(v, min=0) for v in form.getlist(name)]
        indices = sorted({order[p] for p in positions if p is not None and 0 <= p < len(order)})
        if one_choice(data):
            return indices[0] if len(indices) == 1 else None
        return indices or None
    if key == "truefalse":
        return {"true": True, "false": False}.get(form.get(name, ""))
    if key in ("shortanswer", "numerical", "essay"):
        text = form.get(name, "")[: MAX_TEXT.get(key, MAX_SHORT_TEXT)]
        return text if text.strip() else None
    if key == "matching":
        choices = Matching.choices(data)
        order = list(choice_order) if choice_order else list(range(len(choices)))
        result: list[str | None] = []
        for index, pair in enumerate(data.get("pairs") or []):
            position = (
                parse_int(form.get(f"{name}-{index}", ""), min=0) if pair["question"] else None
            )
            result.append(
                choices[order[position]]
                if position is not None and 0 <= position < len(order)
                else None
            )
        return result if any(r is not None for r in result) else None
    if key == "description" or qtype is None:
        return None
    read = getattr(qtype, "read_response", None)
    if read is not None:
        return read(data, form, name, choice_order)
    text = form.get(name, "")[:MAX_SHORT_TEXT]
    return text if text.strip() else None


def _said(answer: Any, several: bool = False) -> Markup:
    """ "The right answer is: …" with the answer escaped unless it is already safe HTML."""
    template = (
        _("The right answers are: %(answer)s") if several else _("The right answer is: %(answer)s")
    )
    return escape(template) % {"answer": answer}


def right_answer(
    data: Mapping[str, Any], qtype: QuestionType | None, media_base: str | None
) -> Markup | None:
    """The right answer in words, for a review that shows correct answers."""
    key = data.get("type", "")
    fmt = data.get("format", "moodle")
    answers = list(data.get("answers") or [])
    if key == "multichoice":
        if one_choice(data):
            best = [a for a in answers if a["fraction"] >= 1.0][:1]
            return _said(render_inline(best[0]["text"], fmt, media_base)) if best else None
        right = Markup(", ").join(
            render_inline(a["text"], fmt, media_base) for a in answers if a["fraction"] > 0
        )
        return _said(right, several=True)
    if key == "truefalse":
        correct = qtype.correct_response(data) if qtype else None
        return _said(_("True") if correct else _("False"))
    if key == "shortanswer":
        best = max(answers, key=lambda a: a["fraction"]) if answers else None
        return _said(best["text"]) if best else None
    if key == "numerical":
        numbers = [a for a in answers if a["value"] is not None]
        if not numbers:
            return None
        best = max(numbers, key=lambda a: a["fraction"])
        return _said(
            f"{best['value']:g}" + (f" ± {best['tolerance']:g}" if best["tolerance"] else "")
        )
    if key == "matching":
        return _said(
            "; ".join(
                f"{p['question']} → {p['answer']}" for p in data.get("pairs") or [] if p["question"]
            )
        )
    if key in ("essay", "description") or qtype is None:
        return None
    correct = qtype.correct_response(data)
    return _said(correct) if correct is not None else None


def add_review(
    view: QuestionView,
    data: Mapping[str, Any],
    qtype: QuestionType | None,
    response: Any,
    *,
    fraction: float | None,
    needs_grading: bool,
    comment: str,
    show_marks: bool,
    show_feedback: bool,
    show_correct: bool,
    media_base: str | None,
) -> QuestionView:
    """Add to a view what the review settings allow the viewer to see."""
    fmt = data.get("format", "moodle")
    view.disabled = True
    if show_marks:
        view.fraction = fraction
        view.earned = None if fraction is None else round(fraction * view.mark, 4)
        view.needs_grading = needs_grading
    if show_feedback:
        # A multiple choice's feedback is shown next to the choice that earned it (below), so
        # not a second time under the question.
        if (
            qtype is not None
            and response is not None
            and qtype.graded
            and data.get("type") != "multichoice"
        ):
            grade = qtype.grade(data, response)
            view.feedback = [render_inline(text, fmt, media_base) for text in grade.feedback]
        if data.get("general_feedback"):
            view.general_feedback = render_text(data["general_feedback"], fmt, media_base)
        view.comment = comment
    if show_correct:
        view.right_answer = right_answer(data, qtype, media_base)
        if data.get("type") == "multichoice":
            answers = list(data.get("answers") or [])
            for choice, index in zip(view.choices, view.order, strict=True):
                choice.correct = answers[index]["fraction"] > 0
        elif data.get("type") == "matching":
            for row in view.rows:
                pair = data["pairs"][row.index]
                row.correct_answer = escape(pair["answer"])
                chosen = (
                    response[row.index]
                    if isinstance(response, list) and row.index < len(response)
                    else None
                )
                row.right = chosen == pair["answer"]
    if show_feedback and data.get("type") == "multichoice":
        answers = list(data.get("answers") or [])
        for choice, index in zip(view.choices, view.order, strict=True):
            if choice.selected and answers[index].get("feedback"):
                choice.feedback = render_inline(answers[index]["feedback"], fmt, media_base)
    return view
