"""A plugin switched off on one app node answers 404 on every other node within a second.

Each node re-reads the switches from the database when its copy is older than ``STATE_SECONDS``
(nttlearn/plugins.py); the time is injected here, and tests/test_cluster.py checks the same on
two real servers against the wall clock.
"""

from __future__ import annotations

import nttlearn.plugins
from nttlearn.extensions import db
from nttlearn.testing import TEST_PASSWORD


def test_the_switches_are_trusted_for_less_than_a_second():
    assert 0 < nttlearn.plugins.STATE_SECONDS <= 0.5


def test_a_plugin_disabled_on_one_node_answers_404_on_the_other_within_state_seconds(
    app, app_factory, make_user, monkeypatch, tmp_path
):
    clock = [1000.0]
    monkeypatch.setattr(nttlearn.plugins.time, "monotonic", lambda: clock[0])
    admin = make_user(role="admin")
    db.session.commit()
    node_a = app_factory(config={"INSTANCE_PATH": str(tmp_path / "a")}).test_client()
    node_b = app_factory(config={"INSTANCE_PATH": str(tmp_path / "b")}).test_client()
    assert node_a.get("/verify").status_code == 200  # node A has read the switches
    node_b.post("/login", data={"email": admin.email, "password": TEST_PASSWORD})

    switched = node_b.post("/admin/plugins/certificates", data={"enabled": "0", "confirmed": "1"})

    assert switched.status_code == 302
    assert node_b.get("/verify").status_code == 404  # at once where it was switched
    clock[0] += nttlearn.plugins.STATE_SECONDS / 2
    assert node_a.get("/verify").status_code == 200  # node A still trusts its copy
    clock[0] += nttlearn.plugins.STATE_SECONDS / 2 + 0.01
    assert node_a.get("/verify").status_code == 404
    node_b.post("/admin/plugins/certificates", data={"enabled": "1"})
    clock[0] += nttlearn.plugins.STATE_SECONDS + 0.01
    assert node_a.get("/verify").status_code == 200


def test_a_query_count_block_keeps_the_switches_however_long_it_takes(app, monkeypatch):
    from nttlearn.testing import count_queries

    clock = [1000.0]
    monkeypatch.setattr(nttlearn.plugins.time, "monotonic", lambda: clock[0])
    plugin_host = app.extensions["nttlearn"]

    with count_queries(app) as statements:
        clock[0] += 10
        with app.test_request_context():
            plugin_host.disabled()

    assert not [s for s in statements if "plugin_states" in s]
