"""Telling a learner their work has been graded: a notification and, as they prefer, an e-mail,
both in the learner's language (not the trainer's)."""

from __future__ import annotations

from flask import current_app, has_request_context, url_for
from flask_babel import gettext as _

from nttlearn.api import Activity, User, fingerprint, notify

from .models import Submission


def activity_path(activity_id: int) -> str:
    """The assignment's page, also outside a request (a command or a job)."""
    if has_request_context():
        return url_for("assignment.view", activity_id=activity_id)
    with current_app.test_request_context():
        return url_for("assignment.view", activity_id=activity_id)


def tell_graded(
    learner: User, activity: Activity, submission: Submission, max_points: float
) -> None:
    """The core's ``feedback_available`` notification; once per grade (the same points and
    feedback saved twice, even by two requests at once, tell the learner once)."""
    title_of = activity.localized("title", learner.locale or "en")
    points = f"{submission.points:g}"
    key = f"assignment:{submission.id}:graded:{submission.times_submitted}:{points}:{fingerprint(submission.feedback)}"
    notify(
        learner,
        "feedback_available",
        lambda: _("Your assignment “%(title)s” has been graded", title=title_of),
        url=activity_path(activity.id),
        body=lambda: _(
            "Your trainer has graded your assignment “%(title)s”: %(points)s of %(max)s points. "
            "Read the feedback on the assignment's page.",
            title=title_of,
            points=points,
            max=f"{max_points:g}",
        ),
        key=key,
    )
