"""Trainer pages: learners' progress in a course, CSV export, enrolling and unenrolling people."""

from __future__ import annotations

import re

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from .. import exports
from ..auth.permissions import course_from_kwargs, require_course_staff
from ..auth.services import find_user
from ..confirm import confirmation_page, confirmed
from ..extensions import db
from ..learn.services import enrol, get_enrolment, unenrol
from ..models import Course, Enrolment, User
from .csvfile import csv_response, csv_text
from .forms import EnrolForm
from .panels import report_panels
from .services import PROGRESS_HEADER, progress_rows
from .services import course_progress as learner_progress

bp = Blueprint("reports", __name__, url_prefix="/teach", template_folder="templates")


@bp.route("/courses/<int:course_id>/progress")
@require_course_staff
def course_progress(course_id: int):
    course = course_from_kwargs({"course_id": course_id})
    rows = learner_progress(course)
    panels = report_panels(course)
    return render_template(
        "reports/progress.html", course=course, rows=rows, form=EnrolForm(), panels=panels
    )


@bp.route("/courses/<int:course_id>/progress.csv")
@require_course_staff
def course_progress_csv(course_id: int):
    """The progress CSV: at once, or over ``NTTLEARN_EXPORT_JOB_ROWS`` learners built by a job."""
    course = course_from_kwargs({"course_id": course_id})
    filename = f"{course.slug}-progress.csv"
    if exports.is_large(enrolment_count(course.id)):
        return exports.export_later(
            current_user,
            progress_csv_file,
            course.id,
            filename=filename,
            back=url_for("reports.course_progress", course_id=course.id),
        )
    return csv_response(filename, PROGRESS_HEADER, progress_rows(learner_progress(course)))


def progress_csv_file(course_id: int) -> bytes:
    """The progress CSV's bytes (the export job's builder)."""
    course = db.session.get(Course, course_id)
    if course is None:
        raise exports.ExportFailed(_("The course has been deleted."))
    return csv_text(PROGRESS_HEADER, progress_rows(learner_progress(course))).encode("utf-8")


def enrolment_count(course_id: int) -> int:
    return db.session.execute(
        db.select(db.func.count()).select_from(Enrolment).where(Enrolment.course_id == course_id)
    ).scalar_one()


@bp.route("/courses/<int:course_id>/enrol", methods=["POST"])
@require_course_staff
def enrol_people(course_id: int):
    course = course_from_kwargs({"course_id": course_id})
    form = EnrolForm()
    if not form.validate_on_submit():
        flash(_("Enter at least one e-mail address."), "error")
        return redirect(url_for("reports.course_progress", course_id=course.id))
    # Each address once, whatever its letter case or how often it was pasted.
    emails = list(dict.fromkeys(e.lower() for e in re.split(r"[\s,;]+", form.emails.data) if e))
    unknown = [e for e in emails if find_user(e) is None]
    if unknown:
        flash(
            _("No account for: %(emails)s. Nobody was enrolled.", emails=", ".join(unknown)),
            "error",
        )
        return redirect(url_for("reports.course_progress", course_id=course.id))
    for email in emails:
        enrol(find_user(email).id, course, cohort=(form.cohort.data or "").strip(), by_staff=True)
    db.session.commit()
    flash(ngettext("%(num)d person enrolled.", "%(num)d people enrolled.", len(emails)), "success")
    return redirect(url_for("reports.course_progress", course_id=course.id))


@bp.route("/courses/<int:course_id>/learners/<int:user_id>/unenrol", methods=["POST"])
@require_course_staff
def unenrol_person(course_id: int, user_id: int):
    course = course_from_kwargs({"course_id": course_id})
    user = db.session.get(User, user_id) or abort(404)
    if get_enrolment(user.id, course.id) is None:
        abort(404)
    if not confirmed():  # without JavaScript (the page's dialog sends ``confirmed`` itself)
        return confirmation_page(
            title=_("Unenrol %(name)s?", name=user.name),
            question=_("%(name)s will no longer be enrolled in this course.", name=user.name),
            consequences=[_("Their progress is kept should they return.")],
            button=_("Unenrol"),
            cancel_url=url_for("reports.course_progress", course_id=course.id),
        )
    if not unenrol(user.id, course):
        abort(404)
    db.session.commit()
    flash(
        _(
            "%(name)s has been unenrolled. Their progress is kept should they return.",
            name=user.name,
        ),
        "success",
    )
    return redirect(url_for("reports.course_progress", course_id=course.id))
