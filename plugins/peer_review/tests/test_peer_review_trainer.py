"""The trainer's side: settings, forming teams, the dashboard, adjusting the allocation by hand,
replacing a reviewer who drops out, reminders, overrides, grades, examples and the quality panel."""

from __future__ import annotations

import csv
import io

import pytest
import yaml
from peer_review_helpers import go_to, submitted_team

from nttlearn import db
from nttlearn.learn.services import unenrol
from nttlearn.mail import outbox
from nttlearn.models import Course
from nttlearn_peer_review.models import (
    Allocation,
    Example,
    GradeOverride,
    Notification,
    ProposalSettings,
    Team,
    TeamMember,
)
from nttlearn_peer_review.notifications import unread
from nttlearn_peer_review.reviewing import ReviewInput, save_review
from nttlearn_peer_review.services import rubric_of, template_of


def submit_review(cap, allocation, points=2):
    keys = ("relevance", "design", "partnership", "impact")
    save_review(
        cap.settings,
        allocation,
        allocation.reviewer_id,
        ReviewInput({k: points for k in keys}, {k: "Fine." for k in keys}, "Clear.", "Dates."),
        submit=True,
    )
    db.session.commit()


def test_the_settings_page_saves_dates_rules_template_and_rubric(make_capstone, client_for):
    cap = make_capstone()
    trainer = client_for(cap.trainer)
    page = trainer.get(f"/peer-review/{cap.activity.id}/settings")
    assert page.status_code == 200
    assert "title_policy_area" in page.get_data(as_text=True)

    template = (
        "sections:\n- key: idea\n  title: The idea\n  guidance: What and why.\n  word_limit: 50\n"
    )
    rubric = (
        "criteria:\n- key: quality\n  title: Quality\n  weight: 1\n  levels:\n"
        "  - {points: 0, label: Weak, descriptor: Missing.}\n"
        "  - {points: 4, label: Strong, descriptor: Convincing.}\n"
    )
    response = trainer.post(
        f"/peer-review/{cap.activity.id}/settings",
        data={
            "submission_opens_at": "2010-03-04T09:00",
            "submission_deadline": "2010-04-06T18:00",
            "review_opens_at": "",
            "review_deadline": "",
            "closes_at": "",
            "reviewers_per_submission": "2",
            "anonymity": "double_blind",
            "late_submissions": "y",
            "min_countries": "3",
            "completion_rule": "submitted",
            "team_formation": "trainer",
            "max_team_size": "4",
            "grading_method": "median",
            "submission_weight": "70",
            "reviewing_weight": "30",
            "late_penalty": "0.5",
            "pass_grade": "60",
            "disagreement_threshold": "20",
            "template": template,
            "rubric": rubric,
        },
    )

    assert response.status_code == 302
    settings = db.session.get(ProposalSettings, cap.activity.id)
    db.session.refresh(settings)
    assert (settings.reviewers_per_submission, settings.anonymity, settings.min_countries) == (
        2,
        "double_blind",
        3,
    )
    assert settings.submission_deadline.isoformat() == "2010-04-06T18:00:00+00:00"
    assert settings.template["sections"][0]["key"] == "idea"
    assert settings.rubric["criteria"][0]["levels"][1]["points"] == 4


def test_an_invalid_template_is_refused_with_its_problems(make_capstone, client_for):
    cap = make_capstone()
    trainer = client_for(cap.trainer)
    form = trainer.get(f"/peer-review/{cap.activity.id}/settings")
    assert form.status_code == 200
    response = trainer.post(
        f"/peer-review/{cap.activity.id}/settings",
        data={
            "reviewers_per_submission": "3",
            "anonymity": "anonymous",
            "min_countries": "1",
            "completion_rule": "both",
            "team_formation": "learners",
            "max_team_size": "6",
            "grading_method": "mean",
            "submission_weight": "80",
            "reviewing_weight": "20",
            "late_penalty": "0",
            "pass_grade": "50",
            "disagreement_threshold": "25",
            "template": "sections:\n- key: Bad Key\n  title: x\n  word_limit: 0\n",
            "rubric": "criteria: []",
        },
    )

    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "the word limit must be a whole number from 1 to 100000" in page
    assert "The rubric needs at least one criterion." in page
    assert (
        db.session.get(ProposalSettings, cap.activity.id).template["sections"][0]["key"]
        == "title_policy_area"
    )


SETTINGS_FORM = {
    "reviewers_per_submission": "1",
    "anonymity": "anonymous",
    "min_countries": "1",
    "completion_rule": "both",
    "team_formation": "learners",
    "max_team_size": "6",
    "grading_method": "mean",
    "submission_weight": "80",
    "reviewing_weight": "20",
    "late_penalty": "0",
    "pass_grade": "50",
    "disagreement_threshold": "25",
}


def _reviewed(make_capstone):
    """An activity whose one submission has a submitted review on the default rubric."""
    cap = make_capstone(reviewers=1)
    _team, submission = submitted_team(cap, [cap.officials[0]])
    go_to(cap, "review")
    submit_review(cap, db.session.execute(db.select(Allocation)).scalar_one(), points=2)
    return cap, submission


def _rubric_text(cap, change) -> str:
    rubric = rubric_of(cap.settings).to_dict()
    change(rubric)
    return yaml.safe_dump(rubric, sort_keys=False, allow_unicode=True)


def _template_text(cap) -> str:
    return yaml.safe_dump(template_of(cap.settings).to_dict(), sort_keys=False, allow_unicode=True)


@pytest.mark.parametrize(
    "change",
    [
        lambda r: r["criteria"][0]["levels"][3].update(points=5),
        lambda r: r["criteria"][0].update(key="relevance_to_programme"),
        lambda r: r["criteria"][1].update(weight=50),
        lambda r: r["criteria"].pop(),
    ],
    ids=["points", "key", "weight", "criterion removed"],
)
def test_the_rubric_scoring_cannot_change_once_reviews_exist(make_capstone, client_for, change):
    cap, submission = _reviewed(make_capstone)
    before = rubric_of(cap.settings).to_dict()
    trainer = client_for(cap.trainer)

    response = trainer.post(
        f"/peer-review/{cap.activity.id}/settings",
        data={
            **SETTINGS_FORM,
            "template": _template_text(cap),
            "rubric": _rubric_text(cap, change),
        },
    )

    assert response.status_code == 400
    assert (
        "criteria, weights and points cannot change: 1 review already scores them"
        in response.get_data(as_text=True)
    )
    db.session.expire_all()
    assert rubric_of(db.session.get(ProposalSettings, cap.activity.id)).to_dict() == before
    feedback = trainer.get(f"/peer-review/submissions/{submission.id}/feedback").get_data(
        as_text=True
    )
    assert "total 67 of 100" in feedback


def test_the_rubric_wording_can_change_after_reviews(make_capstone, client_for):
    cap, _submission = _reviewed(make_capstone)

    def reword(rubric):
        rubric["criteria"][0]["title"] = "Fit with the programme"
        rubric["criteria"][0]["levels"][0]["descriptor"] = "No link to the programme."

    response = client_for(cap.trainer).post(
        f"/peer-review/{cap.activity.id}/settings",
        data={
            **SETTINGS_FORM,
            "template": _template_text(cap),
            "rubric": _rubric_text(cap, reword),
        },
    )

    assert response.status_code == 302
    db.session.expire_all()
    assert (
        db.session.get(ProposalSettings, cap.activity.id).rubric["criteria"][0]["title"]
        == "Fit with the programme"
    )


def test_a_package_cannot_replace_the_rubric_once_reviews_exist(make_capstone, tmp_path):
    from nttlearn_peer_review.activity import import_definition

    cap, _submission = _reviewed(make_capstone)
    rubric = {
        "criteria": [
            {
                "key": "quality",
                "title": "Quality",
                "weight": 1,
                "levels": [
                    {"points": 0, "label": "Weak", "descriptor": "Missing."},
                    {"points": 4, "label": "Strong", "descriptor": "Convincing."},
                ],
            }
        ]
    }

    with pytest.raises(ValueError, match="criteria, weights and points cannot change"):
        import_definition(cap.activity, {"reviewers": 1, "rubric": rubric}, tmp_path)


def test_the_trainer_forms_a_team_and_changes_its_members(make_capstone, client_for):
    cap = make_capstone(teams="trainer")
    giulia, marco, asa = cap.officials[:3]
    trainer = client_for(cap.trainer)

    created = trainer.post(
        f"/peer-review/{cap.activity.id}/teams",
        data={"name": "Emilia–Norrbotten", "members": [str(giulia.id), str(asa.id)]},
    )
    assert created.status_code == 302
    team = db.session.execute(db.select(Team)).scalar_one()
    assert (
        trainer.post(
            f"/peer-review/teams/{team.id}/members", data={"user_id": str(marco.id)}
        ).status_code
        == 302
    )
    assert (
        trainer.post(f"/peer-review/teams/{team.id}/members/{giulia.id}/remove").status_code == 302
    )

    members = set(db.session.execute(db.select(TeamMember.user_id)).scalars())
    assert members == {marco.id, asa.id}
    page = trainer.get(f"/peer-review/{cap.activity.id}/manage").get_data(as_text=True)
    assert "Emilia–Norrbotten" in page and "Marco Bianchi" in page


def test_the_dashboard_shows_submissions_reviews_and_strong_disagreements(
    make_capstone, client_for
):
    cap = make_capstone(reviewers=3)
    _team, submission = submitted_team(cap, [cap.officials[0], cap.officials[2]])
    go_to(cap, "review")
    allocations = db.session.execute(db.select(Allocation).order_by(Allocation.id)).scalars().all()
    for allocation, points in zip(allocations, (3, 3, 0), strict=True):
        submit_review(cap, allocation, points)

    page = client_for(cap.trainer).get(f"/peer-review/{cap.activity.id}/manage")
    text = page.get_data(as_text=True)

    assert page.status_code == 200
    assert "Bologna–Luleå" in text and "3/3" in text
    assert "Strong disagreements" in text
    assert "0 against 100 from the others" in text


def test_adding_and_removing_a_reviewer_by_hand(make_capstone, client_for):
    cap = make_capstone(reviewers=1)
    giulia, marco = cap.officials[0], cap.officials[1]
    _team, submission = submitted_team(cap, [giulia])
    go_to(cap, "review")
    trainer = client_for(cap.trainer)
    existing = db.session.execute(db.select(Allocation)).scalar_one()
    extra = next(o for o in cap.officials[1:] if o.id != existing.reviewer_id)

    trainer.post(
        f"/peer-review/{cap.activity.id}/allocations",
        data={"submission_id": str(submission.id), "reviewer_id": str(extra.id)},
    )
    refused = trainer.post(
        f"/peer-review/{cap.activity.id}/allocations",
        data={"submission_id": str(submission.id), "reviewer_id": str(giulia.id)},
        follow_redirects=True,
    )
    assert "Authors cannot review their own proposal." in refused.get_data(as_text=True)
    trainer.post(f"/peer-review/allocations/{existing.id}/delete")

    db.session.expire_all()
    assert [a.reviewer_id for a in db.session.execute(db.select(Allocation)).scalars()] == [
        extra.id
    ]
    assert marco is not None


def test_a_reviewer_who_drops_out_is_replaced_and_submitted_reviews_stay(make_capstone, client_for):
    cap = make_capstone(reviewers=2)
    _a, sub_a = submitted_team(cap, [cap.officials[0]], "A")
    _b, sub_b = submitted_team(cap, [cap.officials[2]], "B")
    go_to(cap, "review")
    allocations = db.session.execute(db.select(Allocation).order_by(Allocation.id)).scalars().all()
    leaver = allocations[0].reviewer_id
    theirs = [a for a in allocations if a.reviewer_id == leaver]

    response = client_for(cap.trainer).post(
        f"/peer-review/{cap.activity.id}/drop",
        data={"reviewer_id": str(leaver)},
        follow_redirects=True,
    )

    assert f"{len(theirs)} reviews given to other reviewers" in response.get_data(as_text=True)
    db.session.expire_all()
    now = db.session.execute(db.select(Allocation.submission_id, Allocation.reviewer_id)).all()
    assert leaver not in {r for _s, r in now}
    assert sorted(s for s, _r in now) == sorted([sub_a.id] * 2 + [sub_b.id] * 2)


def test_a_reviewer_who_leaves_the_course_is_replaced_automatically(make_capstone):
    cap = make_capstone(reviewers=2)
    _a, sub_a = submitted_team(cap, [cap.officials[0]], "A")
    go_to(cap, "review")
    leaver = (
        db.session.execute(db.select(Allocation).order_by(Allocation.id))
        .scalars()
        .first()
        .reviewer_id
    )
    submit_review(
        cap,
        db.session.execute(db.select(Allocation).order_by(Allocation.id.desc())).scalars().first(),
    )

    unenrol(leaver, db.session.get(Course, cap.course.id))
    db.session.commit()

    reviewers = set(db.session.execute(db.select(Allocation.reviewer_id)).scalars())
    assert leaver not in reviewers and len(reviewers) == 2


def test_reminders_reach_the_dashboard_and_the_mailbox(make_capstone, client_for):
    cap = make_capstone()
    go_to(cap, "submission")
    trainer = client_for(cap.trainer)

    response = trainer.post(
        f"/peer-review/{cap.activity.id}/reminders",
        data={"audience": "not_submitted", "message": "The deadline is Friday."},
        follow_redirects=True,
    )

    assert "Reminder sent to 8 people." in response.get_data(as_text=True)
    giulia = cap.officials[0]
    assert any("The deadline is Friday." in n.message for n in unread(giulia.id))
    mails = [m for m in outbox() if m["To"] == giulia.email]
    assert mails and "The deadline is Friday." in mails[0].get_content()
    dashboard = client_for(giulia).get("/dashboard").get_data(as_text=True)
    assert "The deadline is Friday." in dashboard
    notice = db.session.execute(db.select(Notification).filter_by(user_id=giulia.id)).scalar_one()
    assert (
        client_for(giulia).post(f"/peer-review/notifications/{notice.id}/read").status_code == 302
    )
    assert "The deadline is Friday." not in client_for(giulia).get("/dashboard").get_data(
        as_text=True
    )


def test_a_learner_cannot_dismiss_someone_elses_notification(make_capstone, client_for):
    cap = make_capstone()
    client_for(cap.trainer).post(
        f"/peer-review/{cap.activity.id}/reminders", data={"audience": "not_submitted"}
    )
    notice = db.session.execute(
        db.select(Notification).filter_by(user_id=cap.officials[0].id)
    ).scalar_one()

    assert (
        client_for(cap.officials[1])
        .post(f"/peer-review/notifications/{notice.id}/read")
        .status_code
        == 404
    )


def test_a_grade_override_replaces_the_reviewers_grade(make_capstone, client_for):
    cap = make_capstone(reviewers=1)
    team, _submission = submitted_team(cap, [cap.officials[0]])
    go_to(cap, "review")
    submit_review(cap, db.session.execute(db.select(Allocation)).scalar_one(), points=1)
    trainer = client_for(cap.trainer)

    trainer.post(
        f"/peer-review/teams/{team.id}/override", data={"grade": "85", "reason": "Strong revision"}
    )
    rows = list(
        csv.reader(
            io.StringIO(
                trainer.get(f"/peer-review/{cap.activity.id}/grades.csv").get_data(as_text=True)
            )
        )
    )

    assert db.session.execute(db.select(GradeOverride.grade)).scalar_one() == 85
    giulia_row = next(r for r in rows if r[0] == "Giulia Rossi")
    assert giulia_row[7] == "85.00"
    assert trainer.get(f"/peer-review/{cap.activity.id}/grades").status_code == 200


def test_the_trainer_publishes_an_example_that_learners_calibrate_against(
    make_capstone, client_for
):
    cap = make_capstone()
    trainer = client_for(cap.trainer)
    assert trainer.get(f"/peer-review/{cap.activity.id}/examples/new").status_code == 200
    data = {"title": "Green Squares", "published": "y", "section_context_needs": "No figures."}
    for key, points in (("relevance", 1), ("design", 0), ("partnership", 1), ("impact", 0)):
        data[f"score_{key}"], data[f"comment_{key}"] = str(points), f"Reference on {key}."
    assert (
        trainer.post(f"/peer-review/{cap.activity.id}/examples/new", data=data).status_code == 302
    )
    example = db.session.execute(db.select(Example)).scalar_one()

    learner = client_for(cap.officials[0])
    assert "Green Squares" in learner.get(f"/peer-review/{cap.activity.id}").get_data(as_text=True)
    result = learner.post(
        f"/peer-review/examples/{example.id}",
        data={
            "score_relevance": "1",
            "score_design": "0",
            "score_partnership": "1",
            "score_impact": "3",
        },
    )

    page = result.get_data(as_text=True)
    assert result.status_code == 200
    assert "Agreement with the reference: 75%" in page
    assert "Reference on design." in page


def test_an_unpublished_example_is_hidden_from_learners(make_capstone, client_for):
    cap = make_capstone()
    example = Example(
        activity_id=cap.activity.id,
        title="Draft example",
        sections={},
        reference_scores={},
        reference_comments={},
        published=False,
    )
    db.session.add(example)
    db.session.commit()

    assert (
        client_for(cap.officials[0]).get(f"/peer-review/examples/{example.id}").status_code == 404
    )
    assert client_for(cap.trainer).get(f"/peer-review/examples/{example.id}").status_code == 200


def test_the_quality_panel_shows_agreement_and_helpfulness(make_capstone, client_for, app):
    cap = make_capstone(reviewers=2)
    team, submission = submitted_team(cap, [cap.officials[0]])
    go_to(cap, "review")
    allocations = db.session.execute(db.select(Allocation).order_by(Allocation.id)).scalars().all()
    submit_review(cap, allocations[0], 3)
    submit_review(cap, allocations[1], 1)
    go_to(cap, "feedback")
    client_for(cap.officials[0]).post(
        f"/peer-review/reviews/{allocations[0].id}/helpfulness", data={"rating": "4"}
    )

    report = client_for(cap.trainer).get(f"/teach/courses/{cap.course.id}/progress")
    assert report.status_code == 200, report.status_code
    text = report.get_data(as_text=True)
    assert "Peer review quality" in text
    assert "How helpful authors found each reviewer" in text
    csv_text = (
        client_for(cap.trainer)
        .get(f"/peer-review/courses/{cap.course.id}/quality.csv")
        .get_data(as_text=True)
    )
    assert "krippendorff_alpha" in csv_text and "helpfulness" in csv_text


@pytest.mark.parametrize("path", ["settings", "manage", "grades", "grades.csv", "examples/new"])
def test_learners_cannot_open_the_trainers_pages(make_capstone, client_for, path):
    cap = make_capstone()

    assert (
        client_for(cap.officials[0]).get(f"/peer-review/{cap.activity.id}/{path}").status_code
        == 403
    )
