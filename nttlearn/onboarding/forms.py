"""Onboarding forms: a participants file, its confirmation, an organisation merge, an invitation."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, SelectField, SubmitField

from ..auth.forms import ResetPasswordForm


class ParticipantsFileForm(FlaskForm):
    participants = FileField(
        _l("Participants file (CSV or XLSX)"),
        validators=[
            FileRequired(),
            FileAllowed(["csv", "xlsx"], _l("Choose a .csv or .xlsx file.")),
        ],
        description=_l(
            "A header line naming the columns name, email, organisation, town, country, language, "
            "role, course (any order; name and email are required)."
        ),
    )
    submit = SubmitField(_l("Check the file"))


class ConfirmImportForm(FlaskForm):
    skip_invalid = BooleanField(_l("Skip the invalid lines and import the others"))
    invite = BooleanField(
        _l("Send new accounts an invitation to choose their password"), default=True
    )
    submit = SubmitField(_l("Import"))


class MergeOrganisationsForm(FlaskForm):
    source = SelectField(_l("Merge this organisation (it is deleted)"), coerce=int)
    target = SelectField(_l("into this one (it is kept)"), coerce=int)
    submit = SubmitField(_l("Show what would move"))


class ConfirmMergeForm(FlaskForm):
    submit = SubmitField(_l("Merge the organisations"))


class InvitationForm(ResetPasswordForm):
    """The reset form's fields and password policy, with its own button."""

    submit = SubmitField(_l("Set my password"))
