"""Every kind of page each role reaches, checked by axe-core (WCAG 2.2 A and AA) at 1280 px and at
360 px, and once more in Italian at 360 px: no violation, and on a phone nothing wider than the
window.

One page per view (not per row), on the shared demo server. Each role has one browser context,
logged in once and reused across widths (the viewport is resized between pages). What the demo
does not have (a quiz attempt in progress, a finished attempt to review) the learner makes through
the pages in the set-up. For the Italian pass the staff accounts choose Italian on their account
page; the set-up's tear-down gives them back their own language.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from nttlearn.testing import DEMO_PASSWORDS

pytestmark = pytest.mark.e2e

COURSE = "designing-twinned-town-networks"
# Only violations are reported back: collecting every passing node would double the time of a run.
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
    "resultTypes": ["violations"],
}
AXE = Axe()  # reads axe-core's script once for the whole walk
PASSES = {"1280": (1280, "en"), "360": (360, "en"), "it-360": (360, "it")}
ACCOUNTS = {
    "learner": "learner@example.org",  # Giulia Rossi, who reads in Italian
    "graduate": "asa.lindqvist@example.org",  # Åsa Lindqvist, who finished the course (certificate)
    "trainer": "trainer@example.org",
    "coordinator": "coordinator@example.org",
    "admin": "admin@example.org",
}
PASSWORDS = {
    **DEMO_PASSWORDS,
    "asa.lindqvist@example.org": DEMO_PASSWORDS["learner@example.org"],
    "coordinator@example.org": "coordinator-demo-2010",
}

# (id, role, path): a path's {names} come from the demo's data (``Walk.ids``).
PAGES = [
    ("catalogue", None, "/"),
    ("course-preview", None, "/courses/{course_slug}"),
    ("preview-lesson", None, "/courses/{course_slug}/lessons/{first_lesson}"),
    ("login", None, "/login"),
    ("register", None, "/register"),
    ("password-forgot", None, "/password/forgot"),
    ("verify-form", None, "/verify"),
    ("verify-certificate", None, "/verify/{certificate}"),
    ("dashboard", "learner", "/dashboard"),
    ("course", "learner", "/courses/{course_slug}"),
    ("lesson", "learner", "/courses/{course_slug}/lessons/{first_lesson}"),
    ("quiz", "learner", "/quiz/{quiz}"),
    ("quiz-attempt", "learner", "{attempt_url}"),
    ("quiz-review", "learner", "{review_url}"),
    ("proposal-workspace", "learner", "/peer-review/{proposal}/proposal"),
    # The review form as the demo has it: the practice review of the trainer's example proposal
    # (the demo's capstone is open for submission, so no peer review is allocated yet).
    ("calibration-review", "learner", "/peer-review/examples/{example}"),
    ("assignment", "learner", "/assignment/{assignment}"),
    ("meetings", "learner", "/meetings/"),
    ("meeting", "learner", "/meetings/{meeting}"),
    ("account", "learner", "/account"),
    ("notifications", "learner", "/notifications"),
    ("my-certificates", "graduate", "/certificates/"),
    ("certificate", "graduate", "/certificates/{certificate}"),
    ("progress", "trainer", "/teach/courses/{course}/progress"),
    ("quiz-grading", "trainer", "/quiz/{quiz}/grading"),
    ("quiz-statistics", "trainer", "/quiz/{quiz}/statistics"),
    ("question-editor", "trainer", "/quiz/course/{course}/questions/{question}/edit"),
    ("lesson-editor", "trainer", "/author/courses/{course}/lessons/{first_lesson}"),
    ("course-translations", "trainer", "/author/courses/{course}/translations"),
    ("course-outline", "trainer", "/author/courses/{course}/outline"),  # its rows' "More" menus
    ("course-settings", "trainer", "/author/courses/{course}"),  # with the catalogue picture form
    ("media-files", "trainer", "/author/courses/{course}/media"),
    ("cohorts", "trainer", "/teach/courses/{course}/cohorts"),
    ("peer-review-dashboard", "trainer", "/peer-review/{proposal}/manage"),
    ("course-report", "trainer", "/reports/courses/{course}"),
    ("programme-report", "coordinator", "/reports/programme"),
    ("quality-report", "coordinator", "/reports/quality"),
    ("impact-report", "coordinator", "/reports/impact"),
    ("users", "admin", "/admin/users"),
    ("organisations", "admin", "/admin/organisations"),
    ("plugins", "admin", "/admin/plugins"),
    ("jobs", "admin", "/admin/jobs"),
    ("api-tokens", "admin", "/account/api-tokens"),
    ("design-system", "admin", "/design"),
]


def _demo_ids(database) -> dict[str, Any]:
    """The demo's rows each page needs, read (read-only) from the server's SQLite database."""
    db = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:

        def one(sql: str, *args: Any) -> Any:
            row = db.execute(sql, args).fetchone()
            assert row is not None, f"the demo has no row for: {sql} {args}"
            return row[0]

        course = one("SELECT id FROM courses WHERE slug = ?", COURSE)
        activity = (
            "SELECT a.id FROM activities a JOIN modules m ON m.id = a.module_id "
            "WHERE m.course_id = ? AND a.type_key = ? ORDER BY m.position, a.position"
        )
        quizzes = [row[0] for row in db.execute(activity, (course, "quiz")).fetchall()]
        return {
            "course": course,
            "course_slug": COURSE,
            "first_lesson": one(
                "SELECT l.id FROM lessons l JOIN modules m ON m.id = l.module_id "
                "WHERE m.course_id = ? ORDER BY m.position, l.position",
                course,
            ),
            "quiz": quizzes[0],
            "last_quiz": quizzes[-1],
            "question": one(
                "SELECT id FROM quiz_questions WHERE course_id = ? ORDER BY id", course
            ),
            "proposal": one(activity, course, "proposal"),
            "assignment": one(activity, course, "assignment"),
            "example": one("SELECT id FROM peer_review_examples ORDER BY id"),
            "meeting": one("SELECT id FROM meetings_meetings ORDER BY id"),
            "certificate": one(
                "SELECT c.code FROM certificates_issued c JOIN users u ON u.id = c.user_id "
                "WHERE u.email = ?",
                ACCOUNTS["graduate"],
            ),
            "user_locales": dict(db.execute("SELECT email, locale FROM users").fetchall()),
        }
    finally:
        db.close()


@dataclass
class Walk:
    """The contexts (one per role and language), the demo's ids and the pages made in the set-up."""

    browser: Any
    base_url: str
    ids: dict[str, Any]
    contexts: dict[tuple[str | None, str], Any]

    def page_for(self, role: str | None, language: str):
        key = (role, language)
        if key not in self.contexts:
            context = self.browser.new_context(
                base_url=self.base_url,
                locale="it-IT" if language == "it" else "en-GB",
                viewport={"width": 1280, "height": 900},
            )
            context.set_default_timeout(30_000)
            page = context.new_page()
            page.on("dialog", lambda dialog: dialog.accept())
            if role is not None:
                log_in(page, ACCOUNTS[role])
                if language == "it":
                    choose_language(page, "it")
            self.contexts[key] = context
        return self.contexts[key].pages[0]


def log_in(page, email: str) -> None:
    page.goto("/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORDS[email])
    page.locator("form:has(#password) [type=submit]").click()
    expect(page.locator("form[action$='/logout']")).to_be_attached()


def choose_language(page, locale: str) -> None:
    """Choose the account's preferred language on its account page, as a person does."""
    page.goto("/account")
    page.locator("#locale").select_option(locale)
    page.locator("form:has(#locale) [type=submit]").first.click()
    expect(page.locator("html")).to_have_attribute("lang", re.compile(f"^{locale}"))


def make_quiz_attempts(page, ids: dict[str, Any]) -> None:
    """The learner starts the first quiz (left in progress) and submits the last (to review)."""
    for quiz, finish in ((ids["last_quiz"], True), (ids["quiz"], False)):
        page.goto(f"/quiz/{quiz}")
        resume = page.locator("a.button.primary[href*='/quiz/attempt/']")
        if resume.count():
            resume.first.click()
        else:
            page.locator(f"form[action$='/quiz/{quiz}/start'] [type=submit]").click()
        expect(page).to_have_url(re.compile(r"/quiz/attempt/\d+"))
        attempt = re.search(r"/quiz/attempt/(\d+)", page.url).group(1)
        if not finish:
            ids["attempt_url"] = f"/quiz/attempt/{attempt}"
            continue
        page.goto(f"/quiz/attempt/{attempt}/summary")
        form = page.locator(f"form[action$='/quiz/attempt/{attempt}/submit']")
        form.locator("button.primary[type=submit]").click()  # asks first (app.js's dialog)
        page.get_by_role("dialog").locator("button[value=confirm]").click()
        expect(page).to_have_url(re.compile(rf"/quiz/attempt/{attempt}/review"))
        ids["review_url"] = f"/quiz/attempt/{attempt}/review"


@pytest.fixture(scope="module")
def walk(e2e_browser, live_server):
    ids = _demo_ids(live_server.instance / "nttlearn.sqlite")
    state = Walk(browser=e2e_browser, base_url=live_server.url, ids=ids, contexts={})
    make_quiz_attempts(state.page_for("learner", "en"), ids)
    yield state
    try:
        for (role, language), context in state.contexts.items():  # their own language back
            previous = ids["user_locales"].get(ACCOUNTS.get(role)) or "en"
            if language == "it" and role is not None and previous != "it":
                choose_language(context.pages[0], previous)
    finally:
        for context in state.contexts.values():
            context.close()


def check_page(page, what: str, width: int) -> None:
    """No axe-core violation; on a phone, nothing wider than the window."""
    if width <= 360:
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        wide = (
            overflow > 0
            and page.evaluate("""() => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
            .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
                + (e.className && typeof e.className === 'string' ? '.' + e.className.split(' ').join('.') : ''))""")
        )
        assert overflow <= 0, f"{what} is {overflow} px wider than a {width} px phone: {wide}"
    violations = AXE.run(page, options=AXE_OPTIONS).response["violations"]
    assert not violations, f"{what}:\n" + "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} — "
        f"{[(n['target'], n.get('failureSummary', '')[:160]) for n in v['nodes']][:4]}"
        for v in violations
    )


@pytest.mark.parametrize("pass_name", list(PASSES))
@pytest.mark.parametrize(("name", "role", "path"), PAGES, ids=[p[0] for p in PAGES])
def test_page_has_no_accessibility_violation(walk, pass_name, name, role, path):
    width, language = PASSES[pass_name]
    page = walk.page_for(role, language)
    page.set_viewport_size({"width": width, "height": 900 if width > 360 else 740})
    response = page.goto(path.format(**walk.ids))
    assert response is not None and response.status == 200, (
        f"{name}: {response and response.status} at {page.url}"
    )
    if language == "it":
        expect(page.locator("html")).to_have_attribute("lang", re.compile("^it"))
    check_page(page, f"{name} ({role or 'visitor'}, {pass_name})", width)
