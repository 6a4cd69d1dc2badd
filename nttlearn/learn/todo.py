"""What a learner should do next: the core's "resume the next lesson" items merged with every
plugin's ``nttlearn_todo_items``, sorted by date. The dashboard, the calendar page, the calendar
feed and the deadline reminders all read this one list."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from flask import current_app, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import bindparam, literal, select, union_all
from sqlalchemy.orm.util import identity_key

from ..extensions import db
from ..hooktypes import TodoItem
from ..models import Course, Enrolment, LessonCompletion, User, utcnow
from ..plugins import host
from .structure import course_structure

_FAR = datetime.max.replace(tzinfo=UTC)


def due_state(due_at: datetime | None, now: datetime | None = None) -> str:
    """The state of something due at ``due_at``: ``overdue`` once passed, ``due_soon`` within
    ``NTTLEARN_DUE_SOON_DAYS``, else ``todo`` (also without a date)."""
    if due_at is None:
        return "todo"
    now = now or utcnow()
    if due_at <= now:
        return "overdue"
    if due_at - now <= timedelta(days=current_app.config.get("DUE_SOON_DAYS", 7)):
        return "due_soon"
    return "todo"


def sort_key(item: TodoItem) -> tuple:
    """Dated items first, earliest first (so overdue ones lead), then the rest by title."""
    return (item.due_at is None, item.due_at or _FAR, item.title.casefold(), item.key)


def todo_items(user: User, now: datetime | None = None) -> list[TodoItem]:
    """Everything ``user`` has to do, sorted: call it inside the user's language (a request, or
    ``force_locale`` for a mail). A plugin that fails is logged and left out; an item whose state
    the plugin left as ``todo`` gets the state its date gives it."""
    now = now or utcnow()
    items = resume_items(user)
    for plugin, answer in host().call_each("nttlearn_todo_items", user=user):
        for item in answer or []:
            if not isinstance(item, TodoItem):
                continue
            if item.state == "todo" and item.due_at is not None:
                item = replace(item, state=due_state(item.due_at, now))
            items.append(replace(item, plugin=item.plugin or plugin))
    unique = {item.key: item for item in items}
    return sorted(unique.values(), key=sort_key)


_courses, _enrolments, _lesson_done = (
    Course.__table__,
    Enrolment.__table__,
    LessonCompletion.__table__,
)
# The learner's open enrolments and every lesson they completed, in one statement (rows, not
# objects): ("e", course id, last lesson id) and ("l", lesson id, None).
_RESUME_STATE = union_all(
    select(literal("e"), _enrolments.c.course_id, _enrolments.c.last_lesson_id)
    .join(_courses, _courses.c.id == _enrolments.c.course_id)
    .where(
        _enrolments.c.user_id == bindparam("user_id"),
        _enrolments.c.completed_at.is_(None),
        _courses.c.archived.is_(False),
        _courses.c.published.is_(True),
    ),
    select(literal("l"), _lesson_done.c.lesson_id, literal(None)).where(
        _lesson_done.c.user_id == bindparam("user_id")
    ),
)


def resume_items(user: User) -> list[TodoItem]:
    """ "Start/continue course …: lesson …" for each course the learner has not completed: one
    query for the enrolments and completions, then the courses (from the session when the page
    has loaded them); the course structures come from the per-worker cache."""
    open_courses: dict[int, int | None] = {}
    done: set[tuple[str, int]] = set()
    for kind, item, last_lesson_id in db.session.connection().execute(
        _RESUME_STATE, {"user_id": user.id}
    ):
        if kind == "e":
            open_courses[item] = last_lesson_id
        else:
            done.add(("l", item))
    if not open_courses:
        return []
    courses = {cid: db.session.identity_map.get(identity_key(Course, cid)) for cid in open_courses}
    missing = [cid for cid, course in courses.items() if course is None]
    if missing:
        courses.update(
            (c.id, c)
            for c in db.session.execute(db.select(Course).where(Course.id.in_(missing))).scalars()
        )
    locale = str(get_locale() or "en")
    items = []
    for course_id, last_lesson_id in open_courses.items():
        course = courses[course_id]
        outline = course_structure(course).outline(course, frozenset(done))
        lesson = outline.resume_lesson(last_lesson_id)
        if lesson is None or ("l", lesson.id) in done:
            continue
        course_title, lesson_title = (
            course.localized("title", locale),
            lesson.localized("title", locale),
        )
        title = (
            _("Continue “%(course)s”: %(lesson)s", course=course_title, lesson=lesson_title)
            if last_lesson_id
            else _("Start “%(course)s”: %(lesson)s", course=course_title, lesson=lesson_title)
        )
        items.append(
            TodoItem(
                key=f"lesson:{course.id}",
                kind="lesson",
                title=title,
                url=url_for("learn.lesson", slug=course.slug, lesson_id=lesson.id),
                course_id=course.id,
            )
        )
    return items
