"""Forms of the trainer's cohort pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    DateTimeLocalField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..config import LANGUAGE_NAMES, LOCALES


def language_choices() -> list[tuple[str, str]]:
    return [
        ("", _l("Each learner's own language")),
        *((code, LANGUAGE_NAMES[code]) for code in LOCALES),
    ]


class CohortForm(FlaskForm):
    name = StringField(
        _l("Name"),
        validators=[DataRequired(), Length(max=100)],
        description=_l("For example: Spring 2027, Bologna group"),
    )
    starts_on = DateField(_l("Starts on"), validators=[DataRequired()])
    ends_on = DateField(_l("Ends on (optional)"), validators=[Optional()])
    language = SelectField(_l("Language of the cohort"), choices=[], validate_choice=True)
    submit = SubmitField(_l("Save cohort"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.language.choices = language_choices()

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if self.starts_on.data and self.ends_on.data and self.ends_on.data < self.starts_on.data:
            self.ends_on.errors = [
                *self.ends_on.errors,
                _l("The end date must not be before the start date."),
            ]
            ok = False
        return ok


class AddMembersForm(FlaskForm):
    emails = TextAreaField(
        _l("E-mail addresses"),
        validators=[DataRequired()],
        description=_l(
            "One per line or separated by commas. People must already have an "
            "account; those in another cohort of the course are moved here."
        ),
    )
    submit = SubmitField(_l("Add to cohort"))


class MoveMemberForm(FlaskForm):
    cohort = SelectField(_l("Move to"), coerce=int, choices=[], validate_choice=True)
    submit = SubmitField(_l("Move"))


class ExtensionForm(FlaskForm):
    learner = SelectField(_l("Learner"), coerce=int, choices=[], validate_choice=True)
    activity = SelectField(_l("Activity"), coerce=int, choices=[], validate_choice=True)
    due_at = DateTimeLocalField(
        _l("New deadline (UTC)"), format="%Y-%m-%dT%H:%M", validators=[DataRequired()]
    )
    submit = SubmitField(_l("Grant extension"))


class CohortTrainerForm(FlaskForm):
    email = StringField(
        _l("E-mail address of the trainer"), validators=[DataRequired(), Length(max=254)]
    )
    submit = SubmitField(_l("Add as trainer of this cohort"))


class MessageForm(FlaskForm):
    subject = StringField(_l("Subject"), validators=[DataRequired(), Length(max=150)])
    body = TextAreaField(
        _l("Message"),
        validators=[DataRequired(), Length(max=10000)],
        description=_l(
            "Every member finds it among their notifications and by e-mail as they "
            "chose; the greeting and the note around it are in each member's language."
        ),
    )
    submit = SubmitField(_l("Send to the cohort"))


class ReleaseRuleForm(FlaskForm):
    opens_on = DateField(_l("Opens on (optional)"), validators=[Optional()])
    offset_days = IntegerField(
        _l("Or opens this many days after the start (optional)"),
        validators=[Optional(), NumberRange(min=0, max=3650)],
    )
    relative_to = SelectField(_l("Counted from"), choices=[], validate_choice=True, default="start")
    requires = SelectMultipleField(
        _l("Opens once the learner has completed"),
        choices=[],
        validate_choice=True,
        description=_l("Hold Ctrl (or Cmd) to choose more than one."),
    )
    submit = SubmitField(_l("Save rule"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.relative_to.choices = [
            ("start", _l("the start of the learner's cohort (their enrolment if they have none)")),
            ("enrolment", _l("the learner's enrolment")),
        ]
