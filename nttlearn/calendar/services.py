"""Building the learner's calendar from the to-do list: the month grid of the page, and the
RFC 5545 feed (the ``icalendar`` library writes it) behind a secret, revocable address."""

from __future__ import annotations

import calendar as month_calendar
import secrets
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

import icalendar
from flask import current_app

from ..dates import user_timezone
from ..extensions import db
from ..hooktypes import TodoItem
from ..models import User, utcnow

TOKEN_BYTES = 32


def feed_url(user: User) -> str | None:
    """The address of the person's feed, or None when they have none (or revoked it)."""
    if not user.calendar_token:
        return None
    from ..notifications.services import site_url

    return site_url("calendar.feed", token=user.calendar_token)


def new_feed_token(user: User) -> str:
    """Give the person a new secret feed address; the old one stops working at once."""
    user.calendar_token = secrets.token_urlsafe(TOKEN_BYTES)
    return user.calendar_token


def revoke_feed(user: User) -> None:
    user.calendar_token = None


def user_for_token(token: str) -> User | None:
    if not token or len(token) > 64:
        return None
    user = db.session.execute(db.select(User).where(User.calendar_token == token)).scalar()
    return user if user is not None and user.is_active else None


def dated(items: list[TodoItem]) -> list[TodoItem]:
    return [item for item in items if item.due_at is not None]


def _host() -> str:
    return urlsplit(current_app.config["BASE_URL"]).hostname or "nttlearn"


def ics(user: User, items: list[TodoItem], now: datetime | None = None) -> bytes:
    """The feed: one VEVENT per dated item, times in UTC, with a UID stable across downloads
    (the item's key and the person), so calendar apps update events instead of duplicating them."""
    from ..notifications.services import full_url

    now = now or utcnow()
    cal = icalendar.Calendar()
    cal.add("prodid", f"-//{current_app.config['SITE_NAME']}//nttlearn//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", current_app.config["SITE_NAME"])
    host = _host()
    for item in dated(items):
        event = icalendar.Event()
        event.add("uid", f"{item.key}.u{user.id}@{host}")
        event.add("dtstamp", now)
        event.add("dtstart", item.due_at)
        if item.ends_at is not None and item.ends_at > item.due_at:
            event.add("dtend", item.ends_at)
        event.add("summary", item.title)
        url = full_url(item.url)
        if url:
            event.add("url", url)
            event.add("description", url)
        event.add("categories", [item.kind])
        cal.add_component(event)
    return cal.to_ical()


@dataclass(frozen=True)
class Day:
    date: date
    in_month: bool
    items: list[TodoItem]


@dataclass(frozen=True)
class Month:
    first: date
    weeks: list[list[Day]]
    previous: date
    next: date

    @property
    def items(self) -> list[tuple[date, TodoItem]]:
        return [
            (day.date, item)
            for week in self.weeks
            for day in week
            if day.in_month
            for item in day.items
        ]


def month_view(user: User, items: list[TodoItem], year: int, month: int) -> Month:
    """The weeks (Monday first) of ``year-month`` with the items due each day, in the person's zone."""
    zone = user_timezone(user)
    by_day: dict[date, list[TodoItem]] = defaultdict(list)
    for item in dated(items):
        by_day[item.due_at.astimezone(zone).date()].append(item)
    weeks = [
        [Day(d, d.month == month, by_day.get(d, [])) for d in week]
        for week in month_calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    ]
    first = date(year, month, 1)
    previous = (first - timedelta(days=1)).replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return Month(first, weeks, previous, following)
