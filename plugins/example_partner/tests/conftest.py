"""Fixtures for the example_partner plugin's tests.

The ``app``, ``client``, ``make_user``, ``make_course`` and ``login_as`` fixtures come from
nttlearn's pytest plugin (``-p nttlearn.testing`` in pyproject.toml). Here ``app`` is narrowed to
this plugin alone, so that another installed plugin cannot change what these tests see.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from nttlearn import db
from nttlearn.testing import login
from nttlearn_example_partner import services
from nttlearn_example_partner.models import PartneringMeeting

TRANSLATIONS = Path(services.__file__).resolve().parent / "translations"


@pytest.fixture
def app_plugins():
    return ["example_partner"]


@pytest.fixture
def client_for(app) -> Callable[..., FlaskClient]:
    """A separate logged-in browser per user: ``client_for(user)``."""

    def make(user) -> FlaskClient:
        browser = app.test_client()
        response = login(browser, user)
        assert response.status_code == 302
        return browser

    return make


@pytest.fixture
def make_meeting(app) -> Callable[..., PartneringMeeting]:
    """Add a meeting: ``make_meeting(town="Bologna", starts_on=date(...), days=2, title=...)``."""

    def make(
        town: str = "Bologna",
        starts_on: date | None = None,
        days: int = 2,
        title: str = "Partnering meeting on renewable energy",
        country: str = "IT",
    ) -> PartneringMeeting:
        starts_on = starts_on or services.today() + timedelta(days=14)
        meeting = services.add_meeting(
            title=title,
            town=town,
            country=country,
            starts_on=starts_on,
            ends_on=starts_on + timedelta(days=days - 1),
        )
        db.session.commit()
        return meeting

    return make


@pytest.fixture(scope="session")
def compiled_translations() -> Path:
    """The catalogues compiled to ``.mo``, as ``python -m nttlearn.i18n compile`` does.

    ``make install`` compiles them; this keeps the tests honest when run straight after an edit.
    """
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in TRANSLATIONS.glob("*/LC_MESSAGES/example_partner.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            with po.open("rb") as source:
                catalog = read_po(source)
            with mo.open("wb") as target:
                write_mo(target, catalog)
    return TRANSLATIONS
