"""Who may do what. Every view declares its rule with one of these decorators; course-level
checks go through :func:`can_manage_course` only."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort, has_request_context
from flask_login import current_user, login_required

from ..caching import request_cache
from ..extensions import db
from ..models import Course, CourseStaff, User

F = TypeVar("F", bound=Callable[..., Any])


PERMISSION_ATTRIBUTE = "nttlearn_permission"


def _undeclared(view: Callable[..., Any]) -> None:
    """Refuse a second permission decorator: a view has exactly one rule, read in one place."""
    rule = getattr(view, PERMISSION_ATTRIBUTE, None)
    if rule is not None:
        name = getattr(view, "__qualname__", repr(view))
        raise TypeError(f"view {name} already declares the permission {rule!r}; use exactly one")


def public(view: F) -> F:
    """Marks a view that anyone, logged in or not, may open (declared, not forgotten)."""
    _undeclared(view)
    view.nttlearn_permission = "public"  # type: ignore[attr-defined]
    return view


def require_login(view: F) -> F:
    """Any logged-in, active account; anonymous visitors are sent to the login page."""
    _undeclared(view)
    wrapped = login_required(view)
    wrapped.nttlearn_permission = "login"
    return wrapped  # type: ignore[return-value]


def require_role(*roles: str) -> Callable[[F], F]:
    """Accounts whose site role is one of ``roles`` (admins always); others get 403."""

    def decorator(view: F) -> F:
        _undeclared(view)

        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if current_user.role not in roles and not current_user.is_admin:
                abort(403)
            return view(*args, **kwargs)

        wrapped.nttlearn_permission = "role:" + ",".join(roles)  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    decorator.__doc__ = (
        f"Views for accounts with the site role {' or '.join(roles)} (admins always); "
        "others get 403, anonymous visitors the login page."
    )
    return decorator


require_admin = require_role("admin")
require_trainer = require_role("trainer")
require_coordinator = require_role("coordinator")


def can_manage_course(user: User | Any, course: Course | int) -> bool:
    """True for admins and for the trainers of ``course`` (who keep that right only while their
    account has the trainer role: a trainer demoted to learner no longer manages their courses)."""
    if not getattr(user, "is_authenticated", False) or not user.is_trainer:
        return False
    if user.is_admin:
        return True
    course_id = course if isinstance(course, int) else course.id
    # Asked several times per page (the view, the template, plugins' slots): once per request.
    cache = request_cache().setdefault("course_staff", {}) if has_request_context() else {}
    key = (user.id, course_id)
    if key not in cache:
        cache[key] = (
            db.session.execute(
                db.select(CourseStaff.id).where(
                    CourseStaff.course_id == course_id, CourseStaff.user_id == user.id
                )
            ).first()
            is not None
        )
    return cache[key]


def require_course_staff(view: F) -> F:
    """For views taking ``course_id`` or ``slug``: admins and the course's trainers only."""
    _undeclared(view)

    @wraps(view)
    @login_required
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        course = course_from_kwargs(kwargs)
        if not can_manage_course(current_user, course):
            abort(403)
        return view(*args, **kwargs)

    wrapped.nttlearn_permission = "course_staff"  # type: ignore[attr-defined]
    return wrapped  # type: ignore[return-value]


def course_from_kwargs(kwargs: dict[str, Any]) -> Course:
    if "course_id" in kwargs:
        course = db.session.get(Course, kwargs["course_id"])
    elif "slug" in kwargs:
        course = db.session.execute(db.select(Course).filter_by(slug=kwargs["slug"])).scalar()
    else:  # a programming error, caught by the route-permission test
        raise TypeError("require_course_staff needs a course_id or slug argument")
    if course is None:
        abort(404)
    return course
