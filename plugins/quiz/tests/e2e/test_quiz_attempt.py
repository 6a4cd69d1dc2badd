"""One attempt in a real browser: the learner answers, the page autosaves, the learner closes
the page, comes back, finds the answers, submits, and sees the grade."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

QUIZ = "Check your understanding of the project cycle and twinned-town networks"
TOURISM = "It is a tourism programme: little work on the theme, and citizens only listen"


def test_answers_are_autosaved_survive_closing_the_page_and_are_graded(context, learner_account):
    email, password, course = learner_account
    page = context.new_page()
    page.goto("/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(password)
    page.locator("form:has(#password) [type=submit]").click()
    expect(page.locator("form[action$='/logout']")).to_be_attached()

    page.goto(f"/courses/{course}")
    page.get_by_role("link", name=QUIZ).click()
    page.get_by_role("button", name="Start the quiz").click()
    skipped = page.locator(
        "fieldset", has_text="Which phase of the project cycle have they skipped?"
    )
    skipped.get_by_label("Identification", exact=True).check()
    agenda = page.locator("fieldset", has_text="Which weakness will an evaluator most likely note?")
    agenda.get_by_label(TOURISM).check()
    expect(page.get_by_role("status").filter(has_text="All answers saved.")).to_be_visible()
    attempt_url = page.url
    page.close()

    page = context.new_page()
    page.goto(f"/courses/{course}")
    page.get_by_role("link", name=QUIZ).click()
    page.get_by_role("link", name="Continue your attempt").click()
    assert page.url.split("?")[0] == attempt_url.split("?")[0]
    skipped = page.locator(
        "fieldset", has_text="Which phase of the project cycle have they skipped?"
    )
    expect(skipped.get_by_label("Identification", exact=True)).to_be_checked()
    agenda = page.locator("fieldset", has_text="Which weakness will an evaluator most likely note?")
    expect(agenda.get_by_label(TOURISM)).to_be_checked()

    page.get_by_role("button", name="Finish attempt…").click()
    expect(page.get_by_text("Summary of attempt 1")).to_be_visible()
    page.get_by_role("button", name="Submit all and finish").click()
    page.get_by_role("dialog").get_by_role("button", name="Submit all and finish").click()

    expect(page.get_by_text("Your attempt has been submitted.")).to_be_visible()
    grade = page.locator(".quiz-review-summary")
    expect(grade).to_contain_text(re.compile(r"Grade\s+20%\s+\(2 out of 10 marks\)"))
