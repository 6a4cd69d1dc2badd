"""Reviews: the rubric form a reviewer fills in (a draft until submitted), the phase rules on
changing it, the feedback authors read (scores per criterion, all comments) and their rating of
each review's helpfulness."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from nttlearn.api import db, emit, utcnow

from .allocating import is_author
from .grades import review_total
from .models import (
    Allocation,
    CriterionScore,
    HelpfulnessRating,
    ReviewRecord,
    Submission,
)
from .results import update_completion
from .services import PhaseError, activity_and_course, feedback_visible, review_edit_rule, rubric_of
from .template import Rubric

MAX_COMMENT = 10_000


class ReviewError(ValueError):
    """A review that cannot be saved as it is; the message says why."""


@dataclass
class ReviewInput:
    """What the review form sends: points (None when not chosen yet) and a comment per
    criterion, the overall strengths and suggestions."""

    scores: dict[str, float | None]
    comments: dict[str, str]
    strengths: str = ""
    suggestions: str = ""


def remaining_parts(rubric, data: ReviewInput) -> list[tuple[str, str]]:
    """What a review still lacks before it can be submitted, in the order of the form: pairs of
    the form field's name (``score_<key>``, ``comment_<key>``, ``strengths``, ``suggestions``)
    and a message for the reviewer. Empty when the review is complete."""
    missing: list[tuple[str, str]] = []
    for criterion in rubric.criteria:
        if data.scores.get(criterion.key) is None:
            missing.append(
                (
                    f"score_{criterion.key}",
                    _("Choose a level for “%(title)s”.", title=criterion.title),
                )
            )
        if not data.comments.get(criterion.key, "").strip():
            missing.append(
                (
                    f"comment_{criterion.key}",
                    _("Write a comment on “%(title)s”.", title=criterion.title),
                )
            )
    if not data.strengths.strip():
        missing.append(("strengths", _("Name the proposal's strengths.")))
    if not data.suggestions.strip():
        missing.append(("suggestions", _("Write your suggestions for improvement.")))
    return missing


@dataclass(frozen=True)
class ReviewTask:
    """One allocation of a reviewer, with its submission and review (if started)."""

    allocation: Allocation
    submission: Submission
    review: ReviewRecord | None

    @property
    def state(self) -> str:
        if self.review is None:
            return "to_do"
        return "submitted" if self.review.submitted_at else "draft"


def tasks_of(activity_id: int, reviewer_id: int) -> list[ReviewTask]:
    rows = db.session.execute(
        db.select(Allocation, Submission, ReviewRecord)
        .join(Submission, Submission.id == Allocation.submission_id)
        .outerjoin(ReviewRecord, ReviewRecord.allocation_id == Allocation.id)
        .where(Allocation.activity_id == activity_id, Allocation.reviewer_id == reviewer_id)
        .order_by(Allocation.id)
    ).all()
    return [ReviewTask(a, s, r) for a, s, r in rows]


def review_of(allocation_id: int) -> ReviewRecord | None:
    return db.session.execute(
        db.select(ReviewRecord).where(ReviewRecord.allocation_id == allocation_id)
    ).scalar()


def scores_of(review_ids: list[int]) -> dict[int, dict[str, CriterionScore]]:
    result: dict[int, dict[str, CriterionScore]] = {i: {} for i in review_ids}
    if review_ids:
        for row in db.session.execute(
            db.select(CriterionScore).where(CriterionScore.review_id.in_(review_ids))
        ).scalars():
            result[row.review_id][row.criterion] = row
    return result


def _validate(rubric: Rubric, data: ReviewInput, complete: bool) -> None:
    problems = []
    for criterion in rubric.criteria:
        points = data.scores.get(criterion.key)
        allowed = {level.points for level in criterion.levels}
        if points is None:
            if complete:
                problems.append(_("Choose a level for “%(title)s”.", title=criterion.title))
        elif points not in allowed:
            problems.append(
                _(
                    "“%(title)s” has no level worth %(points)s points.",
                    title=criterion.title,
                    points=points,
                )
            )
        comment = data.comments.get(criterion.key, "")
        if complete and not comment.strip():
            problems.append(_("Write a comment on “%(title)s”.", title=criterion.title))
        if len(comment) > MAX_COMMENT:
            problems.append(_("A comment has at most %(n)d characters.", n=MAX_COMMENT))
    for text in (data.strengths, data.suggestions):
        if len(text) > MAX_COMMENT:
            problems.append(_("A comment has at most %(n)d characters.", n=MAX_COMMENT))
    if complete and not (data.strengths.strip() and data.suggestions.strip()):
        problems.append(_("Name the proposal's strengths and your suggestions."))
    unknown = set(data.scores) - {c.key for c in rubric.criteria}
    if unknown:
        problems.append(_("Unknown criteria: %(keys)s.", keys=", ".join(sorted(unknown))))
    if problems:
        raise ReviewError(" ".join(problems))


def save_review(
    settings,
    allocation: Allocation,
    reviewer_id: int,
    data: ReviewInput,
    submit: bool,
    now: datetime | None = None,
) -> ReviewRecord:
    """Save the reviewer's draft or submit it, as the phase allows."""
    now = now or utcnow()
    if allocation.reviewer_id != reviewer_id:
        raise ReviewError(_("This review is not yours."))
    submission = db.session.get(Submission, allocation.submission_id)
    if is_author(submission, reviewer_id):
        raise ReviewError(_("Authors cannot review their own proposal."))
    review = review_of(allocation.id)
    already = review is not None and review.submitted_at is not None
    allowed, late, reason = review_edit_rule(settings, already, now, reviewer_id)
    if not allowed:
        raise PhaseError(reason)
    rubric = rubric_of(settings)
    _validate(rubric, data, complete=submit or already)
    if review is None:
        review = ReviewRecord(
            allocation_id=allocation.id, strengths="", suggestions="", updated_at=now, late=False
        )
        try:
            with db.session.begin_nested():
                db.session.add(review)
        except IntegrityError:  # the same reviewer's other tab created it
            review = review_of(allocation.id)
    review.strengths, review.suggestions, review.updated_at = data.strengths, data.suggestions, now
    existing = scores_of([review.id])[review.id]
    for criterion in rubric.criteria:
        row = existing.get(criterion.key)
        if row is None:
            row = CriterionScore(review_id=review.id, criterion=criterion.key)
            db.session.add(row)
        row.points = data.scores.get(criterion.key)
        row.comment = data.comments.get(criterion.key, "")
    first_submission = submit and not already
    if first_submission:
        review.submitted_at, review.late = now, late
    db.session.flush()
    if first_submission:
        activity, course_id = activity_and_course(settings.activity_id)
        emit(
            "peer_review.review_submitted",
            user_id=reviewer_id,
            course_id=course_id,
            data={"activity_id": settings.activity_id, "submission_id": submission.id},
        )
        update_completion(settings, activity, [reviewer_id])
    return review


# -- feedback -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ReceivedReview:
    """A submitted review as its authors see it; ``number`` is its place (Reviewer 1, 2, …)."""

    number: int
    allocation: Allocation
    review: ReviewRecord
    scores: dict[str, CriterionScore]
    total: float | None

    @property
    def reviewer_id(self) -> int:
        return self.allocation.reviewer_id


@dataclass
class CriterionFeedback:
    key: str
    title: str
    max_points: float
    points: list[float] = field(default_factory=list)
    comments: list[tuple[int, str]] = field(default_factory=list)  # (review number, comment)

    @property
    def mean(self) -> float | None:
        return statistics.fmean(self.points) if self.points else None

    @property
    def spread(self) -> tuple[float, float] | None:
        return (min(self.points), max(self.points)) if self.points else None


def received_reviews(settings, submission_id: int) -> list[ReceivedReview]:
    """The submitted reviews of a submission, numbered in allocation order."""
    rows = db.session.execute(
        db.select(Allocation, ReviewRecord)
        .join(ReviewRecord, ReviewRecord.allocation_id == Allocation.id)
        .where(Allocation.submission_id == submission_id, ReviewRecord.submitted_at.is_not(None))
        .order_by(Allocation.id)
    ).all()
    scores = scores_of([r.id for _a, r in rows])
    rubric = rubric_of(settings)
    result = []
    for number, (allocation, review) in enumerate(rows, start=1):
        points = {k: s.points for k, s in scores[review.id].items() if s.points is not None}
        try:
            total = review_total(rubric, points)
        except ValueError:  # the rubric changed after the review: no total
            total = None
        result.append(ReceivedReview(number, allocation, review, scores[review.id], total))
    return result


def criterion_feedback(rubric: Rubric, reviews: list[ReceivedReview]) -> list[CriterionFeedback]:
    result = []
    for criterion in rubric.criteria:
        item = CriterionFeedback(criterion.key, str(criterion.title), criterion.max_points)
        for received in reviews:
            score = received.scores.get(criterion.key)
            if score is None:
                continue
            if score.points is not None:
                item.points.append(score.points)
            if score.comment.strip():
                item.comments.append((received.number, score.comment))
        result.append(item)
    return result


def ratings_by(rater_id: int, review_ids: list[int]) -> dict[int, int]:
    if not review_ids:
        return {}
    return dict(
        db.session.execute(
            db.select(HelpfulnessRating.review_id, HelpfulnessRating.rating).where(
                HelpfulnessRating.rater_id == rater_id, HelpfulnessRating.review_id.in_(review_ids)
            )
        ).all()
    )


def rate_helpfulness(settings, review: ReviewRecord, rater_id: int, rating: int) -> None:
    """An author rates a review of their team's proposal, once (a second rating replaces it)."""
    allocation = db.session.get(Allocation, review.allocation_id)
    submission = db.session.get(Submission, allocation.submission_id)
    if not is_author(submission, rater_id):
        raise ReviewError(_("Only the proposal's authors can rate its reviews."))
    if not feedback_visible(settings) or review.submitted_at is None:
        raise PhaseError(_("Reviews can be rated once the feedback phase has started."))
    if rating not in range(1, 6):
        raise ReviewError(_("Choose a rating from 1 to 5."))
    existing = db.session.execute(
        db.select(HelpfulnessRating).where(
            HelpfulnessRating.review_id == review.id, HelpfulnessRating.rater_id == rater_id
        )
    ).scalar()
    if existing is None:
        try:
            with db.session.begin_nested():
                db.session.add(
                    HelpfulnessRating(
                        review_id=review.id, rater_id=rater_id, rating=rating, created_at=utcnow()
                    )
                )
            return
        except IntegrityError:
            existing = db.session.execute(
                db.select(HelpfulnessRating).where(
                    HelpfulnessRating.review_id == review.id, HelpfulnessRating.rater_id == rater_id
                )
            ).scalar()
    existing.rating = rating
