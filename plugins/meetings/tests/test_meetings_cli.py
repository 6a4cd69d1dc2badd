"""``nttlearn meetings …``: create, list, register, attend, the .ics and the attendance sheet."""

from __future__ import annotations

import json
from datetime import timedelta

from icalendar import Calendar
from pypdf import PdfReader

from nttlearn import db
from nttlearn.api import EventRecord, Organisation, utcnow
from nttlearn.testing import count_rows, invoke_cli


def _create(app, *extra: str):
    start = (utcnow() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    end = (utcnow() + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    return invoke_cli(
        app,
        "meetings",
        "create",
        "--title",
        "Seminar in Oulu",
        "--kind",
        "seminar",
        "--town",
        "Oulu",
        "--country",
        "FI",
        "--start",
        start,
        "--end",
        end,
        "--timezone",
        "UTC",
        *extra,
    )


def test_create_prints_the_meeting_as_json(app):
    result = _create(app, "--capacity", "12", "--json")

    assert result.exit_code == 0, result.output
    created = json.loads(result.output.strip().splitlines()[-1])
    assert created["id"] and created["kind"] == "seminar" and created["capacity"] == 12
    listed = json.loads(
        invoke_cli(app, "meetings", "list", "--json").output.strip().splitlines()[-1]
    )
    assert [m["id"] for m in listed] == [created["id"]]


def test_create_refuses_an_end_before_the_start_and_a_capacity_of_zero(app):
    backwards = invoke_cli(
        app,
        "meetings",
        "create",
        "--title",
        "X",
        "--kind",
        "seminar",
        "--town",
        "Oulu",
        "--country",
        "FI",
        "--start",
        "2030-05-10T09:00",
        "--end",
        "2030-05-09T09:00",
        "--timezone",
        "Europe/Helsinki",
    )
    empty = _create(app, "--capacity", "0")
    unknown_zone = invoke_cli(
        app,
        "meetings",
        "create",
        "--title",
        "X",
        "--kind",
        "seminar",
        "--town",
        "Oulu",
        "--country",
        "FI",
        "--start",
        "2030-05-10T09:00",
        "--end",
        "2030-05-10T10:00",
        "--timezone",
        "Europe/Atlantis",
    )

    assert (
        backwards.exit_code == 1
        and "--end: The meeting must end after it starts." in backwards.output
    )
    assert empty.exit_code == 1 and "--capacity: The capacity must be at least 1" in empty.output
    assert unknown_zone.exit_code == 1 and "not a known time zone" in unknown_zone.output


def test_register_attend_ical_and_attendance_sheet(app, make_user, tmp_path):
    organisation = Organisation(name="Oulun kaupunki", town="Oulu", country="FI")
    db.session.add(organisation)
    person = make_user(email="liisa.makinen@example.org", name="Liisa Mäkinen")
    person.organisation = organisation
    db.session.commit()
    meeting_id = json.loads(_create(app, "--json").output.strip().splitlines()[-1])["id"]

    registered = invoke_cli(
        app, "meetings", "register", "liisa.makinen@example.org", str(meeting_id)
    )
    attended = invoke_cli(app, "meetings", "attend", "liisa.makinen@example.org", str(meeting_id))
    again = invoke_cli(app, "meetings", "attend", "liisa.makinen@example.org", str(meeting_id))
    nobody = invoke_cli(app, "meetings", "register", "nobody@example.org", str(meeting_id))

    assert registered.exit_code == 0 and "Liisa Mäkinen is registered" in registered.output
    assert attended.exit_code == 0
    assert again.exit_code == 1 and "already been checked in" in again.output
    assert nobody.exit_code == 1 and "no account" in nobody.output
    db.session.rollback()
    assert count_rows(EventRecord, name="meetings.attended") == 1

    ics = invoke_cli(app, "meetings", "ical", str(meeting_id))
    event = Calendar.from_ical(
        ics.stdout_bytes if hasattr(ics, "stdout_bytes") else ics.output
    ).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == "Seminar in Oulu"

    sheet = tmp_path / "sheet.pdf"
    written = invoke_cli(app, "meetings", "attendance", str(meeting_id), "--pdf", str(sheet))
    assert written.exit_code == 0, written.output
    text = PdfReader(sheet).pages[0].extract_text()
    assert "Liisa Mäkinen" in text and "Oulun kaupunki" in text and "Signature" in text
    record = invoke_cli(app, "meetings", "attendance", str(meeting_id))
    assert "Liisa Mäkinen" in record.output and "yes" in record.output
