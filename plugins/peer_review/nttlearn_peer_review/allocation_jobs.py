"""The allocation of reviewers on big activities as a background job: with more proposals than
``NTTLEARN_PEER_REVIEW_ALLOCATION_JOB_SUBMISSIONS``, the trainer's *Allocate* and the move into the
allocation phase queue it (keyed by the activity, so two clicks queue one job) and the dashboard
says it is queued; smaller activities are allocated at once, as before. The allocation itself is
safe to run again: it locks the activity's settings and only tops up proposals with too few
reviewers."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from nttlearn.api import Setting, claim_once, db, enqueue

from .models import ProposalSettings, Submission

PLUGIN = "peer_review"

ALLOCATION_JOB_SUBMISSIONS = Setting(
    "allocation_job_submissions",
    _l("Proposals allocated in the background"),
    100,
    _l(
        "On an activity with more proposals, reviewers are allocated by a background job and the "
        "dashboard says the allocation is queued until it is done."
    ),
)
SETTINGS = [ALLOCATION_JOB_SUBMISSIONS]


def allocation_job_submissions() -> int:
    """``NTTLEARN_PEER_REVIEW_ALLOCATION_JOB_SUBMISSIONS``, or 100."""
    return max(1, int(ALLOCATION_JOB_SUBMISSIONS.value(PLUGIN)))


def proposals(activity_id: int) -> int:
    return db.session.execute(
        db.select(db.func.count())
        .select_from(Submission)
        .where(Submission.activity_id == activity_id, Submission.kind == "original")
    ).scalar_one()


def is_large(activity_id: int) -> bool:
    """Whether the activity's allocation is a job (more proposals than the setting)."""
    return proposals(activity_id) > allocation_job_submissions()


def queue_allocation(activity_id: int) -> None:
    """Queue the allocation once (a click while it waits queues nothing more)."""
    enqueue(run_allocation, activity_id, key=f"peer-review-allocate-{activity_id}")


def run_allocation(activity_id: int) -> None:
    """The allocation job."""
    from .allocating import allocate_reviewers

    settings = db.session.get(ProposalSettings, activity_id)
    if settings is None or not claim_once():
        return
    allocate_reviewers(settings)
