"""Proposals follow the core's pacing: a locked proposal refuses editing, and a cohort's deadline
(or a learner's extension) is the learner's submission and review deadline."""

from __future__ import annotations

from datetime import date, timedelta

from peer_review_helpers import form_team, go_to, write_everything

from nttlearn import db
from nttlearn.cohorts.services import (
    add_to_cohort,
    create_cohort,
    grant_extension,
    set_deadline,
    set_release_rule,
)
from nttlearn.models import utcnow
from nttlearn_peer_review import writing
from nttlearn_peer_review.models import Submission
from nttlearn_peer_review.services import learner_deadline, review_edit_rule


def test_a_locked_proposal_refuses_editing_a_section(make_capstone, client_for):
    cap = make_capstone()
    giulia, anna = cap.officials[0], cap.officials[4]
    team = form_team(cap, [giulia, anna])
    key = next(iter(writing.ensure_sections(team, writing.template_of(cap.settings))))
    db.session.commit()
    set_release_rule(cap.course, ("a", cap.activity.id), opens_at=utcnow() + timedelta(days=5))
    db.session.commit()
    browser = client_for(giulia)

    page = browser.get(f"/peer-review/{cap.activity.id}/proposal/{key}")
    saved = browser.post(
        f"/peer-review/{cap.activity.id}/proposal/{key}",
        data={"text": "Late text", "base_version": "0"},
    )

    assert page.status_code == saved.status_code == 403
    assert "This opens on" in page.get_data(as_text=True)
    assert writing.sections_of(team.id)[key].text == ""


def test_the_cohort_deadline_makes_a_submission_late_and_an_extension_makes_it_on_time(
    make_capstone,
):
    cap = make_capstone(late_submissions=True)
    giulia, anna = cap.officials[0], cap.officials[4]
    cohort = create_cohort(cap.course, "Spring", date.today() - timedelta(days=30))
    add_to_cohort(giulia, cohort)
    set_deadline(cohort, cap.activity.id, utcnow() - timedelta(hours=2))
    db.session.commit()
    go_to(cap, "submission")
    team = form_team(cap, [giulia, anna])
    write_everything(cap, team, giulia)

    assert learner_deadline(cap.settings, giulia.id, "close") < utcnow()
    assert (
        learner_deadline(cap.settings, anna.id, "close") == cap.settings.submission_deadline
    )  # not in the cohort
    grant_extension(giulia.id, cap.activity.id, cap.course, utcnow() + timedelta(days=1))
    db.session.commit()
    writing.submit(cap.settings, team, giulia.id)
    db.session.commit()

    assert db.session.execute(db.select(Submission.late)).scalar_one() is False


def test_submission_after_the_cohort_deadline_is_late(make_capstone):
    cap = make_capstone(late_submissions=True)
    giulia, anna = cap.officials[0], cap.officials[4]
    cohort = create_cohort(cap.course, "Spring", date.today() - timedelta(days=30))
    add_to_cohort(giulia, cohort)
    set_deadline(cohort, cap.activity.id, utcnow() - timedelta(hours=2))
    db.session.commit()
    go_to(cap, "submission")
    team = form_team(cap, [giulia, anna])
    write_everything(cap, team, giulia)

    writing.submit(cap.settings, team, giulia.id)
    db.session.commit()

    assert db.session.execute(db.select(Submission.late)).scalar_one() is True


def test_the_cohort_review_deadline_marks_a_review_late(make_capstone):
    cap = make_capstone()
    giulia = cap.officials[0]
    cohort = create_cohort(cap.course, "Spring", date.today() - timedelta(days=30))
    add_to_cohort(giulia, cohort)
    set_deadline(cohort, cap.activity.id, utcnow() - timedelta(hours=1), kind="review")
    db.session.commit()
    go_to(cap, "submission")
    go_to(cap, "review")

    assert review_edit_rule(cap.settings, False, user_id=giulia.id) == (True, True, "")
    assert review_edit_rule(cap.settings, False, user_id=cap.officials[1].id)[1] is False
