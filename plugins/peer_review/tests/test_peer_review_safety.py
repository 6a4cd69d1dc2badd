"""Bad input and safety, by URL tampering: nobody reads a submission they were not given, names
stay hidden where anonymity says so (pages, Markdown, PDF text and PDF metadata), authors never
review themselves, phase rules hold on the server, and learners' text is sanitized."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from peer_review_helpers import form_team, go_to, submitted_team, write_everything
from pypdf import PdfReader

from nttlearn import db
from nttlearn.models import User, utcnow
from nttlearn_peer_review.models import Allocation, CriterionScore, ReviewRecord, Submission
from nttlearn_peer_review.reviewing import ReviewInput, save_review

KEYS = ("relevance", "design", "partnership", "impact")


def review_data(
    points: int = 2, comment: str = "Specific comment.", action: str = "submit"
) -> dict:
    data = {
        "strengths": "Strong needs analysis.",
        "suggestions": "Add a timeline.",
        "action": action,
    }
    for key in KEYS:
        data[f"score_{key}"], data[f"comment_{key}"] = str(points), comment
    return data


def reviewed(cap, points: int = 2):
    """Every allocation of the activity reviewed, submitted."""
    for allocation in db.session.execute(db.select(Allocation).order_by(Allocation.id)).scalars():
        save_review(
            cap.settings,
            allocation,
            allocation.reviewer_id,
            ReviewInput(
                {k: points for k in KEYS},
                {k: "Useful remark." for k in KEYS},
                "Clear objectives.",
                "Add dates.",
            ),
            submit=True,
        )
    db.session.commit()


def pdf_text_and_metadata(data: bytes) -> tuple[str, dict]:
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return text, {k: str(v) for k, v in (reader.metadata or {}).items()}


def everything_said(client, urls: list[str]) -> str:
    """The text of every page and export, PDF text and metadata included."""
    parts = []
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        if response.mimetype == "application/pdf":
            text, metadata = pdf_text_and_metadata(response.data)
            parts += [text, repr(metadata)]
        else:
            parts.append(response.get_data(as_text=True))
    return "\n".join(parts)


# -- who reads what -------------------------------------------------------------------------------
@pytest.mark.parametrize("phase", ["submission", "allocation", "review"])
def test_a_learner_not_allocated_cannot_read_a_submission_or_its_exports(
    make_capstone, client_for, phase
):
    cap = make_capstone(reviewers=1)
    _team, submission = submitted_team(cap, [cap.officials[0]])
    go_to(cap, phase)
    allocated = set(db.session.execute(db.select(Allocation.reviewer_id)).scalars())
    outsider = next(o for o in cap.officials[1:] if o.id not in allocated)
    browser = client_for(outsider)

    for url in (
        f"/peer-review/submissions/{submission.id}",
        f"/peer-review/submissions/{submission.id}/export.md",
        f"/peer-review/submissions/{submission.id}/export.pdf",
        f"/peer-review/submissions/{submission.id}/compare",
        f"/peer-review/submissions/{submission.id}/feedback",
        f"/peer-review/submissions/{submission.id}/feedback/export.pdf",
    ):
        assert browser.get(url).status_code == 404, url


def test_an_allocated_reviewer_reads_the_proposal_only_once_reviews_open(make_capstone, client_for):
    cap = make_capstone(reviewers=1)
    _team, submission = submitted_team(cap, [cap.officials[0]])
    go_to(cap, "allocation")
    allocation = db.session.execute(db.select(Allocation)).scalar_one()
    browser = client_for(db.session.get(User, allocation.reviewer_id))

    assert browser.get(f"/peer-review/submissions/{submission.id}").status_code == 404
    assert browser.get(f"/peer-review/reviews/{allocation.id}").status_code == 404
    go_to(cap, "review")
    assert browser.get(f"/peer-review/submissions/{submission.id}").status_code == 200
    assert browser.get(f"/peer-review/reviews/{allocation.id}").status_code == 200


def test_a_reviewer_cannot_open_or_write_another_reviewers_review(make_capstone, client_for):
    cap = make_capstone(reviewers=2)
    submitted_team(cap, [cap.officials[0]])
    go_to(cap, "review")
    mine, theirs = db.session.execute(db.select(Allocation).order_by(Allocation.id)).scalars().all()
    browser = client_for(db.session.get(User, mine.reviewer_id))

    assert browser.get(f"/peer-review/reviews/{theirs.id}").status_code == 404
    assert browser.post(f"/peer-review/reviews/{theirs.id}", data=review_data()).status_code == 404
    assert db.session.execute(db.select(ReviewRecord)).first() is None


def test_an_author_cannot_review_their_own_proposal_through_any_url(make_capstone, client_for):
    cap = make_capstone(reviewers=1)
    giulia = cap.officials[0]
    _team, submission = submitted_team(cap, [giulia])
    go_to(cap, "review")
    # Even an allocation that names the author (written straight into the database) is refused.
    forged = Allocation(
        activity_id=cap.activity.id, submission_id=submission.id, reviewer_id=giulia.id
    )
    db.session.add(forged)
    db.session.commit()
    browser = client_for(giulia)

    assert browser.get(f"/peer-review/reviews/{forged.id}").status_code == 403
    assert browser.post(f"/peer-review/reviews/{forged.id}", data=review_data()).status_code == 403
    assert (
        db.session.execute(db.select(ReviewRecord).filter_by(allocation_id=forged.id)).first()
        is None
    )
    assert giulia.id not in [
        a.reviewer_id
        for a in db.session.execute(
            db.select(Allocation).where(Allocation.id != forged.id)
        ).scalars()
    ]


def test_a_reviewer_cannot_join_the_team_they_review(make_capstone, client_for):
    cap = make_capstone(reviewers=1)
    team, _submission = submitted_team(cap, [cap.officials[0]])
    go_to(cap, "review")
    reviewer = db.session.execute(db.select(Allocation)).scalar_one().reviewer_id

    response = client_for(cap.trainer).post(
        f"/peer-review/teams/{team.id}/members",
        data={"user_id": str(reviewer)},
        follow_redirects=True,
    )

    assert "proposal and cannot join it" in response.get_data(as_text=True)


def test_someone_elses_invitation_cannot_be_answered(make_capstone, client_for):
    cap = make_capstone()
    giulia, marco, asa = cap.officials[:3]
    client_for(giulia).post(f"/peer-review/{cap.activity.id}/team", data={"name": "Ours"})
    client_for(giulia).post(
        f"/peer-review/{cap.activity.id}/team/invite", data={"email": asa.email}
    )
    from nttlearn_peer_review.models import Invitation

    invitation = db.session.execute(db.select(Invitation)).scalar_one()

    assert (
        client_for(marco)
        .post(f"/peer-review/invitations/{invitation.id}", data={"answer": "accept"})
        .status_code
        == 404
    )


def test_a_learner_of_another_course_is_refused(make_capstone, make_user, client_for):
    cap = make_capstone()
    stranger = make_user(name="Not Enrolled")

    assert client_for(stranger).get(f"/peer-review/{cap.activity.id}").status_code == 403


# -- anonymity ------------------------------------------------------------------------------------
def feedback_urls(submission_id: int) -> list[str]:
    return [
        f"/peer-review/submissions/{submission_id}/feedback",
        f"/peer-review/submissions/{submission_id}/feedback/export.md",
        f"/peer-review/submissions/{submission_id}/feedback/export.pdf",
    ]


def test_authors_never_see_reviewer_names_when_reviews_are_anonymous(make_capstone, client_for):
    cap = make_capstone(reviewers=3, anonymity="anonymous")
    _team, submission = submitted_team(cap, [cap.officials[0]])
    go_to(cap, "review")
    reviewed(cap)
    go_to(cap, "feedback")
    names = [
        db.session.get(User, a.reviewer_id).name
        for a in db.session.execute(db.select(Allocation)).scalars()
    ]

    said = everything_said(
        client_for(cap.officials[0]),
        [f"/peer-review/{cap.activity.id}", *feedback_urls(submission.id)],
    )

    assert "Reviewer 1" in said and "Reviewer 3" in said
    for name in names:
        assert name not in said


def test_authors_see_reviewer_names_when_reviewers_are_visible(make_capstone, client_for):
    cap = make_capstone(reviewers=2, anonymity="reviewers_visible")
    _team, submission = submitted_team(cap, [cap.officials[0]])
    go_to(cap, "review")
    reviewed(cap)
    go_to(cap, "feedback")
    names = [
        db.session.get(User, a.reviewer_id).name
        for a in db.session.execute(db.select(Allocation)).scalars()
    ]

    said = everything_said(client_for(cap.officials[0]), feedback_urls(submission.id))

    for name in names:
        assert said.count(name) >= 3


def test_double_blind_reviewers_never_see_the_authors(make_capstone, client_for):
    cap = make_capstone(reviewers=1, anonymity="double_blind")
    giulia, asa = cap.officials[0], cap.officials[2]
    _team, submission = submitted_team(cap, [giulia, asa], "Bologna–Luleå")
    go_to(cap, "review")
    allocation = db.session.execute(db.select(Allocation)).scalar_one()
    reviewer = client_for(db.session.get(User, allocation.reviewer_id))

    said = everything_said(
        reviewer,
        [
            f"/peer-review/{cap.activity.id}",
            f"/peer-review/reviews/{allocation.id}",
            f"/peer-review/submissions/{submission.id}",
            f"/peer-review/submissions/{submission.id}/export.md",
            f"/peer-review/submissions/{submission.id}/export.pdf",
        ],
    )

    for secret in ("Bologna–Luleå", "Giulia Rossi", "Åsa Lindqvist"):
        assert secret not in said
    assert f"Proposal {submission.id}" in said
    response = reviewer.get(f"/peer-review/submissions/{submission.id}/export.pdf")
    _text, metadata = pdf_text_and_metadata(response.data)
    assert metadata.get("/Author", "") == ""
    assert metadata["/Title"] == "Young Voices"


def test_with_anonymous_reviews_reviewers_see_the_team_but_authors_still_not_the_reviewers(
    make_capstone, client_for
):
    cap = make_capstone(reviewers=1, anonymity="anonymous")
    _team, submission = submitted_team(cap, [cap.officials[0]], "Bologna–Luleå")
    go_to(cap, "review")
    allocation = db.session.execute(db.select(Allocation)).scalar_one()
    reviewer = client_for(db.session.get(User, allocation.reviewer_id))

    page = reviewer.get(f"/peer-review/submissions/{submission.id}/export.pdf")
    _text, metadata = pdf_text_and_metadata(page.data)

    assert metadata["/Author"] == "Bologna–Luleå"


# -- phase rules ----------------------------------------------------------------------------------
def test_no_submission_after_the_deadline_when_late_submission_is_off(make_capstone, client_for):
    past = (utcnow() - timedelta(hours=1)).strftime("%Y-%m-%d %H:%M")
    cap = make_capstone(phases={"submission_deadline": past}, late_submissions=False)
    cap.settings.phase = "submission"
    team = form_team(cap, [cap.officials[0]])
    write_everything(cap, team, cap.officials[0])

    response = client_for(cap.officials[0]).post(
        f"/peer-review/{cap.activity.id}/submit", data={"kind": "original"}, follow_redirects=True
    )

    assert "The submission deadline has passed." in response.get_data(as_text=True)
    assert db.session.execute(db.select(Submission)).first() is None
    db.session.refresh(cap.settings)
    assert cap.settings.phase == "allocation"  # the page moved the activity on at its date


def test_a_late_submission_is_accepted_marked_late_and_given_reviewers(make_capstone, client_for):
    cap = make_capstone(late_submissions=True, reviewers=2)
    submitted_team(cap, [cap.officials[0]], "On time")
    go_to(cap, "review")
    late_team = form_team(cap, [cap.officials[2]], "Late")
    write_everything(cap, late_team, cap.officials[2])

    response = client_for(cap.officials[2]).post(
        f"/peer-review/{cap.activity.id}/submit", data={"kind": "original"}, follow_redirects=True
    )

    assert "Your proposal is submitted (late)." in response.get_data(as_text=True)
    late = db.session.execute(db.select(Submission).filter_by(team_id=late_team.id)).scalar_one()
    assert late.late
    reviewers = (
        db.session.execute(db.select(Allocation.reviewer_id).filter_by(submission_id=late.id))
        .scalars()
        .all()
    )
    assert len(reviewers) == 2 and cap.officials[2].id not in reviewers


def test_no_review_changes_after_closing(make_capstone, client_for):
    cap = make_capstone(reviewers=1)
    submitted_team(cap, [cap.officials[0]])
    go_to(cap, "review")
    allocation = db.session.execute(db.select(Allocation)).scalar_one()
    browser = client_for(db.session.get(User, allocation.reviewer_id))
    assert (
        browser.post(f"/peer-review/reviews/{allocation.id}", data=review_data(2)).status_code
        == 302
    )
    go_to(cap, "closed")

    response = browser.post(
        f"/peer-review/reviews/{allocation.id}", data=review_data(0, "Changed my mind")
    )

    assert response.status_code == 409
    assert "The activity is closed" in response.get_data(as_text=True)
    db.session.expire_all()
    assert set(db.session.execute(db.select(CriterionScore.points)).scalars()) == {2}


def test_in_feedback_a_missing_review_can_still_come_in_late_but_a_submitted_one_is_locked(
    make_capstone, client_for
):
    cap = make_capstone(reviewers=2)
    submitted_team(cap, [cap.officials[0]])
    go_to(cap, "review")
    done, missing = (
        db.session.execute(db.select(Allocation).order_by(Allocation.id)).scalars().all()
    )
    client_for(db.session.get(User, done.reviewer_id)).post(
        f"/peer-review/reviews/{done.id}", data=review_data()
    )
    go_to(cap, "feedback")

    locked = client_for(db.session.get(User, done.reviewer_id)).post(
        f"/peer-review/reviews/{done.id}", data=review_data(0)
    )
    late = client_for(db.session.get(User, missing.reviewer_id)).post(
        f"/peer-review/reviews/{missing.id}", data=review_data(3)
    )

    assert locked.status_code == 409
    assert late.status_code == 302
    record = db.session.execute(
        db.select(ReviewRecord).filter_by(allocation_id=missing.id)
    ).scalar_one()
    assert record.late


def test_a_review_needs_every_score_and_comment_to_be_submitted(make_capstone, client_for):
    cap = make_capstone(reviewers=1)
    submitted_team(cap, [cap.officials[0]])
    go_to(cap, "review")
    allocation = db.session.execute(db.select(Allocation)).scalar_one()
    browser = client_for(db.session.get(User, allocation.reviewer_id))
    data = review_data()
    del data["score_design"]
    data["score_impact"] = "7"

    response = browser.post(f"/peer-review/reviews/{allocation.id}", data=data)

    assert response.status_code == 400
    assert db.session.execute(db.select(ReviewRecord)).first() is None
    draft = browser.post(
        f"/peer-review/reviews/{allocation.id}",
        data={**review_data(action="save"), "score_design": ""},
    )
    assert draft.status_code == 302
    assert db.session.execute(db.select(ReviewRecord.submitted_at)).scalar_one() is None


# -- sanitizing -----------------------------------------------------------------------------------
def test_learners_text_is_sanitized_wherever_it_is_shown(make_capstone, client_for):
    cap = make_capstone(reviewers=1)
    giulia = cap.officials[0]
    go_to(cap, "submission")
    team = form_team(cap, [giulia])
    write_everything(
        cap,
        team,
        giulia,
        words='<script>alert("x")</script> [click](javascript:alert(1)) <img src=x onerror=alert(1)>',
    )
    author = client_for(giulia)
    from nttlearn_peer_review import writing

    submission = writing.submit(cap.settings, team, giulia.id)
    db.session.commit()
    go_to(cap, "review")
    allocation = db.session.execute(db.select(Allocation)).scalar_one()
    reviewer = client_for(db.session.get(User, allocation.reviewer_id))
    reviewer.post(
        f"/peer-review/reviews/{allocation.id}",
        data=review_data(comment="<script>alert(2)</script>"),
    )
    go_to(cap, "feedback")

    pages = [
        author.get(f"/peer-review/{cap.activity.id}/proposal").get_data(as_text=True),
        author.get(f"/peer-review/submissions/{submission.id}").get_data(as_text=True),
        reviewer.get(f"/peer-review/reviews/{allocation.id}").get_data(as_text=True),
        author.get(f"/peer-review/submissions/{submission.id}/feedback").get_data(as_text=True),
    ]

    for page in pages:
        assert "<script>alert" not in page
        assert 'href="javascript' not in page
        assert "<img" not in page
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in pages[3]
