"""The trainer translates the capstone's rubric in the browser: from the settings page to the
Swedish editor, the English beside each field, a text changed and saved with the keyboard; the
editor passes axe-core and fits a 360 px screen."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

TRAINER = ("trainer@example.org", "trainer-demo-2010")


def test_the_trainer_translates_a_rubric_text_beside_the_english(new_page, live_server, log_in):
    activity = f"/peer-review/{live_server.capstone['activity_id']}"
    page = new_page()
    log_in(page, *TRAINER)
    page.goto(f"{activity}/settings")
    page.get_by_role("region", name="The template and the rubric in other languages").get_by_role(
        "link", name="Svenska"
    ).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Proposal template and rubric: Svenska"
    )
    field = page.get_by_label("Criterion 1: title")
    expect(field).to_have_value("Relevans för programmet och politikområdet")
    expect(page.get_by_text("English: Relevance to the programme and policy area")).to_be_visible()
    results = Axe().run(page)
    assert not results.response["violations"], [v["id"] for v in results.response["violations"]]

    field.focus()
    page.keyboard.press("Control+a")
    page.keyboard.type("Relevans för programmet och för politikområdet")
    page.get_by_role("button", name="Save the translation").focus()
    page.keyboard.press("Enter")

    expect(page.get_by_text("Translation saved: Svenska.")).to_be_visible()
    expect(page.get_by_label("Criterion 1: title")).to_have_value(
        "Relevans för programmet och för politikområdet"
    )
    page.set_viewport_size({"width": 360, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
