"""The demo trainer reads the progress report; the admin switches a plugin off and on again."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

MAIN_COURSE = "Designing a network of twinned towns"
PARTNER_PLUGIN = "example_partner"


def test_trainer_opens_progress_report_of_main_course_and_sees_demo_learners(page, log_in):
    log_in(page, "trainer@example.org")
    page.goto("/dashboard")

    page.get_by_role("link", name=MAIN_COURSE).click()

    expect(page.get_by_role("heading", name="Learners' progress", level=1)).to_be_visible()
    table = page.locator("#progress-table")
    asa = table.get_by_role("row").filter(has_text="Åsa Lindqvist")
    expect(asa).to_contain_text("Luleå kommun")
    expect(asa).to_contain_text("Sweden")  # the country's name in the reader's language, not "SE"
    expect(table.get_by_role("row").filter(has_text="Giulia Rossi")).to_contain_text(
        "Comune di Bologna"
    )
    expect(table.get_by_role("row").filter(has_text="Aino Virtanen")).to_contain_text("%")


def test_admin_disables_and_reenables_a_plugin(page, log_in, live_server):
    installed = live_server.plugins()
    if PARTNER_PLUGIN not in installed:
        pytest.skip(
            f"the {PARTNER_PLUGIN} plugin is not installed in this environment "
            f"(`pip install -e plugins/{PARTNER_PLUGIN}`); installed: {sorted(installed) or 'none'}"
        )
    log_in(page, "admin@example.org")
    page.get_by_role("link", name="Administration").click()
    page.get_by_role("link", name="Plugins").click()
    row = page.locator(f"#plugin-{PARTNER_PLUGIN}")
    expect(row.locator("td.status-enabled")).to_have_text("enabled")
    restored = False
    try:
        row.get_by_role("button", name=f"Disable {PARTNER_PLUGIN}").click()
        # Asked first, on a page of its own that says what stops working.
        expect(page.get_by_role("heading", name=f"Disable {PARTNER_PLUGIN}?")).to_be_visible()
        page.locator("main").get_by_role("button", name=f"Disable {PARTNER_PLUGIN}").click()
        expect(page.get_by_text(f"{PARTNER_PLUGIN} is disabled.")).to_be_visible()
        page.reload()  # stored, not just shown: whichever worker answers now sees it disabled
        expect(row.locator("td.status-disabled")).to_have_text("disabled")

        row.get_by_role("button", name=f"Enable {PARTNER_PLUGIN}").click()
        expect(page.get_by_text(f"{PARTNER_PLUGIN} is enabled.")).to_be_visible()
        expect(row.locator("td.status-enabled")).to_have_text("enabled")
        restored = True
    finally:
        if not restored:  # leave the shared server as the other tests expect it
            live_server.cli("plugins", "enable", PARTNER_PLUGIN)


def test_trainer_unenrols_through_a_keyboard_dialog_that_gives_focus_back_when_cancelled(
    page, log_in
):
    # The test's own change: the admin is enrolled here, then unenrolled, leaving the demo as it was.
    log_in(page, "trainer@example.org")
    page.goto("/dashboard")
    page.get_by_role("link", name=MAIN_COURSE).click()
    page.get_by_label("E-mail addresses").fill("admin@example.org")
    page.get_by_role("button", name="Enrol", exact=True).click()
    row = page.locator("#progress-table").get_by_role("row").filter(has_text="admin@example.org")
    unenrol = row.get_by_role("button", name="Unenrol")

    unenrol.focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Unenrol Anna Admin?")
    expect(dialog).to_be_visible()
    expect(
        dialog.get_by_role("button", name="Cancel")
    ).to_be_focused()  # Enter alone does not unenrol
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(unenrol).to_be_focused()
    expect(row).to_be_visible()

    page.keyboard.press("Enter")
    expect(dialog).to_be_visible()
    page.keyboard.press("Shift+Tab")  # from Cancel back to the dialog's Unenrol
    expect(dialog.get_by_role("button", name="Unenrol")).to_be_focused()
    page.keyboard.press("Enter")

    expect(
        page.get_by_text("Anna Admin has been unenrolled.")
    ).to_be_visible()  # no page in between
    expect(page.locator("#progress-table")).not_to_contain_text("admin@example.org")
