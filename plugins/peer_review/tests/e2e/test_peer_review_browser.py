"""One review in the browser: a reviewer opens their allocation, fills the rubric and submits;
the trainer opens the feedback phase; an author reads the feedback, without the reviewer's name."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

TRAINER = ("trainer@example.org", "trainer-demo-2010")
CRITERIA = (
    "Relevance to the programme and policy area",
    "Quality of the design and work plan",
    "Partnership and European dimension",
    "Impact, dissemination and sustainability",
)


def test_a_reviewer_reviews_with_the_rubric_and_the_authors_read_the_feedback(
    new_page, live_server, log_in
):
    capstone = live_server.capstone
    allocation = capstone["allocations"][0]
    activity = f"/peer-review/{capstone['activity_id']}"

    reviewer = new_page()
    log_in(reviewer, allocation["reviewer"])
    reviewer.goto(activity)
    reviewer.get_by_role("region", name="Proposals for you to review").get_by_role(
        "link", name=allocation["title"]
    ).click()
    expect(reviewer.get_by_role("heading", level=1)).to_have_text(f"Review: {allocation['title']}")
    for number, criterion in enumerate(CRITERIA, start=1):
        group = reviewer.get_by_role("group", name=criterion)
        group.get_by_label("Good (2)").check()
        group.get_by_label("Comment").fill(
            f"Point {number}: the evidence from each town is convincing."
        )
    reviewer.get_by_label("Strengths of the proposal").fill(
        "A real shared need, shown with figures."
    )
    reviewer.get_by_label("Suggestions for improvement").fill(
        "Give each activity a date and a place."
    )
    reviewer.get_by_role("button", name="Submit review").click()
    expect(reviewer.get_by_text("Your review is submitted. Thank you!")).to_be_visible()

    trainer = new_page()
    log_in(trainer, *TRAINER)
    trainer.goto(f"{activity}/manage")
    trainer.get_by_label("Phase").select_option("feedback")
    trainer.get_by_role("button", name="Switch phase…").click()
    expect(trainer.get_by_role("heading", name="What will happen")).to_be_visible()
    trainer.get_by_role("button", name="Switch to “Feedback and revision”").click()
    expect(
        trainer.get_by_text("The activity is now in the phase “Feedback and revision”.")
    ).to_be_visible()

    author = new_page()
    log_in(author, allocation["authors"][0])
    author.goto(activity)
    author.get_by_role("link", name="Read the feedback").click()
    expect(
        author.get_by_text("Point 1: the evidence from each town is convincing.")
    ).to_be_visible()
    expect(author.get_by_text("Give each activity a date and a place.")).to_be_visible()
    expect(author.get_by_role("heading", name="Reviewer 1")).to_be_visible()
    assert allocation["reviewer_name"] not in author.content()
