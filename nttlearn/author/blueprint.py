"""The ``author`` blueprint and what its view modules share: loading a course's elements."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from ..activities import ActivityType, activity_types
from ..auth.permissions import can_manage_course, course_from_kwargs
from ..extensions import db
from ..models import Course
from .outline import element_in_course

bp = Blueprint("author", __name__, url_prefix="/author", template_folder="templates")


def course_or_404(course_id: int) -> Course:
    return course_from_kwargs({"course_id": course_id})


def course_or_none(view_args: dict[str, Any]) -> Course | None:
    course_id = view_args.get("course_id")
    return db.session.get(Course, course_id) if isinstance(course_id, int) else None


def element_or_404(model: Any, element_id: int | None, course: Course) -> Any:
    """A live module, lesson or activity of ``course``; 404 for anything else (no probing)."""
    element = element_in_course(model, element_id, course) if element_id else None
    if element is None:
        abort(404)
    return element


def installed_types() -> dict[str, ActivityType]:
    """The activity types of the enabled plugins, for adding and linking activities."""
    return activity_types()


def all_types() -> dict[str, ActivityType]:
    """Every installed type, disabled plugins' too: exports must keep their activities' data."""
    return current_app.extensions["nttlearn"].all_activity_types()


def max_upload_mb() -> int:
    return int((current_app.config.get("MAX_CONTENT_LENGTH") or 0) / (1024 * 1024)) or 1


@bp.errorhandler(413)
def too_large(error):
    """A clear message where the upload was made, instead of a bare error page."""
    from .forms import MediaForm, PackageForm

    limit = max_upload_mb()
    # The error may come before the view's permission check (CSRF reads the form first).
    is_admin = current_user.is_authenticated and current_user.is_admin
    if request.endpoint == "author.upload_package" and is_admin:
        message = _(
            "The package is larger than the limit of %(mb)d MB. Nothing was imported.", mb=limit
        )
        return render_template(
            "author/upload.html", form=PackageForm(formdata=None), refused=message
        ), 413
    course = course_or_none(request.view_args or {})
    if (
        request.endpoint == "author.media"
        and course is not None
        and can_manage_course(current_user, course)
    ):
        from .media import list_media

        message = _("The file is larger than the limit of %(mb)d MB. Nothing was saved.", mb=limit)
        return render_template(
            "author/media.html",
            course=course,
            files=list_media(course),
            form=MediaForm(formdata=None),
            refused=message,
        ), 413
    return render_template(
        "error.html",
        code=413,
        title=_("Too large"),
        message=_("The file is larger than the limit of %(mb)d MB.", mb=limit),
    ), 413
