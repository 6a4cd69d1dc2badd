"""``/account/api-tokens``: a person's personal access tokens for the REST API (when it is on)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from ..auth.permissions import require_login
from ..extensions import db
from ..models import ApiToken
from .tokens import allowed_scopes, create_token, revoke_token, user_tokens

account = Blueprint("api_tokens", __name__, template_folder="templates")

SCOPE_LABELS = {
    "read": _l(
        "Read: courses, your enrolments and progress (and, for trainers, their courses' learners)"
    ),
    "write": _l("Write: enrol and unenrol, and the changes your role allows"),
    "admin": _l("Administer: accounts and organisations (administrators only)"),
}
EXPIRY_CHOICES = [
    ("30", _l("30 days")),
    ("90", _l("90 days")),
    ("365", _l("1 year")),
    ("0", _l("Never")),
]


class CheckboxList(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class NewTokenForm(FlaskForm):
    name = StringField(
        _l("What is this token for?"),
        validators=[DataRequired(), Length(max=100)],
        description=_l("For example: the regional training portal. Shown in the list below."),
    )
    scopes = CheckboxList(
        _l("What may it do?"), validators=[DataRequired(message=_l("Choose at least one."))]
    )
    expires = SelectField(_l("Expires after"), choices=EXPIRY_CHOICES, default="90")
    submit = SubmitField(_l("Create token"))


def _form() -> NewTokenForm:
    form = NewTokenForm()
    form.scopes.choices = [(s, SCOPE_LABELS[s]) for s in allowed_scopes(current_user)]
    return form


@account.route("/account/api-tokens", methods=["GET", "POST"])
@require_login
def tokens():
    form = _form()
    token = None
    if form.validate_on_submit():
        days = int(form.expires.data)
        token, _record = create_token(
            current_user, form.scopes.data, name=form.name.data, expires_days=days or None
        )
        db.session.commit()
        form = _form()
        form.process(formdata=None)
    return render_template(
        "rest/tokens.html", form=form, token=token, tokens=user_tokens(current_user)
    )


@account.route("/account/api-tokens/<int:token_id>/revoke", methods=["POST"])
@require_login
def revoke(token_id: int):
    record = db.session.get(ApiToken, token_id)
    if record is None or record.user_id != current_user.id:
        abort(404)
    revoke_token(record)
    db.session.commit()
    flash(_("The token has been revoked: it no longer works."), "success")
    return redirect(url_for("api_tokens.tokens"))
