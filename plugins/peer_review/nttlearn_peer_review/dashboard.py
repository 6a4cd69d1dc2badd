"""The trainer's dashboard: who has submitted, who has reviewed, late and missing reviews,
reviewers who disagree strongly with the others, and the allocation to adjust. Loaded in a fixed
number of queries whatever the number of teams and reviews."""

from __future__ import annotations

from dataclasses import dataclass, field

from nttlearn.api import db

from .allocating import originals
from .grades import Disagreement
from .models import Allocation, ProposalSettings, ReviewRecord, Submission
from .results import Results, compute_results
from .services import Person, course_learners, people, phase_index
from .teams import TeamView, team_views, unteamed_learners


@dataclass
class AllocationRow:
    allocation: Allocation
    reviewer: Person | None
    state: str  # to_do | draft | submitted
    late: bool


@dataclass
class TeamRow:
    view: TeamView
    original: Submission | None = None
    revision: Submission | None = None
    allocations: list[AllocationRow] = field(default_factory=list)

    @property
    def reviews_done(self) -> int:
        return sum(a.state == "submitted" for a in self.allocations)


@dataclass
class ReviewerRow:
    person: Person
    allocated: int = 0
    submitted: int = 0
    late: int = 0
    reviewing_grade: float | None = None

    @property
    def outstanding(self) -> int:
        return self.allocated - self.submitted


@dataclass
class DisagreementRow:
    disagreement: Disagreement
    reviewer: Person | None
    team: TeamView | None


@dataclass
class Dashboard:
    settings: ProposalSettings
    teams: list[TeamRow]
    unteamed: list[Person]
    learners: list[Person]
    reviewers: list[ReviewerRow]
    disagreements: list[DisagreementRow]
    results: Results
    reviews_over: bool

    @property
    def submitted(self) -> int:
        return sum(row.original is not None for row in self.teams)


def build_dashboard(settings: ProposalSettings, course_id: int) -> Dashboard:
    learners = course_learners(course_id)
    views = team_views(settings.activity_id)
    rows = {v.team.id: TeamRow(v) for v in views}
    for submission in db.session.execute(
        db.select(Submission).where(Submission.activity_id == settings.activity_id)
    ).scalars():
        row = rows.get(submission.team_id)
        if row is not None:
            setattr(row, submission.kind, submission)
    by_submission = {r.original.id: r for r in rows.values() if r.original is not None}
    allocations = db.session.execute(
        db.select(Allocation, ReviewRecord.submitted_at, ReviewRecord.id, ReviewRecord.late)
        .outerjoin(ReviewRecord, ReviewRecord.allocation_id == Allocation.id)
        .where(Allocation.activity_id == settings.activity_id)
        .order_by(Allocation.id)
    ).all()
    found = people({a.reviewer_id for a, *_rest in allocations} | {p.id for p in learners})
    reviewers: dict[int, ReviewerRow] = {}
    for allocation, submitted_at, review_id, late in allocations:
        state = "submitted" if submitted_at else "draft" if review_id else "to_do"
        person = found.get(allocation.reviewer_id)
        if allocation.submission_id in by_submission:
            by_submission[allocation.submission_id].allocations.append(
                AllocationRow(allocation, person, state, bool(late))
            )
        if person is not None:
            item = reviewers.setdefault(person.id, ReviewerRow(person))
            item.allocated += 1
            item.submitted += state == "submitted"
            item.late += bool(late) and state == "submitted"
    results = compute_results(settings)
    for item in reviewers.values():
        result = results.learners.get(item.person.id)
        item.reviewing_grade = result.reviewing_grade if result else None
    team_of_submission = {str(r.original.id): r.view for r in rows.values() if r.original}
    disagreements = [
        DisagreementRow(d, found.get(int(d.reviewer)), team_of_submission.get(d.submission))
        for d in results.disagreements
    ]
    return Dashboard(
        settings=settings,
        teams=list(rows.values()),
        unteamed=unteamed_learners(settings.activity_id, learners),
        learners=learners,
        reviewers=sorted(reviewers.values(), key=lambda r: (r.person.name, r.person.id)),
        disagreements=disagreements,
        results=results,
        reviews_over=phase_index(settings.phase) >= phase_index("feedback"),
    )


def submission_choices(activity_id: int) -> list[Submission]:
    return originals(activity_id)
