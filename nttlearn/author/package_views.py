"""Admin only: upload a zipped course package, download any course as one."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import exports
from ..auth.permissions import require_admin
from ..extensions import db
from ..models import Course, Lesson, Module
from .blueprint import all_types, bp, course_or_404
from .forms import PackageForm
from .media import list_media
from .packages import import_uploaded_package


@bp.route("/packages/upload", methods=["GET", "POST"])
@require_admin
def upload_package():
    form = PackageForm()
    outcome = None
    if form.validate_on_submit():
        outcome = import_uploaded_package(
            form.package.data.stream, all_types(), dry_run=bool(form.check.data)
        )
    status = 422 if outcome is not None and not outcome.ok else 200
    return render_template(
        "author/upload.html",
        form=form,
        outcome=outcome,
        refused=outcome.refused if outcome else None,
    ), status


@bp.route("/courses/<int:course_id>/package.zip")
@require_admin
def download_package(course_id: int):
    """The course as a package: at once, or built by a job when the course has more lessons and
    media files than ``NTTLEARN_EXPORT_JOB_ROWS``."""
    from ..content.exporter import ExportError, export_zip

    course = course_or_404(course_id)
    if exports.is_large(package_rows(course)):
        return exports.export_later(
            current_user,
            package_file,
            course.id,
            filename=f"{course.slug}.zip",
            back=url_for("author.media", course_id=course.id),
        )
    try:
        data = export_zip(course, all_types())
    except ExportError as exc:
        flash(
            _("The course cannot be downloaded as a package: %(problem)s", problem=str(exc)),
            "error",
        )
        return redirect(url_for("author.media", course_id=course.id))
    return Response(
        data,
        mimetype="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="{course.slug}.zip"',
            "Cache-Control": "no-store",
        },
    )


def package_rows(course: Course) -> int:
    """A package's size in export rows: one per lesson and one per media file."""
    lessons = db.session.execute(
        db.select(db.func.count())
        .select_from(Lesson)
        .join(Module)
        .where(Module.course_id == course.id)
    ).scalar_one()
    return lessons + len(list_media(course))


def package_file(course_id: int) -> bytes:
    """The package's bytes (the export job's builder)."""
    from ..content.exporter import ExportError, export_zip

    course = db.session.get(Course, course_id)
    if course is None:
        raise exports.ExportFailed(_("The course has been deleted."))
    try:
        return export_zip(course, all_types())
    except ExportError as exc:
        raise exports.ExportFailed(
            _("The course cannot be downloaded as a package: %(problem)s", problem=str(exc))
        ) from exc
