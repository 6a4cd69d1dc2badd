"""Trainer pages for courses they teach (admins see all): list, create, settings, duplicate,
and the preview "as a learner". The other authoring pages are in the sibling ``*_views`` modules."""

from __future__ import annotations

import tempfile
from pathlib import Path

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from ..auth.permissions import require_course_staff, require_trainer
from ..content.importer import ImportFailed, commit_import, rollback_import
from ..course_settings import course_settings, save_values
from ..extensions import db
from ..learn.structure import course_outline
from ..learn.views import policy_area_labels
from ..models import Course, Lesson
from . import media_views, outline_views, package_views, translation_views  # noqa: F401 - they add their routes to bp
from .blueprint import all_types, bp, course_or_404, element_or_404, installed_types
from .forms import (
    CourseSettingsForm,
    DuplicateCourseForm,
    NewCourseForm,
    lines,
    options,
)
from .picture_views import filled_settings_form, render_settings
from .services import (
    AuthoringError,
    courses_for,
    create_course,
    duplicate_course,
    save_settings,
    settings_conflict,
)

__all__ = ["bp"]


@bp.route("/")
@require_trainer
def index():
    return render_template("author/index.html", courses=courses_for(current_user))


@bp.route("/courses/new", methods=["GET", "POST"])
@require_trainer
def new_course():
    form = NewCourseForm()
    form.policy_area.choices = options(policy_area_labels().items())
    if form.validate_on_submit():
        try:
            course = create_course(
                current_user,
                title=form.title.data,
                slug=form.slug.data or "",
                policy_area=form.policy_area.data,
                summary=form.summary.data or "",
            )
        except AuthoringError as exc:
            form.slug.errors = [str(exc)]
        else:
            db.session.commit()
            flash(
                _("The course has been created as a draft. Add its modules and lessons."), "success"
            )
            return redirect(url_for("author.outline", course_id=course.id))
    return render_template("author/new_course.html", form=form)


@bp.route("/courses/<int:course_id>", methods=["GET", "POST"])
@require_course_staff
def edit_course(course_id: int):
    course = course_or_404(course_id)
    settings = course_settings()
    form = filled_settings_form(course, settings)
    if form.validate_on_submit():
        if settings_conflict(course, form.opened_version.data, form.opened_text.data):
            flash(
                _(
                    "Someone else saved this course while you were editing. Your changes were not saved: review the current version and try again."
                ),
                "error",
            )
            return _render_settings(form, course, 409)
        values = {
            name: getattr(form, name).data
            for name in (
                "title",
                "summary",
                "policy_area",
                "completion_rule",
                "self_enrolment",
                "published",
            )
        }
        save_settings(
            course,
            {**values, "hours": float(form.hours.data), "outcomes": lines(form.outcomes.data)},
        )
        save_values(course.id, settings, {key: form[key].data for key in settings})
        try:
            db.session.commit()
        except StaleDataError:
            db.session.rollback()
            flash(
                _(
                    "Someone else saved this course at the same moment. Please reload and try again."
                ),
                "error",
            )
            return redirect(url_for("author.edit_course", course_id=course_id))
        flash(_("The course has been saved."), "success")
        return redirect(url_for("author.edit_course", course_id=course.id))
    return _render_settings(form, course)


def _render_settings(form: CourseSettingsForm, course: Course, status: int = 200):
    return render_settings(course, form, status=status)


@bp.route("/courses/<int:course_id>/duplicate", methods=["GET", "POST"])
@require_course_staff
def duplicate(course_id: int):
    course = course_or_404(course_id)
    form = DuplicateCourseForm()
    if not form.is_submitted():
        form.title.data = _("%(title)s (copy)", title=course.title)[:200]
    problems = []
    if form.validate_on_submit():
        with tempfile.TemporaryDirectory() as tmp:
            try:
                copy = duplicate_course(
                    course,
                    slug=form.slug.data,
                    title=form.title.data,
                    user=current_user,
                    types=all_types(),
                    workdir=Path(tmp),
                )
            except AuthoringError as exc:
                rollback_import()
                form.slug.errors = [str(exc)]
            except ImportFailed as exc:
                rollback_import()
                problems = exc.problems
            else:
                commit_import()
                flash(_("The copy has been created as a draft."), "success")
                return redirect(url_for("author.outline", course_id=copy.id))
    return render_template("author/duplicate.html", form=form, course=course, problems=problems)


@bp.route("/courses/<int:course_id>/preview")
@require_course_staff
def preview_course(course_id: int):
    course = course_or_404(course_id)
    return render_template(
        "author/preview_course.html",
        course=course,
        outline=course_outline(course, None),
        types=installed_types(),
        areas=policy_area_labels(),
        locale=str(get_locale()),
    )


@bp.route("/courses/<int:course_id>/preview/lessons/<int:lesson_id>")
@require_course_staff
def preview_lesson(course_id: int, lesson_id: int):
    course = course_or_404(course_id)
    lesson = element_or_404(Lesson, lesson_id, course)
    outline = course_outline(course, None)
    ordered = outline.ordered_lessons()
    index = next((i for i, item in enumerate(ordered) if item.id == lesson.id), None)
    if index is None:
        abort(404)
    module = next(m for m in outline.modules if m.id == lesson.module_id)
    return render_template(
        "author/preview_lesson.html",
        course=course,
        lesson=lesson,
        module=module,
        outline=outline,
        previous=ordered[index - 1] if index > 0 else None,
        following=ordered[index + 1] if index + 1 < len(ordered) else None,
        types=installed_types(),
        locale=str(get_locale()),
        media_base=url_for("learn.media", slug=course.slug, filename=""),
    )
