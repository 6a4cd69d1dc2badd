"""What the organiser prints and downloads: the signed attendance sheet of a day (PDF, the proof
of participation EU grants ask for: name, organisation, town, country, a signature), and the
participant list and attendance record as CSV (the core's writer, formula cells defused)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from flask_babel import gettext as _
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from nttlearn.api import User, csv_text

from .models import Meeting, Registration
from .services import attendance_of, meeting_days, registrations_of
from .timezones import format_day, format_span, zone_label

FONTS = Path(__file__).resolve().parent / "fonts"
EMPTY_ROWS = 6  # for people who come without having registered, written in by hand


def _organisation(person: User) -> tuple[str, str, str]:
    organisation = person.organisation
    if organisation is None:
        return "", "", ""
    return organisation.name, organisation.town or "", organisation.country or ""


def attendance_sheet(meeting: Meeting, days: list[date] | None = None) -> bytes:
    """One A4 page (or more) per day: every registered person, a box to sign, and space for more."""
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_title(_("Attendance sheet: %(title)s", title=meeting.title))
    pdf.set_creator("nttlearn")
    pdf.add_font("DejaVuSans", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVuSans", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_auto_page_break(auto=True, margin=18)
    people = [person for registration, person in registrations_of(meeting.id, ("registered",))]
    present = attendance_of(meeting.id)
    widths = (9, 46, 46, 28, 14, 47)
    headers = ("#", _("Name"), _("Organisation"), _("Town"), _("Country"), _("Signature"))
    for day in days or meeting_days(meeting):
        pdf.add_page()
        pdf.set_font("DejaVuSans", "B", 14)
        pdf.multi_cell(0, 7, _("Attendance sheet"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font("DejaVuSans", "B", 12)
        pdf.multi_cell(0, 6, meeting.title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font("DejaVuSans", "", 10)
        place = ", ".join(
            p
            for p in (meeting.host_organisation, meeting.venue, meeting.town, meeting.country)
            if p
        )
        for line in (
            place,
            f"{format_span(meeting.starts_at, meeting.ends_at, meeting.time_zone)} "
            f"({zone_label(meeting.time_zone)})",
            _("Day: %(day)s", day=format_day(day)),
        ):
            pdf.multi_cell(0, 5, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(3)
        pdf.set_font("DejaVuSans", "B", 9)
        for width, header in zip(widths, headers, strict=True):
            pdf.cell(width, 8, header, border=1)
        pdf.ln()
        pdf.set_font("DejaVuSans", "", 9)
        rows = [(str(n), p.name, *_organisation(p)) for n, p in enumerate(people, start=1)]
        rows += [(str(len(people) + n), "", "", "", "") for n in range(1, EMPTY_ROWS + 1)]
        for row in rows:
            for width, text in zip(widths, row, strict=False):
                pdf.cell(width, 11, _fit(pdf, text, width - 2), border=1)
            pdf.cell(widths[-1], 11, "", border=1)
            pdf.ln()
        pdf.ln(6)
        checked = sum(1 for person in people if (person.id, day) in present)
        pdf.multi_cell(
            0,
            5,
            _(
                "Checked in on the platform this day: %(n)d of %(total)d registered.",
                n=checked,
                total=len(people),
            ),
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        pdf.ln(8)
        pdf.multi_cell(
            0,
            5,
            _("Organiser's name and signature:") + " " + "_" * 40,
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
    return bytes(pdf.output())


def _fit(pdf: FPDF, text: str, width: float) -> str:
    """``text`` shortened with an ellipsis to fit ``width`` mm in the current font."""
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "…") > width:
        text = text[:-1]
    return text + "…"


def participants_csv(meeting: Meeting) -> str:
    header = [
        _("Name"),
        _("E-mail"),
        _("Organisation"),
        _("Town"),
        _("Country"),
        _("State"),
        _("Registered at"),
    ]
    states = {"registered": _("Registered"), "waiting": _("Waiting list")}
    rows = [
        [
            person.name,
            person.email,
            *_organisation(person),
            states[registration.state],
            registration.registered_at,
        ]
        for registration, person in registrations_of(meeting.id)
    ]
    return csv_text(header, rows)


def attendance_csv(meeting: Meeting) -> str:
    """One row per person, one column per day (yes/no), and the days they came."""
    days = meeting_days(meeting)
    present = attendance_of(meeting.id)
    people: list[tuple[Registration, User]] = registrations_of(
        meeting.id, ("registered", "cancelled", "waiting")
    )
    header = [
        _("Name"),
        _("Organisation"),
        _("Town"),
        _("Country"),
        *[day.isoformat() for day in days],
        _("Days attended"),
    ]
    rows = []
    for _registration, person in people:
        came = [(person.id, day) in present for day in days]
        if any(came) or _registration.state == "registered":
            rows.append([person.name, *_organisation(person), *came, sum(came)])
    return csv_text(header, rows)
