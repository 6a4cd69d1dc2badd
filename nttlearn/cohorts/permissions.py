"""Who may work on a cohort: the course's trainers and admins (every cohort of the course), and
a cohort's own trainers (:class:`~nttlearn.models.CohortStaff`: that cohort only, and only its
learners, deadlines, extensions and messages; not its settings, other cohorts or release rules)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort, has_request_context, request
from flask_login import current_user, login_required

from ..auth.permissions import PERMISSION_ATTRIBUTE, can_manage_course, course_from_kwargs
from ..extensions import db
from ..models import Cohort, CohortStaff, Course

F = TypeVar("F", bound=Callable[..., Any])


def cohort_role(user: Any, course: Course, cohort: Cohort | None = None) -> str | None:
    """``course`` for the course's trainers and admins; ``cohort`` for a trainer of ``cohort``
    (without a cohort: of any cohort of the course); else None. A cohort trainer keeps the right
    only while their account has the trainer role."""
    if can_manage_course(user, course):
        return "course"
    if not getattr(user, "is_authenticated", False) or not user.is_trainer:
        return None
    # Asked by the decorator and the page: once per request (in the request's environ, not ``g``,
    # which a test's app context shares between requests).
    cache = request.environ.setdefault("nttlearn.cohort_staff", {}) if has_request_context() else {}
    key = (user.id, course.id, cohort.id if cohort is not None else None)
    if key not in cache:
        query = (
            db.select(CohortStaff.id)
            .join(Cohort, Cohort.id == CohortStaff.cohort_id)
            .where(CohortStaff.user_id == user.id, Cohort.course_id == course.id)
        )
        if cohort is not None:
            query = query.where(CohortStaff.cohort_id == cohort.id)
        cache[key] = db.session.execute(query.limit(1)).first() is not None
    return "cohort" if cache[key] else None


def require_cohort_staff(view: F) -> F:
    """For views taking ``course_id`` (and ``cohort_id``): the course's trainers and admins, and
    the trainers of that cohort (without ``cohort_id``: of any cohort of the course); others 403."""
    if getattr(view, PERMISSION_ATTRIBUTE, None) is not None:
        raise TypeError(f"view {view.__qualname__} already declares a permission; use exactly one")

    @wraps(view)
    @login_required
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        course = course_from_kwargs(kwargs)
        cohort = None
        if "cohort_id" in kwargs:
            cohort = db.session.get(Cohort, kwargs["cohort_id"])
            if cohort is None or cohort.course_id != course.id:
                abort(404 if can_manage_course(current_user, course) else 403)
        if cohort_role(current_user, course, cohort) is None:
            abort(403)
        return view(*args, **kwargs)

    setattr(wrapped, PERMISSION_ATTRIBUTE, "cohort_staff")
    return wrapped  # type: ignore[return-value]
