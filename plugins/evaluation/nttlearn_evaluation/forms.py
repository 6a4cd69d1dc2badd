"""The questionnaire form, built from a survey's questions in the learner's language."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, SelectMultipleField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from .questionnaires import Question
from .surveys import MAX_TEXT


class CheckboxListField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class SurveyForm(FlaskForm):
    """Fields are added per question by :func:`survey_form` as ``field_<key>``, named ``<key>`` in HTML."""


def survey_form(
    questions: tuple[Question, ...], locale: str | None, formdata: Any = None
) -> SurveyForm:
    class Form(SurveyForm):
        pass

    for question in questions:
        label = question.text(locale)
        required = (
            [InputRequired(message=_l("Please answer this question."))]
            if question.required
            else [Optional()]
        )
        choices = [SelectChoice(o.value, o.text(locale)) for o in question.choices()]
        if question.kind in ("likert", "single"):
            field = RadioField(label, choices=choices, validators=required, name=question.key)
        elif question.kind == "multiple":
            field = CheckboxListField(
                label, choices=choices, validators=required, name=question.key
            )
        else:
            field = TextAreaField(
                label, validators=[*required, Length(max=MAX_TEXT)], name=question.key
            )
        setattr(Form, f"field_{question.key}", field)
    return Form(formdata=formdata) if formdata is not None else Form()


def answers_from(form: SurveyForm, questions: tuple[Question, ...]) -> dict[str, Any]:
    return {q.key: getattr(form, f"field_{q.key}").data for q in questions}
