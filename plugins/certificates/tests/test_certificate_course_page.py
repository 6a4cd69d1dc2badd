"""A trainer's page for a course's certificates: the rule, issuing by hand and by cohort,
revoking and reissuing, all in the browser."""

from __future__ import annotations

from nttlearn import db
from nttlearn.learn.services import enrol
from nttlearn_certificates import services
from nttlearn_certificates.rules import rule_for


def test_the_trainer_sets_the_rule(make_user, quiz_course, client_for):
    trainer = make_user(role="trainer")
    course = quiz_course(trainer=trainer)

    response = client_for(trainer).post(
        f"/certificates/courses/{course.id}/rule",
        data={
            "enabled": "y",
            "min_quiz_grade": "75",
            "require_accepted_proposal": "y",
            "valid_months": "24",
        },
    )

    assert response.status_code == 302
    rule = rule_for(course)
    assert (
        rule.enabled,
        rule.min_quiz_grade,
        rule.require_accepted_proposal,
        rule.valid_months,
    ) == (True, 75, True, 24)


def test_a_grade_over_100_is_refused(make_user, quiz_course, client_for):
    trainer = make_user(role="trainer")
    course = quiz_course(trainer=trainer)

    response = client_for(trainer).post(
        f"/certificates/courses/{course.id}/rule", data={"min_quiz_grade": "120"}
    )

    assert response.status_code == 400 and "between 0 and 100" in response.get_data(as_text=True)


def test_the_trainer_issues_by_hand_with_a_reason_and_sees_it_listed(
    make_user, quiz_course, client_for
):
    trainer, learner = make_user(role="trainer"), make_user(name="Lucía Fernández")
    course = quiz_course(trainer=trainer)
    enrol(learner.id, course, by_staff=True)
    db.session.commit()
    browser = client_for(trainer)

    without_reason = browser.post(
        f"/certificates/courses/{course.id}/issue", data={"learner": learner.id}
    )
    issued = browser.post(
        f"/certificates/courses/{course.id}/issue",
        data={"learner": learner.id, "reason": "Attended the La Coruña seminar"},
    )
    page = browser.get(f"/certificates/courses/{course.id}").get_data(as_text=True)

    assert without_reason.status_code == 400
    assert issued.status_code == 302
    cert = services.live_certificate(learner.id, course.id)
    assert cert.issue_reason == "Attended the La Coruña seminar"
    assert cert.code in page and "Lucía Fernández" in page


def test_a_learner_outside_the_course_cannot_be_chosen(make_user, quiz_course, client_for):
    trainer, outsider = make_user(role="trainer"), make_user()
    course = quiz_course(trainer=trainer)

    response = client_for(trainer).post(
        f"/certificates/courses/{course.id}/issue", data={"learner": outsider.id, "reason": "x"}
    )

    assert response.status_code == 400
    assert services.live_certificate(outsider.id, course.id) is None


def test_the_trainer_issues_to_a_cohort(make_user, quiz_course, complete, client_for):
    trainer = make_user(role="trainer")
    course = quiz_course(trainer=trainer, certificate=False)
    learners = [make_user() for _ in range(2)]
    for learner in learners:
        complete(learner, course, cohort="Helsinki 2010")

    response = client_for(trainer).post(
        f"/certificates/courses/{course.id}/bulk",
        data={"cohort": "Helsinki 2010", "reason": "Seminar in Helsinki"},
    )

    assert response.status_code == 302
    assert all(services.live_certificate(learner.id, course.id) for learner in learners)


def test_revoke_and_reissue_from_the_course_page(make_user, quiz_course, complete, client_for):
    trainer, learner = make_user(role="trainer"), make_user(name="Xoan Rodriguez")
    course = quiz_course(trainer=trainer)
    complete(learner, course)
    old = services.live_certificate(learner.id, course.id)
    learner.name = "Xoán Rodríguez"
    db.session.commit()
    browser = client_for(trainer)

    browser.post(
        f"/certificates/courses/{course.id}/certificates/{old.code}/reissue",
        data={"reason": "Name corrected"},
    )

    db.session.expire_all()
    new = services.live_certificate(learner.id, course.id)
    assert new.code != old.code and new.learner_name == "Xoán Rodríguez"
    assert services.find_certificate(old.code).revocation_reason == "Name corrected"


def test_a_certificate_of_another_course_cannot_be_revoked_through_this_one(
    make_user, quiz_course, complete, client_for
):
    trainer = make_user(role="trainer")
    mine, theirs = quiz_course(trainer=trainer), quiz_course()
    learner = make_user()
    complete(learner, theirs)
    cert = services.live_certificate(learner.id, theirs.id)

    response = client_for(trainer).post(
        f"/certificates/courses/{mine.id}/certificates/{cert.code}/revoke", data={"reason": "x"}
    )

    assert response.status_code == 404
    db.session.expire_all()
    assert services.find_certificate(cert.code).revoked_at is None


def test_the_page_lists_learners_who_completed_without_a_certificate(
    make_user, quiz_course, complete, client_for
):
    from nttlearn_certificates.rules import CertificateRule, save_rule

    trainer = make_user(role="trainer")
    course = quiz_course(trainer=trainer)
    save_rule(course, CertificateRule(min_quiz_grade=90))
    db.session.commit()
    complete(make_user(name="Mikko Korhonen"), course, score=80)

    page = client_for(trainer).get(f"/certificates/courses/{course.id}").get_data(as_text=True)

    assert "Completed without a certificate" in page and "Mikko Korhonen" in page
