"""The meetings browser test runs on the run's demo server (``nttlearn.testing.demo_server``:
gunicorn with two workers serving ``nttlearn init`` and ``nttlearn demo``, the demo officials and
NTT+'s meetings), shared with the core's browser tests, with ``nttlearn.testing``'s ``new_page``
and ``log_in``."""

from __future__ import annotations

import pytest

from nttlearn.testing import LiveServer


@pytest.fixture(scope="session")
def live_server(demo_server) -> LiveServer:
    return demo_server
