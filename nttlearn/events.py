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
    "organisation.merged",
)

__all__ = ["CORE_EVENTS", "Event", "emit", "emit_many"]


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


def emit_many(events: list[dict[str, Any]]) -> list[Event]:
    """Store many events at once (each a dict of ``emit``'s keyword arguments and ``name``), then
    call ``nttlearn_on_event`` for each, in order: what ``emit`` does, in one batched INSERT
    rather than one per event (a participants import of 10,000 lines)."""
    records = [EventRecord(name=e["name"], user_id=e.get("user_id"), course_id=e.get("course_id"),
                           data=e.get("data") or {}) for e in events]
    db.session.add_all(records)
    db.session.flush()
    hook = current_app.extensions["nttlearn"].hook("nttlearn_on_event")
    announced = []
    for record in records:
        event = Event(name=record.name, user_id=record.user_id, course_id=record.course_id,
                      data=dict(record.data), created_at=record.created_at, id=record.id)
        hook(event=event)
        announced.append(event)
    return announced
