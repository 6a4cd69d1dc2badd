"""Pre-aggregated report tables, so that a report over 10 million events reads thousands of rows.

``evaluation_course_activity`` holds each learner's latest event per course, folded from the
event log up to a mark (an event id) by the periodic job ``evaluation.refresh-report-summaries``.
A report reads the table and adds the events after the mark live ("summary + tail"), so it shows
the same figures as a computation over the whole log, at any moment, however long ago the job ran.

The job folds only events older than ``SETTLE`` (10 minutes): an event's id is taken when it is
inserted, and a transaction still open then may commit a lower id after a higher one was folded.
The latest event of a (course, learner) pair is a maximum, so folding an event twice changes
nothing: a run cut short and run again leaves the same rows.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import case, func, select, union, union_all
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import CursorResult

from nttlearn.api import EventRecord, db, utcnow

from .models import CourseActivity, ReportSummaryState

SETTLE = timedelta(minutes=10)
COURSE_ACTIVITY = "course_activity"


def refresh_report_summaries(now: datetime | None = None) -> int:
    """Fold the settled events after the mark into ``evaluation_course_activity``; returns how many
    (course, learner) rows were written. Safe to run any number of times, also at once (the mark's row is locked)."""
    moment = now or utcnow()
    state = _state()
    start = state.last_event_id
    end = db.session.scalar(
        select(func.max(EventRecord.id)).where(
            EventRecord.id > start, EventRecord.created_at < moment - SETTLE
        )
    )
    state.refreshed_at = moment
    if end is None:
        return 0
    latest = (
        select(EventRecord.course_id, EventRecord.user_id, func.max(EventRecord.created_at))
        .where(
            EventRecord.id > start,
            EventRecord.id <= end,
            EventRecord.course_id.is_not(None),
            EventRecord.user_id.is_not(None),
        )
        .group_by(EventRecord.course_id, EventRecord.user_id)
    )
    insert = postgresql_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    statement = insert(CourseActivity).from_select(
        ["course_id", "user_id", "last_event_at"], latest
    )
    table = CourseActivity.__table__
    written = cast(
        CursorResult[Any],
        db.session.execute(
            statement.on_conflict_do_update(
                index_elements=["course_id", "user_id"],
                set_={
                    "last_event_at": case(
                        (
                            statement.excluded.last_event_at > table.c.last_event_at,
                            statement.excluded.last_event_at,
                        ),
                        else_=table.c.last_event_at,
                    )
                },
            )
        ),
    ).rowcount
    state.last_event_id = end
    return max(int(written or 0), 0)


def _state() -> ReportSummaryState:
    """The mark's row, locked for this transaction (made on the first run)."""
    state = db.session.get(ReportSummaryState, COURSE_ACTIVITY, with_for_update=True)
    if state is None:
        insert = postgresql_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
        db.session.execute(
            insert(ReportSummaryState)
            .values(name=COURSE_ACTIVITY, last_event_id=0)
            .on_conflict_do_nothing(index_elements=["name"])
        )
        state = db.session.get(
            ReportSummaryState, COURSE_ACTIVITY, with_for_update=True, populate_existing=True
        )
        if state is None:  # made just above, unless the table is being dropped under us
            raise RuntimeError("the report summaries' state row could not be made")
    return state


def course_activity_mark() -> int:
    """The last event id folded into ``evaluation_course_activity`` (0 before the first run)."""
    return (
        db.session.scalar(
            select(ReportSummaryState.last_event_id).where(
                ReportSummaryState.name == COURSE_ACTIVITY
            )
        )
        or 0
    )


def active_pairs(since: datetime, mark: int):
    """(course_id, user_id) of every learner with an event in a course at or after ``since``: the
    pre-aggregated latest events up to ``mark``, and the event log after it."""
    summarised = select(CourseActivity.course_id, CourseActivity.user_id).where(
        CourseActivity.last_event_at >= since
    )
    tail = select(EventRecord.course_id, EventRecord.user_id).where(
        EventRecord.id > mark,
        EventRecord.created_at >= since,
        EventRecord.course_id.is_not(None),
        EventRecord.user_id.is_not(None),
    )
    return union(summarised, tail).subquery("recent")


def latest_in_course(course_id: int, mark: int):
    """(user_id, last_at): each learner's latest event in the course, from the pre-aggregated
    table up to ``mark`` and the event log after it."""
    both = union_all(
        select(CourseActivity.user_id, CourseActivity.last_event_at.label("at")).where(
            CourseActivity.course_id == course_id
        ),
        select(EventRecord.user_id, EventRecord.created_at).where(
            EventRecord.id > mark,
            EventRecord.course_id == course_id,
            EventRecord.user_id.is_not(None),
        ),
    ).subquery("seen")
    return (
        select(both.c.user_id, func.max(both.c.at).label("last_at"))
        .group_by(both.c.user_id)
        .subquery("latest")
    )


def delete_user_data(user_id: int) -> None:
    """A deleted account's rows go (its events keep no user either)."""
    db.session.execute(db.delete(CourseActivity).where(CourseActivity.user_id == user_id))
