"""The pages that list teams and reviews run a fixed number of queries, however many there are."""

from __future__ import annotations

from peer_review_helpers import go_to, submitted_team

from nttlearn import db
from nttlearn.models import Enrolment
from nttlearn.testing import count_queries
from nttlearn_peer_review.models import Allocation
from nttlearn_peer_review.reviewing import ReviewInput, save_review

KEYS = ("relevance", "design", "partnership", "impact")


def grow(cap, make_user, teams: int) -> None:
    """Add ``teams`` one-person teams from new learners, all submitted and reviewed."""
    for n in range(teams):
        person = make_user(
            name=f"Extra {n}", org=f"Town {n}", country=("IT", "SE", "ES", "FI")[n % 4]
        )
        db.session.add(Enrolment(user_id=person.id, course_id=cap.course.id))
        db.session.commit()
        submitted_team(cap, [person], f"Team {n}")


def review_everything(cap) -> None:
    for allocation in db.session.execute(db.select(Allocation)).scalars().all():
        save_review(
            cap.settings,
            allocation,
            allocation.reviewer_id,
            ReviewInput({k: 2 for k in KEYS}, {k: "Fine." for k in KEYS}, "A", "B"),
            submit=True,
        )
    db.session.commit()


def queries(app, client, url: str) -> int:
    # Requests share the test's session: start each one from nothing loaded, as a real one does.
    db.session.expire_all()
    with count_queries(app) as statements:
        assert client.get(url).status_code == 200
    return len(statements)


def test_the_dashboard_and_grades_do_not_query_per_team(app, make_capstone, make_user, client_for):
    small = make_capstone(reviewers=2)
    grow(small, make_user, 2)
    go_to(small, "review")
    review_everything(small)
    trainer = client_for(small.trainer)
    urls = [f"/peer-review/{small.activity.id}/manage", f"/peer-review/{small.activity.id}/grades"]
    before = [queries(app, trainer, url) for url in urls]

    grow_more = [f"Later {n}" for n in range(4)]
    go_to(small, "submission")
    for n, name in enumerate(grow_more):
        person = make_user(name=name, org=f"Later town {n}", country="FI")
        db.session.add(Enrolment(user_id=person.id, course_id=small.course.id))
        db.session.commit()
        submitted_team(small, [person], name)
    go_to(small, "review")
    review_everything(small)
    after = [queries(app, trainer, url) for url in urls]

    assert after == before


def test_the_feedback_page_does_not_query_per_review(app, make_capstone, client_for):
    few = make_capstone(reviewers=2)
    _team, submission = submitted_team(few, [few.officials[0]])
    go_to(few, "review")
    review_everything(few)
    go_to(few, "feedback")
    author = client_for(few.officials[0])
    url = f"/peer-review/submissions/{submission.id}/feedback"
    queries(
        app, author, url
    )  # as on a warm worker: the course's release rules are cached per worker
    before = queries(app, author, url)

    go_to(few, "review")
    few.settings.reviewers_per_submission = 5
    db.session.commit()
    from nttlearn_peer_review.allocating import allocate_reviewers

    allocate_reviewers(few.settings)
    db.session.commit()
    review_everything(few)
    go_to(few, "feedback")

    assert db.session.execute(db.select(db.func.count(Allocation.id))).scalar() == 5
    assert queries(app, author, url) == before
