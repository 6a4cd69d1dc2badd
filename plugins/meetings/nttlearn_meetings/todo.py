"""Meetings on the learner's to-do list (the core's ``nttlearn_todo_items``): "Attend …" for each
upcoming meeting they hold a seat at, "Register for …" for each seminar of their cohort they have
no seat at (due when its registration closes, else when it starts: so it is on their calendar),
and "Register for …" when registration closes soon for a meeting linked to a course they follow.
At most four queries per person, however many meetings and learners there are."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from babel.dates import format_date
from flask import current_app, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from nttlearn.api import Enrolment, TodoItem, db, request_cache, utcnow

from .cohorts import my_cohort_meetings
from .models import Meeting, Registration
from .timezones import local, personal_zone

#: Where :func:`todo_items` leaves the person's registrations of meetings not yet ended:
#: ``(user id, the time it read them, {meeting id: state})``.
REGISTRATIONS_KEY = "meetings.registrations"


def _day(meeting: Meeting, moment: datetime, zone: str | None) -> str:
    """The date on the reader's clock (else the meeting's), in their language."""
    return format_date(
        local(moment, zone or meeting.time_zone).date(), "medium", locale=str(get_locale() or "en")
    )


def todo_items(user: Any, now: datetime | None = None) -> list[TodoItem]:
    now = now or utcnow()
    zone = personal_zone(user)
    items: list[TodoItem] = []
    states: dict[int, str] = {}
    for registration, meeting in db.session.execute(
        db.select(Registration, Meeting)
        .join(Meeting, Meeting.id == Registration.meeting_id)
        .where(Registration.user_id == user.id, Meeting.ends_at > now)
    ).tuples():
        states[meeting.id] = registration.state
        if registration.state != "registered" or meeting.status != "published":
            continue
        items.append(
            TodoItem(
                key=f"meeting:{meeting.id}:attend",
                kind="meeting",
                state="upcoming",
                title=_(
                    "Attend %(title)s on %(date)s",
                    title=meeting.title,
                    date=_day(meeting, meeting.starts_at, zone),
                ),
                url=url_for("meetings.detail", meeting_id=meeting.id),
                due_at=meeting.starts_at,
                ends_at=meeting.ends_at,
            )
        )
    # The dashboard's meetings card asks for the same registrations: it finds them here.
    request_cache()[REGISTRATIONS_KEY] = (user.id, now, dict(states))
    for meeting in my_cohort_meetings(user.id, now):
        if states.get(meeting.id, "cancelled") != "cancelled":
            continue
        if meeting.registration_deadline is not None:
            title = _(
                "Register for %(title)s, your cohort's seminar on %(date)s (registration closes on %(closes)s)",
                title=meeting.title,
                date=_day(meeting, meeting.starts_at, zone),
                closes=_day(meeting, meeting.registration_deadline, zone),
            )
            due_at, ends_at = meeting.registration_deadline, None
        else:
            title = _(
                "Register for %(title)s, your cohort's seminar on %(date)s",
                title=meeting.title,
                date=_day(meeting, meeting.starts_at, zone),
            )
            due_at, ends_at = meeting.starts_at, meeting.ends_at
        states[meeting.id] = "asked"  # not asked twice below
        items.append(
            TodoItem(
                key=f"meeting:{meeting.id}:register",
                kind="meeting",
                title=title,
                url=url_for("meetings.detail", meeting_id=meeting.id),
                due_at=due_at,
                ends_at=ends_at,
            )
        )
    soon = now + timedelta(days=current_app.config.get("DUE_SOON_DAYS", 7))
    closing = (
        db.session.execute(
            db.select(Meeting)
            .where(
                Meeting.status == "published",
                Meeting.registration_deadline.is_not(None),
                Meeting.registration_deadline > now,
                Meeting.registration_deadline <= soon,
            )
            .order_by(Meeting.registration_deadline, Meeting.id)
        )
        .scalars()
        .all()
    )
    closing = [m for m in closing if m.course_ids and states.get(m.id, "cancelled") == "cancelled"]
    if closing:
        courses = set(
            db.session.execute(
                db.select(Enrolment.course_id).where(
                    Enrolment.user_id == user.id, Enrolment.completed_at.is_(None)
                )
            ).scalars()
        )
        for meeting in closing:
            if courses.isdisjoint(int(c) for c in meeting.course_ids):
                continue
            items.append(
                TodoItem(
                    key=f"meeting:{meeting.id}:register",
                    kind="meeting",
                    title=_(
                        "Register for %(title)s (registration closes on %(date)s)",
                        title=meeting.title,
                        date=_day(meeting, meeting.registration_deadline, zone),
                    ),
                    url=url_for("meetings.detail", meeting_id=meeting.id),
                    due_at=meeting.registration_deadline,
                )
            )
    return items
