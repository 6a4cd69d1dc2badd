"""A new official registers, enrols in the main course, reads two lessons and logs out."""

from __future__ import annotations

import re
import uuid
from email import message_from_bytes, policy

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

MAIN_COURSE = "Designing a network of twinned towns"


def confirmation_link(instance, to: str) -> str:
    """The link in the newest mail to ``to`` that the server wrote into its instance folder."""
    for path in sorted((instance / "mail").glob("*.eml"), reverse=True):
        message = message_from_bytes(path.read_bytes(), policy=policy.default)
        if message["To"] == to:
            return re.search(r"https?://\S+/register/confirm/\S+", message.get_content()).group(0)
    raise AssertionError(f"no mail to {to}")


def test_new_learner_enrols_completes_two_lessons_and_sees_progress_move(page, live_server):
    email = f"elena-{uuid.uuid4().hex[:8]}@example.org"
    page.goto("/register")
    page.get_by_label("Full name").fill("Elena Esposito")
    page.get_by_label("E-mail").fill(email)
    page.locator("#password").fill("lantern-harbour-quietly-1987")
    page.get_by_label("Repeat the password").fill("lantern-harbour-quietly-1987")
    page.get_by_label("Organisation", exact=True).fill("Comune di Forlì")
    page.get_by_label("Town").fill("Forlì")
    page.get_by_label("Country").select_option("IT")
    page.get_by_label("Preferred language").select_option("en")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Check your inbox")).to_be_visible()
    page.goto(confirmation_link(live_server.instance, email))
    expect(page.get_by_text("Your account is ready")).to_be_visible()

    page.get_by_role("link", name=MAIN_COURSE).click()
    page.get_by_role("button", name="Enrol in this course").click()
    expect(page.get_by_text("You are enrolled")).to_be_visible()
    course_bar = page.get_by_role("progressbar", name="Course progress")
    expect(course_bar).to_have_attribute("value", "0")

    page.get_by_role("link", name=re.compile(r"^Continue: ")).click()
    lesson_bar = page.get_by_role("progressbar", name="Course progress")
    expect(lesson_bar).to_have_attribute("value", "0")
    first_title = page.get_by_role("heading", level=1).inner_text()
    page.get_by_role("button", name="Mark as done", exact=True).click()
    expect(page.get_by_text("Lesson marked as done.")).to_be_visible()
    expect(lesson_bar).to_have_attribute("value", "1")

    page.get_by_role("navigation", name="Lessons").locator("a[rel=next]").click()
    expect(page.get_by_role("heading", level=1)).not_to_have_text(first_title)
    page.get_by_role("button", name="Mark as done", exact=True).click()
    expect(lesson_bar).to_have_attribute("value", "2")
    expect(page.get_by_role("navigation", name="Course outline").locator("li.done")).to_have_count(
        2
    )

    page.get_by_role("navigation", name="Breadcrumbs").get_by_role("link", name=MAIN_COURSE).click()
    expect(course_bar).to_have_attribute("value", "2")

    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("link", name="Log in")).to_be_visible()
    page.goto("/dashboard")
    expect(page).to_have_url(re.compile(r"/login"))
