"""The proposal work on the learner's to-do list (reviews, invitations, the team's proposal),
and the workflow's mails going through the core's notifications (preferences, unsubscribe link)."""

from __future__ import annotations

from datetime import timedelta

from peer_review_helpers import form_team, go_to, submitted_team

from nttlearn import db
from nttlearn.api import utcnow
from nttlearn.mail import outbox
from nttlearn.models import Enrolment, Notification, User
from nttlearn.notifications.services import set_preference
from nttlearn.testing import count_queries
from nttlearn_peer_review import teams
from nttlearn_peer_review.models import Allocation
from nttlearn_peer_review.todo import todo_items


def items_of(app, user):
    with app.test_request_context():
        return todo_items(user)


def test_a_reviewer_has_each_review_to_write_due_at_the_review_deadline(app, make_capstone):
    cap = make_capstone(reviewers=1)
    submitted_team(cap, [cap.officials[0]])
    cap.settings.review_deadline = utcnow() + timedelta(days=2)
    go_to(cap, "review")
    allocation = db.session.execute(db.select(Allocation)).scalar_one()
    reviewer = db.session.get(User, allocation.reviewer_id)

    (item,) = [i for i in items_of(app, reviewer) if i.kind == "review"]

    assert item.key == f"peer_review:review:{allocation.id}"
    assert item.due_at == cap.settings.review_deadline and item.state == "due_soon"
    assert item.url == f"/peer-review/reviews/{allocation.id}"
    assert "Review a proposal in" in item.title


def test_an_invitation_and_the_team_s_proposal_are_on_the_list_until_answered_or_submitted(
    app, make_capstone
):
    cap = make_capstone()
    giulia, asa = cap.officials[0], cap.officials[2]
    cap.settings.submission_deadline = utcnow() + timedelta(days=20)
    go_to(cap, "submission")
    team = form_team(cap, [giulia], name="Emilia–Norrbotten")
    teams.invite(cap.settings, cap.course.id, team, giulia.id, asa.email)
    db.session.commit()

    (invitation,) = items_of(app, asa)
    assert (
        invitation.kind == "invitation"
        and invitation.state == "invited"
        and invitation.due_at is None
    )
    assert "Emilia–Norrbotten" in invitation.title
    (proposal,) = items_of(app, giulia)
    assert proposal.kind == "proposal" and proposal.due_at == cap.settings.submission_deadline
    assert proposal.state == "todo"

    submitted_team(cap, [cap.officials[4]], name="Galicia")
    assert [i.kind for i in items_of(app, cap.officials[4])] == []


def test_reviews_assigned_are_notified_through_the_core_as_each_reviewer_prefers(
    app, make_capstone
):
    cap = make_capstone(reviewers=1)
    submitted_team(cap, [cap.officials[0]])
    submitted_team(cap, [cap.officials[1]], name="Ferrara")
    everyone = {u.id: u for u in cap.officials}
    set_preference(cap.officials[0].id, "review_assigned", "off")
    db.session.commit()

    go_to(cap, "review")

    reviewers = set(db.session.execute(db.select(Allocation.reviewer_id)).scalars())
    rows = (
        db.session.execute(db.select(Notification).where(Notification.kind == "review_assigned"))
        .scalars()
        .all()
    )
    assert {n.user_id for n in rows} == reviewers
    mailed = {m["To"] for m in outbox()}
    for reviewer_id in reviewers:
        person = everyone[reviewer_id]
        assert (person.email in mailed) == (reviewer_id != cap.officials[0].id)
    mail = next(m for m in outbox() if m["To"] != cap.officials[0].email)
    assert "/unsubscribe/" in mail.get_content() and "/peer-review/" in mail.get_content()


def _learners(numbers: range, course_id: int) -> None:
    emails = [f"bulk{n}@example.org" for n in numbers]
    db.session.execute(
        db.insert(User),
        [{"email": e, "name": e, "password_hash": "", "role": "learner"} for e in emails],
    )
    ids = db.session.execute(db.select(User.id).where(User.email.in_(emails))).scalars().all()
    db.session.execute(
        db.insert(Enrolment), [{"user_id": i, "course_id": course_id, "cohort": ""} for i in ids]
    )
    db.session.commit()


def test_the_todo_items_take_as_many_queries_with_1000_learners_as_with_10(app, make_capstone):
    cap = make_capstone(reviewers=1)
    submitted_team(cap, [cap.officials[0]])
    go_to(cap, "review")
    reviewer = db.session.get(
        User, db.session.execute(db.select(Allocation.reviewer_id)).scalar_one()
    )
    _learners(range(10), cap.course.id)
    db.session.refresh(reviewer)
    with count_queries(app) as few:
        assert items_of(app, reviewer)
    _learners(range(10, 1000), cap.course.id)
    db.session.refresh(reviewer)
    with count_queries(app) as many:
        assert items_of(app, reviewer)

    # Issue 17: 4 before (any work at all, reviews, invitations, the teams' proposals), now 2:
    # the reviews, invitations and proposals in one query, then their activities' settings.
    assert len(many) == len(few) == 2
