"""The learner's proposal work on the core's to-do list: reviews to write before the review
deadline, team invitations to answer, and the team's proposal to write before the submission
deadline. Four queries per learner (one when they have no proposal work), however many learners
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
    return (stmt.join(Activity, Activity.id == ProposalSettings.activity_id)
            .join(Module, Module.id == Activity.module_id).join(Course, Course.id == Module.course_id)
            .where(Activity.archived.is_(False), Module.archived.is_(False), Course.archived.is_(False),
                   Course.published.is_(True)))


def _has_proposal_work(user_id: int) -> bool:
    """Whether the learner reviews, is invited to or belongs to any team: one cheap query that
    spares the three below to the many learners of courses without a proposal activity."""
    return db.session.execute(db.select(db.or_(
        db.select(Allocation.id).where(Allocation.reviewer_id == user_id).exists(),
        db.select(Invitation.id).where(Invitation.invitee_id == user_id, Invitation.status == "pending").exists(),
        db.select(TeamMember.id).where(TeamMember.user_id == user_id).exists(),
    ))).scalar()


def todo_items(user: Any, now: datetime | None = None) -> list[TodoItem]:
    if not _has_proposal_work(user.id):
        return []
    now = now or utcnow()
    locale = str(get_locale() or "en")
    items: list[TodoItem] = []

    reviews = db.session.execute(_live(
        db.select(Allocation.id, ProposalSettings, Activity, Course.id)
        .join(ProposalSettings, ProposalSettings.activity_id == Allocation.activity_id)
        .outerjoin(ReviewRecord, ReviewRecord.allocation_id == Allocation.id)
        .where(Allocation.reviewer_id == user.id, ReviewRecord.submitted_at.is_(None))
    ).order_by(Allocation.id)).all()
    for allocation_id, settings, activity, course_id in reviews:
        if due_phase(settings, now) != "review":
            continue
        items.append(TodoItem(
            key=f"peer_review:review:{allocation_id}", kind="review",
            title=_("Review a proposal in “%(activity)s”", activity=activity.localized("title", locale)),
            url=url_for("peer_review.review", allocation_id=allocation_id),
            due_at=settings.review_deadline, state=due_state(settings.review_deadline, now), course_id=course_id,
        ))

    invitations = db.session.execute(_live(
        db.select(Invitation.id, Team.name, ProposalSettings, Activity, Course.id)
        .join(Team, Team.id == Invitation.team_id)
        .join(ProposalSettings, ProposalSettings.activity_id == Team.activity_id)
        .where(Invitation.invitee_id == user.id, Invitation.status == "pending")
    ).order_by(Invitation.id)).all()
    for invitation_id, team_name, settings, activity, course_id in invitations:
        if due_phase(settings, now) not in ("drafting", "submission"):
            continue
        items.append(TodoItem(
            key=f"peer_review:invitation:{invitation_id}", kind="invitation",
            title=_("Answer the invitation to join the team “%(team)s” in “%(activity)s”",
                    team=team_name, activity=activity.localized("title", locale)),
            url=url_for("peer_review.view", activity_id=activity.id), state="invited", course_id=course_id,
        ))

    submitted = db.select(Submission.team_id).where(Submission.kind == "original")
    teams = db.session.execute(_live(
        db.select(Team.name, ProposalSettings, Activity, Course.id)
        .join(TeamMember, TeamMember.team_id == Team.id)
        .join(ProposalSettings, ProposalSettings.activity_id == Team.activity_id)
        .where(TeamMember.user_id == user.id, Team.id.not_in(submitted))
    )).all()
    for team_name, settings, activity, course_id in teams:
        if due_phase(settings, now) not in ("drafting", "submission"):
            continue
        deadline = settings.submission_deadline
        items.append(TodoItem(
            key=f"peer_review:proposal:{activity.id}", kind="proposal",
            title=_("Write and submit the proposal of your team “%(team)s” in “%(activity)s”",
                    team=team_name, activity=activity.localized("title", locale)),
            url=url_for("peer_review.view", activity_id=activity.id),
            due_at=deadline, state=due_state(deadline, now), course_id=course_id,
        ))
    return items
