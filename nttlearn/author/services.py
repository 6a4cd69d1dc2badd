"""Authoring logic: course staff and course settings."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import Course, CourseStaff, User


def add_trainer(course: Course, user: User) -> None:
    """Make ``user`` a trainer of ``course`` (idempotent)."""
    try:
        with db.session.begin_nested():
            db.session.add(CourseStaff(course_id=course.id, user_id=user.id, role="trainer"))
    except IntegrityError:
        pass


def courses_for(user: User) -> list[Course]:
    """The courses ``user`` may edit: all for admins, their own for trainers."""
    stmt = db.select(Course).where(Course.archived.is_(False)).order_by(Course.title)
    if not user.is_admin:
        stmt = stmt.join(CourseStaff).where(CourseStaff.user_id == user.id)
    return list(db.session.execute(stmt).scalars())
