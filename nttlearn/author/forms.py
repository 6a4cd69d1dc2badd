"""Authoring forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DecimalField,
    HiddenField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange


class CourseSettingsForm(FlaskForm):
    version = HiddenField()
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    summary = TextAreaField(_l("Summary"), validators=[Length(max=2000)])
    policy_area = SelectField(_l("Policy area"))
    hours = DecimalField(_l("Estimated hours"), places=1, validators=[NumberRange(min=0.5, max=500)])
    completion_rule = SelectField(
        _l("Completion rule"),
        choices=[("all_required", _l("Every required lesson and activity")), ("all", _l("Every lesson and activity"))],
    )
    self_enrolment = BooleanField(_l("Learners may enrol themselves"))
    published = BooleanField(_l("Published (visible in the catalogue)"))
    submit = SubmitField(_l("Save"))
