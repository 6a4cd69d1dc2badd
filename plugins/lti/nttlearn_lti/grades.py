"""Assignment and Grade Services: scores go back to the platform's line item.

The core's events say when a learner completes an activity (with its score, 0..100) or a course;
for each launch of a link to that activity or course that has a line item, a background job sends
the score. A platform that is down is tried again by the job queue."""

from __future__ import annotations

from datetime import UTC, datetime

from pylti1p3.assignments_grades import AssignmentsGradesService
from pylti1p3.grade import Grade
from pylti1p3.service_connector import ServiceConnector

from nttlearn.api import ActivityCompletion, Event, JobError, db, enqueue, utcnow

from .config import registration_for
from .models import Launch, Link, Platform, ScoreSent

#: The core's events after which an activity's score may have changed: its first completion, and
#: ``activity.graded`` (whichever plugin graded: a quiz attempt, an assignment). The score sent is
#: then the one the core keeps for the activity.
ACTIVITY_EVENTS = frozenset({"activity.completed", "activity.graded"})


def on_event(event: Event) -> None:
    """Queue a score for each platform link the learner launched that this event grades."""
    if event.user_id is None or event.course_id is None:
        return
    score: float | None
    if event.name in ACTIVITY_EVENTS:
        activity_id = event.data.get("activity_id")
        if not isinstance(activity_id, int):
            return
        where, score = Link.activity_id == activity_id, None
    elif event.name == "course.completed":
        where, score = Link.activity_id.is_(None), 100.0
    else:
        return
    launches = (
        db.session.execute(
            db.select(Launch.id)
            .join(Link, Link.id == Launch.link_id)
            .where(
                Launch.user_id == event.user_id,
                Link.course_id == event.course_id,
                where,
                Link.lineitem_url.is_not(None),
            )
        )
        .scalars()
        .all()
    )
    for launch_id in launches:
        enqueue(send_score, launch_id, score, key=f"lti-score-{launch_id}-{event.id}")


def activity_score(user_id: int, activity_id: int) -> float | None:
    """The score the core keeps for the learner's completed activity (100 for an ungraded one);
    None while the activity is not completed."""
    row = db.session.execute(
        db.select(ActivityCompletion.score).where(
            ActivityCompletion.user_id == user_id, ActivityCompletion.activity_id == activity_id
        )
    ).first()
    if row is None:
        return None
    return 100.0 if row.score is None else float(row.score)


def send_score(launch_id: int, score: float | None) -> None:
    """The background job: post the score to the link's line item as the person's ``sub``
    (``None``: the activity's score as the core keeps it when the job runs)."""
    launch = db.session.get(Launch, launch_id)
    if launch is None:
        return
    link = db.session.get(Link, launch.link_id)
    platform = db.session.get(Platform, link.platform_id) if link is not None else None
    if link is None or platform is None or not link.lineitem_url:
        return
    if score is None:
        score = (
            activity_score(launch.user_id, link.activity_id)
            if link.activity_id is not None
            else None
        )
        if score is None:
            return
    service = AssignmentsGradesService(
        ServiceConnector(registration_for(platform)),
        {"scope": link.ags_scopes, "lineitem": link.lineitem_url},
    )
    grade = (
        Grade()
        .set_score_given(round(score, 2))
        .set_score_maximum(100)
        .set_timestamp(datetime.now(UTC).isoformat())
        .set_activity_progress("Completed")
        .set_grading_progress("FullyGraded")
        .set_user_id(launch.sub)
    )
    try:
        service.put_grade(grade)
    except Exception as error:  # the queue retries; the message names the platform's answer
        raise JobError(f"score not accepted by {platform.issuer}: {error}") from error
    sent = db.session.get(ScoreSent, launch_id) or ScoreSent(launch_id=launch_id)
    sent.score, sent.sent_at = score, utcnow()
    db.session.add(sent)
    db.session.commit()
