"""Core pages on a 360 px phone: nothing wider than the window, the navigation folds behind a
"Menu" that works without JavaScript and from the keyboard, and axe-core finds no violation.

One browser and the shared demo server (conftest.py); each page is visited once.
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

PHONE = 360
COURSE = "/courses/designing-twinned-town-networks"
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}
}


def check_page(page, what: str) -> None:
    """No sideways scrolling and no axe-core violation on the page now shown."""
    overflow = page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{what} is {overflow} px wider than a {PHONE} px phone"
    results = Axe().run(page, options=AXE_OPTIONS)
    violations = results.response["violations"]
    assert not violations, f"{what}: " + "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in violations
    )


def test_a_visitor_on_a_phone_opens_the_menu_from_the_keyboard_and_previews_a_course(new_page):
    page = new_page(width=PHONE, height=740)
    page.goto("/")
    menu_link = page.locator(".nav-links").get_by_role("link", name="Log in")
    expect(menu_link).to_be_hidden()  # folded: the page starts with its content, not the links
    check_page(page, "the catalogue")

    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")  # the site's name
    page.keyboard.press("Tab")  # the menu
    expect(page.locator("#nav-toggle")).to_be_focused()
    page.keyboard.press("Space")
    expect(menu_link).to_be_visible()
    check_page(page, "the catalogue with its menu open")

    page.goto(COURSE)
    expect(page.get_by_role("link", name="Log in to enrol")).to_be_in_viewport()  # above the fold
    check_page(page, "a course page")
    page.get_by_role("link", name="Preview the first lesson").click()
    expect(page.locator(".preview-banner")).to_contain_text("Preview")
    check_page(page, "a preview lesson")


def test_a_learner_on_a_phone_continues_from_the_top_of_the_course_page(new_page, log_in):
    page = new_page(width=PHONE, height=740)
    log_in(page, "learner@example.org")
    page.goto(COURSE)
    expect(page.locator(".course-next .progress")).to_be_in_viewport()
    expect(page.locator(".course-next a.button.primary")).to_be_in_viewport()
    check_page(page, "the learner's course page")
    page.goto("/dashboard")
    check_page(page, "the dashboard")


def test_a_trainers_progress_report_scrolls_inside_a_focusable_region_on_a_phone(new_page, log_in):
    page = new_page(width=PHONE, height=740)
    log_in(page, "trainer@example.org")
    page.goto(COURSE)
    page.get_by_role("link", name="Learners' progress").click()
    region = page.get_by_role("region", name="Progress of each enrolled learner")
    expect(region).to_be_visible()
    region.focus()
    expect(region).to_be_focused()
    check_page(page, "the progress report")


@pytest.mark.parametrize(
    "path",
    ["/admin/plugins", "/admin/users", "/admin/organisations", "/admin/plugins/quiz/disable"],
)
def test_admin_pages_fit_a_phone(new_page, log_in, path):
    page = new_page(width=PHONE, height=740)
    log_in(page, "admin@example.org")
    page.goto(path)
    check_page(page, path)
