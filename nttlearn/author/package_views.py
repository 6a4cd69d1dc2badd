"""Admin only: upload a zipped course package, download any course as one."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from ..auth.permissions import require_admin
from .blueprint import all_types, bp, course_or_404
from .forms import PackageForm
from .packages import import_uploaded_package


@bp.route("/packages/upload", methods=["GET", "POST"])
@require_admin
def upload_package():
    form = PackageForm()
    outcome = None
    if form.validate_on_submit():
        outcome = import_uploaded_package(form.package.data.stream, all_types(), dry_run=bool(form.check.data))
    status = 422 if outcome is not None and not outcome.ok else 200
    return render_template("author/upload.html", form=form, outcome=outcome,
                           refused=outcome.refused if outcome else None), status


@bp.route("/courses/<int:course_id>/package.zip")
@require_admin
def download_package(course_id: int):
    from ..content.exporter import ExportError, export_zip

    course = course_or_404(course_id)
    try:
        data = export_zip(course, all_types())
    except ExportError as exc:
        flash(_("The course cannot be downloaded as a package: %(problem)s", problem=str(exc)), "error")
        return redirect(url_for("author.media", course_id=course.id))
    return Response(data, mimetype="application/zip", headers={
        "Content-Disposition": f'attachment; filename="{course.slug}.zip"',
        "Cache-Control": "no-store",
    })


