"""Fixtures for the meetings plugin's tests.

``app`` is narrowed to this plugin alone, so another installed plugin cannot change what these
tests see; ``make_meeting`` creates a published meeting through the plugin's own service."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from nttlearn import db
from nttlearn_meetings import services
from nttlearn_meetings.models import Meeting
from nttlearn_meetings.plugin import HERE

TRANSLATIONS = HERE / "translations"


@pytest.fixture
def app_plugins():
    return ["meetings"]


@pytest.fixture
def make_meeting(app) -> Callable[..., Meeting]:
    """``make_meeting(start=None, hours=8, zone="Europe/Helsinki", capacity=None, by=None, **details)``:
    a published meeting starting ``start`` (a local time on the zone's clock; default: 14 days
    from now at 09:00), planned by ``by`` (its owner; None: as from the command line, owned by
    coordinators and admins only)."""

    def make(
        start: datetime | None = None,
        hours: float = 8,
        zone: str = "Europe/Helsinki",
        capacity: int | None = None,
        by=None,
        **fields,
    ) -> Meeting:
        if start is None:
            soon = datetime.now(ZoneInfo(zone)) + timedelta(days=14)
            start = soon.replace(hour=9, minute=0, second=0, microsecond=0)
        elif start.tzinfo is None:
            start = start.replace(tzinfo=ZoneInfo(zone))
        values = {
            "title": "Seminar on renewable energy",
            "kind": "seminar",
            "town": "Helsinki",
            "country": "FI",
        }
        values.update(fields)
        meeting = services.create_meeting(
            services.MeetingDetails(
                starts_at=start,
                ends_at=start + timedelta(hours=hours),
                time_zone=zone,
                capacity=capacity,
                **values,
            ),
            by.id if by is not None else None,
        )
        db.session.commit()
        return meeting

    return make


@pytest.fixture(scope="session")
def compiled_translations() -> Path:
    """The catalogues compiled to ``.mo`` (as ``python -m nttlearn.i18n compile`` does)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in TRANSLATIONS.glob("*/LC_MESSAGES/meetings.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            with po.open("rb") as source:
                catalog = read_po(source)
            with mo.open("wb") as target:
                write_mo(target, catalog)
    return TRANSLATIONS
