"""A seminar from start to check-in in a real browser: the organiser plans it, a learner registers
from her dashboard, the organiser checks her in on a 360 px phone, and the platform records
``meetings.attended``. axe-core finds no accessibility violation on the pages on the way."""

from __future__ import annotations

import re
import sqlite3
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

PHONE = 360
TITLE = "Seminar on social-sector enterprises"


def _no_axe_violations(page) -> None:
    results = Axe().run(page, context="main")
    assert results.violations_count == 0, results.generate_report()


def test_organiser_plans_learner_registers_from_dashboard_organiser_checks_in_on_a_phone(
    new_page, log_in, live_server
):
    now = datetime.now(ZoneInfo("Europe/Rome")).replace(second=0, microsecond=0)
    organiser = new_page()
    log_in(organiser, "trainer@example.org")
    organiser.goto("/meetings/new")
    _no_axe_violations(organiser)
    organiser.get_by_label("Title").fill(TITLE)
    organiser.get_by_label("Town").fill("Bologna")
    organiser.get_by_label("Country").select_option("IT")
    organiser.get_by_label("Time zone of the meeting").select_option("Europe/Rome")
    organiser.get_by_label("Starts").fill((now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    organiser.get_by_label("Ends").fill((now + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"))
    organiser.get_by_label("Capacity (seats)").fill("25")
    organiser.get_by_role("button", name="Save the meeting").click()
    expect(organiser.get_by_text("The meeting has been created.")).to_be_visible()
    meeting_id = organiser.url.rstrip("/").split("/")[-2]

    learner = new_page()
    log_in(learner, "learner@example.org")
    learner.goto("/dashboard")
    card = learner.locator(f"#dashboard-meeting-{meeting_id}")
    expect(card).to_contain_text(TITLE)
    _no_axe_violations(learner)
    # Giulia Rossi reads nttlearn in Italian (her profile's language).
    card.get_by_role("button", name=re.compile(r"^Iscriviti\b")).click()
    expect(learner.locator(".flash").filter(has_text="Sei iscritto/a.")).to_be_visible()
    expect(learner.locator(f"#dashboard-meeting-{meeting_id}")).to_contain_text("Sei iscritto/a")

    phone = new_page(width=PHONE, height=740)
    log_in(phone, "trainer@example.org")
    phone.goto(f"/meetings/{meeting_id}/check-in")
    person = phone.locator(".check-in li", has_text="Giulia Rossi")
    expect(person).to_be_visible()
    assert (
        phone.evaluate("document.documentElement.scrollWidth") <= PHONE
    )  # nothing to scroll sideways
    _no_axe_violations(phone)
    person.get_by_role("button", name=re.compile(r"^Check in\b.*Giulia Rossi")).click()
    expect(phone.locator(".check-in li", has_text="Giulia Rossi")).to_contain_text("Checked in")
    expect(phone.get_by_role("status").filter(has_text="1 of 1 checked in")).to_be_visible()

    with sqlite3.connect(live_server.instance / "nttlearn.sqlite") as database:
        attended = database.execute(
            "SELECT events.data FROM events JOIN users ON users.id = events.user_id "
            "WHERE events.name = 'meetings.attended' AND users.email = 'learner@example.org' "
            "AND json_extract(events.data, '$.meeting_id') = ?",
            (int(meeting_id),),
        ).fetchall()
    assert len(attended) == 1 and f'"day": "{now.date().isoformat()}"' in attended[0][0]

    # The evaluation plugin's impact report counts today's check-in (from meetings.attended).
    report = new_page()
    log_in(report, "admin@example.org")
    today = now.date().isoformat()
    report.goto(f"/reports/impact?from={today}&to={today}")
    attendees = report.locator("table.figures tr", has_text="People who attended a meeting")
    expect(attendees.locator("td")).to_have_text("1")
