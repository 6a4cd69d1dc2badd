"""``nttlearn meetings …``: create, list, register, check in, the .ics, the attendance sheet and
``close-ended`` (the periodic job that announces meetings that have been held)."""

from __future__ import annotations

import json
import sys
from datetime import date, datetime
from pathlib import Path
from typing import NoReturn
from zoneinfo import ZoneInfo

import click
from flask.cli import with_appcontext

from nttlearn.api import User, db

from . import calendar, services, sheets
from .models import Meeting
from .timezones import is_zone


def _fail(message: str) -> NoReturn:
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)


def _moment(value: str, zone: str, option: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        _fail(f"{option}: {value!r} is not an ISO 8601 date and time (2010-05-10T09:00)")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(zone))
    return moment


def _meeting(meeting_id: int) -> Meeting:
    meeting = services.get_meeting(meeting_id)
    if meeting is None:
        _fail(f"there is no meeting {meeting_id}")
    return meeting


def _person(email: str) -> User:
    person = db.session.execute(db.select(User).where(User.email == email.strip().lower())).scalar()
    if person is None or person.deleted_at is not None:
        _fail(f"there is no account with the e-mail address {email}")
    return person


def as_json(meeting: Meeting) -> dict:
    return {
        "id": meeting.id,
        "uid": meeting.uid,
        "title": meeting.title,
        "kind": meeting.kind,
        "format": meeting.format,
        "status": meeting.status,
        "town": meeting.town,
        "country": meeting.country,
        "starts_at": meeting.starts_at.isoformat(),
        "ends_at": meeting.ends_at.isoformat(),
        "time_zone": meeting.time_zone,
        "capacity": meeting.capacity,
        "registered": services.count_registered(meeting.id),
        "held": meeting.held_at is not None,
    }


@click.group("meetings")
def meetings_group() -> None:
    """Seminars and partnering meetings: create, register, check in, calendars, attendance."""


@meetings_group.command("create")
@click.option("--title", required=True)
@click.option("--kind", type=click.Choice(["seminar", "partnering"]), required=True)
@click.option("--town", required=True)
@click.option("--country", required=True, help="ISO code: IT, SE, ES, FI …")
@click.option(
    "--start", "start", required=True, help="ISO 8601, on the meeting's clock: 2010-05-10T09:00"
)
@click.option(
    "--end", "end", required=True, help="ISO 8601, on the meeting's clock: 2010-05-11T17:00"
)
@click.option("--timezone", "zone", required=True, help="IANA zone: Europe/Helsinki")
@click.option("--capacity", type=int, default=None, help="Seats (no limit when left out).")
@click.option("--venue", default="")
@click.option("--json", "json_output", is_flag=True, help="Print the meeting as JSON.")
@with_appcontext
def create_command(
    title, kind, town, country, start, end, zone, capacity, venue, json_output
) -> None:
    """Create and publish a meeting."""
    if not is_zone(zone):
        _fail(f"--timezone: {zone!r} is not a known time zone (such as Europe/Helsinki)")
    details = services.MeetingDetails(
        title=title,
        kind=kind,
        town=town,
        country=country,
        starts_at=_moment(start, zone, "--start"),
        ends_at=_moment(end, zone, "--end"),
        time_zone=zone,
        capacity=capacity,
        venue=venue,
    )
    try:
        meeting = services.create_meeting(details)
    except services.MeetingError as exc:
        option = {"starts_at": "start", "ends_at": "end", "time_zone": "timezone"}.get(
            exc.field or "", exc.field
        )
        _fail(f"--{(option or 'title').replace('_', '-')}: {exc}")
    db.session.commit()
    click.echo(
        json.dumps(as_json(meeting))
        if json_output
        else f"Created meeting {meeting.id}: {meeting.title}"
    )


@meetings_group.command("list")
@click.option("--json", "json_output", is_flag=True)
@with_appcontext
def list_command(json_output: bool) -> None:
    """Every meeting, oldest first."""
    meetings = (
        db.session.execute(db.select(Meeting).order_by(Meeting.starts_at, Meeting.id))
        .scalars()
        .all()
    )
    if json_output:
        click.echo(json.dumps([as_json(m) for m in meetings]))
        return
    for m in meetings:
        click.echo(
            f"{m.id:>4}  {m.starts_at:%Y-%m-%d}  {m.kind:<10}  {m.status:<9}  {m.town} ({m.country})  {m.title}"
        )


@meetings_group.command("register")
@click.argument("email")
@click.argument("meeting_id", type=int)
@with_appcontext
def register_command(email: str, meeting_id: int) -> None:
    """Register a person (as the organiser: after the deadline too, never beyond the capacity)."""
    person = _person(email)
    _meeting(meeting_id)
    try:
        registration = services.register(meeting_id, person, by_id=person.id)
    except services.MeetingError as exc:
        _fail(str(exc))
    db.session.commit()
    where = "registered for" if registration.state == "registered" else "on the waiting list of"
    click.echo(f"{person.name} is {where} meeting {meeting_id}.")


@meetings_group.command("attend")
@click.argument("email")
@click.argument("meeting_id", type=int)
@click.option(
    "--day",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="The day (YYYY-MM-DD); today on the meeting's clock when left out.",
)
@with_appcontext
def attend_command(email: str, meeting_id: int, day: datetime | None) -> None:
    """Check a registered person in for a day."""
    person = _person(email)
    _meeting(meeting_id)
    try:
        attendance = services.check_in(meeting_id, person, day.date() if day else None)
    except services.MeetingError as exc:
        _fail(str(exc))
    db.session.commit()
    click.echo(f"{person.name} checked in on {attendance.day.isoformat()}.")


@meetings_group.command("ical")
@click.argument("meeting_id", type=int)
@with_appcontext
def ical_command(meeting_id: int) -> None:
    """The meeting's .ics on standard output."""
    meeting = _meeting(meeting_id)
    sys.stdout.buffer.write(calendar.calendar_of([meeting], meeting.title))
    sys.stdout.flush()


@meetings_group.command("attendance")
@click.argument("meeting_id", type=int)
@click.option(
    "--pdf",
    "pdf_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the signed attendance sheet (one page per day) to this file.",
)
@click.option(
    "--day", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, help="Only this day."
)
@with_appcontext
def attendance_command(meeting_id: int, pdf_path: Path | None, day: datetime | None) -> None:
    """The attendance record as CSV on standard output, or the sheet to sign as PDF."""
    meeting = _meeting(meeting_id)
    days = services.meeting_days(meeting)
    if day is not None and day.date() not in days:
        _fail(f"--day: {day.date().isoformat()} is not a day of meeting {meeting_id}")
    if pdf_path is None:
        click.echo(sheets.attendance_csv(meeting).lstrip("\ufeff"), nl=False)
        return
    chosen: list[date] = [day.date()] if day else days
    pdf_path.write_bytes(sheets.attendance_sheet(meeting, chosen))
    click.echo(f"Wrote the attendance sheet of {len(chosen)} day(s) to {pdf_path}.")


@meetings_group.command("close-ended")
@click.option("--json", "json_output", is_flag=True)
@with_appcontext
def close_ended_command(json_output: bool) -> None:
    """Announce meetings that have ended with attendees (meetings.meeting_held, once each)."""
    closed = services.close_ended()
    db.session.commit()
    click.echo(
        json.dumps({"closed": closed})
        if json_output
        else f"{len(closed)} meeting(s) announced as held."
    )
