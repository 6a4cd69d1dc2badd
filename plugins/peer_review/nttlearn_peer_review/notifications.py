"""In-app notifications (shown in the dashboard slot) and the e-mails sent with them: team
invitations, reviews to do, feedback ready, and the trainer's reminders.

Each message is written in its recipient's language, not the sender's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from flask import current_app, has_request_context, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from nttlearn.api import Activity, User, db, utcnow
from nttlearn.api import notify as core_notify

from .languages import current_locale
from .models import Allocation, Notification, ReviewRecord, Submission, TeamMember

DASHBOARD_LIMIT = 8


def title_in_locale(activity: Activity) -> str:
    """The activity's title in the language being written in: inside `notify`'s messages, the
    recipient's (``force_locale``), else the reader's."""
    return activity.localized("title", current_locale())


def activity_path(activity_id: int) -> str:
    """The activity's page, also from the command line (``nttlearn peer_review advance``)."""
    if has_request_context():
        return url_for("peer_review.view", activity_id=activity_id)
    with current_app.test_request_context():
        return url_for("peer_review.view", activity_id=activity_id)


# The core's kinds of notification (each person chooses per kind how to be e-mailed).
CORE_KINDS = {
    "invitation": "team_invitation",
    "reviews": "review_assigned",
    "feedback": "feedback_available",
    "reminder": "course_message",
}


def notify(
    user_ids: Iterable[int],
    activity: Activity,
    kind: str,
    message: Callable[[], str],
    *,
    subject: Callable[[], str] | None = None,
    sender_id: int | None = None,
) -> int:
    """Leave a notification for each user on the activity's dashboard notices and, with a
    ``subject``, in the core's notification list too, which e-mails it as the user prefers
    (at once, in the daily digest, or not).

    ``message`` and ``subject`` are called once per recipient inside their locale, so a
    ``gettext`` inside them reads in the recipient's language. Returns how many were notified.
    """
    ids = sorted(set(user_ids))
    if not ids:
        return 0
    users = (
        db.session.execute(
            db.select(User).where(
                User.id.in_(ids), User.active.is_(True), User.deleted_at.is_(None)
            )
        )
        .scalars()
        .all()
    )
    link = current_app.config.get("BASE_URL", "") + activity_path(activity.id)
    rows = []
    for user in users:
        with force_locale(user.locale or "en"):
            text = message()
        rows.append(
            {
                "user_id": user.id,
                "activity_id": activity.id,
                "kind": kind,
                "message": text,
                "sender_id": sender_id,
                "created_at": utcnow(),
            }
        )
        if subject is not None:
            core_notify(
                user,
                CORE_KINDS.get(kind, kind),
                subject,
                url=link,
                body=lambda: _(
                    "%(message)s\n\nOpen the activity “%(activity)s”: %(link)s",
                    message=message(),
                    activity=title_in_locale(activity),
                    link=link,
                ),
            )
    if rows:
        db.session.execute(db.insert(Notification), rows)
    return len(rows)


@dataclass(frozen=True)
class DashboardNotice:
    id: int
    message: str
    activity_id: int | None
    activity_title: str | None
    created_at: object


def unread(user_id: int, limit: int = DASHBOARD_LIMIT) -> list[DashboardNotice]:
    rows = db.session.execute(
        db.select(Notification, Activity)
        .outerjoin(Activity, Activity.id == Notification.activity_id)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(limit)
    ).all()
    locale = current_locale()
    return [
        DashboardNotice(
            n.id,
            n.message,
            n.activity_id,
            activity.localized("title", locale) if activity else None,
            n.created_at,
        )
        for n, activity in rows
    ]


def mark_read(notification_id: int, user_id: int) -> bool:
    """Dismiss one of the user's own notifications; another's is left alone (False)."""
    result = db.session.execute(
        db.update(Notification)
        .where(
            Notification.id == notification_id,
            Notification.user_id == user_id,
            Notification.read_at.is_(None),
        )
        .values(read_at=utcnow())
    )
    return result.rowcount == 1


# -- reminders ------------------------------------------------------------------------------------
REMINDER_AUDIENCES = ("not_submitted", "missing_reviews")


def reminder_recipients(activity_id: int, course_learner_ids: list[int], audience: str) -> set[int]:
    """Who a reminder goes to: learners whose team has not submitted (or who have no team yet),
    or reviewers with reviews not yet submitted."""
    if audience == "not_submitted":
        submitted_teams = db.select(Submission.team_id).where(
            Submission.activity_id == activity_id, Submission.kind == "original"
        )
        done = set(
            db.session.execute(
                db.select(TeamMember.user_id).where(
                    TeamMember.activity_id == activity_id, TeamMember.team_id.in_(submitted_teams)
                )
            ).scalars()
        )
        return set(course_learner_ids) - done
    if audience == "missing_reviews":
        return set(
            db.session.execute(
                db.select(Allocation.reviewer_id)
                .outerjoin(ReviewRecord, ReviewRecord.allocation_id == Allocation.id)
                .where(Allocation.activity_id == activity_id, ReviewRecord.submitted_at.is_(None))
            ).scalars()
        )
    raise ValueError(f"unknown audience {audience!r}")


def send_reminder(
    activity: Activity, recipients: set[int], note: str, sender_id: int, audience: str
) -> int:
    """The trainer's reminder: in-app and by e-mail, with the trainer's own words if any."""
    note = note.strip()

    def message() -> str:
        text = (
            _(
                "Reminder: your team has not submitted its proposal for “%(activity)s” yet.",
                activity=title_in_locale(activity),
            )
            if audience == "not_submitted"
            else _(
                "Reminder: you still have reviews to submit for “%(activity)s”.",
                activity=title_in_locale(activity),
            )
        )
        return f"{text}\n\n{note}" if note else text

    return notify(
        recipients,
        activity,
        "reminder",
        message,
        subject=lambda: _("Reminder: %(activity)s", activity=title_in_locale(activity)),
        sender_id=sender_id,
    )
