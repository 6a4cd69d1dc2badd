"""The assignments on the core's to-do list: for a learner, each assignment not handed in yet
(with their own due date: extension, cohort deadline or the assignment's); for a trainer, each
assignment of their courses with work to grade. A handful of queries however many there are."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _

from nttlearn.api import (
    Activity,
    ActivityCompletion,
    Course,
    Enrolment,
    Module,
    TodoItem,
    db,
    due_state,
    learner_deadlines,
    utcnow,
)

from .gradebook import to_grade_by_activity
from .models import Assignment, Submission


def todo_items(user: Any, now: datetime | None = None) -> list[TodoItem]:
    return learner_items(user, now) + trainer_items(user)


def learner_items(user: Any, now: datetime | None = None) -> list[TodoItem]:
    now = now or utcnow()
    done = db.select(ActivityCompletion.activity_id).where(ActivityCompletion.user_id == user.id)
    handed_in = db.select(Submission.activity_id).where(
        Submission.user_id == user.id, Submission.state != "draft"
    )
    rows = db.session.execute(
        db.select(Assignment, Activity, Course.id)
        .join(Activity, Activity.id == Assignment.activity_id)
        .join(Module, Module.id == Activity.module_id)
        .join(Course, Course.id == Module.course_id)
        .join(Enrolment, (Enrolment.course_id == Course.id) & (Enrolment.user_id == user.id))
        .where(
            Activity.archived.is_(False),
            Module.archived.is_(False),
            Course.archived.is_(False),
            Activity.id.not_in(done),
            Activity.id.not_in(handed_in),
        )
    ).all()
    if not rows:
        return []
    cohort_dues = {
        d.activity_id: d.due_at for d in learner_deadlines(user.id, now) if d.kind == "close"
    }
    locale = str(get_locale() or "en")
    items = []
    for assignment, activity, course_id in rows:
        due = cohort_dues.get(activity.id, assignment.due_at)
        items.append(
            TodoItem(
                key=f"assignment:{activity.id}:due",
                kind="assignment",
                title=_(
                    "Hand in the assignment “%(title)s”", title=activity.localized("title", locale)
                ),
                url=url_for("assignment.view", activity_id=activity.id),
                due_at=due,
                state=due_state(due, now) if due is not None else "todo",
                course_id=course_id,
            )
        )
    return items


def trainer_items(user: Any) -> list[TodoItem]:
    if not getattr(user, "is_trainer", False):
        return []
    locale = str(get_locale() or "en")
    return [
        TodoItem(
            key=f"assignment:{activity.id}:to-grade",
            kind="assignment_grading",
            title=ngettext(
                "%(num)s submission to grade in “%(title)s”",
                "%(num)s submissions to grade in “%(title)s”",
                count,
                title=activity.localized("title", locale),
            ),
            url=url_for("assignment.submissions", activity_id=activity.id, show="to_grade"),
            course_id=course_id,
        )
        for activity, course_id, count in to_grade_by_activity(user.id)
    ]
