"""Browser tests against the real server.

One gunicorn (two workers, so state that must be shared between processes really is) serves a
fresh instance folder prepared by ``nttlearn init`` and ``nttlearn demo``, exactly as ``make run``
prepares a laptop: ``nttlearn.testing``'s ``demo_server``, which the plugins' browser tests share.
Debian's chromium drives it through Playwright; every test gets a fresh browser context (no
cookies, ``new_page``), the server and its database are shared by the session.
"""

from __future__ import annotations

import pytest

from nttlearn.testing import LiveServer


@pytest.fixture(scope="session")
def live_server(demo_server) -> LiveServer:
    return demo_server


@pytest.fixture(scope="session")
def browser(e2e_browser):
    return e2e_browser


@pytest.fixture
def page(new_page):
    return new_page()
