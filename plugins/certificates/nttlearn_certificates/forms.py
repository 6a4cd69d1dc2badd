"""The plugin's forms (Flask-WTF, so CSRF-protected except the verification lookup)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    FloatField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from .document import MAX_BODY_LENGTH, MAX_TITLE_LENGTH, PLACEHOLDERS
from .pdf import MAX_SIGNATORIES

COLOUR = Regexp(r"^#[0-9a-fA-F]{6}$", message=_l("Write a colour as #RRGGBB, for example #1F3A5F."))
REASON_LENGTH = 500
COLOUR_INPUT = {"type": "color"}
IMAGE_INPUT = {"accept": "image/png,image/jpeg"}


class VerifyForm(FlaskForm):
    """The public lookup: a GET form, so that a result page has a URL to bookmark."""

    class Meta:
        csrf = False

    code = StringField(
        _l("Certificate code"),
        validators=[DataRequired(), Length(max=64)],
        description=_l("As printed on the certificate, for example NTT-7K4Q-M2XD."),
    )
    submit = SubmitField(_l("Check"))


class RuleForm(FlaskForm):
    enabled = BooleanField(_l("Issue certificates for this course"))
    min_quiz_grade = FloatField(
        _l("Minimum grade in every quiz (%)"),
        validators=[Optional(), NumberRange(min=0, max=100)],
        description=_l("Leave empty to ask for completion only."),
    )
    require_accepted_proposal = BooleanField(_l("Also require a proposal accepted in peer review"))
    valid_months = IntegerField(
        _l("Valid for (months)"),
        validators=[Optional(), NumberRange(min=1, max=600)],
        description=_l("Leave empty for certificates that do not expire."),
    )
    submit = SubmitField(_l("Save the rule"))


class IssueForm(FlaskForm):
    learner = SelectField(_l("Learner"), coerce=int, validators=[DataRequired()])
    reason = TextAreaField(
        _l("Reason"),
        validators=[DataRequired(), Length(max=REASON_LENGTH)],
        description=_l(
            "Kept with the certificate, for example "
            '"attended the seminar in Luleå instead of module 3".'
        ),
    )
    submit = SubmitField(_l("Issue the certificate"))


class BulkIssueForm(FlaskForm):
    cohort = SelectField(_l("Cohort"), choices=[], validate_choice=True)
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=REASON_LENGTH)])
    include_incomplete = BooleanField(_l("Also learners who have not completed the course"))
    submit = SubmitField(_l("Issue to the cohort"))


class ReasonForm(FlaskForm):
    """Revoke or reissue: both need a reason, kept with the certificate."""

    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=REASON_LENGTH)])


class ShareForm(FlaskForm):
    public = BooleanField(_l("Anyone with the link may see and download this certificate"))
    submit = SubmitField(_l("Save"))


def _placeholder_help() -> str:
    return ", ".join(f"{{{name}}}" for name in PLACEHOLDERS)


class TemplateForm(FlaskForm):
    title = StringField(
        _l("Title"),
        validators=[Length(max=MAX_TITLE_LENGTH)],
        description=_l('Empty: "Certificate" in the learner\'s language.'),
    )
    body = TextAreaField(
        _l("Text"),
        validators=[Length(max=MAX_BODY_LENGTH)],
        description=_l(
            "Empty: the default wording in the learner's language. Placeholders: "
            "%(names)s. Write {{ and }} for literal braces.",
            names=_placeholder_help(),
        ),
    )
    primary_colour = StringField(
        _l("Main colour"), validators=[DataRequired(), COLOUR], render_kw=COLOUR_INPUT
    )
    accent_colour = StringField(
        _l("Accent colour"), validators=[DataRequired(), COLOUR], render_kw=COLOUR_INPUT
    )
    text_colour = StringField(
        _l("Text colour"), validators=[DataRequired(), COLOUR], render_kw=COLOUR_INPUT
    )
    logo = FileField(_l("Logo (PNG or JPEG)"), render_kw=IMAGE_INPUT)
    remove_logo = BooleanField(_l("Remove the logo"))
    signatory_1_name = StringField(_l("First signatory"), validators=[Length(max=120)])
    signatory_1_role = StringField(
        lazy_pgettext("signatory's position", "Role"), validators=[Length(max=160)]
    )
    signature_1 = FileField(_l("Signature (PNG or JPEG)"), render_kw=IMAGE_INPUT)
    remove_signature_1 = BooleanField(_l("Remove the signature"))
    signatory_2_name = StringField(_l("Second signatory"), validators=[Length(max=120)])
    signatory_2_role = StringField(
        lazy_pgettext("signatory's position", "Role"), validators=[Length(max=160)]
    )
    signature_2 = FileField(_l("Signature (PNG or JPEG)"), render_kw=IMAGE_INPUT)
    remove_signature_2 = BooleanField(_l("Remove the signature"))
    signatory_3_name = StringField(_l("Third signatory"), validators=[Length(max=120)])
    signatory_3_role = StringField(
        lazy_pgettext("signatory's position", "Role"), validators=[Length(max=160)]
    )
    signature_3 = FileField(_l("Signature (PNG or JPEG)"), render_kw=IMAGE_INPUT)
    remove_signature_3 = BooleanField(_l("Remove the signature"))
    save = SubmitField(_l("Save the template"))
    preview = SubmitField(_l("Preview"))

    def signatories(self) -> tuple[tuple[str, str], ...]:
        pairs = []
        for n in range(1, MAX_SIGNATORIES + 1):
            name = (getattr(self, f"signatory_{n}_name").data or "").strip()
            role = (getattr(self, f"signatory_{n}_role").data or "").strip()
            if name:
                pairs.append((name, role))
        return tuple(pairs)
