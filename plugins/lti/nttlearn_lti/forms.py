"""The plugin's forms: a platform's registration, the deep-linking choice, member sync."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import URL, InputRequired, Length


class PlatformForm(FlaskForm):
    name = StringField(_l("Name"), validators=[InputRequired(), Length(max=200)])
    issuer = StringField(_l("Issuer (platform ID)"), validators=[InputRequired(), Length(max=500)])
    client_id = StringField(_l("Client ID"), validators=[InputRequired(), Length(max=255)])
    deployment_ids = TextAreaField(
        _l("Deployment IDs (one a line)"), validators=[InputRequired(), Length(max=5000)]
    )
    auth_login_url = StringField(
        _l("Authentication request URL"),
        validators=[InputRequired(), URL(require_tld=False), Length(max=500)],
    )
    auth_token_url = StringField(
        _l("Access token URL"),
        validators=[InputRequired(), URL(require_tld=False), Length(max=500)],
    )
    key_set_url = StringField(
        _l("Public keyset URL"),
        validators=[InputRequired(), URL(require_tld=False), Length(max=500)],
    )


class DeepLinkForm(FlaskForm):
    choice = SelectField(_l("Course or activity"), validators=[InputRequired()])


class SyncForm(FlaskForm):
    """Only the CSRF token: the link is in the URL."""


class DeleteForm(FlaskForm):
    """Only the CSRF token."""
