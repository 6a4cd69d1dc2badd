"""Trainers grade from the list (filters, points, sanitised feedback, a returned file), reopen
work, download every submission as a ZIP and the grades as a formula-safe CSV; the learner is
told in their own language; completion follows the assignment's rule."""

from __future__ import annotations

import csv
import io
import zipfile

from assignment_samples import PDF

from nttlearn.api import ActivityCompletion, EventRecord, db
from nttlearn.mail import outbox
from nttlearn.testing import count_rows
from nttlearn_assignment.models import Submission


def _hand_in(browser, a, text="My tree", files=()):
    data = {"text": text, "action": "submit", "seen": "0"}
    if files:
        data["files"] = [(io.BytesIO(content), name) for name, content in files]
    response = browser.post(
        f"/assignment/{a.activity.id}/answer", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 302, response.get_data(as_text=True)


def _grade(browser, a, points, feedback="", returned=None):
    data = {"points": str(points), "feedback": feedback}
    if returned:
        data["returned"] = (io.BytesIO(returned[1]), returned[0])
    return browser.post(
        f"/assignment/{a.activity.id}/submissions/{a.learner.id}",
        data=data,
        content_type="multipart/form-data",
    )


def test_the_list_filters_to_grade_graded_and_missing(make_assignment, make_user, client_for):
    from nttlearn.api import Enrolment

    a = make_assignment()
    absent = make_user(name="Aino Absent")
    db.session.add(Enrolment(user_id=absent.id, course_id=a.course.id))
    db.session.commit()
    _hand_in(client_for(a.learner), a)
    trainer = client_for(a.trainer)

    def names(show):
        return {
            n
            for n in ("Lauri Learner", "Aino Absent")
            if n
            in trainer.get(f"/assignment/{a.activity.id}/submissions?show={show}").get_data(
                as_text=True
            )
        }

    assert (
        names("to_grade") == {"Lauri Learner"}
        and names("missing") == {"Aino Absent"}
        and names("graded") == set()
    )
    _grade(trainer, a, 7)
    assert names("to_grade") == set() and names("graded") == {"Lauri Learner"}


def test_grading_stores_points_and_sanitised_feedback_and_the_learner_reads_them(
    make_assignment, client_for
):
    a = make_assignment(max_points=10, pass_mark=6)
    learner = client_for(a.learner)
    _hand_in(learner, a)

    saved = _grade(
        client_for(a.trainer),
        a,
        8,
        "Good **causes**.<script>alert(1)</script>",
        returned=("comments.pdf", PDF),
    )

    assert saved.status_code == 302
    db.session.expire_all()
    submission = db.session.execute(db.select(Submission)).scalar_one()
    assert (submission.state, submission.points, submission.graded_by) == (
        "graded",
        8,
        a.trainer.id,
    )
    page = learner.get(f"/assignment/{a.activity.id}").get_data(as_text=True)
    assert "Grade: 8 of 10 points" in page and "<strong>causes</strong>" in page
    assert "<script>alert(1)" not in page and "comments.pdf" in page
    assert "Your work has been graded" in page  # no form to change it any more
    assert (
        learner.post(
            f"/assignment/{a.activity.id}/answer",
            data={"text": "late change", "action": "submit", "seen": "1"},
        ).status_code
        == 400
    )
    event = db.session.execute(
        db.select(EventRecord).where(EventRecord.name == "assignment.graded")
    ).scalar_one()
    assert event.data["points"] == 8 and event.data["passed"] is True
    graded = db.session.execute(
        db.select(EventRecord).where(EventRecord.name == "activity.graded")
    ).scalar_one()
    assert (graded.user_id, graded.data) == (
        a.learner.id,
        {"activity_id": a.activity.id, "score": 80.0, "passed": True},
    )


def test_points_above_the_maximum_are_refused(make_assignment, client_for):
    a = make_assignment(max_points=10)
    _hand_in(client_for(a.learner), a)

    refused = _grade(client_for(a.trainer), a, 11)

    assert refused.status_code == 400 and "Points go from 0 to 10" in refused.get_data(as_text=True)
    assert count_rows(Submission, state="graded") == 0


def test_completion_on_passing_waits_for_a_grade_at_the_pass_mark(make_assignment, client_for):
    a = make_assignment(max_points=10, pass_mark=6, completion="passed")
    _hand_in(client_for(a.learner), a)
    trainer = client_for(a.trainer)
    assert count_rows(ActivityCompletion) == 0

    _grade(trainer, a, 5)
    assert count_rows(ActivityCompletion) == 0
    trainer.post(f"/assignment/{a.activity.id}/submissions/{a.learner.id}/reopen")
    _hand_in(client_for(a.learner), a, "Better tree")
    _grade(trainer, a, 9)

    assert (
        count_rows(ActivityCompletion, activity_id=a.activity.id, user_id=a.learner.id, score=90.0)
        == 1
    )


def test_a_reopened_submission_can_be_changed_and_handed_in_again(make_assignment, client_for):
    a = make_assignment()
    learner = client_for(a.learner)
    _hand_in(learner, a, "v1")
    _grade(client_for(a.trainer), a, 50)

    client_for(a.trainer).post(f"/assignment/{a.activity.id}/submissions/{a.learner.id}/reopen")
    page = learner.get(f"/assignment/{a.activity.id}").get_data(as_text=True)
    learner.post(
        f"/assignment/{a.activity.id}/answer", data={"text": "v2", "action": "submit", "seen": "1"}
    )

    assert "reopened your work" in page
    db.session.expire_all()
    submission = db.session.execute(db.select(Submission)).scalar_one()
    assert (submission.state, submission.text, submission.times_submitted) == ("submitted", "v2", 2)


def test_the_zip_holds_each_learners_text_and_files(make_assignment, client_for):
    a = make_assignment()
    _hand_in(client_for(a.learner), a, "Causes and effects", files=[("tree.pdf", PDF)])

    response = client_for(a.trainer).get(f"/assignment/{a.activity.id}/submissions.zip")

    assert response.status_code == 200 and response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    folder = f"Lauri Learner ({a.learner.id})"
    assert sorted(archive.namelist()) == [f"{folder}/answer.md", f"{folder}/tree.pdf"]
    assert archive.read(f"{folder}/answer.md").decode() == "Causes and effects"
    assert archive.read(f"{folder}/tree.pdf") == PDF


def test_the_grades_csv_lists_every_learner_with_formulas_defused(
    make_assignment, make_user, client_for
):
    a = make_assignment(max_points=10, pass_mark=6)
    _hand_in(client_for(a.learner), a)
    _grade(client_for(a.trainer), a, 7, '=HYPERLINK("http://evil")')

    response = client_for(a.trainer).get(f"/assignment/{a.activity.id}/grades.csv")

    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert [(r["name"], r["status"], r["points"], r["max_points"], r["passed"]) for r in rows] == [
        ("Lauri Learner", "graded", "7.0", "10.0", "yes")
    ]
    assert not rows[0]["feedback"].startswith("=")


def test_learners_and_other_trainers_may_not_grade_or_download(
    make_assignment, make_user, client_for
):
    a = make_assignment()
    _hand_in(client_for(a.learner), a)
    stranger = make_user(role="trainer", name="Other Trainer")

    for browser in (client_for(a.learner), client_for(stranger)):
        assert browser.get(f"/assignment/{a.activity.id}/submissions").status_code == 403
        assert _grade(browser, a, 10).status_code == 403
        assert browser.get(f"/assignment/{a.activity.id}/submissions.zip").status_code == 403
        assert browser.get(f"/assignment/{a.activity.id}/grades.csv").status_code == 403
        assert (
            browser.post(
                f"/assignment/{a.activity.id}/submissions/{a.learner.id}/reopen"
            ).status_code
            == 403
        )
    assert count_rows(Submission, state="graded") == 0


def test_the_learner_is_told_in_finnish_when_graded(
    make_assignment, client_for, compiled_translations
):
    a = make_assignment(max_points=10)
    a.learner.locale = "fi"
    a.activity.translations = {"fi": {"title": "Ongelmapuusi"}}
    db.session.commit()
    _hand_in(client_for(a.learner), a)

    _grade(client_for(a.trainer), a, 8)

    [mail] = [m for m in outbox() if m["To"] == a.learner.email]
    assert mail["Subject"] == "Tehtäväsi ”Ongelmapuusi” on arvioitu"
    assert "8/10 pistettä" in mail.get_body().get_content()


def test_saving_a_grade_goes_on_to_the_next_learner_of_the_list(
    make_assignment, make_user, client_for
):
    from nttlearn.api import Enrolment

    a = make_assignment()
    zoe = make_user(name="Zoe Later")
    db.session.add(Enrolment(user_id=zoe.id, course_id=a.course.id))
    db.session.commit()
    _hand_in(client_for(a.learner), a)
    _hand_in(client_for(zoe), a)
    trainer = client_for(a.trainer)

    first = trainer.post(
        f"/assignment/{a.activity.id}/submissions/{a.learner.id}?show=to_grade",
        data={"points": "60"},
    )
    last = trainer.post(
        f"/assignment/{a.activity.id}/submissions/{zoe.id}?show=to_grade", data={"points": "70"}
    )

    assert first.headers["Location"].endswith(
        f"/assignment/{a.activity.id}/submissions/{zoe.id}?show=to_grade"
    )
    assert last.headers["Location"].endswith(
        f"/assignment/{a.activity.id}/submissions?show=to_grade"
    )
    assert count_rows(Submission, state="graded") == 2


def test_the_list_and_its_downloads_can_be_narrowed_to_one_cohort(
    make_assignment, make_user, client_for
):
    from datetime import date

    from nttlearn.cohorts.services import add_to_cohort, create_cohort

    a = make_assignment()
    other = make_user(name="Oskar Other")
    autumn, spring = (
        create_cohort(a.course, "Autumn", date(2026, 9, 1)),
        create_cohort(a.course, "Spring", date(2027, 2, 1)),
    )
    add_to_cohort(a.learner, autumn)
    add_to_cohort(other, spring)
    db.session.commit()
    _hand_in(client_for(a.learner), a)
    _hand_in(client_for(other), a)
    trainer = client_for(a.trainer)

    page = trainer.get(f"/assignment/{a.activity.id}/submissions?cohort={spring.id}").get_data(
        as_text=True
    )
    grades = trainer.get(f"/assignment/{a.activity.id}/grades.csv?cohort={spring.id}").data.decode(
        "utf-8-sig"
    )
    everyone = trainer.get(f"/assignment/{a.activity.id}/submissions").get_data(as_text=True)

    assert "Oskar Other" in page and "Lauri Learner" not in page
    assert [r["name"] for r in csv.DictReader(io.StringIO(grades))] == ["Oskar Other"]
    assert "Oskar Other" in everyone and "Lauri Learner" in everyone
    assert f'href="/assignment/{a.activity.id}/grades.csv?cohort={spring.id}"' in page
    assert f'href="/assignment/{a.activity.id}/grades.csv"' in everyone
