"""What the plugin adds to the core's pages and reacts to: notifications in the dashboard slot,
the review-quality panel on course reports, and reallocation when a reviewer leaves."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import gettext as _
from markupsafe import Markup

from nttlearn.api import Activity, Module, ReportPanel, db, render_fragment

from .allocating import drop_reviewer
from .models import Allocation, ProposalSettings
from .notifications import unread
from .quality import course_quality


def dashboard(user: Any) -> Markup | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    notices = unread(user.id)
    if not notices:
        return None
    return render_fragment("peer_review/dashboard_slot.html", notices=notices)


def report_panels(course: Any) -> list[ReportPanel]:
    if course is None:
        return []
    activities = course_quality(course.id)
    if not activities:
        return []
    body = render_fragment("peer_review/panel.html", activities=activities)
    return [
        ReportPanel(
            _("Peer review quality"),
            body,
            csv_url=url_for("peer_review.quality_csv", course_id=course.id),
        )
    ]


def reviewer_left(user_id: int | None, course_id: int | None) -> None:
    """A reviewer who leaves the course (or deletes the account) drops out: their reviews not
    yet submitted go to other reviewers, in every proposal activity still under review."""
    if user_id is None:
        return
    reviewing = db.select(Allocation.activity_id).where(Allocation.reviewer_id == user_id)
    stmt = (
        db.select(ProposalSettings)
        .where(
            ProposalSettings.activity_id.in_(reviewing),
            ProposalSettings.phase.in_(("allocation", "review", "feedback")),
        )
        .order_by(ProposalSettings.activity_id)
    )
    if course_id is not None:
        stmt = (
            stmt.join(Activity, Activity.id == ProposalSettings.activity_id)
            .join(Module, Module.id == Activity.module_id)
            .where(Module.course_id == course_id)
        )
    for settings in db.session.execute(stmt).scalars().all():
        drop_reviewer(settings, user_id)
