"""The assignment browser test runs on the run's demo server (``nttlearn.testing.demo_server``:
``nttlearn init`` and ``nttlearn demo``, the shipped main course with its problem-tree assignment and
the demo officials), with ``nttlearn.testing``'s ``new_page`` and ``log_in``."""

from __future__ import annotations

import pytest

from nttlearn.testing import LiveServer


@pytest.fixture(scope="session")
def live_server(demo_server) -> LiveServer:
    return demo_server
