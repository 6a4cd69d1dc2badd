"""The LTI browser test runs on the run's demo server (``nttlearn.testing.demo_server``: gunicorn
with two workers serving ``nttlearn init`` and ``nttlearn demo``), with ``nttlearn.testing``'s
``new_page``; the platform is ``lti_fake_platform``'s, reached by the browser at
``http://localhost:<port>``: another site than the tool's ``http://127.0.0.1:<port>``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from lti_fake_platform import CLIENT_ID, DEPLOYMENT, FakeLms
from playwright.sync_api import expect

from nttlearn.testing import DEMO_PASSWORDS, LiveServer


@pytest.fixture(scope="session")
def live_server(demo_server) -> LiveServer:
    return demo_server


@pytest.fixture(scope="module")
def platform(live_server, e2e_browser) -> Iterator[FakeLms]:
    """A platform on 127.0.0.1, registered on the demo server by its admin through the form."""
    lms = FakeLms()
    lms.browser_base = f"http://localhost:{lms.server.server_port}"
    lms.tool = live_server.url
    lms.thread.start()
    context = e2e_browser.new_context(base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(30_000)
    page = context.new_page()
    page.goto("/login")
    page.locator("#email").fill("admin@example.org")
    page.locator("#password").fill(DEMO_PASSWORDS["admin@example.org"])
    page.locator("form:has(#password) [type=submit]").click()
    expect(page.locator("form[action$='/logout']")).to_be_attached()
    page.goto("/lti/admin/new")
    page.get_by_label("Name").fill(f"Moodle of the region ({lms.server.server_port})")
    page.get_by_label("Issuer (platform ID)").fill(lms.issuer)
    page.get_by_label("Client ID").fill(CLIENT_ID)
    page.get_by_label("Deployment IDs (one a line)").fill(DEPLOYMENT)
    page.get_by_label("Authentication request URL").fill(lms.browser_base + "/auth")
    page.get_by_label("Access token URL").fill(lms.base + "/token")
    page.get_by_label("Public keyset URL").fill(lms.base + "/jwks")
    page.get_by_role("button", name="Save platform").click()
    expect(page.get_by_text("Platform saved.")).to_be_visible()
    context.close()
    yield lms
    lms.server.shutdown()
    lms.thread.join(5)
