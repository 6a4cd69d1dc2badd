"""Allocation in the database: the course's learners and submissions handed to the pure
:func:`.allocation.allocate`, late submissions topped up, a reviewer who drops out replaced with
:func:`.allocation.reallocate`, and the trainer's adjustments by hand.

Allocating must not happen twice: the batch run locks the settings row (PostgreSQL) and only
runs when the activity has no allocation yet; the unique (submission, reviewer) key guards the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from nttlearn.api import db, utcnow

from .allocation import allocate, reallocate
from .models import Allocation, ProposalSettings, ReviewRecord, Submission, TeamMember
from .services import Person, activity_and_course, course_learners, people

OPEN_SLOT = "open-slot"  # stands for a reviewer still to be found, in reallocate()


class AllocationError(ValueError):
    """A manual change the rules refuse; the message is for the trainer."""


@dataclass
class AllocationInput:
    """The activity's original submissions and reviewer pool, as ``allocate()`` reads them."""

    submissions: list[Submission]
    pool: list[Person]
    authors: dict[int, set[int]]  # submission id -> author ids (snapshot and current members)

    def submission_dicts(self) -> list[dict[str, Any]]:
        found = people({a for ids in self.authors.values() for a in ids})
        return [
            {
                "id": str(s.id),
                "authors": sorted(str(a) for a in self.authors[s.id]),
                "countries": sorted(
                    set(s.countries)
                    | {
                        found[a].country
                        for a in self.authors[s.id]
                        if a in found and found[a].country
                    }
                ),
                "organisations": sorted(
                    {
                        str(found[a].organisation_id)
                        for a in self.authors[s.id]
                        if a in found and found[a].organisation_id
                    }
                ),
            }
            for s in self.submissions
        ]

    def reviewer_dicts(self) -> list[dict[str, Any]]:
        return [
            {
                "id": str(p.id),
                "country": p.country,
                "organisation": str(p.organisation_id) if p.organisation_id else None,
            }
            for p in self.pool
        ]


def originals(activity_id: int) -> list[Submission]:
    return list(
        db.session.execute(
            db.select(Submission)
            .where(Submission.activity_id == activity_id, Submission.kind == "original")
            .order_by(Submission.id)
        ).scalars()
    )


def authors_of(submissions: list[Submission]) -> dict[int, set[int]]:
    """Everyone who wrote each submission: its snapshot of authors and the team's members now."""
    result = {s.id: set(s.authors or []) for s in submissions}
    team_to_sub = {s.team_id: s.id for s in submissions}
    if team_to_sub:
        for team_id, user_id in db.session.execute(
            db.select(TeamMember.team_id, TeamMember.user_id).where(
                TeamMember.team_id.in_(list(team_to_sub))
            )
        ):
            result[team_to_sub[team_id]].add(user_id)
    return result


def is_author(submission: Submission, user_id: int) -> bool:
    return user_id in authors_of([submission])[submission.id]


def allocation_input(settings: ProposalSettings) -> AllocationInput:
    _activity, course_id = activity_and_course(settings.activity_id)
    submissions = originals(settings.activity_id)
    authors = authors_of(submissions)
    pool = course_learners(course_id)
    if settings.only_submitters_review:
        writers = {a for ids in authors.values() for a in ids}
        pool = [p for p in pool if p.id in writers]
    return AllocationInput(submissions, pool, authors)


def current_allocation(activity_id: int) -> dict[int, list[int]]:
    """Submission id -> reviewer ids, in allocation order."""
    result: dict[int, list[int]] = {}
    for submission_id, reviewer_id in db.session.execute(
        db.select(Allocation.submission_id, Allocation.reviewer_id)
        .where(Allocation.activity_id == activity_id)
        .order_by(Allocation.id)
    ):
        result.setdefault(submission_id, []).append(reviewer_id)
    return result


def _insert(activity_id: int, pairs: list[tuple[int, int]], manual: bool = False) -> int:
    now = utcnow()
    for submission_id, reviewer_id in pairs:
        try:
            with db.session.begin_nested():
                db.session.add(
                    Allocation(
                        activity_id=activity_id,
                        submission_id=submission_id,
                        reviewer_id=reviewer_id,
                        manual=manual,
                        created_at=now,
                    )
                )
        except IntegrityError:  # allocated by a concurrent request
            continue
    return len(pairs)


def allocate_reviewers(settings: ProposalSettings) -> int:
    """Give every original submission its reviewers; returns how many allocations were made.

    The first run allocates everything at once with :func:`allocate`; later runs (a late
    submission, a run after a manual change) only top up submissions that have too few.
    """
    db.session.execute(
        db.select(ProposalSettings.activity_id)
        .where(ProposalSettings.activity_id == settings.activity_id)
        .with_for_update()
    )
    data = allocation_input(settings)
    if not data.submissions:
        return 0
    if current_allocation(settings.activity_id):
        return sum(top_up(settings, s, data) for s in data.submissions)
    result = allocate(
        data.submission_dicts(),
        data.reviewer_dicts(),
        settings.reviewers_per_submission,
        seed=settings.activity_id,
    )
    pairs = [(int(sid), int(rid)) for sid, rids in result.items() for rid in rids]
    return _insert(settings.activity_id, pairs)


def top_up(
    settings: ProposalSettings, submission: Submission, data: AllocationInput | None = None
) -> int:
    """Add reviewers to one submission until it has ``min(k, eligible)``, one at a time with
    :func:`reallocate` filling an open slot: it keeps every other review and the loads balanced."""
    data = data or allocation_input(settings)
    submissions, reviewers = data.submission_dicts(), data.reviewer_dicts()
    allocation = {
        str(sid): [str(r) for r in rids]
        for sid, rids in current_allocation(settings.activity_id).items()
    }
    for s in data.submissions:
        allocation.setdefault(str(s.id), [])
    key = str(submission.id)
    added = []
    while True:
        before = list(allocation[key])
        allocation[key] = [*before, OPEN_SLOT]
        result = reallocate(
            allocation,
            OPEN_SLOT,
            submissions,
            reviewers,
            settings.reviewers_per_submission,
            seed=settings.activity_id,
        )
        new = [r for r in result[key] if r not in before and r != OPEN_SLOT]
        allocation[key] = before + new
        if not new:
            break
        added.extend(int(r) for r in new)
    return _insert(settings.activity_id, [(submission.id, r) for r in added])


def drop_reviewer(settings: ProposalSettings, reviewer_id: int) -> list[tuple[int, int | None]]:
    """The reviewer drops out: their reviews not yet submitted are taken away and each given to
    someone else (their submitted reviews stay). Returns (submission id, new reviewer or None)."""
    pending = list(
        db.session.execute(
            db.select(Allocation)
            .outerjoin(ReviewRecord, ReviewRecord.allocation_id == Allocation.id)
            .where(
                Allocation.activity_id == settings.activity_id,
                Allocation.reviewer_id == reviewer_id,
                ReviewRecord.submitted_at.is_(None),
            )
        ).scalars()
    )
    if not pending:
        return []
    affected = {a.submission_id for a in pending}
    data = allocation_input(settings)
    data.pool = [p for p in data.pool if p.id != reviewer_id]
    allocation = {}
    for sid, rids in current_allocation(settings.activity_id).items():
        # A submitted review by the leaver stays: name it apart so that it is not replaced.
        allocation[str(sid)] = [
            str(r) if (r != reviewer_id or sid in affected) else f"kept-{r}" for r in rids
        ]
    for s in data.submissions:
        allocation.setdefault(str(s.id), [])
    db.session.execute(db.delete(Allocation).where(Allocation.id.in_([a.id for a in pending])))
    result = reallocate(
        allocation,
        str(reviewer_id),
        data.submission_dicts(),
        data.reviewer_dicts(),
        settings.reviewers_per_submission,
        seed=settings.activity_id,
    )
    replaced: list[tuple[int, int | None]] = []
    for sid in sorted(affected):
        before = set(allocation[str(sid)])
        new = [int(r) for r in result[str(sid)] if r not in before]
        _insert(settings.activity_id, [(sid, r) for r in new])
        replaced.append((sid, new[0] if new else None))
    return replaced


def add_allocation(settings: ProposalSettings, submission: Submission, reviewer_id: int) -> None:
    """The trainer adds a reviewer by hand: an enrolled learner who did not write it."""
    _activity, course_id = activity_and_course(settings.activity_id)
    if submission.activity_id != settings.activity_id or submission.kind != "original":
        raise AllocationError(_("Choose a submission of this activity."))
    if reviewer_id not in {p.id for p in course_learners(course_id)}:
        raise AllocationError(_("Reviewers must be learners of this course."))
    if is_author(submission, reviewer_id):
        raise AllocationError(_("Authors cannot review their own proposal."))
    if reviewer_id in current_allocation(settings.activity_id).get(submission.id, []):
        raise AllocationError(_("This reviewer already reviews this proposal."))
    _insert(settings.activity_id, [(submission.id, reviewer_id)], manual=True)


def remove_allocation(allocation: Allocation) -> None:
    """The trainer takes a review away; a submitted review cannot be taken back."""
    submitted = db.session.execute(
        db.select(ReviewRecord.submitted_at).where(ReviewRecord.allocation_id == allocation.id)
    ).scalar()
    if submitted is not None:
        raise AllocationError(_("This review has been submitted and cannot be removed."))
    db.session.execute(db.delete(Allocation).where(Allocation.id == allocation.id))
    db.session.expunge(allocation)
