"""Authoring forms."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DecimalField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp, ValidationError

from ..config import LANGUAGE_NAMES
from ..content.translations import LANGUAGES
from ..course_settings import form_field
from ..hooktypes import CourseSetting

SLUG_HELP = _l(
    "Lower-case letters, digits and dashes; it becomes part of the course's web address."
)


def options(pairs: Iterable[tuple[str, Any]]) -> list[SelectChoice]:
    """SelectField options (WTForms 3.4 no longer takes (value, label) tuples)."""
    return [SelectChoice(value, label) for value, label in pairs]


def completion_choices() -> list[Any]:
    return options(
        [
            ("all_required", _l("Every required lesson and activity")),
            ("all", _l("Every lesson and activity")),
        ]
    )


def lines(text: str | list[str] | None) -> list[str]:
    """A text box with one item per line, as a list (outcomes)."""
    items = text if isinstance(text, list) else (text or "").splitlines()
    return [line.strip() for line in items if line.strip()]


class CourseSettingsForm(FlaskForm):
    # The version the editor opened (not named "version": it must come from the form, never the row).
    opened_version = HiddenField(validators=[DataRequired()])
    # What the settings said when opened: a newer version that only added a translation is no conflict.
    opened_text = HiddenField()
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    summary = TextAreaField(_l("Summary"), validators=[Length(max=2000)])
    policy_area = SelectField(_l("Policy area"))
    hours = DecimalField(
        _l("Estimated hours"), places=1, validators=[NumberRange(min=0.5, max=500)]
    )
    outcomes = TextAreaField(
        _l("Learning outcomes"), description=_l("One per line."), validators=[Length(max=5000)]
    )
    completion_rule = SelectField(_l("Completion rule"), choices=completion_choices())
    self_enrolment = BooleanField(_l("Learners may enrol themselves"))
    # The plugins' course settings (nttlearn_course_settings) are added by course_settings_form().
    published = BooleanField(_l("Published (visible in the catalogue)"))
    submit = SubmitField(_l("Save"))


def course_settings_form(settings: Mapping[str, CourseSetting]) -> type[CourseSettingsForm]:
    """The settings form with a field for each plugin's course setting, named by its key."""
    return type(
        "CourseSettingsForm",
        (CourseSettingsForm,),
        {key: form_field(s) for key, s in settings.items()},
    )


class NewCourseForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    slug = StringField(
        _l("Web address (optional)"),
        description=SLUG_HELP,
        validators=[
            Optional(),
            Length(max=100),
            Regexp(r"^[a-z0-9][a-z0-9-]*$", message=SLUG_HELP),
        ],
    )
    policy_area = SelectField(_l("Policy area"))
    summary = TextAreaField(_l("Summary"), validators=[Length(max=2000)])
    submit = SubmitField(_l("Create the course"))


class DuplicateCourseForm(FlaskForm):
    title = StringField(_l("Title of the copy"), validators=[DataRequired(), Length(max=200)])
    slug = StringField(
        _l("Web address of the copy"),
        description=SLUG_HELP,
        validators=[
            DataRequired(),
            Length(max=100),
            Regexp(r"^[a-z0-9][a-z0-9-]*$", message=SLUG_HELP),
        ],
    )
    submit = SubmitField(_l("Duplicate the course"))


class ModuleForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    summary = TextAreaField(_l("Summary"), validators=[Length(max=2000)])
    outcomes = TextAreaField(
        _l("Learning outcomes"), description=_l("One per line."), validators=[Length(max=5000)]
    )
    submit = SubmitField(_l("Save"))


class LessonForm(FlaskForm):
    opened_version = HiddenField(validators=[DataRequired()])
    opened_text = HiddenField()
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    minutes = IntegerField(
        _l("Estimated minutes"),
        default=10,
        validators=[DataRequired(), NumberRange(min=1, max=600)],
    )
    kind = SelectField(
        _l("Kind"), choices=options([("lesson", _l("Lesson")), ("exercise", _l("Exercise"))])
    )
    required = BooleanField(_l("Required for completion"), default=True)
    body = TextAreaField(
        _l("Text (Markdown)"),
        validators=[Length(max=200_000)],
        description=_l(
            "Headings with ##, lists with -, links as [text](https://…), images as ![description](../../media/photo.png)."
        ),
    )
    preview = SubmitField(_l("Preview"))
    submit = SubmitField(_l("Save"))


class AddActivityForm(FlaskForm):
    type_key = SelectField(_l("Type"))
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    required = BooleanField(_l("Required for completion"), default=True)
    submit = SubmitField(_l("Add the activity"))


class ActivityForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    required = BooleanField(_l("Required for completion"))
    submit = SubmitField(_l("Save"))


class MediaForm(FlaskForm):
    image = FileField(
        _l("File: an image, a PDF, audio, video or an office document"), validators=[FileRequired()]
    )
    submit = SubmitField(_l("Upload"))


class PackageForm(FlaskForm):
    package = FileField(_l("Course package (.zip)"), validators=[FileRequired()])
    check = SubmitField(_l("Check only"))
    submit = SubmitField(_l("Import"))


class TranslationForm(FlaskForm):
    """A translation of a course's title and summary, or of a lesson (see the subclasses)."""

    # What the translation said when the form was opened ("new" when there was none).
    opened = HiddenField(validators=[DataRequired()])
    # The fingerprints of the English texts the form showed: an English edit meanwhile is noticed.
    source = HiddenField()
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    submit = SubmitField(_l("Save the translation"))


class TitleTranslationForm(TranslationForm):
    """The translation of a course's or a module's title and summary."""

    summary = TextAreaField(_l("Summary"), validators=[Length(max=2000)])


class LessonTranslationForm(TranslationForm):
    body = TextAreaField(
        _l("Text (Markdown)"),
        validators=[Length(max=200_000)],
        description=_l(
            "Translate the text and keep its Markdown: headings (##), lists (-), links and images."
        ),
    )
    preview = SubmitField(_l("Preview"))

    def __init__(self, *args: Any, english_body: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.english_body = english_body

    def validate_body(self, field: TextAreaField) -> None:
        if self.english_body.strip() and not (field.data or "").strip():
            raise ValidationError(
                _l(
                    "Translate the text too: without it, learners would read the English text under a translated title."
                )
            )


class ActivityTranslationForm(TranslationForm):
    """The translation of an activity's title (the plugin's own texts have their own pages)."""


class OutcomesTranslationForm(FlaskForm):
    """The translation of a course's or a module's learning outcomes: one field per outcome,
    ``outcome_0``, ``outcome_1``… (see :func:`outcomes_translation_form`)."""

    opened = HiddenField(validators=[DataRequired()])
    source = HiddenField()
    submit = SubmitField(_l("Save the translation"))

    def outcome_fields(self) -> list[Any]:
        return [field for field in self if field.name.startswith("outcome_")]


def outcomes_translation_form(count: int) -> OutcomesTranslationForm:
    """A form with a field for each of ``count`` English outcomes (none may be left over in a request)."""
    fields = {
        f"outcome_{n}": TextAreaField(
            _l("Learning outcome %(num)d", num=n + 1), validators=[Length(max=2000)]
        )
        for n in range(count)
    }
    return type("OutcomesTranslation", (OutcomesTranslationForm,), fields)()


class DeleteTranslationForm(FlaskForm):
    opened = HiddenField()
    submit = SubmitField(_l("Delete the translation"))


class CoursePictureForm(FlaskForm):
    """The catalogue card's picture and what it shows, in English (required with a picture) and in
    each translation language (optional: English is shown where one is missing)."""

    picture = FileField(
        _l("Picture: PNG, JPEG, GIF, WebP or SVG"),
        description=_l(
            "Shown 2:1 on the catalogue card (320 × 160 pixels). Uploaded to the course's media files."
        ),
    )
    image_alt = StringField(
        _l("What the picture shows (English)"),
        validators=[Length(max=200)],
        description=_l(
            "For those who cannot see it, e.g. “Two town halls linked by a bridge”. Required with a picture."
        ),
        render_kw={"lang": "en"},
    )
    submit = SubmitField(_l("Save the picture"))


for _code in LANGUAGES:
    setattr(
        CoursePictureForm,
        f"image_alt_{_code}",
        StringField(
            _l("What the picture shows (%(language)s)", language=LANGUAGE_NAMES[_code]),
            validators=[Length(max=200)],
            render_kw={"lang": _code},
        ),
    )
del _code


def picture_alt_fields(form: CoursePictureForm) -> list[tuple[str, Any]]:
    """(language, field) of the translated alternative texts, in the order of ``LANGUAGES``."""
    return [(code, form[f"image_alt_{code}"]) for code in LANGUAGES]
