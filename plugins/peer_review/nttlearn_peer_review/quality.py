"""The review-quality panel on a course's report page: how much reviewers agree (Krippendorff's
alpha and mean differences, per criterion) and how helpful authors found each reviewer."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

from nttlearn.api import Activity, Module, db

from .grades import AgreementStatistics, agreement_statistics
from .models import Allocation, HelpfulnessRating, ProposalSettings, ReviewRecord
from .results import compute_results
from .services import people, rubric_of


@dataclass
class HelpfulnessRow:
    name: str
    ratings: list[int] = field(default_factory=list)

    @property
    def mean(self) -> float:
        return statistics.fmean(self.ratings)


@dataclass
class ActivityQuality:
    activity: Activity
    criteria: list[tuple[str, str]]  # (key, title)
    agreement: AgreementStatistics
    helpfulness: list[HelpfulnessRow]


def course_quality(course_id: int) -> list[ActivityQuality]:
    """One entry per proposal activity of the course that has settings."""
    rows = db.session.execute(
        db.select(Activity, ProposalSettings)
        .join(Module, Module.id == Activity.module_id)
        .join(ProposalSettings, ProposalSettings.activity_id == Activity.id)
        .where(
            Module.course_id == course_id,
            Activity.type_key == "proposal",
            Activity.archived.is_(False),
            Module.archived.is_(False),
        )
        .order_by(Module.position, Activity.position)
    ).all()
    result = []
    for activity, settings in rows:
        rubric = rubric_of(settings)
        stats = agreement_statistics(rubric, compute_results(settings).reviews)
        ratings: dict[int, list[int]] = {}
        for reviewer_id, rating in db.session.execute(
            db.select(Allocation.reviewer_id, HelpfulnessRating.rating)
            .join(ReviewRecord, ReviewRecord.allocation_id == Allocation.id)
            .join(HelpfulnessRating, HelpfulnessRating.review_id == ReviewRecord.id)
            .where(Allocation.activity_id == activity.id)
        ):
            ratings.setdefault(reviewer_id, []).append(rating)
        names = people(set(ratings))
        helpfulness = sorted(
            (
                HelpfulnessRow(names[r].name if r in names else "?", values)
                for r, values in ratings.items()
            ),
            key=lambda row: (-row.mean, row.name),
        )
        result.append(
            ActivityQuality(
                activity, [(c.key, str(c.title)) for c in rubric.criteria], stats, helpfulness
            )
        )
    return result
