"""Meetings and completion counts: the plugin's logic, testable without a request."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, cast

from babel.dates import format_interval
from flask_babel import get_locale
from sqlalchemy import func
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import IntegrityError

from nttlearn.api import Enrolment, Organisation, User, db, min_group_size, utcnow

from .models import CompletedCourseCount, PartneringMeeting

NTT_PLUS_PURPOSE = (
    "Officials from Italy, Sweden, Spain and Finland develop twinned-town network proposals "
    "together, with the common project-design methodology of NTT+."
)

# NTT+'s four transnational meetings (Europe for Citizens, 2010), the demo command's sample data.
NTT_PLUS_MEETINGS = (
    ("NTT+ transnational meeting", "Bologna", "IT", date(2010, 3, 4), date(2010, 3, 5)),
    ("NTT+ transnational meeting", "Luleå", "SE", date(2010, 3, 11), date(2010, 3, 12)),
    ("NTT+ transnational meeting", "La Coruña", "ES", date(2010, 4, 6), date(2010, 4, 7)),
    ("NTT+ transnational meeting", "Helsinki", "FI", date(2010, 5, 10), date(2010, 5, 11)),
)


class DuplicateMeeting(ValueError):
    """A meeting in the same town starting on the same day already exists."""


def today() -> date:
    return utcnow().date()


def upcoming_meetings(on: date | None = None) -> list[PartneringMeeting]:
    """Meetings that have not ended yet, soonest first."""
    on = on or today()
    return list(
        db.session.execute(
            db.select(PartneringMeeting)
            .where(PartneringMeeting.ends_on >= on)
            .order_by(PartneringMeeting.starts_on, PartneringMeeting.town)
        ).scalars()
    )


def past_meetings(on: date | None = None, limit: int = 20) -> list[PartneringMeeting]:
    """Meetings that have ended, latest first."""
    on = on or today()
    return list(
        db.session.execute(
            db.select(PartneringMeeting)
            .where(PartneringMeeting.ends_on < on)
            .order_by(PartneringMeeting.starts_on.desc(), PartneringMeeting.town)
            .limit(limit)
        ).scalars()
    )


def next_meeting(within_days: int, on: date | None = None) -> PartneringMeeting | None:
    """The first meeting that has not ended and starts within ``within_days`` days."""
    on = on or today()
    return db.session.execute(
        db.select(PartneringMeeting)
        .where(
            PartneringMeeting.ends_on >= on,
            PartneringMeeting.starts_on <= on + timedelta(days=within_days),
        )
        .order_by(PartneringMeeting.starts_on, PartneringMeeting.town)
        .limit(1)
    ).scalar()


def add_meeting(
    *,
    title: str,
    town: str,
    country: str,
    starts_on: date,
    ends_on: date,
    description: str = "",
    created_by_id: int | None = None,
) -> PartneringMeeting:
    """Add a meeting; raises :class:`DuplicateMeeting` when the town already has one that day.

    The savepoint turns a concurrent duplicate (double submit) into the same clear error.
    """
    meeting = PartneringMeeting(
        title=title.strip(),
        town=town.strip(),
        country=country.upper(),
        starts_on=starts_on,
        ends_on=ends_on,
        description=(description or "").strip(),
        created_by_id=created_by_id,
    )
    if _meeting_on(meeting.town, starts_on) is not None:
        raise DuplicateMeeting(f"{meeting.town} already has a meeting starting on {starts_on}")
    try:
        with db.session.begin_nested():
            db.session.add(meeting)
    except IntegrityError as exc:
        raise DuplicateMeeting(
            f"{meeting.town} already has a meeting starting on {starts_on}"
        ) from exc
    return meeting


def _meeting_on(town: str, starts_on: date) -> PartneringMeeting | None:
    return db.session.execute(
        db.select(PartneringMeeting).filter_by(town=town, starts_on=starts_on)
    ).scalar()


@dataclass(frozen=True)
class SeedResult:
    added: int
    existing: int


def add_ntt_plus_meetings() -> SeedResult:
    """Add NTT+'s four transnational meetings; those already there are left alone."""
    added = existing = 0
    for title, town, country, starts_on, ends_on in NTT_PLUS_MEETINGS:
        try:
            add_meeting(
                title=title,
                town=town,
                country=country,
                starts_on=starts_on,
                ends_on=ends_on,
                description=NTT_PLUS_PURPOSE,
            )
        except DuplicateMeeting:
            existing += 1
        else:
            added += 1
    return SeedResult(added, existing)


def format_dates(meeting: PartneringMeeting) -> str:
    """``4–5 Mar 2010`` in the reader's language (``4–5 mars 2010`` in Swedish)."""
    return format_interval(meeting.starts_on, meeting.ends_on, "yMMMd", locale=get_locale() or "en")


# -- completions per organisation (fed by the course.completed listener) ------------------------
def count_completed_course(user_id: int | None) -> bool:
    """Add one completed course to the learner's organisation; False when they have none.

    Runs inside the transaction that completed the course. Insert-if-missing in a savepoint,
    then an atomic ``+ 1``: two learners of one town finishing at once both count.
    """
    if user_id is None:
        return False
    organisation_id = db.session.execute(
        db.select(User.organisation_id).where(User.id == user_id)
    ).scalar()
    if organisation_id is None:
        return False
    exists = db.session.execute(
        db.select(CompletedCourseCount.organisation_id).where(
            CompletedCourseCount.organisation_id == organisation_id
        )
    ).first()
    if exists is None:
        try:
            with db.session.begin_nested():
                db.session.execute(
                    db.insert(CompletedCourseCount).values(
                        organisation_id=organisation_id, completions=0, updated_at=utcnow()
                    )
                )
        except IntegrityError:
            pass  # another request created the row first; the update below still counts
    db.session.execute(
        db.update(CompletedCourseCount)
        .where(CompletedCourseCount.organisation_id == organisation_id)
        .values(completions=CompletedCourseCount.completions + 1, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return True


def merge_completions(from_id: int, to_id: int) -> None:
    """Two organisations became one (``organisation.merged``): the spare one's completions count
    for the kept one. Runs before the core deletes the spare organisation (whose row would go
    with it), in the same transaction."""
    moved = db.session.execute(
        db.select(CompletedCourseCount.completions).where(
            CompletedCourseCount.organisation_id == from_id
        )
    ).scalar()
    if moved is None:
        return
    db.session.execute(
        db.delete(CompletedCourseCount).where(CompletedCourseCount.organisation_id == from_id)
    )
    kept = cast(
        CursorResult[Any],
        db.session.execute(
            db.update(CompletedCourseCount)
            .where(CompletedCourseCount.organisation_id == to_id)
            .values(completions=CompletedCourseCount.completions + moved, updated_at=utcnow())
            .execution_options(synchronize_session=False)
        ),
    )
    if kept.rowcount == 0:
        db.session.add(
            CompletedCourseCount(organisation_id=to_id, completions=moved, updated_at=utcnow())
        )
        db.session.flush()


def completions_by_organisation(limit: int = 50) -> list[tuple[Organisation, int]]:
    """Organisations whose officials completed courses, most completions first.

    Every learner sees this list, so an organisation is listed only when at least
    ``min_group_size()`` of its officials (``NTTLEARN_MIN_GROUP_SIZE``, default 5) have completed a
    course: a one-person town's count would be that person's record shown to everyone.
    """
    completers = (
        db.select(
            User.organisation_id, func.count(func.distinct(Enrolment.user_id)).label("people")
        )
        .join(Enrolment, Enrolment.user_id == User.id)
        .where(Enrolment.completed_at.is_not(None), User.organisation_id.is_not(None))
        .group_by(User.organisation_id)
        .subquery()
    )
    rows = db.session.execute(
        db.select(Organisation, CompletedCourseCount.completions)
        .join(CompletedCourseCount, CompletedCourseCount.organisation_id == Organisation.id)
        .join(completers, completers.c.organisation_id == Organisation.id)
        .where(CompletedCourseCount.completions > 0, completers.c.people >= min_group_size())
        .order_by(CompletedCourseCount.completions.desc(), Organisation.name)
        .limit(limit)
    ).all()
    return [(organisation, completions) for organisation, completions in rows]


# -- personal data (GDPR export and account deletion) ------------------------------------------
def user_data(user_id: int) -> dict[str, Any] | None:
    """The meetings a person added, for their data export; None when there are none."""
    meetings = (
        db.session.execute(
            db.select(PartneringMeeting)
            .filter_by(created_by_id=user_id)
            .order_by(PartneringMeeting.starts_on)
        )
        .scalars()
        .all()
    )
    if not meetings:
        return None
    return {
        "meetings_added": [
            {
                "title": m.title,
                "town": m.town,
                "country": m.country,
                "starts_on": m.starts_on.isoformat(),
                "ends_on": m.ends_on.isoformat(),
                "added_at": m.created_at.isoformat(),
            }
            for m in meetings
        ]
    }


def forget_author(user_id: int) -> None:
    """On account deletion: the meetings stay (the organisation's), the link to the person goes."""
    db.session.execute(
        db.update(PartneringMeeting)
        .where(PartneringMeeting.created_by_id == user_id)
        .values(created_by_id=None)
        .execution_options(synchronize_session=False)
    )
