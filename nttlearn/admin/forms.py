"""Administration forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from ..auth.forms import country_choices


class UserForm(FlaskForm):
    role = SelectField(_l("Role"))
    active = BooleanField(_l("Active (may log in)"))
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.role.choices = [
            SelectChoice("learner", _l("Learner")),
            SelectChoice("trainer", _l("Trainer")),
            SelectChoice("coordinator", _l("Coordinator")),
            SelectChoice("admin", _l("Administrator")),
        ]


class OrganisationForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    town = StringField(_l("Town"), validators=[Length(max=120)])
    country = SelectField(_l("Country"), validators=[DataRequired()])
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.country.choices = country_choices()
