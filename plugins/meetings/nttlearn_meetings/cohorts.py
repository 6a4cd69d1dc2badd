"""Seminars of a cohort: a meeting linked to cohorts (runs) of its linked courses.

The course's trainers (and admins) link their courses' cohorts; a link made by someone else is
kept when another organiser saves the meeting. The cohort's members then get "Register for …"
on their to-do list and calendar, and the cohort's page (the core's ``cohort`` slot) lists its
seminars with a message to the cohort about the next one. Everything reads the core's cohorts
through :mod:`nttlearn.api` only.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy.exc import IntegrityError

from nttlearn.api import Cohort, CohortMember, Course, CourseStaff, db, utcnow

from .models import CohortLink, Meeting, MeetingRevision, Registration
from .services import MeetingError


def linkable_cohorts(user: Any) -> list[tuple[Cohort, Course]]:
    """The cohorts ``user`` may link a meeting to: those of the courses they are a trainer of
    (every course's for an admin), by course title and start."""
    if not getattr(user, "is_authenticated", False) or not user.is_trainer:
        return []
    query = db.select(Cohort, Course).join(Course, Course.id == Cohort.course_id)
    if not user.is_admin:
        query = query.where(
            Cohort.course_id.in_(
                db.select(CourseStaff.course_id).where(CourseStaff.user_id == user.id)
            )
        )
    return list(
        db.session.execute(query.order_by(Course.title, Cohort.starts_on, Cohort.name)).all()
    )


def linked_cohorts(meeting_id: int) -> list[tuple[Cohort, Course]]:
    """The cohorts a meeting is a seminar of, with their courses."""
    return list(
        db.session.execute(
            db.select(Cohort, Course)
            .join(CohortLink, CohortLink.cohort_id == Cohort.id)
            .join(Course, Course.id == Cohort.course_id)
            .where(CohortLink.meeting_id == meeting_id)
            .order_by(Course.title, Cohort.starts_on, Cohort.name)
        ).all()
    )


def _label(cohort: Cohort, course: Course) -> str:
    return f"{course.title}: {cohort.name}"


def set_cohort_links(meeting: Meeting, chosen: list[int], user: Any) -> dict[str, list[str]]:
    """Make ``chosen`` the cohorts ``user`` links ``meeting`` to, keeping the links to cohorts they
    may not manage (another course's trainer made them). Returns ``{"cohorts": [before, after]}``
    (also kept in the meeting's history) or ``{}`` when nothing changed.

    MeetingError (on the ``cohort_ids`` field) for a cohort of a course the user does not teach, or
    of a course the meeting is not linked to; nothing is written then."""
    mine = {cohort.id: (cohort, course) for cohort, course in linkable_cohorts(user)}
    current = {cohort.id: (cohort, course) for cohort, course in linked_cohorts(meeting.id)}
    wanted = set(chosen)
    if wanted - set(mine):
        raise MeetingError(
            _l("You can link only cohorts of the courses you are a trainer of."), "cohort_ids"
        )
    kept = set(current) - set(mine)
    after = (wanted & set(mine)) | kept
    courses = {int(c) for c in meeting.course_ids or []}
    for cid in sorted(after):
        cohort, course = mine.get(cid) or current[cid]
        if cohort.course_id not in courses:
            raise MeetingError(
                _l(
                    "%(cohort)s is a cohort of “%(course)s”, which this meeting is not linked to: "
                    "link the course too, or leave the cohort out.",
                    cohort=cohort.name,
                    course=course.title,
                ),
                "cohort_ids",
            )
    added, removed = after - set(current), set(current) - after
    if not added and not removed:
        return {}
    now = utcnow()
    if removed:
        db.session.execute(
            db.delete(CohortLink).where(
                CohortLink.meeting_id == meeting.id, CohortLink.cohort_id.in_(removed)
            )
        )
    for cid in sorted(added):
        try:
            with db.session.begin_nested():
                db.session.add(
                    CohortLink(
                        meeting_id=meeting.id, cohort_id=cid, added_by_id=user.id, added_at=now
                    )
                )
        except IntegrityError:  # linked a moment ago by a double submit
            continue
    names = {cid: _label(*pair) for cid, pair in {**current, **mine}.items()}
    changes = {
        "cohorts": [
            ", ".join(sorted(names[c] for c in current)),
            ", ".join(sorted(names[c] for c in after)),
        ]
    }
    db.session.add(
        MeetingRevision(
            meeting_id=meeting.id,
            action="edited",
            changes=changes,
            changed_by_id=user.id,
            changed_at=now,
        )
    )
    return changes


def cohort_seminars(cohort_id: int) -> list[Meeting]:
    """The cohort's seminars that are not drafts, in date order."""
    return list(
        db.session.execute(
            db.select(Meeting)
            .join(CohortLink, CohortLink.meeting_id == Meeting.id)
            .where(CohortLink.cohort_id == cohort_id, Meeting.status != "draft")
            .order_by(Meeting.starts_at, Meeting.id)
        ).scalars()
    )


def deletion_summary(cohort: Cohort) -> list[str] | None:
    """What deleting ``cohort`` takes away here, for the core's confirmation page: the links to
    its seminars (the meetings themselves and their registrations stay)."""
    linked = list(
        db.session.execute(
            db.select(Meeting.title)
            .join(CohortLink, CohortLink.meeting_id == Meeting.id)
            .where(CohortLink.cohort_id == cohort.id)
            .order_by(Meeting.starts_at, Meeting.id)
        ).scalars()
    )
    if not linked:
        return None
    return [
        ngettext(
            "The link to %(num)d seminar is removed (%(titles)s); the seminar and its registrations stay.",
            "The links to %(num)d seminars are removed (%(titles)s); the seminars and their registrations stay.",
            len(linked),
            titles=", ".join(linked),
        )
    ]


def registered_members(cohort_id: int, meeting_ids: list[int]) -> dict[int, int]:
    """How many of the cohort's members hold a seat at each meeting."""
    if not meeting_ids:
        return {}
    return dict(
        db.session.execute(
            db.select(Registration.meeting_id, db.func.count())
            .join(
                CohortMember,
                (CohortMember.user_id == Registration.user_id)
                & (CohortMember.cohort_id == cohort_id),
            )
            .where(Registration.meeting_id.in_(meeting_ids), Registration.state == "registered")
            .group_by(Registration.meeting_id)
        ).all()
    )


def my_cohort_meetings(user_id: int, now: datetime) -> list[Meeting]:
    """The published, not yet ended meetings of the cohorts ``user_id`` is in, registration open."""
    return list(
        db.session.execute(
            db.select(Meeting)
            .where(
                Meeting.id.in_(
                    db.select(CohortLink.meeting_id)
                    .join(CohortMember, CohortMember.cohort_id == CohortLink.cohort_id)
                    .where(CohortMember.user_id == user_id)
                ),
                Meeting.status == "published",
                Meeting.ends_at > now,
                (Meeting.registration_deadline.is_(None)) | (Meeting.registration_deadline > now),
            )
            .order_by(Meeting.starts_at, Meeting.id)
        ).scalars()
    )
