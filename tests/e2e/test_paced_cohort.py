"""A learner of a paced cohort sees module 2 locked until its date; the trainer moves the cohort's
start back, and module 2 opens. The trainer gives the cohort a deadline for module 2's quiz: the
learner sees it due on the dashboard and in their calendar feed, and the reminder job, run twice,
mails them one reminder."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime, timedelta
from email import message_from_bytes, policy

import icalendar
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

PASSWORD = "paced-cohort-2027"  # noqa: S105 - a test account's password
COURSE_YAML = """\
slug: {slug}
title: Paced networking course
summary: Two modules, the second two weeks after the start.
policy_area: methodology
languages: [en]
hours: 1
published: true
"""
LESSON = "---\ntitle: {title}\nminutes: 5\n---\n{title}: some text.\n"
QUIZ_TITLE = "Partner search check"
MODULE_TWO = f"""\
title: Finding partners
opens_after_days: 14
activities:
  - id: check
    type: quiz
    title: {QUIZ_TITLE}
    required: true
    file: quiz.gift
    pass_mark: 60
    attempts: 0
"""
QUIZ = """::Partner search::Where do you look for partner towns first?{
=In the twinning registers of the towns' associations#Correct.
~Nowhere: partners find you#Partners rarely come by themselves.
}
"""


@pytest.fixture
def paced_course(live_server, tmp_path):
    """A course package whose module 2 opens 14 days after the start, imported on the live server,
    a cohort of it starting today with a new learner in it, and the demo trainer as its trainer."""
    slug = f"paced-{uuid.uuid4().hex[:6]}"
    root = tmp_path / slug
    files = {
        "course.yaml": COURSE_YAML.format(slug=slug),
        "modules/01-start/module.yaml": "title: Getting started\n",
        "modules/01-start/01-welcome.md": LESSON.format(title="Welcome"),
        "modules/02-partners/module.yaml": MODULE_TWO,
        "modules/02-partners/01-search.md": LESSON.format(title="Searching for partners"),
        "modules/02-partners/quiz.gift": QUIZ,
    }
    for path, text in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, encoding="utf-8")
    email = f"paced-{uuid.uuid4().hex[:6]}@example.org"

    def cli(*args: str) -> str:
        result = live_server.cli(*args)
        assert result.returncode == 0, result.stderr
        return result.stdout

    cli("courses", "import", str(root))
    cli("users", "create", email, "--name", "Paula Paced", "--password", PASSWORD)
    cli("users", "make-trainer", "trainer@example.org", slug)
    cohort = json.loads(
        cli("cohorts", "create", slug, "Spring", "--start", date.today().isoformat(), "--json")
    )
    cli("cohorts", "add", email, str(cohort["id"]))
    return slug, email, cohort["id"]


def test_module_two_opens_then_its_quiz_is_due_on_the_dashboard_in_the_feed_and_reminded_once(
    new_page, log_in, paced_course, live_server
):
    slug, email, _cohort_id = paced_course
    learner = new_page()
    log_in(learner, email, PASSWORD)

    learner.goto(f"/courses/{slug}")
    module2 = learner.locator("li.module").filter(has_text="Finding partners")
    expect(module2).to_contain_text("Locked")
    expect(module2).to_contain_text("This opens on")
    expect(module2.get_by_role("link", name="Searching for partners")).to_have_count(0)
    expect(
        learner.locator("li.module")
        .filter(has_text="Getting started")
        .get_by_role("link", name="Welcome")
    ).to_be_visible()

    trainer = new_page()
    log_in(trainer, "trainer@example.org")
    trainer.goto(f"/courses/{slug}")
    trainer.get_by_role("link", name="Cohorts and deadlines").click()
    trainer.get_by_role("link", name="Spring").click()
    settings = trainer.locator("form").filter(has=trainer.get_by_role("button", name="Save cohort"))
    settings.get_by_label("Starts on").fill((date.today() - timedelta(days=14)).isoformat())
    settings.get_by_role("button", name="Save cohort").click()
    expect(trainer.get_by_text("Cohort saved.")).to_be_visible()

    learner.reload()
    expect(module2).not_to_contain_text("Locked")
    module2.get_by_role("link", name="Searching for partners").click()
    expect(learner.get_by_role("heading", name="Searching for partners", level=1)).to_be_visible()

    # The cohort's close date of module 2's quiz: in two days (the reminder 3 days before is due).
    due = (datetime.now(UTC) + timedelta(days=2)).replace(second=0, microsecond=0)
    fieldset = trainer.locator("fieldset").filter(has_text=QUIZ_TITLE)
    fieldset.get_by_label("Closes (UTC)").fill(due.strftime("%Y-%m-%dT%H:%M"))
    trainer.get_by_role("button", name="Save deadlines").click()
    expect(trainer.get_by_text("Deadlines saved.")).to_be_visible()

    learner.goto("/dashboard")
    todo = learner.locator("section.todo").filter(has_text="What to do next")
    quiz_item = todo.locator("li.todo-item").filter(has_text=QUIZ_TITLE)
    expect(quiz_item).to_contain_text("Take the quiz")
    expect(quiz_item.locator("time")).to_have_attribute("datetime", due.isoformat())

    learner.goto("/account")
    learner.get_by_role("button", name="Create my calendar address").click()
    learner.goto("/calendar")
    feed_url = learner.locator("#feed-url").input_value()
    feed = learner.request.get(feed_url)
    assert feed.ok and feed.headers["content-type"].startswith("text/calendar")
    events = [
        e
        for e in icalendar.Calendar.from_ical(feed.body()).walk("VEVENT")
        if QUIZ_TITLE in str(e["summary"])
    ]
    assert len(events) == 1, [str(e["summary"]) for e in events]
    assert events[0].decoded("dtstart") == due

    def reminders() -> list:
        mails = [
            message_from_bytes(p.read_bytes(), policy=policy.default)
            for p in sorted((live_server.instance / "mail").glob("*.eml"))
        ]
        return [
            m
            for m in mails
            if m["To"] == email
            and m["Subject"].startswith("Reminder:")
            and QUIZ_TITLE in m["Subject"]
        ]

    for _run in range(2):  # a second run (or a second worker) sends nothing new
        result = live_server.cli("notifications", "send-reminders")
        assert result.returncode == 0, result.stderr
    [reminder] = reminders()
    assert "/quiz/" in reminder.get_content()
