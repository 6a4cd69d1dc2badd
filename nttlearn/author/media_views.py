"""A course's media files: list, upload (type, content and size checked), delete when unused."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from ..auth.permissions import require_course_staff
from ..confirm import confirmation_page, confirmed
from .blueprint import bp, course_or_404
from .forms import MediaForm
from .media import MediaRefused, delete_media, list_media, save_media


@bp.route("/courses/<int:course_id>/media", methods=["GET", "POST"])
@require_course_staff
def media(course_id: int):
    course = course_or_404(course_id)
    form = MediaForm()
    refused = None
    if form.validate_on_submit():
        upload = form.image.data
        try:
            saved = save_media(course, upload.filename or "", upload.stream)
        except MediaRefused as exc:
            refused = str(exc)
        else:
            code = (
                f"![…]({saved.markdown_path})" if saved.is_image else f"[…]({saved.markdown_path})"
            )
            flash(
                _("The file has been uploaded. Use it in a lesson as: %(code)s", code=code),
                "success",
            )
            return redirect(url_for("author.media", course_id=course.id))
    status = 422 if refused else 200
    return render_template(
        "author/media.html", course=course, files=list_media(course), form=form, refused=refused
    ), status


@bp.route("/courses/<int:course_id>/media/<path:name>/delete", methods=["POST"])
@require_course_staff
def delete_media_file(course_id: int, name: str):
    course = course_or_404(course_id)
    if not confirmed() and any(file.name == name for file in list_media(course)):
        # A name that is no file of the course is refused below, without asking.
        return confirmation_page(
            title=_("Delete %(title)s?", title=name),
            question=_(
                "Lessons that show this file will show a broken image or link until it is uploaded again."
            ),
            consequences=[],
            button=_("Delete %(title)s", title=name),
            cancel_url=url_for("author.media", course_id=course.id),
        )
    try:
        delete_media(course, name)
    except MediaRefused as exc:
        flash(str(exc), "error")
    else:
        flash(_("The file has been deleted."), "success")
    return redirect(url_for("author.media", course_id=course.id))
