"""The plugin's own tables, all prefixed ``meetings_``. They point at core tables (users, courses)
and at no other plugin's: a team's proposal is a link, never a foreign key into peer review.

Modelled after the way Indico separates an event, its timetable entries, its registrations (with a
state, so a withdrawn registration stays on record) and check-in, scaled down to what a training
programme needs."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column

from nttlearn.api import UTCDateTime, db, utcnow

KINDS = ("seminar", "partnering")
FORMATS = ("in_person", "online", "hybrid")
STATUSES = ("draft", "published", "cancelled")
REGISTRATION_STATES = ("registered", "waiting", "cancelled")
AGENDA_KINDS = ("session", "working_session", "break")
DOCUMENT_KINDS = ("minutes", "document", "team_output")


class Meeting(db.Model):
    """A national training seminar or a transnational partnering meeting."""

    __tablename__ = "meetings_meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The iCalendar UID: made once, so calendars recognise the meeting after every edit.
    uid: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    format: Mapped[str] = mapped_column(String(20), default="in_person")
    status: Mapped[str] = mapped_column(String(20), default="published", index=True)
    host_organisation: Mapped[str] = mapped_column(String(200), default="")
    town: Mapped[str] = mapped_column(String(120))
    country: Mapped[str] = mapped_column(String(2))  # ISO 3166-1 alpha-2
    venue: Mapped[str] = mapped_column(String(300), default="")
    online_url: Mapped[str] = mapped_column(String(500), default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # IANA name (Europe/Helsinki): the meeting's wall clock, for its pages and its .ics.
    time_zone: Mapped[str] = mapped_column(String(64))
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    policy_areas: Mapped[list[str]] = mapped_column(JSON, default=list)
    course_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    capacity: Mapped[int | None] = mapped_column(Integer)
    registration_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    description: Mapped[str] = mapped_column(Text, default="")
    # iCalendar SEQUENCE: one more at every change a calendar should show (RFC 5545, 3.8.7.4).
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When ``meetings.meeting_held`` was emitted; set by one conditional UPDATE, so only once.
    held_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("capacity IS NULL OR capacity > 0", name="capacity_positive"),
        CheckConstraint("kind IN ('seminar', 'partnering')", name="kind_known"),
        CheckConstraint("format IN ('in_person', 'online', 'hybrid')", name="format_known"),
        CheckConstraint("status IN ('draft', 'published', 'cancelled')", name="status_known"),
        CheckConstraint("length(country) = 2", name="country_iso2"),
    )


class MeetingRevision(db.Model):
    """One change to a meeting (created, edited, cancelled, duplicated): its history."""

    __tablename__ = "meetings_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings_meetings.id", ondelete="CASCADE"), index=True
    )
    action: Mapped[str] = mapped_column(String(20))
    # {field: [before, after]} for an edit; {} otherwise. Values as the form shows them (text).
    changes: Mapped[dict] = mapped_column(JSON, default=dict)
    changed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AgendaItem(db.Model):
    """A slot of the agenda: a session, a break, or a proposal team's working session."""

    __tablename__ = "meetings_agenda_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings_meetings.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20), default="session")
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    room: Mapped[str] = mapped_column(String(120), default="")
    speakers: Mapped[str] = mapped_column(String(300), default="")
    # A working session's team and the address of its proposal (the peer review plugin's page).
    team_name: Mapped[str] = mapped_column(String(200), default="")
    proposal_url: Mapped[str] = mapped_column(String(500), default="")

    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("kind IN ('session', 'working_session', 'break')", name="kind_known"),
    )


class Registration(db.Model):
    """A person's place at a meeting: registered, on the waiting list, or cancelled (kept)."""

    __tablename__ = "meetings_registrations"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings_meetings.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    state: Mapped[str] = mapped_column(String(20))
    # The waiting list is promoted in the order of this time (then id).
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    registered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        UniqueConstraint("meeting_id", "user_id"),
        CheckConstraint("state IN ('registered', 'waiting', 'cancelled')", name="state_known"),
    )


class Attendance(db.Model):
    """A person checked in on one day of a meeting (at most once: the unique constraint)."""

    __tablename__ = "meetings_attendances"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings_meetings.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    day: Mapped[date] = mapped_column(Date)
    checked_in_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    checked_in_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )

    __table_args__ = (UniqueConstraint("meeting_id", "user_id", "day"),)


class MeetingDocument(db.Model):
    """Minutes, a document, or what a team produced at the meeting (linked to its proposal)."""

    __tablename__ = "meetings_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings_meetings.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20), default="document")
    title: Mapped[str] = mapped_column(String(200))
    file_name: Mapped[str] = mapped_column(String(200))
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    team_name: Mapped[str] = mapped_column(String(200), default="")
    proposal_url: Mapped[str] = mapped_column(String(500), default="")
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        CheckConstraint("kind IN ('minutes', 'document', 'team_output')", name="kind_known"),
    )


class CoOrganiser(db.Model):
    """A trainer the meeting's organiser asked to help run it: they edit it, its agenda and
    documents, register and check people in and export the lists, but neither cancel it nor
    choose its co-organisers (Indico's event managers, per event)."""

    __tablename__ = "meetings_co_organisers"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings_meetings.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("meeting_id", "user_id"),)


class PersonalSettings(db.Model):
    """The hash of a person's personal calendar address. (Their time zone is the core's
    ``User.timezone``, chosen on the account page.)"""

    __tablename__ = "meetings_personal_settings"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    # SHA-256 of the secret in the feed's address; the secret itself is never stored.
    feed_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    feed_created_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class CohortLink(db.Model):
    """A meeting is a seminar of a cohort (a run of one of its linked courses): the cohort's
    members are asked to register and see it on their calendar, and the cohort's page lists it."""

    __tablename__ = "meetings_cohort_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings_meetings.id", ondelete="CASCADE"), index=True
    )
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("meeting_id", "cohort_id"),)
