"""A learner of a paced cohort sees module 2 locked until its date; the trainer moves the cohort's
start back, and module 2 opens."""

from __future__ import annotations

import json
import uuid
from datetime import date, timedelta

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
        "modules/02-partners/module.yaml": "title: Finding partners\nopens_after_days: 14\n",
        "modules/02-partners/01-search.md": LESSON.format(title="Searching for partners"),
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
    cohort = json.loads(cli("cohorts", "create", slug, "Spring", "--start", date.today().isoformat(), "--json"))
    cli("cohorts", "add", email, str(cohort["id"]))
    return slug, email, cohort["id"]


def test_module_two_is_locked_until_its_date_then_opens(new_page, log_in, paced_course):
    slug, email, _cohort_id = paced_course
    learner = new_page()
    log_in(learner, email, PASSWORD)

    learner.goto(f"/courses/{slug}")
    module2 = learner.locator("li.module").filter(has_text="Finding partners")
    expect(module2).to_contain_text("Locked")
    expect(module2).to_contain_text("This opens on")
    expect(module2.get_by_role("link", name="Searching for partners")).to_have_count(0)
    expect(learner.locator("li.module").filter(has_text="Getting started").get_by_role("link", name="Welcome")).to_be_visible()

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
