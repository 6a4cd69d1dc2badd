"""Pages work on a 360 px phone and from the keyboard, and every form control has a label.

Set ``NTTLEARN_E2E_SCREENSHOTS=/some/folder`` to keep a screenshot of the lesson page at each
width checked (for reviewing the layout or illustrating the user guide).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

MAIN_COURSE_URL = "/courses/designing-twinned-town-networks"
PHONE = 360
FORM_CONTROLS = "input:not([type=hidden]), select, textarea, button"


def horizontal_overflow(page) -> int:
    """How many CSS pixels the page is wider than the window (0 when nothing scrolls sideways)."""
    return page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")


def open_first_lesson(page) -> None:
    page.goto(MAIN_COURSE_URL)
    page.locator("ol.modules .items a").first.click()
    expect(page.locator("article.lesson")).to_be_visible()


def test_catalogue_has_no_horizontal_scroll_on_a_phone(new_page):
    page = new_page(width=PHONE, height=740)

    page.goto("/")

    expect(page.locator(".course-card").first).to_be_visible()
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE


@pytest.mark.parametrize("width", [PHONE, 1280])
def test_lesson_page_has_no_horizontal_scroll(new_page, log_in, width):
    page = new_page(width=width, height=800)
    log_in(page, "learner@example.org")

    open_first_lesson(page)

    folder = os.environ.get("NTTLEARN_E2E_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / f"lesson-{width}.png"), full_page=True)
    assert page.evaluate("document.scrollingElement.scrollWidth") <= width, (
        f"the lesson is {horizontal_overflow(page)} px wider than a {width} px window"
    )


@pytest.mark.parametrize("path", ["/", "/login", MAIN_COURSE_URL])
def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(page, path):
    page.goto(path)

    page.keyboard.press("Tab")
    skip = page.locator("a.skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")

    expect(page.locator("main#main")).to_be_focused()


@pytest.mark.parametrize("path", ["/register", "/login"])
def test_every_form_control_has_an_accessible_label(page, path):
    page.goto(path)

    controls = page.locator(FORM_CONTROLS)
    assert controls.count() >= 4
    for control in controls.all():
        if not control.is_visible():  # shown at other widths only (the phone's menu switch)
            continue
        expect(control).to_have_accessible_name(re.compile(r"\S"))
    unlabelled = page.eval_on_selector_all(
        "input:not([type=hidden]):not([type=submit]), select, textarea",
        "els => els.filter(el => el.labels.length === 0).map(el => el.outerHTML)",
    )
    assert unlabelled == [], "controls without a <label>: " + ", ".join(unlabelled)


@pytest.mark.parametrize("path", ["/dashboard", "/calendar", "/notifications", "/account"])
def test_the_learner_s_todo_calendar_and_notification_pages_fit_a_phone_and_label_every_control(
    new_page, log_in, path
):
    page = new_page(width=PHONE, height=740)
    log_in(page, "learner@example.org")

    page.goto(path)

    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE, (
        f"{path} is {horizontal_overflow(page)} px wider than a {PHONE} px window"
    )
    for control in page.locator(f"main :is({FORM_CONTROLS})").all():
        expect(control).to_have_accessible_name(re.compile(r"\S"))


def test_the_calendar_month_is_reached_by_keyboard(new_page, log_in):
    page = new_page()
    log_in(page, "learner@example.org")
    page.goto("/calendar")

    page.locator(".month-nav a[rel=next]").focus()
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/calendar\?month=\d{4}-\d{2}$"))
    expect(page.locator("table.calendar-month")).to_be_visible()
