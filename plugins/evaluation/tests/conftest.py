"""Fixtures for the evaluation plugin's tests.

``app`` is narrowed to this plugin alone, so that another installed plugin cannot change the
figures these tests check; ``data`` builds data sets with known answers (evaluation_testdata.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from evaluation_testdata import Data
from flask.testing import FlaskClient

from nttlearn.testing import login


@pytest.fixture
def app_plugins():
    return ["evaluation"]


@pytest.fixture
def client_for(app) -> Callable[..., FlaskClient]:
    """A separate logged-in browser per user: ``client_for(user)``."""

    def make(user) -> FlaskClient:
        browser = app.test_client()
        assert login(browser, user).status_code == 302
        return browser

    return make


@pytest.fixture
def data(app, make_user, make_course) -> Data:
    return Data(make_user, make_course)


@pytest.fixture
def in_request(app) -> Iterator[None]:
    """A request context, for services that translate (the locale comes from the request)."""
    with app.test_request_context():
        yield


@pytest.fixture(scope="session")
def compiled_translations() -> None:
    """Compile the plugin's catalogues to ``.mo`` as ``make install`` does (they are not in git)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    from nttlearn_evaluation.plugin import HERE

    for po in (HERE / "translations").glob("*/LC_MESSAGES/evaluation.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            with po.open("rb") as source:
                catalog = read_po(source)
            with mo.open("wb") as target:
                write_mo(target, catalog)
