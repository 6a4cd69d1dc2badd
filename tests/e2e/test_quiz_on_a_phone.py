"""A quiz attempt on a 360 px phone: radio buttons are targets of at least 24 × 24 CSS px
(WCAG 2.2, 2.5.8) and a matching question's lists are wide enough to read their options."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

COURSE_URL = "/courses/designing-twinned-town-networks"  # its second quiz has a matching question


def test_radio_targets_and_matching_lists_are_usable_at_360_px(new_page, log_in):
    page = new_page(width=360, height=740)
    log_in(page, "learner@example.org")
    page.goto(COURSE_URL)
    enrol = page.get_by_role("button", name="Enrol in this course")
    if enrol.count():  # the demo learner may not be enrolled in the main course yet
        enrol.click()
    # The demo learner reads Italian: the quiz is found by its place, the second module's.
    page.locator("li.activity a[href^='/quiz/']").nth(1).click()
    page.locator(".actions .primary").first.click()  # start the quiz, or continue the attempt

    radio = page.locator(".quiz-question input[type=radio]").first
    matching = page.locator(".quiz-matching select").first
    expect(matching).to_be_visible()
    radio_box, select_box = radio.bounding_box(), matching.bounding_box()

    assert radio_box["width"] >= 24 and radio_box["height"] >= 24, radio_box
    assert select_box["width"] >= 200, select_box
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 360
