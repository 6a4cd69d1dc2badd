"""Grades from peer reviews, as Moodle's Workshop gives them: a grade for each submission from its
reviews, a grade for each reviewer's reviewing, strong disagreements for the trainer's dashboard,
and agreement statistics for the quality panel.

Formulas (all grades on a 0-100 scale):

* **Review total.** Each criterion's points are placed on 0..1 between the criterion's lowest and
  highest level (Moodle's rubric does the same), weighted, and scaled:
  ``total = 100 * sum(w_c * (p_c - min_c) / (max_c - min_c)) / sum(w_c)``.
* **Submission grade.** The mean (or median) of its review totals; a trainer's override wins.
* **Agreement of a review** with the consensus of the *other* reviews of the same submission:
  ``100 * (1 - sum(w_c * |x_c - m_c|) / sum(w_c))`` where ``x_c`` is the review's 0..1 score on
  criterion ``c`` and ``m_c`` the mean 0..1 score the other reviews gave it. The largest possible
  distance on a criterion is 1, so the result stays within 0..100. A review that is the only one
  of its submission has no agreement (None).
* **Reviewing grade.** The mean agreement of a reviewer's reviews, a late review's agreement
  multiplied by ``1 - late_penalty``; reviews allocated but not done count 0; reviews without an
  agreement are left out. None when nothing is left to average.
* **Final grade.** ``(sw * submission + rw * reviewing) / (sw + rw)`` with the activity's weights
  (Moodle's defaults: 80 and 20).
* **Krippendorff's alpha** (interval metric) per criterion and on totals:
  ``alpha = 1 - D_o / D_e`` over submissions with at least two reviews, where ``D_o`` is the mean
  squared difference between two reviews of the same submission (each submission's pairs weighted
  by ``1 / (reviews - 1)``) and ``D_e`` the mean squared difference between any two of those
  reviews. 1 is perfect agreement, 0 is what chance gives, negative is systematic disagreement.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Literal

from flask_babel import gettext as _

from .template import Rubric

__all__ = [
    "AgreementStatistics",
    "Disagreement",
    "GradingSettings",
    "Review",
    "agreement",
    "agreement_statistics",
    "criterion_fractions",
    "final_grade",
    "krippendorff_alpha_interval",
    "review_total",
    "reviewing_grades",
    "strong_disagreements",
    "submission_grade",
]

Method = Literal["mean", "median"]


@dataclass(frozen=True)
class GradingSettings:
    """The activity's grading settings, edited by the trainer."""

    method: Method = "mean"
    submission_weight: float = 80
    reviewing_weight: float = 20
    late_penalty: float = 0.0  # share of a late review's grade that is lost, 0..1
    disagreement_threshold: float = 25.0  # points on the 0-100 scale

    def __post_init__(self) -> None:
        if self.method not in ("mean", "median"):
            raise ValueError(_("The grading method must be the mean or the median."))
        if self.submission_weight < 0 or self.reviewing_weight < 0:
            raise ValueError(_("Grade weights cannot be negative."))
        if self.submission_weight + self.reviewing_weight <= 0:
            raise ValueError(_("At least one grade weight must be positive."))
        if not 0 <= self.late_penalty <= 1:
            raise ValueError(_("The late penalty must be between 0 and 1."))
        if self.disagreement_threshold < 0:
            raise ValueError(_("The disagreement threshold cannot be negative."))


@dataclass(frozen=True)
class Review:
    """A completed review: the points the reviewer chose on each criterion."""

    reviewer: str
    submission: str
    scores: Mapping[str, float]
    late: bool = False


@dataclass(frozen=True)
class Disagreement:
    """A review whose total is far from the mean total of the other reviews of its submission."""

    submission: str
    reviewer: str
    total: float
    others_mean: float

    @property
    def difference(self) -> float:
        return self.total - self.others_mean


@dataclass(frozen=True)
class AgreementStatistics:
    """How much reviewers agree, for the quality panel."""

    submissions: int  # submissions with at least two reviews
    reviews: int  # reviews of those submissions
    mean_pairwise_difference: dict[str, float | None] = field(default_factory=dict)
    alpha: dict[str, float | None] = field(default_factory=dict)
    total_mean_pairwise_difference: float | None = None
    total_alpha: float | None = None


def criterion_fractions(rubric: Rubric, scores: Mapping[str, float]) -> dict[str, float]:
    """Each criterion's points placed on 0..1 between its lowest and highest level."""
    unknown = set(scores) - {c.key for c in rubric.criteria}
    if unknown:
        raise ValueError(_("Unknown criteria: %(keys)s.", keys=", ".join(sorted(unknown))))
    fractions = {}
    for criterion in rubric.criteria:
        if criterion.key not in scores:
            raise ValueError(_("No score for “%(key)s”.", key=criterion.key))
        low, high = criterion.min_points, criterion.max_points
        points = scores[criterion.key]
        if not low <= points <= high:
            raise ValueError(
                _(
                    "The score for “%(key)s” must be between %(low)s and %(high)s.",
                    key=criterion.key,
                    low=low,
                    high=high,
                )
            )
        fractions[criterion.key] = (points - low) / (high - low)
    return fractions


def _weighted(rubric: Rubric, values: Mapping[str, float]) -> float:
    total_weight = sum(c.weight for c in rubric.criteria)
    return sum(c.weight * values[c.key] for c in rubric.criteria) / total_weight


def review_total(rubric: Rubric, scores: Mapping[str, float]) -> float:
    """The review's grade for the submission, 0..100."""
    return 100 * _weighted(rubric, criterion_fractions(rubric, scores))


def submission_grade(
    totals: Sequence[float], method: Method = "mean", override: float | None = None
) -> float | None:
    """The submission's grade from its review totals; None without reviews or override."""
    if override is not None:
        if not 0 <= override <= 100:
            raise ValueError(_("A grade must be between 0 and 100."))
        return float(override)
    if not totals:
        return None
    if method == "median":
        return float(statistics.median(totals))
    if method == "mean":
        return statistics.fmean(totals)
    raise ValueError(_("The grading method must be the mean or the median."))


def agreement(rubric: Rubric, review: Review, others: Sequence[Review]) -> float | None:
    """How close ``review`` is to the consensus of ``others`` (same submission), 0..100."""
    others = [o for o in others if o.reviewer != review.reviewer]
    if not others:
        return None
    mine = criterion_fractions(rubric, review.scores)
    theirs = [criterion_fractions(rubric, o.scores) for o in others]
    distance = {
        key: abs(value - statistics.fmean(t[key] for t in theirs)) for key, value in mine.items()
    }
    return 100 * (1 - _weighted(rubric, distance))


def _by_submission(reviews: Iterable[Review]) -> dict[str, list[Review]]:
    grouped: dict[str, list[Review]] = defaultdict(list)
    for review in reviews:
        grouped[review.submission].append(review)
    return grouped


def reviewing_grades(
    rubric: Rubric,
    reviews: Sequence[Review],
    settings: GradingSettings | None = None,
    missing: Mapping[str, int] | None = None,
) -> dict[str, float | None]:
    """Each reviewer's grade for reviewing; ``missing`` counts allocated reviews not done."""
    settings = settings or GradingSettings()
    missing = missing or {}
    grades: dict[str, list[float]] = {r.reviewer: [] for r in reviews}
    for reviewer, count in missing.items():
        grades.setdefault(reviewer, []).extend([0.0] * count)
    for group in _by_submission(reviews).values():
        for review in group:
            value = agreement(rubric, review, group)
            if value is not None:
                grades[review.reviewer].append(
                    value * (1 - settings.late_penalty) if review.late else value
                )
    return {
        reviewer: statistics.fmean(values) if values else None
        for reviewer, values in grades.items()
    }


def final_grade(
    submission: float | None, reviewing: float | None, settings: GradingSettings | None = None
) -> float | None:
    """The activity grade from both parts, weighted; a missing part counts 0. None if both are."""
    settings = settings or GradingSettings()
    if submission is None and reviewing is None:
        return None
    weights = settings.submission_weight + settings.reviewing_weight
    return (
        settings.submission_weight * (submission or 0.0)
        + settings.reviewing_weight * (reviewing or 0.0)
    ) / weights


def strong_disagreements(
    rubric: Rubric, reviews: Sequence[Review], threshold: float = 25.0
) -> list[Disagreement]:
    """Reviews whose total differs from the other reviews' mean total by more than ``threshold``."""
    found = []
    for submission, group in _by_submission(reviews).items():
        totals = {review.reviewer: review_total(rubric, review.scores) for review in group}
        for reviewer, total in totals.items():
            others = [value for other, value in totals.items() if other != reviewer]
            if others and abs(total - statistics.fmean(others)) > threshold:
                found.append(Disagreement(submission, reviewer, total, statistics.fmean(others)))
    return found


def krippendorff_alpha_interval(units: Iterable[Sequence[float]]) -> float | None:
    """Krippendorff's alpha with the interval metric; each unit lists the values it was given.

    Units with fewer than two values are not pairable and are left out. None when no pair is
    left or when every value is the same (alpha is undefined there).
    """
    pairable = [list(values) for values in units if len(values) >= 2]
    n = sum(len(values) for values in pairable)
    if n < 2:
        return None
    observed = (
        sum(
            sum((a - b) ** 2 for a, b in combinations(values, 2)) * 2 / (len(values) - 1)
            for values in pairable
        )
        / n
    )
    flat = [value for values in pairable for value in values]
    total, squares = sum(flat), sum(value * value for value in flat)
    expected = (2 * n * squares - 2 * total * total) / (n * (n - 1))
    if expected <= 1e-12:
        return None
    return 1 - observed / expected


def _mean_pairwise_difference(units: Iterable[Sequence[float]]) -> float | None:
    differences = [abs(a - b) for values in units for a, b in combinations(values, 2)]
    return statistics.fmean(differences) if differences else None


def agreement_statistics(rubric: Rubric, reviews: Sequence[Review]) -> AgreementStatistics:
    """Mean pairwise absolute difference (in the criterion's points; in 0-100 for totals) and
    Krippendorff's interval alpha, per criterion and for the totals."""
    groups = [group for group in _by_submission(reviews).values() if len(group) >= 2]
    per_criterion = {}
    alphas = {}
    for criterion in rubric.criteria:
        units = [[review.scores[criterion.key] for review in group] for group in groups]
        per_criterion[criterion.key] = _mean_pairwise_difference(units)
        alphas[criterion.key] = krippendorff_alpha_interval(units)
    totals = [[review_total(rubric, review.scores) for review in group] for group in groups]
    return AgreementStatistics(
        submissions=len(groups),
        reviews=sum(len(group) for group in groups),
        mean_pairwise_difference=per_criterion,
        alpha=alphas,
        total_mean_pairwise_difference=_mean_pairwise_difference(totals),
        total_alpha=krippendorff_alpha_interval(totals),
    )
