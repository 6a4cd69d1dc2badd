"""Whose clock a time is shown on: the meeting's zone for the meeting itself (its pages' "local
time", its .ics), the reader's zone for "when is that for me".

A person's zone is the one they chose on their account page (the core's ``User.timezone``, the
site's one time-zone setting; ``meetings_0002`` moved the plugin's old own choice there), else
the main zone of their organisation's country (Comune di Bologna → Europe/Rome), and without an organisation, the meeting's own zone,
always named on the page, so a time is never shown without saying whose clock it is.
"""

from __future__ import annotations

from datetime import date, datetime, time
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from babel.core import get_global
from babel.dates import format_datetime as babel_format_datetime
from flask_babel import get_locale


@cache
def zone_names() -> tuple[str, ...]:
    """The IANA zones a person can choose: region/city names, sorted (no ``Etc/GMT+3``)."""
    regions = (
        "Africa/",
        "America/",
        "Asia/",
        "Atlantic/",
        "Australia/",
        "Europe/",
        "Indian/",
        "Pacific/",
    )
    return ("UTC", *sorted(name for name in available_timezones() if name.startswith(regions)))


def is_zone(name: str | None) -> bool:
    if not name:
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def country_zone(country: str | None) -> str | None:
    """The main zone of an ISO country (CLDR lists it first): IT → Europe/Rome."""
    zones = get_global("territory_zones").get((country or "").upper()) or ()
    return zones[0] if zones else None


def personal_zone(user) -> str | None:
    """The zone ``user`` reads times in: their choice, else their organisation's country's; None
    when neither is known (the page then shows the meeting's own zone)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if is_zone(getattr(user, "timezone", None)):
        return user.timezone
    return country_zone(user.organisation.country if user.organisation else None)


def local(moment: datetime, zone: str) -> datetime:
    return moment.astimezone(ZoneInfo(zone))


def local_day_start(day: date, zone: str) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=ZoneInfo(zone))


def _locale() -> str:
    return str(get_locale() or "en")


def format_moment(moment: datetime, zone: str, fmt: str = "medium") -> str:
    """``10 May 2010, 09:00`` on the clock of ``zone``, in the reader's language."""
    return babel_format_datetime(moment, fmt, tzinfo=ZoneInfo(zone), locale=_locale())


def format_time(moment: datetime, zone: str) -> str:
    return babel_format_datetime(moment, "HH:mm", tzinfo=ZoneInfo(zone), locale=_locale())


def format_span(starts_at: datetime, ends_at: datetime, zone: str) -> str:
    """``10 May 2010, 09:00–17:00``, or ``10 May 2010, 09:00 – 11 May 2010, 13:00`` over two days,
    on the clock of ``zone``, in the reader's language (24-hour clock, as in the partners' countries)."""
    from babel.dates import format_date

    start, end = local(starts_at, zone), local(ends_at, zone)
    first = format_date(start.date(), "medium", locale=_locale())
    if start.date() == end.date():
        return f"{first}, {start:%H:%M}–{end:%H:%M}"
    return f"{first}, {start:%H:%M} – {format_date(end.date(), 'medium', locale=_locale())}, {end:%H:%M}"


def format_day(day: date) -> str:
    from babel.dates import format_date

    return format_date(day, "full", locale=_locale())


def zone_label(zone: str) -> str:
    """How a zone is named beside a time: its city (``Helsinki``), or ``UTC``."""
    return zone.rsplit("/", 1)[-1].replace("_", " ")
