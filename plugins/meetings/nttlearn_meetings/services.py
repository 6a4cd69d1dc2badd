"""Meetings, their history, registration with a waiting list, check-in and the
``meetings.meeting_held`` event: the plugin's logic, testable without a request.

Every function works inside the caller's transaction and commits nothing. Bad input raises
:class:`MeetingError`, whose message is written for the person who typed it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, cast

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy import func
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import IntegrityError

from nttlearn.api import User, db, emit, format_date, utcnow

from . import notifications
from .models import (
    KINDS,
    AgendaItem,
    Attendance,
    CoOrganiser,
    Meeting,
    MeetingDocument,
    MeetingRevision,
    Registration,
)
from .timezones import is_zone, local

# The fields a meeting's form edits, in the order its history lists them.
EDITABLE = (
    "title",
    "kind",
    "format",
    "status",
    "host_organisation",
    "town",
    "country",
    "venue",
    "online_url",
    "starts_at",
    "ends_at",
    "time_zone",
    "languages",
    "policy_areas",
    "course_ids",
    "capacity",
    "registration_deadline",
    "description",
)


class MeetingError(ValueError):
    """Input or an action the meeting's rules refuse; ``field`` names the form field, if one."""

    def __init__(self, message: Any, field: str | None = None) -> None:
        self.message, self.field = message, field
        super().__init__(str(message))

    def __str__(self) -> str:
        return str(self.message)


@dataclass
class MeetingDetails:
    """What a meeting is made of, as the form, the command line and the demo give it."""

    title: str
    kind: str
    town: str
    country: str
    starts_at: datetime
    ends_at: datetime
    time_zone: str
    format: str = "in_person"
    status: str = "published"
    host_organisation: str = ""
    venue: str = ""
    online_url: str = ""
    languages: list[str] = field(default_factory=list)
    policy_areas: list[str] = field(default_factory=list)
    course_ids: list[int] = field(default_factory=list)
    capacity: int | None = None
    registration_deadline: datetime | None = None
    description: str = ""

    def problems(self) -> list[MeetingError]:
        found = []
        if not self.title.strip():
            found.append(MeetingError(_l("Give the meeting a title."), "title"))
        if self.kind not in KINDS:
            found.append(MeetingError(_l("Choose a seminar or a partnering meeting."), "kind"))
        if not self.town.strip():
            found.append(MeetingError(_l("Name the town where the meeting takes place."), "town"))
        if len(self.country) != 2 or not self.country.isalpha():
            found.append(
                MeetingError(
                    _l("Give the country as its two-letter ISO code (IT, SE, ES, FI)."), "country"
                )
            )
        if not is_zone(self.time_zone):
            found.append(
                MeetingError(
                    _l("Choose the meeting's time zone, such as Europe/Helsinki."), "time_zone"
                )
            )
        if self.starts_at.tzinfo is None or self.ends_at.tzinfo is None:
            found.append(
                MeetingError(_l("Give the start and end with their time zone."), "starts_at")
            )
        elif self.ends_at <= self.starts_at:
            found.append(MeetingError(_l("The meeting must end after it starts."), "ends_at"))
        if self.capacity is not None and self.capacity < 1:
            found.append(
                MeetingError(
                    _l("The capacity must be at least 1 person (leave it empty for no limit)."),
                    "capacity",
                )
            )
        if (
            self.registration_deadline is not None
            and self.ends_at.tzinfo is not None
            and self.registration_deadline > self.ends_at
        ):
            found.append(
                MeetingError(
                    _l("The registration deadline cannot be after the meeting ends."),
                    "registration_deadline",
                )
            )
        if self.format in ("online", "hybrid") and not self.online_url.strip():
            found.append(
                MeetingError(
                    _l("An online or hybrid meeting needs the link to join it."), "online_url"
                )
            )
        return found

    def values(self) -> dict[str, Any]:
        return {
            "title": self.title.strip(),
            "kind": self.kind,
            "format": self.format,
            "status": self.status,
            "host_organisation": self.host_organisation.strip(),
            "town": self.town.strip(),
            "country": self.country.upper(),
            "venue": self.venue.strip(),
            "online_url": self.online_url.strip(),
            "starts_at": self.starts_at.astimezone(UTC),
            "ends_at": self.ends_at.astimezone(UTC),
            "time_zone": self.time_zone,
            "languages": list(self.languages),
            "policy_areas": list(self.policy_areas),
            "course_ids": [int(c) for c in self.course_ids],
            "capacity": self.capacity,
            "registration_deadline": self.registration_deadline.astimezone(UTC)
            if self.registration_deadline
            else None,
            "description": (self.description or "").strip(),
        }


def _check(details: MeetingDetails) -> None:
    problems = details.problems()
    if problems:
        raise problems[0]


def _shown(value: Any) -> Any:
    """A value as the history keeps it (JSON): times in ISO 8601."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    return value


def _revise(meeting: Meeting, action: str, by_id: int | None, changes: dict | None = None) -> None:
    db.session.add(
        MeetingRevision(
            meeting_id=meeting.id,
            action=action,
            changes=changes or {},
            changed_by_id=by_id,
            changed_at=utcnow(),
        )
    )


# -- meetings ------------------------------------------------------------------------------------
def create_meeting(details: MeetingDetails, by_id: int | None = None) -> Meeting:
    _check(details)
    now = utcnow()
    meeting = Meeting(
        uid=f"{uuid.uuid4()}@nttlearn",
        created_by_id=by_id,
        created_at=now,
        updated_at=now,
        sequence=0,
        **details.values(),
    )
    db.session.add(meeting)
    db.session.flush()
    _revise(meeting, "created", by_id)
    return meeting


def details_of(meeting: Meeting) -> MeetingDetails:
    return MeetingDetails(**{name: getattr(meeting, name) for name in EDITABLE})


def update_meeting(
    meeting: Meeting, details: MeetingDetails, by_id: int | None = None
) -> dict[str, list]:
    """Change a meeting; returns what changed (also kept in its history). Calendars see the new
    version (SEQUENCE + 1); a larger capacity gives seats to the waiting list, in order."""
    _check(details)
    if meeting.status == "cancelled":
        raise MeetingError(
            _l("A cancelled meeting cannot be changed. Duplicate it to plan it again.")
        )
    values = details.values()
    if values["status"] == "cancelled":
        raise MeetingError(
            _l("Use “Cancel the meeting”, which tells the people registered."), "status"
        )
    registered = count_registered(meeting.id)
    if values["capacity"] is not None and values["capacity"] < registered:
        raise MeetingError(
            lazy_ngettext(
                "%(num)d person is already registered: the capacity cannot be lower.",
                "%(num)d people are already registered: the capacity cannot be lower.",
                registered,
            ),
            "capacity",
        )
    changes = {
        name: [_shown(getattr(meeting, name)), _shown(value)]
        for name, value in values.items()
        if _shown(getattr(meeting, name)) != _shown(value)
    }
    if not changes:
        return {}
    for name, value in values.items():
        setattr(meeting, name, value)
    meeting.sequence += 1
    meeting.updated_at = utcnow()
    _revise(meeting, "edited", by_id, changes)
    db.session.flush()
    promote_waiting(meeting)
    return changes


def cancel_meeting(meeting: Meeting, by_id: int | None = None, reason: str = "") -> int:
    """Cancel the meeting and write to everyone registered or waiting, each in their language.
    Returns how many were told. Calendars show the meeting as cancelled (STATUS:CANCELLED)."""
    if meeting.status == "cancelled":
        raise MeetingError(_l("This meeting has already been cancelled."))
    meeting.status = "cancelled"
    meeting.cancelled_at = meeting.updated_at = utcnow()
    meeting.sequence += 1
    _revise(meeting, "cancelled", by_id, {"reason": reason.strip()} if reason.strip() else {})
    people = (
        db.session.execute(
            db.select(User)
            .join(Registration, Registration.user_id == User.id)
            .where(
                Registration.meeting_id == meeting.id,
                Registration.state.in_(("registered", "waiting")),
                User.deleted_at.is_(None),
            )
            .order_by(User.id)
        )
        .scalars()
        .all()
    )
    for person in people:
        notifications.queue_cancellation(meeting, person, reason.strip())
    return len(people)


def duplicate_meeting(meeting: Meeting, by_id: int | None = None) -> Meeting:
    """A draft copy of the meeting and its agenda, same times, for the organiser to adjust."""
    details = details_of(meeting)
    details.status = "draft"
    details.title = str(_l("Copy of %(title)s", title=meeting.title))[:200]
    copy = create_meeting(details, by_id)
    for item in agenda_of(meeting.id):
        db.session.add(
            AgendaItem(
                meeting_id=copy.id,
                kind=item.kind,
                title=item.title,
                starts_at=item.starts_at,
                ends_at=item.ends_at,
                room=item.room,
                speakers=item.speakers,
                team_name=item.team_name,
                proposal_url=item.proposal_url,
            )
        )
    _revise(copy, "duplicated", by_id, {"from": meeting.id})
    return copy


def get_meeting(meeting_id: int, *, lock: bool = False) -> Meeting | None:
    query = db.select(Meeting).where(Meeting.id == meeting_id)
    if lock:
        # PostgreSQL: a row lock, so two people taking the last seat are served one after the other.
        query = query.with_for_update().execution_options(populate_existing=True)
    return db.session.execute(query).scalar()


def visible_meetings(
    *,
    upcoming: bool,
    now: datetime | None = None,
    staff: bool = False,
    limit: int | None = None,
    published_only: bool = False,
) -> list[Meeting]:
    """Meetings that have not ended (soonest first) or have ended (latest first). Drafts only for
    staff; ``published_only`` leaves out drafts and cancelled meetings (the dashboard)."""
    now = now or utcnow()
    query = db.select(Meeting)
    if published_only:
        query = query.where(Meeting.status == "published")
    query = query.where(Meeting.ends_at >= now) if upcoming else query.where(Meeting.ends_at < now)
    if not staff:
        query = query.where(Meeting.status != "draft")
    order = (Meeting.starts_at, Meeting.id) if upcoming else (Meeting.starts_at.desc(), Meeting.id)
    query = query.order_by(*order)
    if limit:
        query = query.limit(limit)
    return list(db.session.execute(query).scalars())


def history_of(meeting_id: int) -> list[tuple[MeetingRevision, str | None]]:
    return [
        (revision, name)
        for revision, name in db.session.execute(
            db.select(MeetingRevision, User.name)
            .outerjoin(User, User.id == MeetingRevision.changed_by_id)
            .where(MeetingRevision.meeting_id == meeting_id)
            .order_by(MeetingRevision.changed_at, MeetingRevision.id)
        ).all()
    ]


def meeting_days(meeting: Meeting) -> list[date]:
    """The calendar days of the meeting on its own clock (Bologna 4–5 March: two days)."""
    first = local(meeting.starts_at, meeting.time_zone).date()
    last = local(meeting.ends_at - timedelta(microseconds=1), meeting.time_zone).date()
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


# -- agenda --------------------------------------------------------------------------------------
def agenda_of(meeting_id: int) -> list[AgendaItem]:
    return list(
        db.session.execute(
            db.select(AgendaItem)
            .where(AgendaItem.meeting_id == meeting_id)
            .order_by(AgendaItem.starts_at, AgendaItem.id)
        ).scalars()
    )


def _agenda_entry(item: AgendaItem) -> dict[str, Any]:
    """An agenda item as the history keeps it: what it was, when (UTC, ISO 8601) and where."""
    entry = {
        "title": item.title,
        "kind": item.kind,
        "starts_at": _shown(item.starts_at),
        "ends_at": _shown(item.ends_at),
    }
    for name in ("room", "speakers", "team_name", "proposal_url"):
        if getattr(item, name):
            entry[name] = getattr(item, name)
    return entry


def add_agenda_item(
    meeting: Meeting,
    *,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    kind: str = "session",
    room: str = "",
    speakers: str = "",
    team_name: str = "",
    proposal_url: str = "",
    by_id: int | None = None,
) -> AgendaItem:
    if not title.strip():
        raise MeetingError(_l("Give the session a title."), "title")
    if ends_at <= starts_at:
        raise MeetingError(_l("The session must end after it starts."), "ends_at")
    if starts_at < meeting.starts_at or ends_at > meeting.ends_at:
        raise MeetingError(
            _l("The session must fall within the meeting's start and end."), "starts_at"
        )
    if kind == "working_session" and not team_name.strip():
        raise MeetingError(_l("Name the proposal team that works in this session."), "team_name")
    item = AgendaItem(
        meeting_id=meeting.id,
        kind=kind,
        title=title.strip(),
        starts_at=starts_at.astimezone(UTC),
        ends_at=ends_at.astimezone(UTC),
        room=room.strip(),
        speakers=speakers.strip(),
        team_name=team_name.strip(),
        proposal_url=proposal_url.strip(),
    )
    db.session.add(item)
    meeting.sequence += 1
    meeting.updated_at = utcnow()
    db.session.flush()
    _revise(meeting, "agenda_added", by_id, _agenda_entry(item))
    return item


def delete_agenda_item(meeting: Meeting, item_id: int, by_id: int | None = None) -> bool:
    item = db.session.execute(
        db.select(AgendaItem).where(AgendaItem.id == item_id, AgendaItem.meeting_id == meeting.id)
    ).scalar()
    if item is None:
        return False
    entry = _agenda_entry(item)
    # A conditional delete: of two organisers removing the same item, one records it.
    deleted = cast(
        CursorResult[Any],
        db.session.execute(
            db.delete(AgendaItem)
            .where(AgendaItem.id == item_id, AgendaItem.meeting_id == meeting.id)
            .execution_options(synchronize_session=False)
        ),
    ).rowcount
    if deleted:
        db.session.expunge(item)
        meeting.sequence += 1
        meeting.updated_at = utcnow()
        _revise(meeting, "agenda_removed", by_id, entry)
    return bool(deleted)


# -- registration --------------------------------------------------------------------------------
def count_registered(meeting_id: int) -> int:
    return db.session.execute(
        db.select(func.count())
        .select_from(Registration)
        .where(Registration.meeting_id == meeting_id, Registration.state == "registered")
    ).scalar_one()


def registration_of(meeting_id: int, user_id: int) -> Registration | None:
    return db.session.execute(
        db.select(Registration).filter_by(meeting_id=meeting_id, user_id=user_id)
    ).scalar()


def registration_closed(meeting: Meeting, now: datetime | None = None) -> Any | None:
    """Why nobody can register now, or None."""
    now = now or utcnow()
    if meeting.status == "cancelled":
        return _l("This meeting has been cancelled.")
    if meeting.status == "draft":
        return _l("This meeting has not been published yet.")
    if meeting.ends_at <= now:
        return _l("This meeting has already ended.")
    if meeting.registration_deadline is not None and now > meeting.registration_deadline:
        return _l("Registration for this meeting has closed.")
    return None


def register(
    meeting_id: int, user: User, *, by_id: int | None = None, now: datetime | None = None
) -> Registration:
    """Register ``user``: a seat while there is one, else a place on the waiting list.

    The meeting's row is locked first, so two people taking the last seat at once get one seat
    and one waiting place; the unique constraint makes a double click one registration. An
    organiser (``by_id``) may register people after the deadline, not beyond the capacity.
    """
    now = now or utcnow()
    meeting = get_meeting(meeting_id, lock=True)
    if meeting is None:
        raise MeetingError(_l("There is no such meeting."))
    closed = registration_closed(meeting, now)
    if closed is not None and not (
        by_id is not None and meeting.status == "published" and meeting.ends_at > now
    ):
        raise MeetingError(closed)
    registration = registration_of(meeting.id, user.id)
    if registration is not None and registration.state != "cancelled":
        raise MeetingError(
            _l("%(name)s is already registered for this meeting.", name=user.name)
            if registration.state == "registered"
            else _l("%(name)s is already on the waiting list.", name=user.name)
        )
    full = meeting.capacity is not None and count_registered(meeting.id) >= meeting.capacity
    state = "waiting" if full or _anyone_waiting(meeting.id) else "registered"
    if registration is None:
        registration = Registration(
            meeting_id=meeting.id,
            user_id=user.id,
            state=state,
            registered_at=now,
            registered_by_id=by_id,
        )
        try:
            with db.session.begin_nested():
                db.session.add(registration)
        except IntegrityError as exc:
            raise MeetingError(
                _l("%(name)s is already registered for this meeting.", name=user.name)
            ) from exc
    else:
        registration.state, registration.registered_at = state, now
        registration.registered_by_id, registration.cancelled_at = by_id, None
    db.session.flush()
    if state == "registered":
        _emit_registered(meeting, user.id)
    return registration


def _anyone_waiting(meeting_id: int) -> bool:
    return (
        db.session.execute(
            db.select(Registration.id)
            .where(Registration.meeting_id == meeting_id, Registration.state == "waiting")
            .limit(1)
        ).first()
        is not None
    )


def _emit_registered(meeting: Meeting, user_id: int) -> None:
    emit(
        "meetings.registered",
        user_id=user_id,
        data={"meeting_id": meeting.id, "kind": meeting.kind},
    )


def cancel_registration(meeting_id: int, user: User, now: datetime | None = None) -> list[int]:
    """Withdraw ``user``; their seat goes to the first person waiting. Returns who was promoted."""
    meeting = get_meeting(meeting_id, lock=True)
    registration = registration_of(meeting_id, user.id) if meeting else None
    if meeting is None or registration is None or registration.state == "cancelled":
        raise MeetingError(_l("%(name)s is not registered for this meeting.", name=user.name))
    if meeting.ends_at <= (now or utcnow()):
        raise MeetingError(_l("This meeting has already ended."))
    registration.state, registration.cancelled_at = "cancelled", now or utcnow()
    db.session.flush()
    return promote_waiting(meeting)


def promote_waiting(meeting: Meeting) -> list[int]:
    """Give free seats to the waiting list, first come first served; each is told by e-mail."""
    if meeting.status != "published":
        return []
    free = None if meeting.capacity is None else meeting.capacity - count_registered(meeting.id)
    waiting = (
        db.session.execute(
            db.select(Registration)
            .where(Registration.meeting_id == meeting.id, Registration.state == "waiting")
            .order_by(Registration.registered_at, Registration.id)
            .limit(free)
        )
        .scalars()
        .all()
        if free is None or free > 0
        else []
    )
    promoted = []
    for registration in waiting:
        registration.state = "registered"
        promoted.append(registration.user_id)
        _emit_registered(meeting, registration.user_id)
        person = db.session.get(User, registration.user_id)
        if person is not None and person.deleted_at is None:
            notifications.queue_promotion(meeting, person)
    return promoted


def registrations_of(
    meeting_id: int, states: tuple[str, ...] = ("registered", "waiting")
) -> list[tuple[Registration, User]]:
    """Registrations with their people: seats first (alphabetical), then the waiting list in order."""
    rows = db.session.execute(
        db.select(Registration, User)
        .join(User, User.id == Registration.user_id)
        .where(Registration.meeting_id == meeting_id, Registration.state.in_(states))
        .order_by(Registration.registered_at, Registration.id)
    ).all()
    seats = sorted(
        (r for r in rows if r[0].state == "registered"), key=lambda row: row[1].name.casefold()
    )
    return [*seats, *[r for r in rows if r[0].state != "registered"]]


def my_registrations(user_id: int) -> list[tuple[Registration, Meeting]]:
    return [
        (r, m)
        for r, m in db.session.execute(
            db.select(Registration, Meeting)
            .join(Meeting, Meeting.id == Registration.meeting_id)
            .where(Registration.user_id == user_id, Registration.state != "cancelled")
            .order_by(Meeting.starts_at.desc(), Meeting.id)
        ).all()
    ]


def registration_states(user_id: int, meeting_ids: list[int]) -> dict[int, str]:
    if not meeting_ids:
        return {}
    return dict(
        db.session.execute(
            db.select(Registration.meeting_id, Registration.state).where(
                Registration.user_id == user_id, Registration.meeting_id.in_(meeting_ids)
            )
        ).all()
    )


def seats_taken(meeting_ids: list[int]) -> dict[int, int]:
    if not meeting_ids:
        return {}
    return dict(
        db.session.execute(
            db.select(Registration.meeting_id, func.count())
            .where(Registration.meeting_id.in_(meeting_ids), Registration.state == "registered")
            .group_by(Registration.meeting_id)
        ).all()
    )


# -- attendance ----------------------------------------------------------------------------------
def check_in(
    meeting_id: int,
    user: User,
    day: date | None = None,
    *,
    by_id: int | None = None,
    now: datetime | None = None,
) -> Attendance:
    """Record that ``user`` came on ``day`` (default: today on the meeting's clock).

    Once per person and day: a second check-in is refused with a message (and the unique
    constraint keeps a racing one out). A check-in after the meeting's end may complete it:
    see :func:`close_if_ended`.
    """
    now = now or utcnow()
    meeting = get_meeting(meeting_id)
    if meeting is None:
        raise MeetingError(_l("There is no such meeting."))
    if meeting.status != "published":
        raise MeetingError(_l("Only a published meeting has check-in."))
    day = day or local(now, meeting.time_zone).date()
    if day not in meeting_days(meeting):
        raise MeetingError(_l("%(day)s is not a day of this meeting.", day=format_date(day)), "day")
    if day > local(now, meeting.time_zone).date():
        raise MeetingError(
            _l("%(day)s has not come yet: check people in on the day.", day=format_date(day)), "day"
        )
    registration = registration_of(meeting.id, user.id)
    if registration is None or registration.state != "registered":
        raise MeetingError(
            _l("%(name)s is not registered for this meeting: register them first.", name=user.name)
        )
    if _attended(meeting.id, user.id, day):
        raise MeetingError(
            _l(
                "%(name)s has already been checked in on %(day)s.",
                name=user.name,
                day=format_date(day),
            )
        )
    attendance = Attendance(
        meeting_id=meeting.id, user_id=user.id, day=day, checked_in_at=now, checked_in_by_id=by_id
    )
    try:
        with db.session.begin_nested():
            db.session.add(attendance)
    except IntegrityError as exc:
        raise MeetingError(
            _l(
                "%(name)s has already been checked in on %(day)s.",
                name=user.name,
                day=format_date(day),
            )
        ) from exc
    emit(
        "meetings.attended",
        user_id=user.id,
        data={
            "meeting_id": meeting.id,
            "kind": meeting.kind,
            "day": day.isoformat(),
            "country": meeting.country,
            "town": meeting.town,
        },
    )
    close_if_ended(meeting, now)
    return attendance


def _attended(meeting_id: int, user_id: int, day: date) -> bool:
    return (
        db.session.execute(
            db.select(Attendance.id).filter_by(meeting_id=meeting_id, user_id=user_id, day=day)
        ).first()
        is not None
    )


def attendance_of(meeting_id: int) -> dict[tuple[int, date], Attendance]:
    return {
        (a.user_id, a.day): a
        for a in db.session.execute(
            db.select(Attendance).where(Attendance.meeting_id == meeting_id)
        ).scalars()
    }


def attendee_count(meeting_id: int) -> int:
    return db.session.execute(
        db.select(func.count(func.distinct(Attendance.user_id))).where(
            Attendance.meeting_id == meeting_id
        )
    ).scalar_one()


def close_if_ended(meeting: Meeting, now: datetime | None = None) -> bool:
    """Emit ``meetings.meeting_held`` if the meeting has ended with at least one attendee and
    has not been announced yet. One conditional UPDATE decides, so even two workers running at
    once announce a meeting once."""
    now = now or utcnow()
    if meeting.ends_at > now or meeting.status != "published":
        return False
    attendees = attendee_count(meeting.id)
    if attendees == 0:
        return False
    claimed = cast(
        CursorResult[Any],
        db.session.execute(
            db.update(Meeting)
            .where(Meeting.id == meeting.id, Meeting.held_at.is_(None))
            .values(held_at=now)
            .execution_options(synchronize_session=False)
        ),
    ).rowcount
    if claimed != 1:
        return False
    emit(
        "meetings.meeting_held",
        user_id=None,
        data={
            "meeting_id": meeting.id,
            "kind": meeting.kind,
            "starts_at": meeting.starts_at.astimezone(UTC).isoformat(),
            "ends_at": meeting.ends_at.astimezone(UTC).isoformat(),
            "country": meeting.country,
            "town": meeting.town,
            "attendees": attendees,
        },
    )
    return True


def close_ended(now: datetime | None = None) -> list[int]:
    """Announce every ended meeting with attendees that has not been announced: the periodic job
    (``nttlearn meetings close-ended``). Returns the ids announced; safe to run at any interval."""
    now = now or utcnow()
    candidates = (
        db.session.execute(
            db.select(Meeting)
            .where(Meeting.ends_at <= now, Meeting.held_at.is_(None), Meeting.status == "published")
            .where(db.select(Attendance.id).where(Attendance.meeting_id == Meeting.id).exists())
            .order_by(Meeting.ends_at, Meeting.id)
        )
        .scalars()
        .all()
    )
    return [meeting.id for meeting in candidates if close_if_ended(meeting, now)]


# -- documents -----------------------------------------------------------------------------------
def documents_of(meeting_id: int) -> list[MeetingDocument]:
    return list(
        db.session.execute(
            db.select(MeetingDocument)
            .where(MeetingDocument.meeting_id == meeting_id)
            .order_by(MeetingDocument.kind, MeetingDocument.uploaded_at, MeetingDocument.id)
        ).scalars()
    )


def add_document(
    meeting: Meeting,
    *,
    title: str,
    file_name: str,
    content: bytes,
    kind: str = "document",
    team_name: str = "",
    proposal_url: str = "",
    by_id: int | None = None,
) -> MeetingDocument:
    """Attach a file the core's media allow-list has accepted (the caller checks it)."""
    if kind == "team_output" and not team_name.strip():
        raise MeetingError(_l("Name the team that produced this document."), "team_name")
    document = MeetingDocument(
        meeting_id=meeting.id,
        kind=kind,
        title=title.strip() or file_name,
        file_name=file_name,
        size=len(content),
        content=content,
        team_name=team_name.strip(),
        proposal_url=proposal_url.strip(),
        uploaded_by_id=by_id,
        uploaded_at=utcnow(),
    )
    db.session.add(document)
    db.session.flush()
    _revise(meeting, "document_added", by_id, _document_entry(document))
    return document


def _document_entry(document: MeetingDocument) -> dict[str, Any]:
    entry = {"title": document.title, "kind": document.kind, "file_name": document.file_name}
    if document.team_name:
        entry["team_name"] = document.team_name
    return entry


def delete_document(meeting: Meeting, document_id: int, by_id: int | None = None) -> bool:
    """Remove an attached file; the history keeps its title and name (not its content)."""
    document = db.session.execute(
        db.select(MeetingDocument).where(
            MeetingDocument.id == document_id, MeetingDocument.meeting_id == meeting.id
        )
    ).scalar()
    if document is None:
        return False
    entry = _document_entry(document)
    deleted = cast(
        CursorResult[Any],
        db.session.execute(
            db.delete(MeetingDocument)
            .where(MeetingDocument.id == document_id, MeetingDocument.meeting_id == meeting.id)
            .execution_options(synchronize_session=False)
        ),
    ).rowcount
    if deleted:
        db.session.expunge(document)
        _revise(meeting, "document_removed", by_id, entry)
    return bool(deleted)


# -- organisers ----------------------------------------------------------------------------------
#: What a person may do with one meeting: ``owner`` (everything, including cancelling it and
#: choosing its co-organisers), ``co_organiser`` (edit, agenda, documents, participants, check-in,
#: exports, history, duplicate), or None.
ROLES = ("owner", "co_organiser")


def organiser_role(meeting: Meeting, user: Any) -> str | None:
    """``owner`` for admins, coordinators (they run the programme) and the trainer who planned
    the meeting; ``co_organiser`` for a trainer the owner added; else None. A person must still
    hold the trainer or coordinator role: a trainer demoted to learner organises nothing."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if not (user.is_trainer or user.is_coordinator):
        return None
    if (
        user.is_admin
        or user.is_coordinator
        or (meeting.created_by_id is not None and meeting.created_by_id == user.id)
    ):
        return "owner"
    found = db.session.execute(
        db.select(CoOrganiser.id).where(
            CoOrganiser.meeting_id == meeting.id, CoOrganiser.user_id == user.id
        )
    ).first()
    return "co_organiser" if found is not None else None


def co_organisers_of(meeting_id: int) -> list[tuple[CoOrganiser, User]]:
    return list(
        db.session.execute(
            db.select(CoOrganiser, User)
            .join(User, User.id == CoOrganiser.user_id)
            .where(CoOrganiser.meeting_id == meeting_id)
            .order_by(User.name, User.id)
        ).tuples()
    )


def add_co_organiser(meeting: Meeting, person: User, by_id: int | None = None) -> CoOrganiser:
    """Make a trainer a co-organiser of ``meeting``; refused for learners, the owner and twice."""
    if person.deleted_at is not None or not (person.is_trainer or person.is_coordinator):
        raise MeetingError(_l("Only trainers and coordinators can organise a meeting."), "email")
    if organiser_role(meeting, person) == "owner":
        raise MeetingError(
            _l("%(name)s already organises this meeting.", name=person.name), "email"
        )
    try:
        with db.session.begin_nested():
            row = CoOrganiser(
                meeting_id=meeting.id, user_id=person.id, added_by_id=by_id, added_at=utcnow()
            )
            db.session.add(row)
    except IntegrityError:
        raise MeetingError(
            _l("%(name)s is already a co-organiser.", name=person.name), "email"
        ) from None
    _revise(meeting, "organiser_added", by_id, {"name": person.name})
    return row


def remove_co_organiser(meeting: Meeting, user_id: int, by_id: int | None = None) -> bool:
    name = db.session.execute(db.select(User.name).where(User.id == user_id)).scalar()
    deleted = cast(
        CursorResult[Any],
        db.session.execute(
            db.delete(CoOrganiser).where(
                CoOrganiser.meeting_id == meeting.id, CoOrganiser.user_id == user_id
            )
        ),
    ).rowcount
    if deleted:
        _revise(meeting, "organiser_removed", by_id, {"name": name or ""})
    return bool(deleted)


# -- personal data ---------------------------------------------------------------------------------
def user_data(user_id: int) -> dict[str, Any] | None:
    registrations = my_registrations(user_id)
    attended = db.session.execute(
        db.select(Attendance, Meeting.title)
        .join(Meeting, Meeting.id == Attendance.meeting_id)
        .where(Attendance.user_id == user_id)
        .order_by(Attendance.day)
    ).all()
    if not registrations and not attended:
        return None
    return {
        "registrations": [
            {
                "meeting": m.title,
                "starts_at": m.starts_at.isoformat(),
                "state": r.state,
                "registered_at": r.registered_at.isoformat(),
            }
            for r, m in registrations
        ],
        "attendance": [{"meeting": title, "day": a.day.isoformat()} for a, title in attended],
    }


def forget_person(user_id: int) -> None:
    """On account deletion: future seats are given back (to the waiting list); attendance stays,
    as the anonymous record of a past meeting; their calendar address stops working."""
    from .models import PersonalSettings

    now = utcnow()
    rows = db.session.execute(
        db.select(Registration, Meeting)
        .join(Meeting, Meeting.id == Registration.meeting_id)
        .where(
            Registration.user_id == user_id,
            Registration.state != "cancelled",
            Meeting.ends_at > now,
        )
    ).all()
    for registration, meeting in rows:
        registration.state, registration.cancelled_at = "cancelled", now
        db.session.flush()
        promote_waiting(meeting)
    db.session.execute(db.delete(PersonalSettings).where(PersonalSettings.user_id == user_id))
    db.session.execute(db.delete(CoOrganiser).where(CoOrganiser.user_id == user_id))
