"""Large exports as jobs (nttlearn.exports): over ``NTTLEARN_EXPORT_JOB_ROWS`` rows the progress CSV
and the course package are built by a job (run at commit in the test app), kept in the file store
and announced with a link only the person who asked can open; below it they stay immediate."""

from __future__ import annotations

import io
import zipfile
from urllib.parse import urlsplit

import pytest

from nttlearn import exports
from nttlearn.extensions import db
from nttlearn.jobs import enqueue
from nttlearn.models import Enrolment, Notification


@pytest.fixture
def app_config():
    return {"EXPORT_JOB_ROWS": 2}


@pytest.fixture
def course_with_learners(make_user, make_course):
    trainer = make_user(role="trainer")
    course = make_course(modules=1, lessons=2, trainer=trainer)
    learners = [make_user(name=name) for name in ("Åsa Lindqvist", "Giulia Ferri", "Mikko Laine")]
    db.session.add_all(Enrolment(user_id=learner.id, course_id=course.id) for learner in learners)
    db.session.commit()
    return trainer, course, learners


def _notifications(user) -> list[Notification]:
    return (
        db.session.execute(
            db.select(Notification)
            .filter_by(user_id=user.id, kind=exports.KIND)
            .order_by(Notification.id)
        )
        .scalars()
        .all()
    )


def test_a_progress_csv_within_the_threshold_is_answered_at_once(
    app, client_for, make_user, make_course
):
    trainer = make_user(role="trainer")
    course = make_course(trainer=trainer)
    db.session.add(Enrolment(user_id=make_user().id, course_id=course.id))
    db.session.commit()

    answer = client_for(trainer).get(f"/teach/courses/{course.id}/progress.csv")

    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    assert _notifications(trainer) == []


def test_a_large_progress_csv_is_prepared_by_a_job_and_linked_in_a_notification(
    app, client_for, course_with_learners
):
    trainer, course, learners = course_with_learners
    browser = client_for(trainer)

    asked = browser.get(f"/teach/courses/{course.id}/progress.csv")

    assert asked.status_code == 302 and asked.headers["Location"].endswith(
        f"/teach/courses/{course.id}/progress"
    )
    page = browser.get(asked.headers["Location"]).get_data(as_text=True)
    assert "is being prepared" in page
    (notification,) = _notifications(trainer)
    assert notification.title == f"Your file {course.slug}-progress.csv is ready to download"
    download = browser.get(urlsplit(notification.url).path)
    assert download.status_code == 200 and "attachment" in download.headers["Content-Disposition"]
    text = download.get_data().decode("utf-8-sig")
    assert text.startswith("name,email,") and all(learner.name in text for learner in learners)


def test_only_the_person_who_asked_can_download_a_prepared_export(
    app, client, client_for, make_user, course_with_learners
):
    trainer, course, _learners = course_with_learners
    client_for(trainer).get(f"/teach/courses/{course.id}/progress.csv")
    path = urlsplit(_notifications(trainer)[0].url).path
    co_trainer, admin = make_user(role="trainer"), make_user(role="admin")

    assert client.get(path).status_code == 302  # anonymous: to the login page
    for other in (co_trainer, admin):
        assert client_for(other).get(path).status_code == 404
    assert client_for(trainer).get(path.replace(".csv", ".txt")).status_code == 404


def test_a_large_course_package_is_prepared_by_a_job(app, client_for, make_user, make_course):
    admin = make_user(role="admin")
    course = make_course(modules=1, lessons=3)  # 3 lessons: over the threshold of 2
    browser = client_for(admin)

    asked = browser.get(f"/author/courses/{course.id}/package.zip")

    assert asked.status_code == 302
    (notification,) = _notifications(admin)
    package = browser.get(urlsplit(notification.url).path)
    assert package.status_code == 200 and package.mimetype == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(package.get_data())).namelist()
    assert f"{course.slug}/course.yaml" in names


def test_a_small_course_package_is_answered_at_once(app, client_for, make_user, make_course):
    admin = make_user(role="admin")
    course = make_course(modules=1, lessons=1)

    answer = client_for(admin).get(f"/author/courses/{course.id}/package.zip")

    assert answer.status_code == 200 and answer.mimetype == "application/zip"


def test_an_export_that_cannot_be_built_is_told_to_the_person_without_a_link(app, make_user):
    admin = make_user(role="admin")

    enqueue(
        exports.build_export,
        admin.id,
        "nttlearn.author.package_views.package_file",
        [987654],
        "gone.zip",
        "a" * 24,
    )
    db.session.commit()

    (notification,) = _notifications(admin)
    assert notification.title == "Your file gone.zip could not be prepared"
    assert notification.body == "The course has been deleted." and notification.url == ""


def test_the_export_job_tells_once_when_it_is_run_again(app, course_with_learners):
    from nttlearn.jobs.calls import JobCall
    from nttlearn.jobs.runner import perform

    trainer, course, _learners = course_with_learners
    call = JobCall(
        name="nttlearn.exports.build_export",
        args=[
            trainer.id,
            "nttlearn.reports.views.progress_csv_file",
            [course.id],
            "p.csv",
            "b" * 24,
        ],
        id="export-run-twice",
        key=None,
        queue="default",
        retries=0,
    )

    perform(app, call)
    perform(app, call)  # a retry, or a second worker

    assert len(_notifications(trainer)) == 1
