"""The learner's quizzes on the core's to-do list: each quiz with a close date that the learner
may still take (or has an attempt open in), in two queries (and the learner's cohort deadlines,
which the request reads once) however many learners there are."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import url_for
from flask_babel import get_locale
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

from .models import Allowance, Attempt, Quiz
from .services import attempts_left, open_attempt, start_problem


def todo_items(user: Any, now: datetime | None = None) -> list[TodoItem]:
    now = now or utcnow()
    done = db.select(ActivityCompletion.activity_id).where(ActivityCompletion.user_id == user.id)
    # The quizzes with the learner's allowance (one per quiz and learner, if any) in one query.
    rows = db.session.execute(
        db.select(Quiz, Activity, Course.id, Allowance)
        .join(Activity, Activity.id == Quiz.activity_id)
        .join(Module, Module.id == Activity.module_id)
        .join(Course, Course.id == Module.course_id)
        .join(Enrolment, (Enrolment.course_id == Course.id) & (Enrolment.user_id == user.id))
        .outerjoin(
            Allowance, (Allowance.activity_id == Quiz.activity_id) & (Allowance.user_id == user.id)
        )
        .where(
            Activity.archived.is_(False),
            Module.archived.is_(False),
            Course.archived.is_(False),
            Activity.id.not_in(done),
        )
    ).all()
    if not rows:
        return []
    ids = [quiz.activity_id for quiz, _activity, _course, _allowance in rows]
    attempts: dict[int, list[Attempt]] = {i: [] for i in ids}
    for attempt in db.session.execute(
        db.select(Attempt)
        .where(Attempt.user_id == user.id, Attempt.activity_id.in_(ids))
        .order_by(Attempt.number)
    ).scalars():
        attempts[attempt.activity_id].append(attempt)
    allowances = {
        quiz.activity_id: allowance
        for quiz, _activity, _course, allowance in rows
        if allowance is not None
    }
    # The learner's cohort close dates (with their extensions), all in one query.
    cohort_closes = {
        d.activity_id: d.due_at for d in learner_deadlines(user.id) if d.kind == "close"
    }
    locale = str(get_locale() or "en")
    items = []
    for quiz, activity, course_id, _allowance in rows:
        # The learner's own close date: their cohort's deadline or extension, else the quiz's.
        due = cohort_closes.get(quiz.activity_id, quiz.closes_at)
        if due is None or now >= due:
            continue
        mine = attempts[quiz.activity_id]
        resuming = open_attempt(mine) is not None
        # The quiz's own rule for whether the learner may start it now (its dates, attempts left).
        allowance = allowances.get(quiz.activity_id)
        if quiz.activity_id in cohort_closes:  # the cohort's date rules, not the quiz's own
            if not resuming and (
                (quiz.opens_at is not None and now < quiz.opens_at)
                or attempts_left(quiz, mine, allowance) == 0
            ):
                continue
        elif not resuming and start_problem(quiz, mine, allowance, now) is not None:
            continue
        title = activity.localized("title", locale)
        items.append(
            TodoItem(
                key=f"quiz:{quiz.activity_id}:closes",
                kind="quiz",
                title=_("Finish the quiz “%(quiz)s”", quiz=title)
                if resuming
                else _("Take the quiz “%(quiz)s”", quiz=title),
                url=url_for("quiz.view", activity_id=quiz.activity_id),
                due_at=due,
                state=due_state(due, now),
                course_id=course_id,
            )
        )
    return items
