"""Dates, times, numbers, percentages and country names as the reader's language writes them.

One place for every page of the core (and plugins, through the template filters): Babel formats
for the current language, and times in the reader's own zone (:mod:`nttlearn.dates`), so that a
date reads "7 dic 2026" in Italian and "7.12.2026" in Finnish on every page, never ISO on one page
and English on another. The filters are registered on the app by :func:`register_filters`.
"""

from __future__ import annotations

from datetime import date, datetime, time
from functools import lru_cache

from babel import Locale
from babel import dates as babel_dates
from babel import numbers as babel_numbers
from flask import Flask
from flask_babel import get_locale

from .dates import format_user_datetime, user_timezone


def reader_locale() -> str:
    """The language of the page being written (the request's, or a mail's forced one)."""
    return str(get_locale() or "en")


def _current_user() -> object | None:
    from flask import has_request_context
    from flask_login import current_user

    return current_user if has_request_context() and current_user.is_authenticated else None


def format_datetime(value: datetime | None, format: str = "medium") -> str:
    """A moment (aware, UTC) in the reader's zone and language; ``""`` for None."""
    return format_user_datetime(value, _current_user(), format=format, locale=reader_locale())


def format_date(value: date | datetime | None, format: str = "medium") -> str:
    """A day: a ``date`` as it is, a ``datetime`` as the day it is in the reader's zone."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(user_timezone(_current_user()))
        value = value.date()
    return babel_dates.format_date(value, format, locale=reader_locale())


def format_time(value: time | datetime | None, format: str = "short") -> str:
    """A time of day (of a moment, in the reader's zone)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return babel_dates.format_time(
            value, format, tzinfo=user_timezone(_current_user()), locale=reader_locale()
        )
    return babel_dates.format_time(value, format, locale=reader_locale())


def format_number(value: float | int | None, decimals: int | None = None) -> str:
    """A number with the language's separators (``1 234,5`` in Finnish); ``decimals`` fixes the
    digits after the separator, None keeps up to three."""
    if value is None:
        return ""
    if decimals is None:
        return babel_numbers.format_decimal(value, locale=reader_locale())
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return babel_numbers.format_decimal(value, format=pattern, locale=reader_locale())


def format_percent(value: float | int | None, decimals: int = 0) -> str:
    """A percentage given as 0..100 (as progress and scores are stored): ``90 %`` in Finnish,
    Swedish and Spanish, ``90%`` in English and Italian; whole numbers unless ``decimals``."""
    if value is None:
        return ""
    locale = reader_locale()
    pattern = Locale.parse(locale).percent_formats[None].pattern  # "#,##0 %" in Finnish
    if decimals:
        pattern = (
            pattern.replace("0", "0." + "0" * decimals, 1)
            if pattern.count("0") == 1
            else pattern[::-1].replace("0", ("0." + "0" * decimals)[::-1], 1)[::-1]
        )
    return babel_numbers.format_percent(value / 100, format=pattern, locale=locale)


@lru_cache(maxsize=16)
def _territories(locale: str) -> dict[str, str]:
    return dict(Locale.parse(locale).territories)


def country_name(code: str | None) -> str:
    """The country of a two-letter code (``FI``) in the reader's language ("Suomi", "Finland");
    an unknown code is shown as it is, an empty one as ``""``."""
    if not code:
        return ""
    return _territories(reader_locale()).get(code.upper(), code)


def country_names(codes) -> str:
    """Several countries, joined as the language lists things ("Finland, Italy and Spain")."""
    from babel.lists import format_list

    names = [country_name(code) for code in codes if code]
    return format_list(names, locale=reader_locale()) if names else ""


FILTERS = {
    "format_date": format_date,
    "format_datetime": format_datetime,
    "format_time": format_time,
    "format_number": format_number,
    "format_percent": format_percent,
    "country_name": country_name,
    "country_names": country_names,
}


def register_filters(app: Flask) -> None:
    """Make the formats template filters (``{{ enrolment.completed_at|format_date }}``)."""
    app.jinja_env.filters.update(FILTERS)
