"""A learning platform launches nttlearn in a real browser, at 1280 px and on a 360 px phone: a
learner follows a resource link into a course and arrives logged in; a teacher follows a deep-linking
link, picks an activity, and nttlearn's signed answer goes back to the platform, which verifies it.

The platform's pages are on ``http://localhost``, nttlearn on ``http://127.0.0.1``: every form post
between them is cross-site, as between a municipality's Moodle and nttlearn. The pages where people
land have nothing wider than the window and no axe-core violation.
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from lti_fake_platform import DEPLOYMENT, MEMBERSHIP
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

COURSE = "designing-twinned-town-networks"
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}
}
DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"


def check_page(page, what: str) -> None:
    """No sideways scrolling and no axe-core violation on the page now shown."""
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{what} is {overflow} px wider than the window"
    violations = Axe().run(page, options=AXE_OPTIONS).response["violations"]
    assert not violations, f"{what}: " + "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in violations
    )


@pytest.mark.parametrize("width", [1280, 360])
def test_a_platform_launches_a_learner_into_a_course_and_a_teacher_picks_an_activity(
    new_page, live_server, platform, width
):
    # (a) A learner follows the platform's link to the course: logged in, on its page (in Italian,
    # the id_token's locale).
    platform.launches[f"learner-{width}"] = {
        "sub": f"learner-{width}",
        "name": "Lucia Bianchi",
        "email": f"lucia.{width}@comune.example",
        "custom": {"nttlearn_course": COURSE},
    }
    learner = new_page(width=width, height=740)
    learner.goto(f"{platform.browser_base}/link/learner-{width}")
    learner.wait_for_url(f"{live_server.url}/courses/{COURSE}")
    expect(learner.locator("form[action$='/logout']")).to_be_attached()
    expect(learner.get_by_role("heading", level=1)).to_be_visible()
    check_page(learner, f"the course page at {width} px")

    # (b) A teacher follows a deep-linking link: the picker, then the signed answer goes back.
    platform.launches[f"teacher-{width}"] = {
        "sub": f"teacher-{width}",
        "name": "Marco Conti",
        "email": f"marco.{width}@comune.example",
        "locale": "en-GB",
        "roles": [MEMBERSHIP + "Instructor"],
        "message_type": "LtiDeepLinkingRequest",
    }
    teacher = new_page(width=width, height=740)
    teacher.goto(f"{platform.browser_base}/link/teacher-{width}")
    teacher.wait_for_url(f"{live_server.url}/lti/deep-link")
    picker = teacher.get_by_label("Course or activity")
    expect(picker).to_be_visible()
    check_page(teacher, f"the deep-linking picker at {width} px")
    activity = picker.locator("option[value^='activity:']").first
    activity_id = activity.get_attribute("value").removeprefix("activity:")
    picker.select_option(value=f"activity:{activity_id}")
    answers = len(platform.deep_link_answers)
    teacher.get_by_role("button", name="Add to the platform").click()
    teacher.wait_for_url(f"{platform.browser_base}/deep-link-return")  # the form sent itself
    expect(teacher.get_by_role("heading", name="Content added")).to_be_visible()

    [claims] = platform.deep_link_answers[answers:]  # verified with the tool's published keys
    assert (
        claims["https://purl.imsglobal.org/spec/lti/claim/message_type"] == "LtiDeepLinkingResponse"
    )
    assert claims["https://purl.imsglobal.org/spec/lti/claim/deployment_id"] == DEPLOYMENT
    assert claims[DL + "data"] == "dl-data-9"
    [item] = claims[DL + "content_items"]
    assert item["custom"] == {"nttlearn_activity": activity_id}
    assert (
        item["url"] == f"{live_server.url}/lti/launch" and item["lineItem"]["scoreMaximum"] == 100
    )
