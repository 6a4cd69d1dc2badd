"""The learner's proposal work on the core's to-do list: reviews to write before the review
deadline, team invitations to answer, and the team's proposal to write before the submission
deadline. Two queries per learner (one when they have no proposal work), however many learners
there are; the phase each activity
is in comes from the workflow's own rule (`workflow.due_phase`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from nttlearn.api import Activity, Course, Module, TodoItem, db, due_state, utcnow

from .models import (
    Allocation,
    Invitation,
    ProposalSettings,
    ReviewRecord,
    Submission,
    Team,
    TeamMember,
)
from .workflow import due_phase


def _live(stmt):
    """Only activities learners can see: not archived, in a published course that is not archived."""
    return (
        stmt.join(Activity, Activity.id == ProposalSettings.activity_id)
        .join(Module, Module.id == Activity.module_id)
        .join(Course, Course.id == Module.course_id)
        .where(
            Activity.archived.is_(False),
            Module.archived.is_(False),
            Course.archived.is_(False),
            Course.published.is_(True),
        )
    )


def _work(user_id: int) -> list[tuple[str, int, str | None, int]]:
    """The learner's open proposal work, in one query: ``("review", allocation id, None,
    activity id)`` for each review not submitted yet, ``("invitation", invitation id, team name,
    activity id)`` for each pending invitation, ``("proposal", team id, team name, activity id)``
    for their team if its proposal is not submitted. Nothing for the many learners of courses
    without a proposal activity, and then no further query."""
    submitted = db.select(Submission.team_id).where(Submission.kind == "original")
    rows = db.session.execute(
        db.union_all(
            db.select(
                db.literal("review"), Allocation.id, db.null().label("name"), Allocation.activity_id
            )
            .outerjoin(ReviewRecord, ReviewRecord.allocation_id == Allocation.id)
            .where(Allocation.reviewer_id == user_id, ReviewRecord.submitted_at.is_(None)),
            db.select(db.literal("invitation"), Invitation.id, Team.name, Team.activity_id)
            .join(Team, Team.id == Invitation.team_id)
            .where(Invitation.invitee_id == user_id, Invitation.status == "pending"),
            db.select(db.literal("proposal"), Team.id, Team.name, Team.activity_id)
            .join(TeamMember, TeamMember.team_id == Team.id)
            .where(TeamMember.user_id == user_id, Team.id.not_in(submitted)),
        )
    ).all()
    order = {"review": 0, "invitation": 1, "proposal": 2}
    return sorted((tuple(row) for row in rows), key=lambda row: (order[row[0]], row[1]))


def todo_items(user: Any, now: datetime | None = None) -> list[TodoItem]:
    work = _work(user.id)
    if not work:
        return []
    now = now or utcnow()
    locale = str(get_locale() or "en")
    # The activities' settings, for the live activities only, in a second query.
    live = {
        settings.activity_id: (settings, activity, course_id)
        for settings, activity, course_id in db.session.execute(
            _live(db.select(ProposalSettings, Activity, Course.id)).where(
                ProposalSettings.activity_id.in_({activity_id for *_rest, activity_id in work})
            )
        )
    }
    items: list[TodoItem] = []
    for kind, ref_id, team_name, activity_id in work:
        if activity_id not in live:
            continue
        settings, activity, course_id = live[activity_id]
        phase = due_phase(settings, now)
        title = activity.localized("title", locale)
        if kind == "review":
            if phase != "review":
                continue
            items.append(
                TodoItem(
                    key=f"peer_review:review:{ref_id}",
                    kind="review",
                    title=_("Review a proposal in “%(activity)s”", activity=title),
                    url=url_for("peer_review.review", allocation_id=ref_id),
                    due_at=settings.review_deadline,
                    state=due_state(settings.review_deadline, now),
                    course_id=course_id,
                )
            )
        elif phase not in ("drafting", "submission"):
            continue
        elif kind == "invitation":
            items.append(
                TodoItem(
                    key=f"peer_review:invitation:{ref_id}",
                    kind="invitation",
                    title=_(
                        "Answer the invitation to join the team “%(team)s” in “%(activity)s”",
                        team=team_name,
                        activity=title,
                    ),
                    url=url_for("peer_review.view", activity_id=activity.id),
                    state="invited",
                    course_id=course_id,
                )
            )
        else:
            deadline = settings.submission_deadline
            items.append(
                TodoItem(
                    key=f"peer_review:proposal:{activity.id}",
                    kind="proposal",
                    title=_(
                        "Write and submit the proposal of your team “%(team)s” in “%(activity)s”",
                        team=team_name,
                        activity=title,
                    ),
                    url=url_for("peer_review.view", activity_id=activity.id),
                    due_at=deadline,
                    state=due_state(deadline, now),
                    course_id=course_id,
                )
            )
    return items
