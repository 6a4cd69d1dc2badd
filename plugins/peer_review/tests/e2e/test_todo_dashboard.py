"""The learner's "What to do next": a reviewer of the capstone demo who also has a quiz closing
soon sees both at the top of the dashboard, the quiz (due first) before the review, the unread
count in the navigation bar, and the notification list; the pages pass axe-core."""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def _stamp(moment: datetime) -> str:
    """A UTC time as SQLAlchemy stores it in SQLite."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def arrange(live_server, reviewer_email: str) -> str:
    """Give the capstone a review deadline in two days (reopening its review phase, which
    another test of the session may have moved on to feedback), and a quiz of a course the reviewer is
    enrolled in a close date tomorrow (enrolling them in a course with a quiz if need be).
    Returns the quiz's title."""
    now = datetime.now(UTC)
    with sqlite3.connect(live_server.instance / "nttlearn.sqlite") as db:
        db.execute(
            "UPDATE peer_review_settings SET phase = 'review', review_deadline = ? WHERE activity_id = ?",
            (_stamp(now + timedelta(days=2)), live_server.capstone["activity_id"]),
        )
        (user_id,) = db.execute(
            "SELECT id FROM users WHERE email = ?", (reviewer_email,)
        ).fetchone()
        quiz = db.execute(
            "SELECT q.activity_id, a.title, m.course_id FROM quiz_quizzes q JOIN activities a ON a.id = q.activity_id "
            "JOIN modules m ON m.id = a.module_id WHERE a.archived = 0 AND m.archived = 0 "
            "AND q.activity_id NOT IN (SELECT activity_id FROM activity_completions WHERE user_id = ?) "
            "ORDER BY (m.course_id IN (SELECT course_id FROM enrolments WHERE user_id = ?)) DESC, q.activity_id",
            (user_id, user_id),
        ).fetchone()
        activity_id, title, course_id = quiz
        db.execute(
            "INSERT OR IGNORE INTO enrolments (user_id, course_id, cohort, created_at) VALUES (?, ?, '', ?)",
            (user_id, course_id, _stamp(now)),
        )
        db.execute(
            "UPDATE quiz_quizzes SET opens_at = NULL, closes_at = ? WHERE activity_id = ?",
            (_stamp(now + timedelta(days=1)), activity_id),
        )
    return title


def assert_accessible(page) -> None:
    results = Axe().run(page)
    violations = results.response["violations"]
    assert not violations, "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in violations
    )


def test_the_dashboard_lists_a_quiz_and_a_review_by_date_with_the_unread_count(
    new_page, live_server, log_in
):
    allocation = live_server.capstone["allocations"][-1]
    quiz_title = arrange(live_server, allocation["reviewer"])
    page = new_page()
    log_in(page, allocation["reviewer"])

    page.goto("/dashboard")

    todo = page.get_by_role("region", name="What to do next")
    items = todo.get_by_role("listitem")
    expect(items.first).to_contain_text(f"Take the quiz “{quiz_title}”")
    expect(items.first).to_contain_text("Due soon")
    expect(items.nth(1)).to_contain_text("Review a proposal in")
    expect(items.nth(1)).to_contain_text("Due soon")
    count = page.locator(".nav-notifications .unread-count")
    expect(count).to_have_text(re.compile(r"^\d+ unread$"))
    assert_accessible(page)

    page.get_by_role("link", name=re.compile(r"^Notifications")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")
    # Stored when the reviews opened, in the reviewer's own language then: found by its link.
    activity = f"/peer-review/{live_server.capstone['activity_id']}"
    expect(page.locator(f".notification.unread a[href$='{activity}']").first).to_be_visible()
    page.get_by_role("button", name="Mark all as read").click()
    expect(page.locator(".nav-notifications .unread-count")).to_have_count(0)
    assert_accessible(page)

    page.goto("/calendar")
    expect(page.get_by_role("heading", level=1)).to_have_text("My calendar")
    assert_accessible(page)
