"""Issuing: automatically on completion (once), by the course's rule, by hand, by cohort; revoking
and reissuing; the learner's mail."""

from __future__ import annotations

import threading

import pytest
from certificate_stand_ins import AssessedActivities

from nttlearn import db
from nttlearn.events import emit
from nttlearn.learn.services import complete_activity, enrol
from nttlearn.mail import outbox
from nttlearn.models import EventRecord
from nttlearn_certificates import services
from nttlearn_certificates.models import IssuedCertificate
from nttlearn_certificates.rules import CertificateRule, save_rule


def certificates_for(user, course) -> list[IssuedCertificate]:
    db.session.expire_all()
    return list(
        db.session.execute(
            db.select(IssuedCertificate).filter_by(user_id=user.id, course_id=course.id)
        ).scalars()
    )


def test_completing_a_course_issues_one_certificate_with_what_it_prints(
    make_user, quiz_course, complete
):
    learner = make_user(name="Åsa Lindqvist", locale="sv")
    course = quiz_course()

    complete(learner, course)

    [cert] = certificates_for(learner, course)
    assert cert.learner_name == "Åsa Lindqvist"
    assert cert.course_title == "Designing a network of twinned towns"
    assert cert.hours == 28 and cert.locale == "sv"
    assert cert.outcomes[0] == "Analyse local needs with partners in Luleå"
    assert cert.issuer_name == "SERN – Sweden-Emilia-Romagna Network"
    assert cert.code.startswith("NTT-") and len(cert.code) == 13
    assert cert.credential["proof"][0]["type"] == "DataIntegrityProof"
    assert cert.issued_by_id is None and cert.revoked_at is None


def test_the_issued_event_carries_the_code(make_user, quiz_course, complete):
    learner, course = make_user(), quiz_course()

    complete(learner, course)

    [cert] = certificates_for(learner, course)
    events = (
        db.session.execute(db.select(EventRecord).filter_by(name="certificates.issued"))
        .scalars()
        .all()
    )
    assert [(e.user_id, e.course_id, e.data) for e in events] == [
        (learner.id, course.id, {"code": cert.code})
    ]


def test_the_completion_event_heard_twice_still_issues_exactly_once(
    make_user, quiz_course, complete
):
    learner, course = make_user(), quiz_course()
    complete(learner, course)

    emit("course.completed", user_id=learner.id, course_id=course.id, data={"course": course.slug})
    db.session.commit()

    assert len(certificates_for(learner, course)) == 1


def test_two_concurrent_issues_for_one_learner_and_course_make_one_certificate(
    app, make_user, quiz_course
):
    learner, course = make_user(), quiz_course()
    learner_id, course_id = learner.id, course.id
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def issue() -> None:
        with app.app_context():
            from nttlearn.models import Course, User

            person, where = db.session.get(User, learner_id), db.session.get(Course, course_id)
            barrier.wait()
            try:
                services.issue_certificate(person, where, reason="concurrent")
                db.session.commit()
                outcomes.append("issued")
            except services.AlreadyIssued:
                db.session.rollback()
                outcomes.append("already")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=issue) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["already", "issued"]
    assert len(certificates_for(learner, course)) == 1


def test_the_database_refuses_a_second_live_certificate(make_user, quiz_course, complete):
    from sqlalchemy.exc import IntegrityError

    learner, course = make_user(), quiz_course()
    complete(learner, course)
    [cert] = certificates_for(learner, course)
    twin = IssuedCertificate(
        code="NTT-0000-0001",
        user_id=learner.id,
        course_id=course.id,
        learner_name=cert.learner_name,
        course_title=cert.course_title,
        course_slug=course.slug,
        issuer_name="x",
    )

    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(twin)


def test_the_learner_gets_one_mail_in_their_language_after_the_commit(
    make_user, quiz_course, complete
):
    learner = make_user(name="Åsa Lindqvist", email="asa@lulea.example.se", locale="sv")
    course = quiz_course()

    complete(learner, course)
    emit("course.completed", user_id=learner.id, course_id=course.id, data={"course": course.slug})
    db.session.commit()

    [cert] = certificates_for(learner, course)
    [mail] = [
        m for m in outbox() if cert.code in m.get_content()
    ]  # beside the welcome to the course
    assert mail["To"] == "asa@lulea.example.se"
    body = mail.get_content()
    assert cert.code in body and f"https://learn.example.org/verify/{cert.code}" in body
    assert "Åsa Lindqvist" in body


def test_no_mail_and_no_certificate_when_the_completion_is_rolled_back(
    make_user, quiz_course, quiz_of
):
    learner, course = make_user(), quiz_course()
    enrol(learner.id, course, by_staff=True)
    db.session.commit()
    welcome = len(outbox())  # the welcome to the course

    complete_activity(learner.id, quiz_of(course), score=90)
    db.session.rollback()
    db.session.commit()

    assert certificates_for(learner, course) == []
    assert outbox()[welcome:] == []


def test_a_disabled_rule_issues_nothing_on_completion(make_user, quiz_course, complete):
    learner, course = make_user(), quiz_course()
    save_rule(course, CertificateRule(enabled=False))
    db.session.commit()

    complete(learner, course)

    assert certificates_for(learner, course) == []


def test_a_course_without_certificates_in_its_package_issues_none_by_default(
    make_user, quiz_course, complete
):
    learner, course = make_user(), quiz_course(certificate=False)

    complete(learner, course)

    assert certificates_for(learner, course) == []


def test_a_minimum_quiz_grade_is_read_from_the_activity_completion(
    make_user, quiz_course, complete
):
    course = quiz_course()
    save_rule(course, CertificateRule(min_quiz_grade=70))
    db.session.commit()
    weak, strong = make_user(), make_user()

    complete(weak, course, score=65)
    complete(strong, course, score=70)

    assert certificates_for(weak, course) == []
    assert len(certificates_for(strong, course)) == 1


def test_a_better_quiz_grade_later_issues_the_certificate(
    make_user, quiz_course, complete, quiz_of
):
    course = quiz_course()
    save_rule(course, CertificateRule(min_quiz_grade=70))
    db.session.commit()
    learner = make_user()
    complete(learner, course, score=50)

    quiz = quiz_of(course)
    complete_activity(learner.id, quiz, score=85)  # the score is raised, no event yet
    emit(
        "activity.graded",
        user_id=learner.id,
        course_id=course.id,
        data={"activity_id": quiz.id, "score": 85.0, "passed": True},
    )
    db.session.commit()

    assert len(certificates_for(learner, course)) == 1


@pytest.mark.parametrize("app_plugins", [["certificates", AssessedActivities(), "peer_review"]])
def test_an_accepted_proposal_is_read_from_the_event_log(make_user, quiz_course, complete):
    course = quiz_course()
    save_rule(course, CertificateRule(require_accepted_proposal=True))
    db.session.commit()
    author, co_author, bystander = make_user(), make_user(), make_user()
    for learner in (author, co_author, bystander):
        complete(learner, course)
    assert certificates_for(author, course) == []

    emit(
        "peer_review.proposal_accepted",
        user_id=author.id,
        course_id=course.id,
        data={"activity_id": 1, "team_id": 1, "grade": 82.5, "authors": [author.id, co_author.id]},
    )
    db.session.commit()

    assert len(certificates_for(author, course)) == 1
    assert len(certificates_for(co_author, course)) == 1
    assert certificates_for(bystander, course) == []


def test_a_broken_signing_key_does_not_undo_the_completion(
    app, make_user, quiz_course, complete, instance
):
    learner, course = make_user(), quiz_course()
    keys = instance / "certificates" / "keys"
    keys.mkdir(parents=True)
    (keys / "current").write_text("damaged\n")

    complete(learner, course)

    from nttlearn.learn.services import get_enrolment

    assert get_enrolment(learner.id, course.id).completed_at is not None
    assert certificates_for(learner, course) == []
    assert [u.id for u in services.completed_without_certificate(course)] == [learner.id]


def test_a_trainer_issues_by_hand_with_a_reason(make_user, quiz_course):
    trainer, learner = make_user(role="trainer"), make_user()
    course = quiz_course(trainer=trainer)
    enrol(learner.id, course, by_staff=True)

    cert = services.issue_certificate(
        learner, course, issued_by=trainer, reason="Attended the Luleå seminar"
    )
    db.session.commit()

    assert cert.issued_by_id == trainer.id and cert.issue_reason == "Attended the Luleå seminar"
    with pytest.raises(services.AlreadyIssued, match=cert.code):
        services.issue_certificate(learner, course, issued_by=trainer, reason="again")


def test_bulk_issue_gives_the_cohort_their_certificates_once(make_user, quiz_course, complete):
    trainer = make_user(role="trainer")
    course = quiz_course(trainer=trainer)
    save_rule(course, CertificateRule(enabled=False))  # nothing automatic: the trainer decides
    db.session.commit()
    done = [make_user() for _ in range(3)]
    for learner in done:
        complete(learner, course, cohort="Bologna 2010")
    pending, elsewhere = make_user(), make_user()
    enrol(pending.id, course, cohort="Bologna 2010", by_staff=True)
    complete(elsewhere, course, cohort="Luleå 2010")
    services.issue_certificate(done[0], course, issued_by=trainer, reason="early")

    result = services.bulk_issue(course, "Bologna 2010", reason="Seminar closed", issued_by=trainer)
    db.session.commit()

    assert sorted(c.user_id for c in result.issued) == sorted(u.id for u in done[1:])
    assert [c.user_id for c in result.already] == [done[0].id]
    assert [u.id for u in result.not_completed] == [pending.id]
    assert certificates_for(elsewhere, course) == []


def test_revoking_needs_a_reason_and_frees_the_place_for_a_new_certificate(
    make_user, quiz_course, complete
):
    trainer, learner = make_user(role="trainer"), make_user()
    course = quiz_course(trainer=trainer)
    complete(learner, course)
    [cert] = certificates_for(learner, course)

    with pytest.raises(services.CertificateError):
        services.revoke_certificate(cert, reason="  ")
    services.revoke_certificate(cert, reason="Issued in error", revoked_by=trainer)
    db.session.commit()

    assert cert.status() == "revoked" and cert.revocation_reason == "Issued in error"
    again = services.issue_certificate(learner, course, issued_by=trainer, reason="Completed again")
    assert again.code != cert.code


def test_reissue_after_a_name_correction_prints_the_new_name(make_user, quiz_course, complete):
    trainer, learner = make_user(role="trainer"), make_user(name="Asa Lindkvist")
    course = quiz_course(trainer=trainer)
    complete(learner, course)
    [old] = certificates_for(learner, course)
    learner.name = "Åsa Lindqvist"

    new = services.reissue_certificate(old, reason="Name corrected", issued_by=trainer)
    db.session.commit()

    assert old.status() == "revoked" and old.revocation_reason == "Name corrected"
    assert new.learner_name == "Åsa Lindqvist" and new.replaces_id == old.id
    assert old.learner_name == "Asa Lindkvist"  # the old certificate is kept as it was issued


def test_expiry_months_set_valid_until_on_the_same_day(make_user, quiz_course):
    from datetime import UTC, datetime

    course = quiz_course()
    save_rule(course, CertificateRule(valid_months=13))
    learner = make_user()

    cert = services.issue_certificate(
        learner, course, reason="x", now=datetime(2010, 1, 31, 9, tzinfo=UTC)
    )

    assert cert.valid_until == datetime(2011, 2, 28, 9, tzinfo=UTC)
    assert cert.credential["validUntil"] == "2011-02-28T09:00:00Z"
    assert cert.status(datetime(2011, 2, 28, 9, tzinfo=UTC)) == "expired"
    assert cert.status(datetime(2011, 2, 27, tzinfo=UTC)) == "valid"
