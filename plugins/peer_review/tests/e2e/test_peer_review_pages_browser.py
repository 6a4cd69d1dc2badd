"""The proposal workspace, the review page and the trainer's dashboard in a browser at desktop
(1280 px) and phone (360 px) width: the review page keeps the proposal beside the rubric (or
above it on a phone) in a region a keyboard can scroll, the phase switch asks first, and every
page passes axe-core with zero violations."""

from __future__ import annotations

import re
import sqlite3

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

TRAINER = ("trainer@example.org", "trainer-demo-2010")
WIDTHS = (1280, 360)


def reopen_reviews(live_server) -> None:
    """Put the capstone back in its review phase (another test of the session may have moved it on)."""
    with sqlite3.connect(live_server.instance / "nttlearn.sqlite") as db:
        db.execute(
            "UPDATE peer_review_settings SET phase = 'review' WHERE activity_id = ?",
            (live_server.capstone["activity_id"],),
        )


def assert_accessible(page) -> None:
    violations = Axe().run(page).response["violations"]
    assert not violations, "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in violations
    )


@pytest.mark.parametrize("width", WIDTHS)
def test_the_workspace_review_and_dashboard_pass_axe_at_desktop_and_phone_width(
    new_page, live_server, log_in, width
):
    reopen_reviews(live_server)
    capstone = live_server.capstone
    allocation = capstone["allocations"][0]
    activity = f"/peer-review/{capstone['activity_id']}"

    author = new_page()
    author.set_viewport_size({"width": width, "height": 800})
    log_in(author, allocation["authors"][0])
    author.goto(f"{activity}/proposal")
    expect(author.get_by_role("heading", name="Title and policy area")).to_have_count(1)
    assert_accessible(author)

    reviewer = new_page()
    reviewer.set_viewport_size({"width": width, "height": 800})
    log_in(reviewer, allocation["reviewer"])
    reviewer.goto(activity)
    reviewer.get_by_role("region", name="Proposals for you to review").get_by_role(
        "link", name=allocation["title"]
    ).click()
    proposal = reviewer.get_by_role("region", name="The proposal (scrolls on its own)")
    rubric = reviewer.locator(".pr-review-form")
    expect(proposal).to_be_visible()
    expect(reviewer.get_by_role("heading", name="Before you submit")).to_be_visible()
    beside, form = proposal.bounding_box(), rubric.bounding_box()
    if width >= 1000:
        assert form["x"] > beside["x"] + beside["width"] - 1  # side by side
    else:
        assert form["y"] >= beside["y"] + beside["height"] - 1  # stacked
    proposal.focus()
    expect(proposal).to_be_focused()
    assert_accessible(reviewer)

    trainer = new_page()
    trainer.set_viewport_size({"width": width, "height": 800})
    log_in(trainer, *TRAINER)
    trainer.goto(f"{activity}/manage")
    assert_accessible(trainer)
    trainer.get_by_label("Phase").select_option("closed")
    trainer.get_by_role("button", name="Switch phase…").click()
    expect(trainer.get_by_role("heading", name="What will happen")).to_be_visible()
    expect(trainer.get_by_role("button", name="Switch to “Closed”")).to_be_visible()
    assert_accessible(trainer)
    trainer.get_by_role("link", name="Cancel").click()
    expect(trainer).to_have_url(re.compile(r"/manage#phase-section$"))


def test_the_editable_workspace_counts_words_live_and_refuses_a_section_over_its_limit(
    new_page, live_server, log_in
):
    # In the feedback phase a team that submitted may revise: its workspace is editable again.
    with sqlite3.connect(live_server.instance / "nttlearn.sqlite") as db:
        db.execute(
            "UPDATE peer_review_settings SET phase = 'feedback', closes_at = NULL WHERE activity_id = ?",
            (live_server.capstone["activity_id"],),
        )
    try:
        capstone = live_server.capstone
        author = new_page()
        author.set_viewport_size({"width": 360, "height": 800})
        log_in(author, capstone["allocations"][0]["authors"][0])
        author.goto(f"/peer-review/{capstone['activity_id']}/proposal")
        editor = author.get_by_label("Text of “Title and policy area”")
        count = author.locator("#count-title_policy_area")
        editor.fill("Young voices in twinned towns")
        expect(count).to_have_text("5 of 100 words")
        assert_accessible(author)
        too_long = "Bologna " * 101
        editor.fill(too_long)
        expect(count).to_contain_text("101 of 100 words — over the limit")

        author.get_by_role("button", name="Save Title and policy area").click()

        expect(
            author.get_by_role("alert").filter(has_text="has 101 words; the limit is 100")
        ).to_be_visible()
        expect(author.get_by_label("Text of “Title and policy area”")).to_have_value(
            too_long.strip() + " "
        )
        assert_accessible(author)
    finally:
        reopen_reviews(live_server)
