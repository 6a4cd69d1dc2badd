"""Dates and times as a person reads them: in their own time zone and language.

Every date is stored in UTC (``UTCDateTime``); it becomes local only when shown, here. A person's
zone is ``User.timezone`` (a zoneinfo name chosen on the account page), else the site's
``NTTLEARN_DEFAULT_TIMEZONE``.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from babel.dates import format_datetime as babel_format_datetime
from flask import current_app, has_app_context
from flask_babel import get_locale

FALLBACK_TIMEZONE = "Europe/Brussels"


@lru_cache(maxsize=1)
def timezone_names() -> tuple[str, ...]:
    """The zoneinfo names a person may choose (``Area/City``), sorted."""
    return tuple(
        sorted(
            name
            for name in available_timezones()
            if "/" in name and not name.startswith(("Etc/", "SystemV/", "posix/", "right/"))
        )
    )


def is_timezone(name: str | None) -> bool:
    return bool(name) and name in timezone_names()


def default_timezone() -> str:
    configured = current_app.config.get("DEFAULT_TIMEZONE") if has_app_context() else None
    return configured if is_timezone(configured) else FALLBACK_TIMEZONE


def user_timezone(user: object | None) -> ZoneInfo:
    """The person's time zone: their own choice, else the site's default."""
    name = getattr(user, "timezone", None)
    try:
        return ZoneInfo(name if is_timezone(name) else default_timezone())
    except ZoneInfoNotFoundError:  # a zone the system's database lost since it was chosen
        return ZoneInfo(FALLBACK_TIMEZONE)


def format_user_datetime(
    value: datetime | None,
    user: object | None = None,
    format: str = "medium",
    locale: str | None = None,
) -> str:
    """``value`` (aware, UTC) written in ``user``'s time zone and in ``locale`` (default: the
    current language, which ``flask_babel.force_locale`` sets for a mail). ``format`` is Babel's
    (``short``, ``medium``, ``long``, ``full`` or a pattern). Without ``user``: the person signed
    in, else the site's default zone. ``""`` for None."""
    if value is None:
        return ""
    if user is None:
        from flask import has_request_context
        from flask_login import current_user

        user = current_user if has_request_context() and current_user.is_authenticated else None
    return babel_format_datetime(
        value, format, tzinfo=user_timezone(user), locale=locale or str(get_locale() or "en")
    )
