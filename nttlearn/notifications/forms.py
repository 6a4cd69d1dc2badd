"""Notification forms: the e-mail preferences per kind."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, SubmitField
from wtforms.validators import DataRequired

from ..models import DELIVERIES
from .services import DELIVERY_LABELS, KINDS


class PreferencesForm(FlaskForm):
    """One select per kind in :data:`KINDS` (``kind_<name>``), added when the form is made."""

    submit = SubmitField(_l("Save e-mail preferences"))


def preferences_form_class():
    class Form(PreferencesForm):
        pass

    for kind, label in KINDS.items():
        setattr(
            Form,
            f"kind_{kind}",
            SelectField(
                label,
                validators=[DataRequired()],
                validate_choice=True,
                choices=[(value, DELIVERY_LABELS[value]) for value in DELIVERIES],
            ),
        )
    return Form


class UnsubscribeForm(FlaskForm):
    submit = SubmitField(_l("Stop these e-mails"))
