"""The trainers' forms: quiz settings, categories, questions of every type, imports, grading."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    FieldList,
    FloatField,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from .models import GRADING_METHODS, REVIEW_TIMES
from .questions import FORMATS

GRADING_LABELS = {
    "highest": _l("Highest grade"),
    "average": _l("Average grade"),
    "first": _l("First attempt"),
    "last": _l("Last attempt"),
}
REVIEW_LABELS: dict[str, object] = {
    "immediately": _l("Right after the attempt"),
    "after_last": _l("After the learner's last attempt"),
    "after_close": _l("After the quiz closes"),
    "never": _l("Never"),
}
FORMAT_LABELS = {
    "moodle": _l("Moodle auto-format"),
    "html": _l("HTML"),
    "markdown": _l("Markdown"),
    "plain": _l("Plain text"),
}


class QuizSettingsForm(FlaskForm):
    intro = TextAreaField(_l("Introduction (Markdown)"), validators=[Optional(), Length(max=20000)])
    pass_mark = FloatField(_l("Pass mark (%)"), validators=[InputRequired(), NumberRange(0, 100)])
    completion = SelectField(
        _l("The activity is complete when the learner"),
        choices=[
            SelectChoice("pass", _l("reaches the pass mark")),
            SelectChoice("attempt", _l("has submitted an attempt")),
        ],
    )
    attempts_allowed = IntegerField(
        _l("Attempts allowed (0 = unlimited)"), validators=[InputRequired(), NumberRange(0, 100)]
    )
    grading_method = SelectField(
        _l("Grading method"), choices=[SelectChoice(m, GRADING_LABELS[m]) for m in GRADING_METHODS]
    )
    time_limit = IntegerField(
        _l("Time limit in minutes (empty = none)"), validators=[Optional(), NumberRange(1, 24 * 60)]
    )
    opens_at = DateTimeLocalField(
        _l("Opens (UTC)"), format="%Y-%m-%dT%H:%M", validators=[Optional()]
    )
    closes_at = DateTimeLocalField(
        _l("Closes (UTC)"), format="%Y-%m-%dT%H:%M", validators=[Optional()]
    )
    shuffle_questions = BooleanField(_l("Shuffle the questions"))
    shuffle_answers = BooleanField(_l("Shuffle the answers within questions"))
    layout = SelectField(
        _l("Layout"),
        choices=[
            SelectChoice("one_page", _l("All questions on one page")),
            SelectChoice("per_question", _l("One question per page")),
        ],
    )
    navigation = SelectField(
        _l("Navigation"),
        choices=[
            SelectChoice("free", _l("Free: any page, in any order")),
            SelectChoice("sequential", _l("Sequential: forward only")),
        ],
    )
    review_marks = SelectField(
        _l("Learners see their marks"),
        choices=[SelectChoice(t, REVIEW_LABELS[t]) for t in REVIEW_TIMES],
    )
    review_feedback = SelectField(
        _l("Learners see the feedback"),
        choices=[SelectChoice(t, REVIEW_LABELS[t]) for t in REVIEW_TIMES],
    )
    review_correct = SelectField(
        _l("Learners see the right answers"),
        choices=[SelectChoice(t, REVIEW_LABELS[t]) for t in REVIEW_TIMES],
    )
    version = HiddenField()

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if self.opens_at.data and self.closes_at.data and self.closes_at.data <= self.opens_at.data:
            self.closes_at.errors = [
                *self.closes_at.errors,
                _l("The quiz must close after it opens."),
            ]
            ok = False
        return ok


class CategoryForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=255)])
    parent = SelectField(_l("Inside"), coerce=int, choices=[])


class RenameCategoryForm(FlaskForm):
    name = StringField(_l("New name"), validators=[DataRequired(), Length(max=255)])


class AnswerForm(Form):
    text = TextAreaField(
        _l("Answer"), validators=[Optional(), Length(max=5000)], render_kw={"rows": 2}
    )
    fraction = FloatField(
        _l("Grade (%)"), default=0, validators=[Optional(), NumberRange(-100, 100)]
    )
    feedback = TextAreaField(
        _l("Feedback"), validators=[Optional(), Length(max=5000)], render_kw={"rows": 2}
    )


class NumericalAnswerForm(Form):
    value = FloatField(_l("Number"), validators=[Optional()])
    tolerance = FloatField(
        _l("± tolerance"), default=0, validators=[Optional(), NumberRange(min=0)]
    )
    fraction = FloatField(
        _l("Grade (%)"), default=100, validators=[Optional(), NumberRange(-100, 100)]
    )
    feedback = TextAreaField(
        _l("Feedback"), validators=[Optional(), Length(max=5000)], render_kw={"rows": 2}
    )


class PairForm(Form):
    question = StringField(
        _l("Item (empty: an extra wrong choice)"), validators=[Optional(), Length(max=2000)]
    )
    answer = StringField(_l("Matches"), validators=[Optional(), Length(max=2000)])


class QuestionForm(FlaskForm):
    """Every field of every built-in type; the template shows the ones of the question's type."""

    category = SelectField(_l("Category"), coerce=int, choices=[])
    name = StringField(_l("Question name"), validators=[DataRequired(), Length(max=255)])
    text = TextAreaField(
        _l("Question text"), validators=[DataRequired(), Length(max=20000)], render_kw={"rows": 6}
    )
    format = SelectField(
        _l("Text format"), choices=[SelectChoice(f, FORMAT_LABELS[f]) for f in FORMATS]
    )
    general_feedback = TextAreaField(
        _l("General feedback (shown to every learner after the attempt)"),
        validators=[Optional(), Length(max=10000)],
        render_kw={"rows": 3},
    )
    tags = StringField(_l("Tags (separated by commas)"), validators=[Optional(), Length(max=1000)])
    answers = FieldList(FormField(AnswerForm), min_entries=0)
    numbers = FieldList(FormField(NumericalAnswerForm), min_entries=0)
    other_feedback = TextAreaField(
        _l("Feedback for any other number"),
        validators=[Optional(), Length(max=5000)],
        render_kw={"rows": 2},
    )
    pairs = FieldList(FormField(PairForm), min_entries=0)
    correct = RadioField(
        _l("The statement is"),
        choices=[SelectChoice("true", _l("True")), SelectChoice("false", _l("False"))],
        default="true",
    )
    true_feedback = TextAreaField(
        _l("Feedback for the answer 'True'"),
        validators=[Optional(), Length(max=5000)],
        render_kw={"rows": 2},
    )
    false_feedback = TextAreaField(
        _l("Feedback for the answer 'False'"),
        validators=[Optional(), Length(max=5000)],
        render_kw={"rows": 2},
    )
    case_sensitive = BooleanField(_l("Case matters"))
    rubric = TextAreaField(
        _l("Rubric for the grader (learners never see it)"),
        validators=[Optional(), Length(max=20000)],
        render_kw={"rows": 4},
    )
    type_json = TextAreaField(
        _l("The type's settings (JSON)"),
        validators=[Optional(), Length(max=50000)],
        render_kw={"rows": 8},
    )


class ImportForm(FlaskForm):
    format = SelectField(
        _l("Format"), choices=[SelectChoice("gift", "GIFT"), SelectChoice("aiken", "Aiken")]
    )
    file = FileField(_l("File"))
    text = TextAreaField(
        _l("…or paste the questions"),
        validators=[Optional(), Length(max=5_000_000)],
        render_kw={"rows": 12},
    )
    category = StringField(
        _l("Category for questions without $CATEGORY"),
        default="Imported",
        validators=[DataRequired(), Length(max=1000)],
    )


class GradeForm(FlaskForm):
    mark = FloatField(_l("Mark"), validators=[InputRequired(), NumberRange(min=0)])
    comment = TextAreaField(
        _l("Comment for the learner"),
        validators=[Optional(), Length(max=10000)],
        render_kw={"rows": 4},
    )


class AllowanceForm(FlaskForm):
    user_id = SelectField(_l("Learner"), coerce=int, choices=[])
    extra_attempts = IntegerField(
        _l("Extra attempts"), default=0, validators=[InputRequired(), NumberRange(0, 100)]
    )
    extra_minutes = IntegerField(
        _l("Extra minutes"), default=0, validators=[InputRequired(), NumberRange(0, 24 * 60)]
    )


class OverrideForm(FlaskForm):
    user_id = SelectField(_l("Learner"), coerce=int, choices=[])
    grade = FloatField(
        _l("Grade (%) — empty removes the override"), validators=[Optional(), NumberRange(0, 100)]
    )
    comment = TextAreaField(
        _l("Reason"), validators=[Optional(), Length(max=5000)], render_kw={"rows": 2}
    )


class RandomForm(FlaskForm):
    category = SelectField(_l("Category"), coerce=int, choices=[])
    count = IntegerField(
        _l("Number of questions"), default=1, validators=[InputRequired(), NumberRange(1, 100)]
    )
    subcategories = BooleanField(_l("Include subcategories"))


class RegradeForm(FlaskForm):
    to_latest = BooleanField(_l("Use the latest version of each question"), default=True)
