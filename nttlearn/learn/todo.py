"""What a learner should do next: the core's "resume the next lesson" items merged with every
plugin's ``nttlearn_todo_items``, sorted by date. The dashboard, the calendar page, the calendar
feed and the deadline reminders all read this one list."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from flask import current_app, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

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


def resume_items(user: User) -> list[TodoItem]:
    """"Continue with lesson …" for each course the learner has not completed: two queries for
    the enrolments and completions (course structures come from the per-worker cache)."""
    enrolments = db.session.execute(
        db.select(Enrolment).join(Course, Course.id == Enrolment.course_id)
        .where(Enrolment.user_id == user.id, Enrolment.completed_at.is_(None),
               Course.archived.is_(False), Course.published.is_(True))
        .order_by(Enrolment.last_activity_at.desc().nulls_last(), Enrolment.created_at.desc())
    ).scalars().all()
    if not enrolments:
        return []
    done = frozenset(("l", lesson_id) for lesson_id in db.session.execute(
        db.select(LessonCompletion.lesson_id).where(LessonCompletion.user_id == user.id)).scalars())
    locale = str(get_locale() or "en")
    items = []
    for enrolment in enrolments:
        course = enrolment.course
        structure = course_structure(course)
        outline = structure.outline(course, done)
        lesson = outline.resume_lesson(enrolment.last_lesson_id)
        if lesson is None or ("l", lesson.id) in done:
            continue
        course_title = course.localized("title", locale)
        title = (_("Continue “%(course)s”: %(lesson)s", course=course_title, lesson=lesson.localized("title", locale))
                 if enrolment.last_lesson_id else
                 _("Start “%(course)s”: %(lesson)s", course=course_title, lesson=lesson.localized("title", locale)))
        items.append(TodoItem(
            key=f"lesson:{course.id}", kind="lesson", title=title,
            url=url_for("learn.lesson", slug=course.slug, lesson_id=lesson.id), course_id=course.id,
        ))
    return items
