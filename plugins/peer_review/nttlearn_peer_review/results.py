"""Grades and completion from the database: each submission's grade (mean or median of its
reviews, or the trainer's override), each reviewer's grade for reviewing, the weighted activity
grade, the completion rule fed to the core, and closing the activity (grades fixed, accepted
proposals announced).

The formulas are in :mod:`.grades`; this module only gathers the reviews to feed them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from nttlearn.api import Activity, complete_activity, db, emit, utcnow

from . import grades
from .allocating import authors_of, originals
from .models import (
    Allocation,
    CriterionScore,
    FinalGrade,
    GradeOverride,
    ProposalSettings,
    ReviewRecord,
    Submission,
    Team,
)
from .services import activity_and_course, grading_of, phase_index, rubric_of


@dataclass
class TeamResult:
    team_id: int
    submission_id: int
    totals: list[float] = field(default_factory=list)
    computed: float | None = None
    override: float | None = None

    @property
    def grade(self) -> float | None:
        return self.override if self.override is not None else self.computed


@dataclass
class LearnerResult:
    user_id: int
    team_id: int | None = None
    submitted: bool = False
    allocated: int = 0
    reviewed: int = 0
    late_reviews: int = 0
    submission_grade: float | None = None
    reviewing_grade: float | None = None
    grade: float | None = None


@dataclass
class Results:
    teams: dict[int, TeamResult]
    learners: dict[int, LearnerResult]
    reviews: list[grades.Review]
    disagreements: list[grades.Disagreement]


def submitted_reviews(activity_id: int) -> list[tuple[Allocation, ReviewRecord, dict[str, float]]]:
    """Every submitted review of the activity with its points per criterion (two queries)."""
    rows = db.session.execute(
        db.select(Allocation, ReviewRecord)
        .join(ReviewRecord, ReviewRecord.allocation_id == Allocation.id)
        .where(Allocation.activity_id == activity_id, ReviewRecord.submitted_at.is_not(None))
        .order_by(Allocation.id)
    ).all()
    points: dict[int, dict[str, float]] = defaultdict(dict)
    if rows:
        for review_id, criterion, value in db.session.execute(
            db.select(
                CriterionScore.review_id, CriterionScore.criterion, CriterionScore.points
            ).where(
                CriterionScore.review_id.in_([r.id for _a, r in rows]),
                CriterionScore.points.is_not(None),
            )
        ):
            points[review_id][criterion] = value
    return [(a, r, points[r.id]) for a, r in rows]


def compute_results(settings: ProposalSettings) -> Results:
    rubric, grading = rubric_of(settings), grading_of(settings)
    submissions = originals(settings.activity_id)
    authors = authors_of(submissions)
    by_id = {s.id: s for s in submissions}
    teams = {s.team_id: TeamResult(s.team_id, s.id) for s in submissions}
    learners: dict[int, LearnerResult] = {}

    def learner(user_id: int) -> LearnerResult:
        return learners.setdefault(user_id, LearnerResult(user_id))

    for s in submissions:
        for user_id in authors[s.id]:
            row = learner(user_id)
            row.team_id, row.submitted = s.team_id, True
    reviews: list[grades.Review] = []
    for allocation, record, points in submitted_reviews(settings.activity_id):
        submission = by_id.get(allocation.submission_id)
        if submission is None:
            continue
        try:
            total = grades.review_total(rubric, points)
        except ValueError:  # scored on criteria the rubric no longer has
            continue
        teams[submission.team_id].totals.append(total)
        reviews.append(
            grades.Review(str(allocation.reviewer_id), str(submission.id), points, record.late)
        )
        row = learner(allocation.reviewer_id)
        row.reviewed += 1
        row.late_reviews += record.late
    for reviewer_id, count in db.session.execute(
        db.select(Allocation.reviewer_id, db.func.count(Allocation.id))
        .where(Allocation.activity_id == settings.activity_id)
        .group_by(Allocation.reviewer_id)
    ):
        learner(reviewer_id).allocated = count
    overrides = dict(
        db.session.execute(
            db.select(GradeOverride.team_id, GradeOverride.grade)
            .join(Team, Team.id == GradeOverride.team_id)
            .where(Team.activity_id == settings.activity_id)
        ).all()
    )
    for team in teams.values():
        team.override = overrides.get(team.team_id)
        team.computed = grades.submission_grade(team.totals, grading.method)
    # Reviews not done count 0 once the review phase is over, as Moodle's Workshop counts them.
    over = phase_index(settings.phase) >= phase_index("feedback")
    missing = {
        str(r.user_id): r.allocated - r.reviewed
        for r in learners.values()
        if over and r.allocated > r.reviewed
    }
    reviewing = grades.reviewing_grades(rubric, reviews, grading, missing)
    for row in learners.values():
        if row.team_id is not None:
            row.submission_grade = teams[row.team_id].grade
        row.reviewing_grade = reviewing.get(str(row.user_id))
        row.grade = grades.final_grade(row.submission_grade, row.reviewing_grade, grading)
    disagreements = grades.strong_disagreements(rubric, reviews, grading.disagreement_threshold)
    return Results(teams, learners, reviews, disagreements)


# -- completion -----------------------------------------------------------------------------------
def meets_rule(settings: ProposalSettings, row: LearnerResult) -> bool:
    """The activity's completion rule for one learner.

    "Reviewed" means every review allocated to them is submitted; a learner whose team
    submitted but who was given nothing to review (more reviewers than reviews needed) has
    done their part once the review phase is over.
    """
    over = phase_index(settings.phase) >= phase_index("feedback")
    reviewed = (row.allocated > 0 and row.reviewed >= row.allocated) or (
        row.allocated == 0 and row.submitted and over
    )
    if settings.completion_rule == "submitted":
        return row.submitted
    if settings.completion_rule == "reviewed":
        return reviewed
    return row.submitted and reviewed


def update_completion(settings: ProposalSettings, activity: Activity, user_ids) -> None:
    """Mark complete, in the core, every named learner who now meets the completion rule."""
    wanted = set(user_ids)
    if not wanted:
        return
    results = compute_results(settings)
    for user_id in sorted(wanted):
        row = results.learners.get(user_id)
        if row is not None and meets_rule(settings, row):
            complete_activity(user_id, activity)


def close_activity(settings: ProposalSettings, activity: Activity) -> Results:
    """Fix every learner's grades, report completion with the grade to the core, and announce
    each proposal whose grade reaches the pass grade (once per author, never twice)."""
    results = compute_results(settings)
    _activity, course_id = activity_and_course(settings.activity_id)
    existing = {
        g.user_id: g
        for g in db.session.execute(
            db.select(FinalGrade).where(FinalGrade.activity_id == settings.activity_id)
        ).scalars()
    }
    now = utcnow()
    for user_id, row in sorted(results.learners.items()):
        final = existing.get(user_id)
        if final is None:
            final = FinalGrade(activity_id=settings.activity_id, user_id=user_id, accepted=False)
            db.session.add(final)
            existing[user_id] = final
        final.team_id, final.finalised_at = row.team_id, now
        final.submission_grade, final.reviewing_grade, final.grade = (
            row.submission_grade,
            row.reviewing_grade,
            row.grade,
        )
    db.session.flush()
    for user_id, row in sorted(results.learners.items()):
        if meets_rule(settings, row):
            complete_activity(
                user_id, activity, score=round(row.grade, 2) if row.grade is not None else None
            )
    for team in results.teams.values():
        if team.grade is None or team.grade < settings.pass_grade:
            continue
        submission = db.session.get(Submission, team.submission_id)
        authors = sorted(authors_of([submission])[submission.id])
        for user_id in authors:
            final = existing.get(user_id)
            if final is None or final.accepted:
                continue
            final.accepted = True
            emit(
                "peer_review.proposal_accepted",
                user_id=user_id,
                course_id=course_id,
                data={
                    "activity_id": settings.activity_id,
                    "team_id": team.team_id,
                    "grade": round(team.grade, 2),
                    "authors": authors,
                },
            )
    return results


def final_grades(activity_id: int) -> dict[int, FinalGrade]:
    return {
        g.user_id: g
        for g in db.session.execute(
            db.select(FinalGrade).where(FinalGrade.activity_id == activity_id)
        ).scalars()
    }


def set_override(team: Team, grade: float | None, reason: str, user_id: int) -> None:
    """The trainer's grade for the team's submission; None removes it."""
    existing = db.session.execute(
        db.select(GradeOverride).where(GradeOverride.team_id == team.id)
    ).scalar()
    if grade is None:
        if existing is not None:
            db.session.delete(existing)
        return
    if not 0 <= grade <= 100:
        raise ValueError("grade out of range")
    if existing is None:
        existing = GradeOverride(team_id=team.id)
        db.session.add(existing)
    existing.grade, existing.reason, existing.set_by_id, existing.set_at = (
        grade,
        reason,
        user_id,
        utcnow(),
    )
