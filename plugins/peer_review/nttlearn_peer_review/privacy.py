"""A learner's peer-review data for their GDPR export, and what deleting the account removes.

Deletion removes the free text the person wrote alone (review comments, strengths and
suggestions), their partner-directory entry, their invitations, notifications, practice assessments and helpfulness ratings.
The scores of their reviews and their team membership stay with the anonymous account, so that
nobody else's grades change; the team's proposal text is the team's work and stays, no longer
attributed to them. So do the team's applications to funders: they are the team's record, and
only stop naming who recorded them.
"""

from __future__ import annotations

from typing import Any

from nttlearn.api import db

from .models import (
    Allocation,
    Application,
    ApplicationDocument,
    Calibration,
    CriterionScore,
    DirectoryEntry,
    FinalGrade,
    GradeOverride,
    HelpfulnessRating,
    Invitation,
    Notification,
    ReviewRecord,
    Section,
    SectionVersion,
    Submission,
    Team,
    TeamMember,
)


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def user_data(user_id: int) -> dict[str, Any] | None:
    teams = (
        db.session.execute(
            db.select(Team)
            .join(TeamMember, TeamMember.team_id == Team.id)
            .where(TeamMember.user_id == user_id)
            .order_by(Team.id)
        )
        .scalars()
        .all()
    )
    writing = db.session.execute(
        db.select(SectionVersion, Section.key, Section.team_id)
        .join(Section, Section.id == SectionVersion.section_id)
        .where(SectionVersion.author_id == user_id)
        .order_by(SectionVersion.id)
    ).all()
    reviews = db.session.execute(
        db.select(Allocation, ReviewRecord)
        .outerjoin(ReviewRecord, ReviewRecord.allocation_id == Allocation.id)
        .where(Allocation.reviewer_id == user_id)
        .order_by(Allocation.id)
    ).all()
    scores: dict[int, list[dict[str, Any]]] = {}
    review_ids = [r.id for _a, r in reviews if r is not None]
    if review_ids:
        for score in db.session.execute(
            db.select(CriterionScore)
            .where(CriterionScore.review_id.in_(review_ids))
            .order_by(CriterionScore.id)
        ).scalars():
            scores.setdefault(score.review_id, []).append(
                {"criterion": score.criterion, "points": score.points, "comment": score.comment}
            )
    ratings = (
        db.session.execute(
            db.select(HelpfulnessRating)
            .where(HelpfulnessRating.rater_id == user_id)
            .order_by(HelpfulnessRating.id)
        )
        .scalars()
        .all()
    )
    grades = (
        db.session.execute(
            db.select(FinalGrade).where(FinalGrade.user_id == user_id).order_by(FinalGrade.id)
        )
        .scalars()
        .all()
    )
    calibrations = (
        db.session.execute(
            db.select(Calibration).where(Calibration.user_id == user_id).order_by(Calibration.id)
        )
        .scalars()
        .all()
    )
    submitted = (
        db.session.execute(
            db.select(Submission)
            .where(Submission.submitted_by_id == user_id)
            .order_by(Submission.id)
        )
        .scalars()
        .all()
    )
    entry = db.session.execute(
        db.select(DirectoryEntry).where(DirectoryEntry.user_id == user_id)
    ).scalar()
    recorded = (
        db.session.execute(
            db.select(Application)
            .where(
                db.or_(Application.recorded_by_id == user_id, Application.updated_by_id == user_id)
            )
            .order_by(Application.id)
        )
        .scalars()
        .all()
    )
    if not any(
        (teams, writing, reviews, ratings, grades, calibrations, submitted, entry, recorded)
    ):
        return None
    return {
        "partner_directory": None
        if entry is None
        else {
            "town": entry.town,
            "country": entry.country,
            "organisation": entry.organisation,
            "policy_areas": [k for k in entry.policy_areas.split(",") if k],
            "languages": [k for k in entry.languages.split(",") if k],
            "looking_for": entry.looking_for,
            "created_at": _iso(entry.created_at),
            "updated_at": _iso(entry.updated_at),
        },
        "applications": [
            {
                "team_id": a.team_id,
                "programme": a.programme,
                "call": a.funding_call,
                "submitted_on": a.submitted_on.isoformat(),
                "lead_organisation": a.lead_organisation,
                "partners": a.partners,
                "requested_eur": str(a.requested_eur),
                "outcome": a.outcome,
                "granted_eur": None if a.granted_eur is None else str(a.granted_eur),
                "recorded_by_you": a.recorded_by_id == user_id,
            }
            for a in recorded
        ],
        "teams": [
            {"activity_id": t.activity_id, "team": t.name, "proposal_title": t.title} for t in teams
        ],
        "section_versions": [
            {
                "team_id": team_id,
                "section": key,
                "version": v.version,
                "text": v.text,
                "saved_at": _iso(v.created_at),
            }
            for v, key, team_id in writing
        ],
        "submissions": [
            {
                "activity_id": s.activity_id,
                "kind": s.kind,
                "title": s.title,
                "submitted_at": _iso(s.submitted_at),
            }
            for s in submitted
        ],
        "reviews": [
            {
                "activity_id": a.activity_id,
                "submission_id": a.submission_id,
                "submitted_at": _iso(r.submitted_at) if r else None,
                "strengths": r.strengths if r else "",
                "suggestions": r.suggestions if r else "",
                "scores": scores.get(r.id, []) if r else [],
            }
            for a, r in reviews
        ],
        "helpfulness_ratings": [{"review_id": r.review_id, "rating": r.rating} for r in ratings],
        "calibrations": [
            {"example_id": c.example_id, "scores": c.scores, "agreement": c.agreement}
            for c in calibrations
        ],
        "grades": [
            {
                "activity_id": g.activity_id,
                "submission_grade": g.submission_grade,
                "reviewing_grade": g.reviewing_grade,
                "grade": g.grade,
                "accepted": g.accepted,
            }
            for g in grades
        ],
    }


def delete_user_data(user_id: int) -> None:
    mine = (
        db.select(ReviewRecord.id)
        .join(Allocation, Allocation.id == ReviewRecord.allocation_id)
        .where(Allocation.reviewer_id == user_id)
    )
    db.session.execute(
        db.update(ReviewRecord)
        .where(ReviewRecord.id.in_(mine))
        .values(strengths="", suggestions="")
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        db.update(CriterionScore)
        .where(CriterionScore.review_id.in_(mine))
        .values(comment="")
        .execution_options(synchronize_session=False)
    )
    for model, column in (
        (HelpfulnessRating, HelpfulnessRating.rater_id),
        (Calibration, Calibration.user_id),
        (Notification, Notification.user_id),
        (Invitation, Invitation.invitee_id),
        (DirectoryEntry, DirectoryEntry.user_id),
    ):
        db.session.execute(
            db.delete(model).where(column == user_id).execution_options(synchronize_session=False)
        )
    for model, column in (
        (SectionVersion, SectionVersion.author_id),
        (Section, Section.updated_by_id),
        (Submission, Submission.submitted_by_id),
        (Team, Team.created_by_id),
        (GradeOverride, GradeOverride.set_by_id),
        (Invitation, Invitation.invited_by_id),
        (Notification, Notification.sender_id),
        (Application, Application.recorded_by_id),
        (Application, Application.updated_by_id),
        (ApplicationDocument, ApplicationDocument.uploaded_by_id),
    ):
        db.session.execute(
            db.update(model)
            .where(column == user_id)
            .values({column.key: None})
            .execution_options(synchronize_session=False)
        )
