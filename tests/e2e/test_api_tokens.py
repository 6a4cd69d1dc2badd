"""A learner makes an API token on a phone, copies it once, and another system uses it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

PHONE = 360


def test_a_learner_makes_a_token_on_a_phone_and_it_answers_for_them_until_revoked(
    new_page, log_in, live_server
):
    page = new_page(width=PHONE, height=740)
    log_in(page, "learner@example.org")
    page.goto("/account")  # in Italian: Giulia Rossi's profile language
    page.locator("a[href='/account/api-tokens']").click()

    page.locator("#name").fill("Portale regionale della formazione")
    page.locator("input[name=scopes][value=read]").check()
    page.locator("form:has(#name) [type=submit]").click()

    token = page.locator("#token-value").input_value()
    assert token.startswith("ntt_")
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE
    for control in page.locator("main :is(input:not([type=hidden]), select, button)").all():
        expect(control).to_have_accessible_name(re.compile(r"\S"))
    me = page.request.get(
        f"{live_server.url}/api/v1/me", headers={"Authorization": f"Bearer {token}"}
    )
    assert me.status == 200 and me.json()["email"] == "learner@example.org"

    page.locator("form[action$='/revoke'] button").click()
    page.locator(
        "dialog.confirm-dialog[open] button[value=confirm]"
    ).click()  # the page's own dialog
    expect(page.locator(".flash")).to_contain_text("revocato")
    again = page.request.get(
        f"{live_server.url}/api/v1/me", headers={"Authorization": f"Bearer {token}"}
    )
    assert again.status == 401


def test_the_api_reference_reads_on_a_phone(new_page):
    page = new_page(width=PHONE, height=740)

    page.goto("/api/v1/docs")

    expect(page.get_by_role("heading", name="REST API reference")).to_be_visible()
    expect(page.get_by_role("heading", name="GET /api/v1/courses", exact=True)).to_be_visible()
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE
