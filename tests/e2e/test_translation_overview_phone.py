"""The course's translation overview on a 360 px phone: its tables scroll inside focusable
regions (the page itself never scrolls sideways), the filters work without JavaScript, and
axe-core finds no violation. On the shared demo server (conftest.py)."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

PHONE = 360
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}
}


def _check(page, what: str) -> None:
    overflow = page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{what} is {overflow} px wider than a {PHONE} px phone"
    violations = Axe().run(page, options=AXE_OPTIONS).response["violations"]
    assert not violations, f"{what}: " + "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in violations
    )


def test_a_trainer_on_a_phone_filters_the_translation_overview(new_page, log_in):
    page = new_page(width=PHONE, height=740)
    log_in(page, "trainer@example.org")
    page.goto("/author/")
    page.get_by_role("link", name="Designing a network of twinned towns").first.click()
    page.get_by_role("link", name="Translations").first.click()
    expect(page.get_by_role("heading", name="Translations", level=1)).to_be_visible()
    _check(page, "the translation overview")

    texts = page.get_by_role("region", name="Texts")
    texts.focus()
    expect(texts).to_be_focused()  # a keyboard reaches the table and scrolls it with the arrows

    filters = page.get_by_role("search", name="Filter the texts")
    filters.get_by_label("State").select_option("translated")
    filters.get_by_label("Language").select_option("fi")
    filters.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"/translations\?state=translated&language=fi$"))
    expect(page.get_by_role("columnheader", name="Suomi")).to_be_visible()
    expect(page.get_by_role("columnheader", name="Italiano")).to_have_count(0)
    _check(page, "the filtered translation overview")
