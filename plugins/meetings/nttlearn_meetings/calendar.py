"""RFC 5545 iCalendar feeds, written with the ``icalendar`` library: one meeting, a person's
registered meetings (a secret, revocable address), and every published meeting.

What makes them behave in Outlook, Google Calendar and Thunderbird: a UID made once per meeting;
DTSTART/DTEND on the meeting's own clock (``TZID=Europe/Helsinki``) with the matching VTIMEZONE;
SEQUENCE raised at every change and ``STATUS:CANCELLED`` for a cancelled meeting, so a subscribed
calendar updates or strikes the event instead of adding a second one.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import datetime
from typing import Literal, overload

from icalendar import Calendar, Event, vText

from nttlearn.api import db, utcnow

from .models import Meeting, PersonalSettings, Registration

PRODID = "-//nttlearn//meetings//EN"


def _event(meeting: Meeting, url: str | None, now: datetime) -> Event:
    from .timezones import local

    event = Event()
    event.add("uid", meeting.uid)
    event.add("dtstamp", now)
    event.add("created", meeting.created_at)
    event.add("last-modified", meeting.updated_at)
    event.add("sequence", meeting.sequence)
    event.add("summary", meeting.title)
    event.add("dtstart", local(meeting.starts_at, meeting.time_zone))
    event.add("dtend", local(meeting.ends_at, meeting.time_zone))
    place = ", ".join(part for part in (meeting.venue, meeting.town, meeting.country) if part)
    event.add("location", vText(place))
    event.add("status", "CANCELLED" if meeting.status == "cancelled" else "CONFIRMED")
    description = meeting.description
    if meeting.online_url:
        description = f"{description}\n\n{meeting.online_url}".strip()
    if description:
        event.add("description", description)
    if url:
        event.add("url", url)
    event.add("categories", [meeting.kind])
    return event


def calendar_of(meetings: Iterable[Meeting], name: str, url_for_meeting=None) -> bytes:
    """The ``.ics`` bytes of ``meetings`` (each with its VTIMEZONE)."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    now = utcnow()
    for meeting in meetings:
        calendar.add_component(
            _event(meeting, url_for_meeting(meeting) if url_for_meeting else None, now)
        )
    calendar.add_missing_timezones()
    return calendar.to_ical()


def published_meetings() -> list[Meeting]:
    """The public feed: every meeting that is not a draft (cancelled ones too, so calendars strike them)."""
    return list(
        db.session.execute(
            db.select(Meeting)
            .where(Meeting.status != "draft")
            .order_by(Meeting.starts_at, Meeting.id)
        ).scalars()
    )


def registered_meetings(user_id: int) -> list[Meeting]:
    """A person's feed: the meetings they hold a seat or a waiting place at (and cancelled ones
    they were registered for, so that the cancellation reaches their calendar)."""
    return list(
        db.session.execute(
            db.select(Meeting)
            .join(Registration, Registration.meeting_id == Meeting.id)
            .where(
                Registration.user_id == user_id,
                Meeting.status != "draft",
                (Registration.state != "cancelled") | (Meeting.status == "cancelled"),
            )
            .order_by(Meeting.starts_at, Meeting.id)
        ).scalars()
    )


# -- the personal feed's secret address ----------------------------------------------------------
def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@overload
def settings_of(user_id: int, create: Literal[True]) -> PersonalSettings: ...
@overload
def settings_of(user_id: int, create: bool = False) -> PersonalSettings | None: ...
def settings_of(user_id: int, create: bool = False) -> PersonalSettings | None:
    settings = db.session.get(PersonalSettings, user_id)
    if settings is None and create:
        settings = PersonalSettings(user_id=user_id)
        db.session.add(settings)
    return settings


def new_feed_token(user_id: int) -> str:
    """A new secret for the person's feed; the old address stops working at once."""
    token = secrets.token_urlsafe(32)
    settings = settings_of(user_id, create=True)
    settings.feed_token_hash, settings.feed_created_at = _digest(token), utcnow()
    return token


def revoke_feed(user_id: int) -> bool:
    settings = settings_of(user_id)
    if settings is None or settings.feed_token_hash is None:
        return False
    settings.feed_token_hash = settings.feed_created_at = None
    return True


def feed_owner(token: str) -> int | None:
    if not token or len(token) > 100:
        return None
    return db.session.execute(
        db.select(PersonalSettings.user_id).where(
            PersonalSettings.feed_token_hash == _digest(token)
        )
    ).scalar()
