"""Account forms."""

from __future__ import annotations

from babel import Locale
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, ValidationError

from ..config import LANGUAGE_NAMES, LOCALES
from ..dates import default_timezone, timezone_names
from .passwords import MAX_LENGTH, password_problems

# Two-letter codes CLDR names that are not countries: unknown region, EU, eurozone, UN, outlying
# Oceania, pseudo-locales.
NOT_COUNTRIES = frozenset({"ZZ", "EU", "EZ", "UN", "QO", "XA", "XB"})


def country_choices() -> list[SelectChoice]:
    territories = Locale.parse(str(get_locale() or "en")).territories
    countries = [
        SelectChoice(code, name)
        for code, name in territories.items()
        if len(code) == 2 and code.isalpha() and code not in NOT_COUNTRIES
    ]
    return [
        SelectChoice("", _l("Choose a country")),
        *sorted(countries, key=lambda choice: choice.label),
    ]


def language_choices() -> list[SelectChoice]:
    return [SelectChoice(code, LANGUAGE_NAMES[code]) for code in LOCALES]


class NewPassword:
    """Validates a new password against the one policy (length, common passwords, own e-mail and
    name). The e-mail and name come from the form's own fields when it has them (registration),
    else from the account the form was made for (``Form(account=user)``: reset and change), so
    no path to a new password skips a rule."""

    def __call__(self, form, field) -> None:
        account = getattr(form, "account", None)
        email = _field_data(form, "email") or getattr(account, "email", "") or ""
        name = _field_data(form, "name") or getattr(account, "name", "") or ""
        problems = password_problems(field.data or "", email=email, name=name)
        if problems:
            raise ValidationError(" ".join(problems))


def _field_data(form, name: str) -> str:
    field = getattr(form, name, None)
    return field.data if field is not None and isinstance(field.data, str) else ""


class _ForAccount(FlaskForm):
    """A form about an existing account, whose e-mail and name the password policy needs."""

    def __init__(self, *args, account=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.account = account


class ProfileFields(FlaskForm):
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    organisation = StringField(
        _l("Organisation"),
        validators=[Optional(), Length(max=200)],
        description=_l("Your municipality or body, e.g. Comune di Bologna"),
    )
    town = StringField(_l("Town"), validators=[Optional(), Length(max=120)])
    country = SelectField(_l("Country"), validators=[Optional()], validate_choice=True)
    locale = SelectField(_l("Preferred language"), validators=[DataRequired()])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.country.choices = country_choices()
        self.locale.choices = language_choices()

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        # Checked here, not in validate_country: the country's Optional() validator stops the
        # field's own chain when it is empty, which is exactly the case to catch.
        if (self.organisation.data or "").strip() and not self.country.data:
            self.country.errors = [
                *self.country.errors,
                _l("Choose the country of your organisation."),
            ]
            valid = False
        return valid


class RegistrationForm(ProfileFields):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(), NewPassword()],
        description=_l("At least 12 characters. A few unrelated words make a strong password."),
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords do not match."))],
    )
    submit = SubmitField(_l("Create account"))


class ProfileForm(ProfileFields):
    timezone = SelectField(
        _l("Time zone"),
        validators=[Optional()],
        validate_choice=True,
        description=_l("Deadlines and meetings are shown in this time zone."),
    )
    submit = SubmitField(_l("Save profile"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.timezone.choices = [
            SelectChoice(
                "", _l("The site's time zone (%(zone)s)", zone=default_timezone().replace("_", " "))
            ),
            *(SelectChoice(name, name.replace("_", " ")) for name in timezone_names()),
        ]


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email()])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=MAX_LENGTH)])
    remember = BooleanField(_l("Keep me logged in on this device"))
    submit = SubmitField(_l("Log in"))


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email()])
    submit = SubmitField(_l("Send me a reset link"))


class ResetPasswordForm(_ForAccount):
    password = PasswordField(_l("New password"), validators=[DataRequired(), NewPassword()])
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords do not match."))],
    )
    submit = SubmitField(_l("Set new password"))


class ChangePasswordForm(_ForAccount):
    current = PasswordField(_l("Current password"), validators=[DataRequired()])
    password = PasswordField(_l("New password"), validators=[DataRequired(), NewPassword()])
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords do not match."))],
    )
    submit = SubmitField(_l("Change password"))


class DeleteAccountForm(FlaskForm):
    password = PasswordField(_l("Your password"), validators=[DataRequired()])
    confirm = BooleanField(
        _l("I understand that my account and personal data will be deleted."),
        validators=[DataRequired()],
    )
    submit = SubmitField(_l("Delete my account"))


class ProviderDeleteAccountForm(FlaskForm):
    """Deleting an account without a password: confirmed by a fresh login at the provider."""

    confirm = BooleanField(
        _l("I understand that my account and personal data will be deleted."),
        validators=[DataRequired()],
    )
    submit = SubmitField(_l("Delete my account"))


class LinkIdentityForm(FlaskForm):
    """Proves that the person coming back from a single sign-on provider owns the account with
    the provider's e-mail address, before the two are linked."""

    password = PasswordField(
        _l("Password of your account here"), validators=[DataRequired(), Length(max=MAX_LENGTH)]
    )
    submit = SubmitField(_l("Link and log in"))
