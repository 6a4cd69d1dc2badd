"""The forms of the assignment pages: the learner's answer, the trainer's grade, the settings."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, MultipleFileField
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    FloatField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from .definition import FILE_TYPES, MAX_FILE_MB, MAX_FILES
from .services import MAX_TEXT

COMPLETION_LABELS = {
    "submitted": _l("The learner hands in their work"),
    "passed": _l("The learner's grade reaches the pass mark"),
}


class AnswerForm(FlaskForm):
    text = TextAreaField(
        _l("Your answer (Markdown)"), validators=[Optional(), Length(max=MAX_TEXT)]
    )
    files = MultipleFileField(_l("Add files"))
    # How many times the work had been handed in when the page was shown: a second click on
    # "Hand in" finds the count already moved on and does nothing.
    seen = HiddenField()


class GradeForm(FlaskForm):
    points = FloatField(_l("Points"), validators=[InputRequired(), NumberRange(min=0)])
    feedback = TextAreaField(
        _l("Feedback (Markdown)"), validators=[Optional(), Length(max=MAX_TEXT)]
    )
    returned = FileField(_l("Return a file (optional)"))


class RubricGradeForm(FlaskForm):
    """Grading with the rubric: the levels and comments are read from the page's radio groups by
    :func:`.grading.read_scores`; the points are computed, never typed."""

    feedback = TextAreaField(
        _l("Overall feedback (Markdown)"), validators=[Optional(), Length(max=MAX_TEXT)]
    )
    returned = FileField(_l("Return a file (optional)"))


class ReopenForm(FlaskForm):
    pass


class SettingsForm(FlaskForm):
    instructions = TextAreaField(
        _l("Instructions in English (Markdown)"), validators=[Optional(), Length(max=MAX_TEXT)]
    )
    due_at = DateTimeLocalField(
        _l("Due (UTC; a cohort's deadline comes first)"), validators=[Optional()]
    )
    max_points = FloatField(
        _l("Maximum points"), validators=[InputRequired(), NumberRange(min=0.01, max=10000)]
    )
    pass_mark = FloatField(
        _l("Pass mark (points)"), validators=[Optional(), NumberRange(min=0, max=10000)]
    )
    text_entry = BooleanField(_l("Learners write their answer on the page"))
    file_upload = BooleanField(_l("Learners hand in files"))
    file_types = SelectMultipleField(
        _l("Accepted file types"), choices=[SelectChoice(t, t) for t in FILE_TYPES]
    )
    max_file_mb = IntegerField(
        _l("Largest file (MB)"), validators=[InputRequired(), NumberRange(1, MAX_FILE_MB)]
    )
    max_files = IntegerField(
        _l("Most files per learner"), validators=[InputRequired(), NumberRange(1, MAX_FILES)]
    )
    completion = SelectField(
        _l("The activity is complete when"),
        choices=[SelectChoice(k, v) for k, v in COMPLETION_LABELS.items()],
    )

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if not (self.text_entry.data or self.file_upload.data):
            self.text_entry.errors = [_l("Choose at least one way to hand in work.")]
            return False
        if self.file_upload.data and not self.file_types.data:
            self.file_types.errors = [_l("Choose the file types learners may hand in.")]
            return False
        if self.pass_mark.data is not None and self.pass_mark.data > self.max_points.data:
            self.pass_mark.errors = [_l("The pass mark cannot be more than the maximum points.")]
            return False
        if self.completion.data == "passed" and self.pass_mark.data is None:
            self.pass_mark.errors = [_l("Set a pass mark to complete the activity on passing.")]
            return False
        return True


class InstructionsTranslationForm(FlaskForm):
    """The instructions in one language (Markdown); empty: learners read the English."""

    # What the translation said when the form was opened ("new" when there was none).
    opened = HiddenField(validators=[DataRequired()])
    # The fingerprint of the English instructions the form showed.
    source = HiddenField()
    text = TextAreaField(
        _l("Instructions (Markdown)"),
        validators=[Optional(), Length(max=MAX_TEXT)],
        description=_l(
            "Translate the text and keep its Markdown: headings (##), lists (-), links and images. Leave it empty and learners read the English instructions."
        ),
    )
    preview = SubmitField(_l("Preview"))
    submit = SubmitField(_l("Save the translation"))
