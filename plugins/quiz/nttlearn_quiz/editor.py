"""The question editor: a question's JSON into the edit form and back, for every built-in type
(with blank rows for new answers), and a JSON box for the types other plugins add."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _

from .forms import QuestionForm
from .questions import QUESTION_CLASSES

BLANK_ROWS = 3


def _rows(field_list, items: list[dict[str, Any]], minimum: int) -> None:
    while len(field_list.entries):
        field_list.pop_entry()
    for item in items:
        field_list.append_entry(item)
    for _n in range(max(BLANK_ROWS, minimum - len(items))):
        field_list.append_entry()


def fill_form(form: QuestionForm, data: Mapping[str, Any]) -> None:
    """Put a question's JSON into the form (GET of the edit page)."""
    key = data.get("type", "")
    form.name.data = data.get("name", "")
    form.text.data = data.get("text", "")
    form.format.data = data.get("format", "moodle")
    form.general_feedback.data = data.get("general_feedback") or ""
    answers = list(data.get("answers") or [])
    if key in ("multichoice", "shortanswer"):
        _rows(
            form.answers,
            [
                {
                    "text": a["text"],
                    "fraction": round(a["fraction"] * 100, 5),
                    "feedback": a["feedback"],
                }
                for a in answers
            ],
            4 if key == "multichoice" else 1,
        )
        form.case_sensitive.data = bool(data.get("case_sensitive"))
    elif key == "numerical":
        numbers = [a for a in answers if a["value"] is not None]
        others = [a for a in answers if a["value"] is None]
        _rows(
            form.numbers,
            [
                {
                    "value": a["value"],
                    "tolerance": a["tolerance"],
                    "fraction": round(a["fraction"] * 100, 5),
                    "feedback": a["feedback"],
                }
                for a in numbers
            ],
            1,
        )
        form.other_feedback.data = others[0]["feedback"] if others else ""
    elif key == "matching":
        _rows(form.pairs, list(data.get("pairs") or []), 3)
    elif key == "truefalse":
        by_text = {a["text"]: a for a in answers}
        form.correct.data = "true" if by_text.get("true", {}).get("fraction") == 1 else "false"
        form.true_feedback.data = by_text.get("true", {}).get("feedback", "")
        form.false_feedback.data = by_text.get("false", {}).get("feedback", "")
    elif key == "essay":
        form.rubric.data = data.get("rubric", "")
    elif key not in QUESTION_CLASSES:
        extra = {
            k: v
            for k, v in data.items()
            if k not in ("type", "name", "text", "format", "general_feedback", "category")
        }
        form.type_json.data = json.dumps(extra, indent=2, ensure_ascii=False)


def blank_form(form: QuestionForm, key: str) -> None:
    """Blank rows for a new question of type ``key``."""
    if key in ("multichoice", "shortanswer"):
        _rows(form.answers, [], 4 if key == "multichoice" else 2)
    elif key == "numerical":
        _rows(form.numbers, [], 1)
    elif key == "matching":
        _rows(form.pairs, [], 4)
    elif key not in QUESTION_CLASSES:
        form.type_json.data = "{}"


def form_data(form: QuestionForm, key: str) -> tuple[dict[str, Any], list[str]]:
    """The question JSON the posted form describes, and problems the form itself shows
    (further rules are checked by the bank)."""
    fmt = form.format.data
    data: dict[str, Any] = {
        "type": key,
        "name": (form.name.data or "").strip(),
        "text": form.text.data or "",
        "format": fmt,
        "general_feedback": (form.general_feedback.data or "").strip() or None,
    }
    problems: list[str] = []
    if key in ("multichoice", "shortanswer"):
        answers = [
            {
                "text": e.form.text.data.strip(),
                "fraction": round((e.form.fraction.data or 0) / 100, 9),
                "feedback": (e.form.feedback.data or "").strip(),
            }
            for e in form.answers.entries
            if (e.form.text.data or "").strip()
        ]
        data["answers"] = answers
        if key == "multichoice":
            data["single"] = sum(1 for a in answers if a["fraction"] == 1) == 1 and all(
                a["fraction"] in (0, 1) for a in answers
            )
        elif form.case_sensitive.data:
            data["case_sensitive"] = True
    elif key == "numerical":
        answers = [
            {
                "value": e.form.value.data,
                "tolerance": e.form.tolerance.data or 0.0,
                "fraction": round(
                    (e.form.fraction.data if e.form.fraction.data is not None else 100) / 100, 9
                ),
                "feedback": (e.form.feedback.data or "").strip(),
            }
            for e in form.numbers.entries
            if e.form.value.data is not None
        ]
        if (form.other_feedback.data or "").strip():
            answers.append(
                {
                    "value": None,
                    "tolerance": 0.0,
                    "fraction": 0.0,
                    "feedback": form.other_feedback.data.strip(),
                }
            )
        data["answers"] = answers
    elif key == "matching":
        data["pairs"] = [
            {
                "question": (e.form.question.data or "").strip(),
                "answer": (e.form.answer.data or "").strip(),
            }
            for e in form.pairs.entries
            if (e.form.answer.data or "").strip() or (e.form.question.data or "").strip()
        ]
    elif key == "truefalse":
        right = form.correct.data == "true"
        data["answers"] = [
            {
                "text": "true",
                "fraction": 1.0 if right else 0.0,
                "feedback": (form.true_feedback.data or "").strip(),
            },
            {
                "text": "false",
                "fraction": 0.0 if right else 1.0,
                "feedback": (form.false_feedback.data or "").strip(),
            },
        ]
    elif key == "essay":
        if (form.rubric.data or "").strip():
            data["rubric"] = form.rubric.data.strip()
    elif key not in QUESTION_CLASSES and key != "description":
        try:
            extra = json.loads(form.type_json.data or "{}")
        except json.JSONDecodeError as exc:
            problems.append(_("The settings are not valid JSON: %(error)s", error=str(exc)))
        else:
            if isinstance(extra, dict):
                data.update({k: v for k, v in extra.items() if k not in data})
            else:
                problems.append(_("The settings must be a JSON object."))
    return data, problems
