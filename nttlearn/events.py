"""Events: what happened, recorded in the event log, then announced to plugins."""

from __future__ import annotations

from typing import Any

from flask import current_app

from .extensions import db
from .hooktypes import Event
from .models import EventRecord

CORE_EVENTS = (
    "user.registered",
    "user.deleted",
    "course.enrolled",
    "course.unenrolled",
    "lesson.completed",
    "lesson.uncompleted",
    "activity.completed",
    "module.completed",
    "course.completed",
    "cohort.joined",
    "cohort.messaged",
)

__all__ = ["CORE_EVENTS", "Event", "emit"]


def emit(
    name: str,
    *,
    user_id: int | None,
    course_id: int | None = None,
    data: dict[str, Any] | None = None,
) -> Event:
    """Store an event in the log (same transaction as the caller) and call ``nttlearn_on_event``.

    A listener that raises propagates: the caller's transaction is rolled back with it.
    """
    record = EventRecord(name=name, user_id=user_id, course_id=course_id, data=data or {})
    db.session.add(record)
    db.session.flush()
    event = Event(
        name=name,
        user_id=user_id,
        course_id=course_id,
        data=dict(record.data),
        created_at=record.created_at,
        id=record.id,
    )
    current_app.extensions["nttlearn"].hook("nttlearn_on_event")(event=event)
    return event
