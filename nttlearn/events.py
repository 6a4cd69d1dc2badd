"""Events: what happened, recorded in the event log, then announced to plugins."""

from __future__ import annotations

import functools
import logging
from typing import Any

from flask import current_app

from .event_types import CORE_EVENT_TYPES
from .extensions import db
from .hooktypes import Event, EventType, payload_fields
from .models import EventRecord

log = logging.getLogger(__name__)
_fields = functools.cache(payload_fields)

CORE_EVENTS = tuple(t.name for t in CORE_EVENT_TYPES)

__all__ = [
    "CORE_EVENTS",
    "Event",
    "EventType",
    "UndeclaredEvent",
    "check_event",
    "emit",
    "emit_many",
]


class UndeclaredEvent(ValueError):
    """(API 1.4) An event was emitted that no one declared, or with ``data`` whose keys are not
    its declared payload's: raised by ``emit`` under ``NTTLEARN_STRICT_PLUGINS`` (the tests)."""


def check_event(name: str, data: dict[str, Any] | None) -> str | None:
    """What is wrong with emitting ``name`` with ``data`` (None: it is declared and has the keys).

    A dictionary look-up and a set comparison: cheap enough to run on every event.
    """
    host = current_app.extensions["nttlearn"]
    declared: EventType | None = host.event_types().get(name)
    if declared is None:
        return (
            f"event {name!r} is not declared: declare it in the plugin's nttlearn_event_types() "
            "(see docs/plugins.md, Events)"
        )
    keys = set(data or {})
    fields = _fields(declared.payload)
    missing = sorted(k for k, _type, _meaning, required in fields if required and k not in keys)
    unknown = sorted(keys - {k for k, *_ in fields})
    if missing or unknown:
        return (
            f"event {name!r} (declared by {declared.emitter}) has data without the declared keys "
            f"{missing} and with undeclared keys {unknown}"
        )
    return None


def _checked(name: str, data: dict[str, Any] | None) -> None:
    problem = check_event(name, data)
    if problem is None:
        return
    if current_app.extensions["nttlearn"].strict:
        raise UndeclaredEvent(problem)
    log.warning("%s", problem)


def emit(
    name: str,
    *,
    user_id: int | None,
    course_id: int | None = None,
    data: dict[str, Any] | None = None,
) -> Event:
    """Store an event in the log (same transaction as the caller) and call ``nttlearn_on_event``.

    A listener that raises propagates: the caller's transaction is rolled back with it. The event
    must be declared (the core's or a plugin's ``nttlearn_event_types``) and ``data`` must have its
    payload's keys: otherwise :class:`UndeclaredEvent` under ``NTTLEARN_STRICT_PLUGINS``, a logged
    warning in production.
    """
    _checked(name, data)
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
    for e in events:
        _checked(e["name"], e.get("data"))
    records = [
        EventRecord(
            name=e["name"],
            user_id=e.get("user_id"),
            course_id=e.get("course_id"),
            data=e.get("data") or {},
        )
        for e in events
    ]
    db.session.add_all(records)
    db.session.flush()
    hook = current_app.extensions["nttlearn"].hook("nttlearn_on_event")
    announced = []
    for record in records:
        event = Event(
            name=record.name,
            user_id=record.user_id,
            course_id=record.course_id,
            data=dict(record.data),
            created_at=record.created_at,
            id=record.id,
        )
        hook(event=event)
        announced.append(event)
    return announced
