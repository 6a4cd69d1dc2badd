"""What a learner did and when, read from the event log in one query (titles joined in SQL)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import aliased

from nttlearn.api import (
    Activity,
    Course,
    EventRecord,
    Lesson,
    Module,
    db,
    format_percent,
    localized_text,
)

from .sql import json_field

PAGE_ROWS = 500


@dataclass
class TimelineEntry:
    at: datetime
    name: str
    course_id: int | None
    course_title: str
    what: str


def learner_timeline(
    user_id: int, course_id: int | None = None, *, limit: int | None = PAGE_ROWS
) -> list[TimelineEntry]:
    """The learner's events, newest first: in one course (for its trainers) or in all (for
    themselves). An event's data is shown only through the words chosen here, never raw; names of
    courses, lessons, modules and activities are in the reader's language."""
    lesson, activity, module = aliased(Lesson), aliased(Activity), aliased(Module)
    data = EventRecord.data
    stmt = (
        select(
            EventRecord.created_at,
            EventRecord.name,
            EventRecord.course_id,
            Course.title,
            lesson.title,
            activity.title,
            module.title,
            json_field(data, "score", "number"),
            json_field(data, "passed", "boolean"),
            json_field(data, "policy_area", "text"),
            Course.translations,
            lesson.translations,
            activity.translations,
            module.translations,
        )
        .outerjoin(Course, Course.id == EventRecord.course_id)
        .outerjoin(lesson, lesson.id == json_field(data, "lesson_id", "integer"))
        .outerjoin(activity, activity.id == json_field(data, "activity_id", "integer"))
        .outerjoin(module, module.id == json_field(data, "module_id", "integer"))
        .where(EventRecord.user_id == user_id)
        .order_by(EventRecord.created_at.desc(), EventRecord.id.desc())
    )
    if course_id is not None:
        stmt = stmt.where(EventRecord.course_id == course_id)
    if limit is not None:
        stmt = stmt.limit(limit)
    return [
        TimelineEntry(
            at,
            name,
            cid,
            localized_text(course_title, course_names),
            describe(
                name,
                lesson=localized_text(lesson_title, lesson_names) or None,
                activity=localized_text(activity_title, activity_names) or None,
                module=localized_text(module_title, module_names) or None,
                score=score,
                passed=passed,
                area=area,
            ),
        )
        for (
            at,
            name,
            cid,
            course_title,
            lesson_title,
            activity_title,
            module_title,
            score,
            passed,
            area,
            course_names,
            lesson_names,
            activity_names,
            module_names,
        ) in db.session.execute(stmt)
    ]


def describe(name: str, **facts: Any) -> str:
    """An event in words, for the timeline (the facts were joined from the event's data)."""
    title = facts.get("activity") or ""
    # Scores are percentages that may be fractional (a quiz's 66.666…): shown whole, the reader's
    # way ("67%" in Italian, "67 %" in Swedish).
    score = None if facts.get("score") is None else format_percent(facts["score"])
    simple = {
        "user.registered": _("Created an account"),
        "user.deleted": _("Deleted the account"),
        "course.enrolled": _("Enrolled in the course"),
        "course.unenrolled": _("Left the course"),
        "course.completed": _("Completed the course"),
        "certificates.issued": _("Received a certificate"),
    }
    if name in simple:
        return simple[name]
    if name == "lesson.completed":
        return _("Completed the lesson “%(title)s”", title=facts.get("lesson") or "?")
    if name == "lesson.uncompleted":
        return _("Marked the lesson “%(title)s” as not done", title=facts.get("lesson") or "?")
    if name == "module.completed":
        return _("Completed the module “%(title)s”", title=facts.get("module") or "?")
    if name == "activity.completed":
        if score is not None:
            return _("Completed “%(title)s” with %(score)s", title=title or "?", score=score)
        return _("Completed “%(title)s”", title=title or "?")
    if name.endswith(".attempt_submitted"):
        if score is None:  # an essay waits for its grade
            return _("Attempt at “%(title)s” submitted", title=title or "?")
        if facts.get("passed") is False:
            return _(
                "Attempt at “%(title)s” not passed (%(score)s)", title=title or "?", score=score
            )
        return _("Attempt at “%(title)s” submitted (%(score)s)", title=title or "?", score=score)
    if name == "peer_review.proposal_submitted":
        return _("Submitted a proposal")
    if name.endswith(".meeting_held"):
        return _("Recorded a meeting")
    plugin, _dot, what = name.partition(".")
    return f"{plugin}: {what.replace('_', ' ')}" if what else name
