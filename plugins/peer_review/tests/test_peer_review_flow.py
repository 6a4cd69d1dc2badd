"""The capstone end to end through the pages: a cross-country team writes and submits, others
review with the rubric, the authors read the feedback, rate it and revise, the trainer closes
the activity, and grades, completion and events reach the core."""

from __future__ import annotations

import pytest
from peer_review_helpers import form_team, go_to, submitted_team

from nttlearn import db
from nttlearn.models import ActivityCompletion, EventRecord
from nttlearn_peer_review.models import (
    Allocation,
    FinalGrade,
    ReviewRecord,
    Section,
    Submission,
)
from nttlearn_peer_review.services import rubric_of


def fill_review(client, allocation_id: int, points: int = 2, action: str = "submit"):
    data = {
        "strengths": "A clear need, backed by figures.",
        "suggestions": "Add dates to the work plan.",
        "action": action,
    }
    for key in ("relevance", "design", "partnership", "impact"):
        data[f"score_{key}"] = str(points)
        data[f"comment_{key}"] = f"Comment on {key}."
    return client.post(f"/peer-review/reviews/{allocation_id}", data=data)


def test_a_team_writes_and_submits_through_the_pages(make_capstone, client_for):
    cap = make_capstone(min_countries=2)
    giulia, asa = cap.officials[0], cap.officials[2]
    go_to(cap, "submission")
    team = form_team(cap, [giulia, asa])
    browser = client_for(giulia)

    page = browser.get(f"/peer-review/{cap.activity.id}")
    assert page.status_code == 200
    assert "Bologna–Luleå" in page.get_data(as_text=True)
    assert "Åsa Lindqvist" in page.get_data(as_text=True)

    editor = browser.get(f"/peer-review/{cap.activity.id}/proposal")
    assert editor.status_code == 200
    assert "Context and needs" in editor.get_data(as_text=True)
    saved = browser.post(
        f"/peer-review/{cap.activity.id}/proposal/details",
        data={"title": "Young Voices", "policy_area": "youth", "base_version": "0"},
    )
    assert saved.status_code == 302
    for key in (
        "title_policy_area",
        "context_needs",
        "objectives",
        "partners",
        "work_plan",
        "budget",
        "impact",
        "dissemination",
        "monitoring_evaluation",
    ):
        assert browser.get(f"/peer-review/{cap.activity.id}/proposal/{key}").status_code == 200
        response = browser.post(
            f"/peer-review/{cap.activity.id}/proposal/{key}",
            data={"text": f"Our {key} in Bologna and Luleå.", "base_version": "0"},
        )
        assert response.status_code == 302, response.get_data(as_text=True)[:300]

    response = browser.post(
        f"/peer-review/{cap.activity.id}/submit", data={"kind": "original"}, follow_redirects=True
    )

    assert "Your proposal is submitted." in response.get_data(as_text=True)
    submission = db.session.execute(db.select(Submission).filter_by(team_id=team.id)).scalar_one()
    assert submission.title == "Young Voices"
    assert submission.countries == ["IT", "SE"]
    assert [s["text"] for s in submission.sections][1] == "Our context_needs in Bologna and Luleå."
    event = db.session.execute(
        db.select(EventRecord).filter_by(name="peer_review.proposal_submitted")
    ).scalar_one()
    assert event.data == {
        "activity_id": cap.activity.id,
        "team_id": team.id,
        "submission_id": submission.id,
        "policy_area": "youth",
        "countries": ["IT", "SE"],
    }
    assert event.user_id == giulia.id


def test_reviewers_review_authors_read_feedback_revise_and_the_trainer_closes(
    make_capstone, client_for
):
    cap = make_capstone(min_countries=2, reviewers=2, completion="both")
    giulia, marco, asa, erik, lucia, xoan, aino, mikko = cap.officials
    team_a, sub_a = submitted_team(cap, [giulia, asa], "Bologna–Luleå")
    team_b, sub_b = submitted_team(cap, [lucia, aino], "A Coruña–Helsinki")
    go_to(cap, "review")
    allocations = db.session.execute(db.select(Allocation).order_by(Allocation.id)).scalars().all()
    assert {a.submission_id for a in allocations} == {sub_a.id, sub_b.id}
    assert len(allocations) == 4

    for allocation in allocations:
        reviewer = db.session.get(type(giulia), allocation.reviewer_id)
        browser = client_for(reviewer)
        assert reviewer.id not in (
            sub_a.authors if allocation.submission_id == sub_a.id else sub_b.authors
        )
        assert browser.get(f"/peer-review/reviews/{allocation.id}").status_code == 200
        assert (
            fill_review(
                browser, allocation.id, points=2 if allocation.submission_id == sub_a.id else 3
            ).status_code
            == 302
        )
    assert (
        db.session.execute(
            db.select(db.func.count(ReviewRecord.id)).where(ReviewRecord.submitted_at.is_not(None))
        ).scalar()
        == 4
    )
    assert (
        db.session.execute(
            db.select(db.func.count(EventRecord.id)).filter_by(name="peer_review.review_submitted")
        ).scalar()
        == 4
    )

    go_to(cap, "feedback")
    author = client_for(giulia)
    feedback = author.get(f"/peer-review/submissions/{sub_a.id}/feedback")
    page = feedback.get_data(as_text=True)
    assert feedback.status_code == 200
    assert "Comment on relevance." in page and "Add dates to the work plan." in page
    assert "Mean: 2.0 of 3" in page
    first = (
        db.session.execute(
            db.select(Allocation).filter_by(submission_id=sub_a.id).order_by(Allocation.id)
        )
        .scalars()
        .first()
    )
    assert (
        author.post(
            f"/peer-review/reviews/{first.id}/helpfulness", data={"rating": "5"}
        ).status_code
        == 302
    )

    revised = author.post(
        f"/peer-review/{cap.activity.id}/proposal/budget",
        data={
            "text": "Budget: 52,000 EUR with co-financing.",
            "base_version": str(_section_version(team_a.id, "budget")),
        },
    )
    assert revised.status_code == 302
    assert (
        author.post(f"/peer-review/{cap.activity.id}/submit", data={"kind": "revision"}).status_code
        == 302
    )
    compare = author.get(f"/peer-review/submissions/{sub_a.id}/compare").get_data(as_text=True)
    assert "<ins>" in compare and "52,000" in compare

    trainer = client_for(cap.trainer)
    closed = trainer.post(
        f"/peer-review/{cap.activity.id}/phase", data={"phase": "closed", "confirmed": "yes"}
    )
    assert closed.status_code == 302

    grades = {g.user_id: g for g in db.session.execute(db.select(FinalGrade)).scalars()}
    assert grades[giulia.id].submission_grade == pytest.approx(200 / 3)
    assert grades[lucia.id].submission_grade == pytest.approx(100)
    completed = dict(
        db.session.execute(db.select(ActivityCompletion.user_id, ActivityCompletion.score)).all()
    )
    assert giulia.id in completed and completed[giulia.id] == pytest.approx(
        grades[giulia.id].grade, abs=0.01
    )
    accepted = (
        db.session.execute(
            db.select(EventRecord)
            .filter_by(name="peer_review.proposal_accepted")
            .order_by(EventRecord.user_id)
        )
        .scalars()
        .all()
    )
    assert {e.user_id for e in accepted} == {giulia.id, asa.id, lucia.id, aino.id}
    assert accepted[0].data["activity_id"] == cap.activity.id
    assert set(accepted[0].data) == {"activity_id", "team_id", "grade", "authors"}  # as declared
    assert all(e.user_id in e.data["authors"] for e in accepted)
    assert {a for e in accepted for a in e.data["authors"]} == {
        giulia.id,
        asa.id,
        lucia.id,
        aino.id,
    }

    trainer.post(
        f"/peer-review/{cap.activity.id}/phase", data={"phase": "feedback", "confirmed": "yes"}
    )
    trainer.post(
        f"/peer-review/{cap.activity.id}/phase", data={"phase": "closed", "confirmed": "yes"}
    )
    assert (
        db.session.execute(
            db.select(db.func.count(EventRecord.id)).filter_by(name="peer_review.proposal_accepted")
        ).scalar()
        == 4
    )


def _section_version(team_id: int, key: str) -> int:
    db.session.expire_all()
    return db.session.execute(
        db.select(Section.version).filter_by(team_id=team_id, key=key)
    ).scalar_one()


def test_a_proposal_below_the_pass_grade_is_not_announced_as_accepted(make_capstone, client_for):
    cap = make_capstone(reviewers=1, grading={"pass_grade": 60})
    team, submission = submitted_team(cap, [cap.officials[0]])
    go_to(cap, "review")
    allocation = db.session.execute(db.select(Allocation)).scalar_one()
    reviewer = db.session.get(type(cap.officials[0]), allocation.reviewer_id)
    fill_review(client_for(reviewer), allocation.id, points=1)

    go_to(cap, "closed")

    assert (
        db.session.execute(
            db.select(EventRecord).filter_by(name="peer_review.proposal_accepted")
        ).first()
        is None
    )
    assert rubric_of(cap.settings).criteria[0].max_points == 3


def test_a_team_cannot_write_after_it_has_submitted(make_capstone, client_for):
    cap = make_capstone()
    team, _submission = submitted_team(cap, [cap.officials[0]])
    browser = client_for(cap.officials[0])

    response = browser.post(
        f"/peer-review/{cap.activity.id}/proposal/budget",
        data={"text": "Changed after submitting", "base_version": "1"},
        follow_redirects=True,
    )

    assert "The proposal cannot be edited now." in response.get_data(as_text=True)
    db.session.expire_all()
    assert (
        db.session.execute(
            db.select(Section.text).filter_by(team_id=team.id, key="budget")
        ).scalar_one()
        == "budget: Evidence from every town."
    )
