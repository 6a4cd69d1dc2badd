"""Fixtures for the LTI plugin's tests: an app with this plugin alone, and the real LTI 1.3
platform of ``lti_fake_platform`` on 127.0.0.1, registered or not."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from lti_fake_platform import CLIENT_ID, DEPLOYMENT, FakeLms

from nttlearn.api import db
from nttlearn_lti.models import Platform


@pytest.fixture
def lms() -> Iterator[FakeLms]:
    platform = FakeLms()
    platform.thread.start()
    yield platform
    platform.server.shutdown()
    platform.thread.join(5)


@pytest.fixture
def app(app_factory) -> Iterator[Flask]:
    app = app_factory(plugins=["lti"])
    with app.app_context():
        yield app
        db.session.remove()


@pytest.fixture
def registered(app, lms) -> Platform:
    """The platform registered by an admin, and the tool's JWKS known to the platform."""
    platform = Platform(
        name="Moodle of the region",
        issuer=lms.issuer,
        client_id=CLIENT_ID,
        deployment_ids=[DEPLOYMENT],
        auth_login_url=lms.base + "/auth",
        auth_token_url=lms.base + "/token",
        key_set_url=lms.base + "/jwks",
    )
    db.session.add(platform)
    db.session.commit()
    lms.tool_jwks = app.test_client().get("/lti/jwks.json").get_json()
    return platform
