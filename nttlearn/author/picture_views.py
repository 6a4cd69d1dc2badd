"""A course's catalogue picture (course.yaml's ``image`` and ``image_alt``), set, replaced or
removed on the course settings page. The file goes through the media files' checks (the package
allow-list, recognised by content, size-limited) and must be an image; the alternative text is
required in English with a picture, and optional in each translation language."""

from __future__ import annotations

from collections.abc import Mapping

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError

from ..auth.permissions import require_course_staff
from ..content.media_types import media_type
from ..course_settings import course_settings
from ..extensions import db
from ..hooktypes import CourseSetting
from ..learn.views import policy_area_labels
from ..models import Course
from .blueprint import bp, course_or_404
from .forms import (
    CoursePictureForm,
    CourseSettingsForm,
    course_settings_form,
    options,
    picture_alt_fields,
)
from .media import MediaRefused, save_media
from .services import remove_picture, set_picture_texts, settings_token
from .translations import OUTCOMES, language_states


def picture_form(course: Course) -> CoursePictureForm:
    """The picture form, filled with the course's texts when it is not being submitted."""
    form = CoursePictureForm()
    if not form.is_submitted():
        form.image_alt.data = course.image_alt
        for code, field in picture_alt_fields(form):
            field.data = ((course.translations or {}).get(code) or {}).get("image_alt", "")
    return form


def filled_settings_form(
    course: Course, settings: Mapping[str, CourseSetting] | None = None, *, submitted: bool = True
) -> CourseSettingsForm:
    """The course settings form with a field for each plugin's course setting: the request's
    values when it is being submitted, else the course's (``submitted=False``: always the
    course's, as under another form's POST on the same page)."""
    settings = course_settings() if settings is None else settings
    form_class = course_settings_form(settings)
    form = form_class(obj=course) if submitted else form_class(obj=course, formdata=None)
    form.policy_area.choices = options(policy_area_labels().items())
    if not submitted or not form.is_submitted():
        form.opened_version.data = str(course.version)
        form.opened_text.data = settings_token(course)
        form.outcomes.data = "\n".join(course.outcomes or [])
        for key, setting in settings.items():
            form[key].data = setting.load(course.id)
    return form


def render_settings(
    course: Course,
    form: CourseSettingsForm | None = None,
    picture: CoursePictureForm | None = None,
    status: int = 200,
):
    """The course settings page: its settings form (with the plugins' course settings), its
    picture form and its translations."""
    settings = course_settings()
    if form is None:
        form = filled_settings_form(course, settings, submitted=False)
    picture = picture or picture_form(course)
    return render_template(
        "author/course.html",
        form=form,
        course=course,
        picture=picture,
        picture_alts=picture_alt_fields(picture),
        plugin_fields=[form[key] for key in settings if key in form],
        translations=language_states(course),
        outcome_translations=language_states(course, OUTCOMES) if course.outcomes else None,
    ), status


def _committed() -> bool:
    """Commit; False (and a message) when someone saved the course at the same moment."""
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        flash(
            _("Someone else saved this course at the same moment. Please reload and try again."),
            "error",
        )
        return False
    return True


@bp.route("/courses/<int:course_id>/picture", methods=["POST"])
@require_course_staff
def course_picture(course_id: int):
    course = course_or_404(course_id)
    form = picture_form(course)
    if request.form.get("action") == "remove":
        if form.validate_on_submit() and course.image:
            remove_picture(course)
            if _committed():
                flash(
                    _(
                        "The course no longer has a catalogue picture. The file stays in its media files."
                    ),
                    "success",
                )
        return redirect(url_for("author.edit_course", course_id=course.id))
    if not form.validate_on_submit():
        return render_settings(course, picture=form, status=422)
    upload = form.picture.data if form.picture.data and form.picture.data.filename else None
    english = (form.image_alt.data or "").strip()
    if upload is None and not course.image:
        form.picture.errors = [_("Choose a picture to upload.")]
    if upload is not None:
        kind = media_type(upload.filename)
        if kind is not None and kind.kind != "image":
            form.picture.errors = [
                _("The catalogue picture must be an image: PNG, JPEG, GIF, WebP or SVG.")
            ]
    if not english:
        form.image_alt.errors = [_("Say what the picture shows, for those who cannot see it.")]
    if form.picture.errors or form.image_alt.errors:
        return render_settings(course, picture=form, status=422)
    if upload is not None:
        try:
            saved = save_media(course, upload.filename, upload.stream)
        except MediaRefused as exc:
            form.picture.errors = [str(exc)]
            return render_settings(course, picture=form, status=422)
        course.image = saved.name
    set_picture_texts(
        course,
        english,
        {code: (field.data or "").strip() for code, field in picture_alt_fields(form)},
    )
    if _committed():
        flash(_("The catalogue picture has been saved."), "success")
    return redirect(url_for("author.edit_course", course_id=course.id))
