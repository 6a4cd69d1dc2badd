"""Issue 16: a row's destructive action sits in its "More" menu (a native <details>); a keyboard
opens the menu, reaches the action, and the action still asks before anything is deleted."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

MAIN_COURSE = "Designing a network of twinned towns"


def test_trainer_opens_a_module_s_menu_with_the_keyboard_and_is_asked_before_deleting(page, log_in):
    log_in(page, "trainer@example.org")
    page.goto("/author/")
    page.locator("main").get_by_role("link", name=MAIN_COURSE).first.click()
    menu = page.locator("details.row-actions").first
    summary = menu.locator("summary")
    delete = menu.get_by_role("button", name=re.compile(r"^Delete: "))
    expect(summary).to_contain_text("More")
    expect(delete).to_be_hidden()  # folded: no red button on the row itself

    summary.focus()
    page.keyboard.press("Enter")
    expect(delete).to_be_visible()
    page.keyboard.press("Tab")
    expect(delete).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1, name=re.compile(r"^Delete .+\?$"))).to_be_visible()
    page.get_by_role("link", name="Cancel").click()
    expect(
        page.locator("details.row-actions").first
    ).to_be_attached()  # back on the outline, nothing gone
