"""The allocation on activities with more proposals than
``NTTLEARN_PEER_REVIEW_ALLOCATION_JOB_SUBMISSIONS`` runs as a job (at commit in the test app): the
trainer's *Allocate* says it is queued, two clicks queue one job, and the job allocates every
proposal once however often it runs."""

from __future__ import annotations

import pytest
from peer_review_helpers import go_to, submitted_team

from nttlearn import db
from nttlearn_peer_review import allocation_jobs
from nttlearn_peer_review.models import Allocation


@pytest.fixture
def busy(make_capstone, monkeypatch):
    monkeypatch.setenv("NTTLEARN_PEER_REVIEW_ALLOCATION_JOB_SUBMISSIONS", "1")
    cap = make_capstone()
    submitted_team(cap, cap.officials[:2], "Bologna–Luleå")
    submitted_team(cap, cap.officials[2:4], "Vigo–Oulu")
    return cap


def _allocations() -> list[tuple[int, int]]:
    return sorted(
        db.session.execute(db.select(Allocation.submission_id, Allocation.reviewer_id)).tuples()
    )


def test_entering_allocation_on_a_big_activity_allocates_by_a_job(busy):
    go_to(busy, "allocation")  # the job runs at the commit

    allocations = _allocations()
    assert allocations and len({s for s, _r in allocations}) == 2


def test_the_trainers_allocate_is_queued_once_and_the_page_says_so(busy, client_for, monkeypatch):
    queued = []
    monkeypatch.setattr(
        allocation_jobs, "enqueue", lambda *args, **kwargs: queued.append(kwargs["key"])
    )
    trainer = client_for(busy.trainer)

    first = trainer.post(f"/peer-review/{busy.activity.id}/allocate", follow_redirects=True)
    trainer.post(f"/peer-review/{busy.activity.id}/allocate")

    assert "The allocation of reviewers is queued" in first.get_data(as_text=True)
    assert (
        queued == [f"peer-review-allocate-{busy.activity.id}"] * 2
    )  # one key: the second waits behind the first
    assert _allocations() == []


def test_the_allocation_job_run_twice_allocates_once(app, busy):
    from nttlearn.jobs.calls import JobCall
    from nttlearn.jobs.runner import perform

    perform(
        app,
        JobCall(
            name="nttlearn_peer_review.allocation_jobs.run_allocation", args=[busy.activity.id]
        ),
    )
    first = _allocations()
    perform(
        app,
        JobCall(
            name="nttlearn_peer_review.allocation_jobs.run_allocation", args=[busy.activity.id]
        ),
    )

    assert first and _allocations() == first


def test_a_small_activity_is_allocated_at_once(make_capstone, client_for):
    cap = make_capstone()
    submitted_team(cap, cap.officials[:2])

    answer = client_for(cap.trainer).post(
        f"/peer-review/{cap.activity.id}/allocate", follow_redirects=True
    )

    assert "reviews allocated." in answer.get_data(as_text=True) and _allocations()
