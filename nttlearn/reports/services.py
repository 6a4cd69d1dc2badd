"""Progress of all learners of a course, computed in the database (no query per learner)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func

from ..extensions import db
from ..learn.structure import counted_ids
from ..models import ActivityCompletion, Course, Enrolment, LessonCompletion, Organisation, User


@dataclass
class LearnerProgress:
    user_id: int
    name: str
    email: str
    organisation: str
    country: str
    cohort: str
    enrolled_at: datetime
    last_activity_at: datetime | None
    completed_at: datetime | None
    done: int
    total: int

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0


def course_progress(course: Course) -> list[LearnerProgress]:
    lesson_ids, activity_ids = (
        sorted(ids) for ids in counted_ids(course)
    )  # the course's read model
    total = len(lesson_ids) + len(activity_ids)
    lessons_done = (
        db.select(LessonCompletion.user_id, func.count().label("n"))
        .where(LessonCompletion.lesson_id.in_(lesson_ids))
        .group_by(LessonCompletion.user_id)
        .subquery()
    )
    activities_done = (
        db.select(ActivityCompletion.user_id, func.count().label("n"))
        .where(ActivityCompletion.activity_id.in_(activity_ids))
        .group_by(ActivityCompletion.user_id)
        .subquery()
    )
    rows = db.session.execute(
        db.select(
            User.id,
            User.name,
            User.email,
            Organisation.name,
            Organisation.country,
            Enrolment.cohort,
            Enrolment.created_at,
            Enrolment.last_activity_at,
            Enrolment.completed_at,
            func.coalesce(lessons_done.c.n, 0) + func.coalesce(activities_done.c.n, 0),
        )
        .select_from(Enrolment)
        .join(User, Enrolment.user_id == User.id)
        .outerjoin(Organisation, User.organisation_id == Organisation.id)
        .outerjoin(lessons_done, lessons_done.c.user_id == User.id)
        .outerjoin(activities_done, activities_done.c.user_id == User.id)
        .where(Enrolment.course_id == course.id)
        .order_by(User.name)
    ).all()
    return [
        LearnerProgress(
            r[0], r[1], r[2], r[3] or "", r[4] or "", r[5] or "", r[6], r[7], r[8], r[9], total
        )
        for r in rows
    ]


PROGRESS_HEADER = [
    "name",
    "email",
    "organisation",
    "country",
    "cohort",
    "enrolled_at",
    "last_activity_at",
    "completed_at",
    "done",
    "total",
    "percent",
]


def progress_rows(rows: list[LearnerProgress]) -> list[list[object]]:
    """The rows of the progress CSV (written by :mod:`.csvfile`, which defuses formulas)."""
    return [
        [
            r.name,
            r.email,
            r.organisation,
            r.country,
            r.cohort,
            r.enrolled_at,
            r.last_activity_at,
            r.completed_at,
            r.done,
            r.total,
            r.percent,
        ]
        for r in rows
    ]
