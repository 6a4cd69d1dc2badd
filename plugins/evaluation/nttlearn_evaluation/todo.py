"""The surveys a learner has not answered yet, on the core's to-do list (one query per learner)."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from nttlearn.api import Activity, ActivityCompletion, Course, Enrolment, Module, TodoItem, db

from .models import Survey, SurveyRespondent


def todo_items(user: Any) -> list[TodoItem]:
    answered = db.select(SurveyRespondent.survey_id).where(SurveyRespondent.user_id == user.id)
    done = db.select(ActivityCompletion.activity_id).where(ActivityCompletion.user_id == user.id)
    rows = db.session.execute(
        db.select(Activity, Course.id)
        .join(Survey, Survey.activity_id == Activity.id)
        .join(Module, Module.id == Activity.module_id)
        .join(Course, Course.id == Module.course_id)
        .join(Enrolment, (Enrolment.course_id == Course.id) & (Enrolment.user_id == user.id))
        .where(
            Survey.id.not_in(answered),
            Activity.id.not_in(done),
            Activity.archived.is_(False),
            Module.archived.is_(False),
            Course.archived.is_(False),
            Course.published.is_(True),
            Enrolment.completed_at.is_(None),
        )
        .order_by(Course.id, Module.position, Activity.position)
    ).all()
    locale = str(get_locale() or "en")
    return [
        TodoItem(
            key=f"evaluation:survey:{activity.id}",
            kind="survey",
            title=_("Answer the survey “%(survey)s”", survey=activity.localized("title", locale)),
            url=url_for("evaluation.surveys.answer", activity_id=activity.id),
            course_id=course_id,
        )
        for activity, course_id in rows
    ]
