"""Forms on the trainer's course pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length


class EnrolForm(FlaskForm):
    emails = TextAreaField(
        _l("E-mail addresses"),
        validators=[DataRequired()],
        description=_l("One per line or separated by commas. People must already have an account."),
    )
    cohort = StringField(_l("Cohort (optional)"), validators=[Length(max=100)])
    submit = SubmitField(_l("Enrol"))
