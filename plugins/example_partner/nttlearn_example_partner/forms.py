"""The form trainers use to add a partnering meeting."""

from __future__ import annotations

from babel import Locale
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectChoice, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError


def country_choices() -> list[SelectChoice]:
    """ISO country codes with their names in the reader's language, sorted by name."""
    territories = Locale.parse(str(get_locale() or "en")).territories
    countries = [
        SelectChoice(code, name)
        for code, name in territories.items()
        if len(code) == 2 and code.isalpha()
    ]
    return [
        SelectChoice("", _l("Choose a country")),
        *sorted(countries, key=lambda choice: choice.label),
    ]


class MeetingForm(FlaskForm):
    title = StringField(
        _l("Title"),
        validators=[DataRequired(), Length(max=200)],
        description=_l("For example: Partnering meeting on renewable energy"),
    )
    town = StringField(_l("Host town"), validators=[DataRequired(), Length(max=120)])
    country = SelectField(_l("Country"), validators=[DataRequired()], validate_choice=True)
    starts_on = DateField(_l("First day"), validators=[DataRequired()])
    ends_on = DateField(_l("Last day"), validators=[DataRequired()])
    description = TextAreaField(
        _l("What the meeting is for"),
        validators=[Optional(), Length(max=2000)],
        description=_l("Policy area, who should come, what to prepare."),
    )
    submit = SubmitField(_l("Add meeting"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.country.choices = country_choices()

    def validate_ends_on(self, field: DateField) -> None:
        if self.starts_on.data and field.data and field.data < self.starts_on.data:
            raise ValidationError(_l("The last day cannot be before the first day."))
