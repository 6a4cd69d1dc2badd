"""Trainer pages for courses they teach (admins see all)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from ..auth.permissions import course_from_kwargs, require_course_staff, require_trainer
from ..extensions import db
from ..learn.views import policy_area_labels
from .forms import CourseSettingsForm
from .services import courses_for

bp = Blueprint("author", __name__, url_prefix="/author", template_folder="templates")


@bp.route("/")
@require_trainer
def index():
    return render_template("author/index.html", courses=courses_for(current_user))


@bp.route("/courses/<int:course_id>", methods=["GET", "POST"])
@require_course_staff
def edit_course(course_id: int):
    course = course_from_kwargs({"course_id": course_id})
    form = CourseSettingsForm(obj=course)
    form.policy_area.choices = list(policy_area_labels().items())
    if request.method == "GET":
        form.version.data = str(course.version)
    if form.validate_on_submit():
        if form.version.data != str(course.version):
            flash(_("Someone else saved this course while you were editing. Your changes were not saved: review the current version and try again."), "error")
            return render_template("author/course.html", form=form, course=course), 409
        form.populate_obj(course)
        course.hours = float(form.hours.data)
        try:
            db.session.commit()
        except StaleDataError:
            db.session.rollback()
            flash(_("Someone else saved this course at the same moment. Please reload and try again."), "error")
            return redirect(url_for("author.edit_course", course_id=course_id))
        flash(_("The course has been saved."), "success")
        return redirect(url_for("author.edit_course", course_id=course.id))
    return render_template("author/course.html", form=form, course=course)
