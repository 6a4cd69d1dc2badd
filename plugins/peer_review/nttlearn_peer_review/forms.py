"""The plugin's forms (Flask-WTF: CSRF on every one). The review, calibration and example forms
are built per rubric and template, since their fields are the activity's criteria and sections."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    FloatField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from .applications import OUTCOME_LABELS
from .directory import SPOKEN_LANGUAGES
from .models import PHASES
from .services import ANONYMITY_LABELS, COMPLETION_LABELS, PHASE_LABELS
from .template import ProposalTemplate, Rubric
from .writing import POLICY_AREAS


def labelled(labels: Mapping[str, Any]) -> list[SelectChoice]:
    """The options of a select or radio field from a ``{value: label}`` mapping, in its order."""
    return [SelectChoice(value, label) for value, label in labels.items()]


def points_value(points: float) -> str:
    return f"{points:g}"


class TeamForm(FlaskForm):
    name = StringField(_l("Team name"), validators=[DataRequired(), Length(max=120)])


class InviteForm(FlaskForm):
    email = StringField(
        _l("E-mail address of a colleague in this course"),
        validators=[DataRequired(), Email(), Length(max=254)],
    )


class AnswerForm(FlaskForm):
    answer = HiddenField(validators=[DataRequired()])


class DetailsForm(FlaskForm):
    title = StringField(_l("Title of the proposal"), validators=[Length(max=200)])
    policy_area = SelectField(_l("Policy area"), validators=[Optional()])
    base_version = HiddenField(validators=[InputRequired()])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.policy_area.choices = [SelectChoice("", _l("Choose…")), *labelled(POLICY_AREAS)]


class SectionForm(FlaskForm):
    text = TextAreaField(_l("Text"), validators=[Length(max=60_000)])
    base_version = HiddenField(validators=[InputRequired()])


class SubmitForm(FlaskForm):
    kind = HiddenField(default="original")


class HelpfulnessForm(FlaskForm):
    rating = RadioField(
        _l("How helpful was this review?"),
        validators=[InputRequired()],
        choices=[
            SelectChoice("1", _l("1 – not helpful")),
            SelectChoice("2"),
            SelectChoice("3"),
            SelectChoice("4"),
            SelectChoice("5", _l("5 – very helpful")),
        ],
    )


def _score_field(criterion) -> RadioField:
    return RadioField(
        str(criterion.title),
        validators=[Optional()],
        choices=[
            SelectChoice(
                points_value(level.points), f"{level.label} ({points_value(level.points)})"
            )
            for level in criterion.levels
        ],
    )


def review_form(rubric: Rubric, **kwargs: Any) -> FlaskForm:
    """The rubric form: a level and a comment per criterion, then strengths and suggestions."""

    class ReviewForm(FlaskForm):
        strengths = TextAreaField(_l("Strengths of the proposal"), validators=[Length(max=10_000)])
        suggestions = TextAreaField(
            _l("Suggestions for improvement"), validators=[Length(max=10_000)]
        )
        action = HiddenField(default="save")

    for criterion in rubric.criteria:
        setattr(ReviewForm, f"score_{criterion.key}", _score_field(criterion))
        setattr(
            ReviewForm,
            f"comment_{criterion.key}",
            TextAreaField(_l("Comment"), validators=[Length(max=10_000)]),
        )
    return ReviewForm(**kwargs)


def calibration_form(rubric: Rubric, **kwargs: Any) -> FlaskForm:
    class CalibrationForm(FlaskForm):
        pass

    for criterion in rubric.criteria:
        setattr(CalibrationForm, f"score_{criterion.key}", _score_field(criterion))
    return CalibrationForm(**kwargs)


def example_form(template: ProposalTemplate, rubric: Rubric, **kwargs: Any) -> FlaskForm:
    class ExampleForm(FlaskForm):
        title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
        published = BooleanField(_l("Published: learners can read it and calibrate"))

    for section in template.sections:
        setattr(ExampleForm, f"section_{section.key}", TextAreaField(str(section.title)))
    for criterion in rubric.criteria:
        setattr(ExampleForm, f"score_{criterion.key}", _score_field(criterion))
        setattr(
            ExampleForm,
            f"comment_{criterion.key}",
            TextAreaField(_l("Reference comment"), validators=[Length(max=10_000)]),
        )
    return ExampleForm(**kwargs)


def scores_from(form: FlaskForm, rubric: Rubric) -> dict[str, float | None]:
    result: dict[str, float | None] = {}
    for criterion in rubric.criteria:
        raw = getattr(form, f"score_{criterion.key}").data
        result[criterion.key] = float(raw) if raw not in (None, "", "None") else None
    return result


# -- the trainer's forms --------------------------------------------------------------------------
class SettingsForm(FlaskForm):
    submission_opens_at = DateTimeLocalField(
        _l("Submission opens (UTC)"), format="%Y-%m-%dT%H:%M", validators=[Optional()]
    )
    submission_deadline = DateTimeLocalField(
        _l("Submission deadline (UTC)"), format="%Y-%m-%dT%H:%M", validators=[Optional()]
    )
    review_opens_at = DateTimeLocalField(
        _l("Reviews open (UTC)"), format="%Y-%m-%dT%H:%M", validators=[Optional()]
    )
    review_deadline = DateTimeLocalField(
        _l("Review deadline (UTC)"), format="%Y-%m-%dT%H:%M", validators=[Optional()]
    )
    closes_at = DateTimeLocalField(
        _l("Closes (UTC)"), format="%Y-%m-%dT%H:%M", validators=[Optional()]
    )
    reviewers_per_submission = IntegerField(
        _l("Reviewers per proposal"), validators=[InputRequired(), NumberRange(1, 20)]
    )
    anonymity = SelectField(_l("Anonymity"), choices=labelled(ANONYMITY_LABELS))
    late_submissions = BooleanField(_l("Accept late submissions (marked late)"))
    min_countries = IntegerField(
        _l("Team members from at least this many countries"),
        validators=[InputRequired(), NumberRange(1, 30)],
    )
    only_submitters_review = BooleanField(_l("Only learners whose team submitted review"))
    completion_rule = SelectField(
        _l("The activity is complete when"), choices=labelled(COMPLETION_LABELS)
    )
    team_formation = SelectField(
        _l("Teams"),
        choices=[
            SelectChoice("learners", _l("Learners form teams and invite colleagues by e-mail")),
            SelectChoice("trainer", _l("The trainer forms the teams")),
        ],
    )
    max_team_size = IntegerField(
        _l("Largest team"), validators=[InputRequired(), NumberRange(1, 50)]
    )
    grading_method = SelectField(
        _l("Submission grade"),
        choices=[
            SelectChoice("mean", _l("Mean of the reviews")),
            SelectChoice("median", _l("Median of the reviews")),
        ],
    )
    submission_weight = FloatField(
        _l("Weight of the submission grade"), validators=[InputRequired(), NumberRange(0, 1000)]
    )
    reviewing_weight = FloatField(
        _l("Weight of the reviewing grade"), validators=[InputRequired(), NumberRange(0, 1000)]
    )
    late_penalty = FloatField(
        _l("Share of a late review's grade that is lost (0 to 1)"),
        validators=[InputRequired(), NumberRange(0, 1)],
    )
    pass_grade = FloatField(
        _l("Pass grade: a proposal with at least this grade is accepted"),
        validators=[InputRequired(), NumberRange(0, 100)],
    )
    disagreement_threshold = FloatField(
        _l("Flag a review whose total differs from the others by more than (points of 100)"),
        validators=[InputRequired(), NumberRange(0, 100)],
    )
    template = TextAreaField(
        _l("Proposal template (YAML: sections with key, title, guidance, word_limit)")
    )
    rubric = TextAreaField(_l("Rubric (YAML: criteria with key, title, weight, levels)"))


class CheckboxListField(SelectMultipleField):
    """A multiple choice as a list of checkboxes (usable on a phone and with a keyboard)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class PhaseForm(FlaskForm):
    phase = SelectField(_l("Phase"), choices=[SelectChoice(p, PHASE_LABELS[p]) for p in PHASES])
    # Set only by the confirmation page: a switch without it shows what will happen first.
    confirmed = HiddenField()


class PhaseChoiceForm(FlaskForm):
    """The dashboard's phase choice, sent by GET to the confirmation page (no CSRF: it changes
    nothing)."""

    class Meta:
        csrf = False

    phase = SelectField(_l("Phase"), choices=[SelectChoice(p, PHASE_LABELS[p]) for p in PHASES])


class TrainerTeamForm(FlaskForm):
    name = StringField(_l("Team name"), validators=[DataRequired(), Length(max=120)])
    members = CheckboxListField(_l("Members"), coerce=int, validators=[Optional()])


class MemberForm(FlaskForm):
    user_id = SelectField(_l("Learner"), coerce=int)


class AllocationForm(FlaskForm):
    submission_id = SelectField(_l("Proposal"), coerce=int)
    reviewer_id = SelectField(_l("Reviewer"), coerce=int)


class DropForm(FlaskForm):
    reviewer_id = SelectField(_l("Reviewer who dropped out"), coerce=int)


class ReminderForm(FlaskForm):
    audience = SelectField(
        _l("Send to"),
        choices=[
            SelectChoice("not_submitted", _l("Learners whose team has not submitted")),
            SelectChoice("missing_reviews", _l("Reviewers with reviews not yet submitted")),
        ],
    )
    message = TextAreaField(_l("Your message (optional)"), validators=[Length(max=2000)])


class OverrideForm(FlaskForm):
    grade = FloatField(
        _l("Grade (0–100); empty removes the override"),
        validators=[Optional(), NumberRange(0, 100)],
    )
    reason = StringField(_l("Reason"), validators=[Length(max=500)])


# -- the partner directory and applications to funders -------------------------------------------
class DirectoryEntryForm(FlaskForm):
    town = StringField(_l("Town"), validators=[DataRequired(), Length(max=120)])
    country = StringField(
        _l("Country (two-letter code, such as IT, SE, ES, FI)"),
        validators=[DataRequired(), Length(min=2, max=2)],
    )
    organisation = StringField(_l("Organisation"), validators=[DataRequired(), Length(max=200)])
    policy_areas = CheckboxListField(
        _l("Policy areas you work in"), choices=labelled(POLICY_AREAS), validators=[DataRequired()]
    )
    languages = CheckboxListField(
        _l("Languages you speak"), choices=labelled(SPOKEN_LANGUAGES), validators=[DataRequired()]
    )
    looking_for = TextAreaField(_l("What you look for in partners"), validators=[Length(max=2000)])


class DirectorySearchForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search changes nothing

    q = StringField(
        _l("Name, town, organisation or words"), validators=[Optional(), Length(max=100)]
    )
    area = SelectField(_l("Policy area"), validators=[Optional()])
    country = StringField(_l("Country code"), validators=[Optional(), Length(max=2)])
    language = SelectField(_l("Language"), validators=[Optional()])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.area.choices = [SelectChoice("", _l("Any")), *labelled(POLICY_AREAS)]
        self.language.choices = [SelectChoice("", _l("Any")), *labelled(SPOKEN_LANGUAGES)]


class RemoveEntryForm(FlaskForm):
    """Opting out of the directory: nothing to fill in but the CSRF token."""


class DirectoryInviteForm(FlaskForm):
    activity_id = HiddenField(validators=[InputRequired()])


class ApplicationForm(FlaskForm):
    programme = StringField(
        _l("Funding programme"),
        validators=[DataRequired(), Length(max=200)],
        description=_l("For example: Europe for Citizens"),
    )
    call = StringField(
        _l("Call or measure"),
        validators=[DataRequired(), Length(max=200)],
        description=_l(
            "For example: Action 1, Measure 1.2, thematic networks of "
            "twinned towns, call of 1 September"
        ),
    )
    submitted_on = DateField(_l("Date submitted"), validators=[InputRequired()])
    lead_organisation = StringField(
        _l("Lead applicant"), validators=[DataRequired(), Length(max=200)]
    )
    partners = TextAreaField(
        _l("Partner organisations, one a line: organisation; town; country code"),
        validators=[Length(max=20_000)],
    )
    requested_eur = StringField(
        _l("Amount requested (EUR)"), validators=[DataRequired(), Length(max=30)]
    )
    outcome = SelectField(_l("Outcome"), choices=labelled(OUTCOME_LABELS))
    granted_eur = StringField(_l("Amount granted (EUR), when funded"), validators=[Length(max=30)])
    document = FileField(
        _l("The submitted application (PDF or office document)"), validators=[Optional()]
    )


class TranslationForm(FlaskForm):
    """The token of the translation the editor showed (``new`` when there was none); the texts
    and the fingerprints of the English beside them are read by `translation_views.posted`."""

    opened = HiddenField(validators=[DataRequired()])
