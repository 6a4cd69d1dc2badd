"""A learner's timeline from the event log: for a trainer within their course, for the learner
across all their courses."""

from __future__ import annotations

import pytest
from evaluation_testdata import day

from nttlearn.api import Lesson, db


@pytest.fixture
def history(data):
    trainer = data.person("Tina", role="trainer")
    course = data.course(
        "Designing a network", modules=1, lessons=1, trainer=trainer, activities=[(0, "quiz", True)]
    )
    other = data.course("Renewable energy", modules=1, lessons=1)
    quiz = data.activity(course, "quiz")
    module = data.modules(course)[0]
    learner = data.person("Lena", "Comune di Bologna", "IT")
    data.enrol(learner, course, day("2010-03-01 09:00"))
    data.enrol(learner, other, day("2010-03-02 09:00"))
    data.event(
        "quiz.attempt_submitted",
        learner,
        course,
        day("2010-03-03 10:00"),
        {"activity_id": quiz.id, "score": 40, "passed": False},
    )
    data.event(
        "activity.completed",
        learner,
        course,
        day("2010-03-04 10:00"),
        {"activity_id": quiz.id, "score": 90},
    )
    data.event(
        "module.completed", learner, course, day("2010-03-05 10:00"), {"module_id": module.id}
    )
    data.event("certificates.issued", learner, course, day("2010-03-06 10:00"), {"code": "NTT-1"})
    data.event(
        "peer_review.review_submitted",
        learner,
        course,
        day("2010-03-07 10:00"),
        {"secret": "not shown"},
    )
    data.commit()
    return {"course": course, "trainer": trainer, "learner": learner, "quiz": quiz}


def test_trainer_sees_what_the_learner_did_in_the_course_newest_first(history, client_for):
    course, learner = history["course"], history["learner"]
    page = (
        client_for(history["trainer"])
        .get(f"/reports/courses/{course.id}/learners/{learner.id}")
        .get_data(as_text=True)
    )

    lines = [
        "peer_review: review submitted",
        "Received a certificate",
        "Completed the module “Module 1”",
        f"Completed “{history['quiz'].title}” with 90%",
        f"Attempt at “{history['quiz'].title}” not passed (40%)",
        "Enrolled in the course",
    ]
    positions = [page.index(line) for line in lines]
    assert positions == sorted(positions)
    assert "3/3/10, 11:00" in page  # the site's zone (Brussels), as English writes a short date
    assert "Renewable energy" not in page  # another course's events stay out
    assert "not shown" not in page  # another plugin's data is never shown raw


def test_learner_sees_their_history_across_courses_and_downloads_it(history, client_for):
    browser = client_for(history["learner"])

    page = browser.get("/reports/me").get_data(as_text=True)
    csv = browser.get("/reports/me/timeline.csv").data.decode("utf-8-sig")

    assert "Renewable energy" in page and "Designing a network" in page
    assert csv.splitlines()[0] == "at,event,course,description"
    assert (
        "2010-03-02T09:00:00+00:00,course.enrolled,Renewable energy,Enrolled in the course" in csv
    )


def test_a_quiz_attempt_s_fractional_score_shows_as_a_whole_percentage(data, client_for):
    """The quiz announces ``attempt.percent``, a float (80.0, 66.666…): the history once showed
    "submitted (?%)" for it on SQLite, where it is a JSON real, not an integer."""
    course = data.course(
        "Designing a network", modules=1, lessons=1, activities=[(0, "quiz", True)]
    )
    quiz = data.activity(course, "quiz")
    learner = data.person("Lena", "Comune di Bologna", "IT")
    data.enrol(learner, course, day("2010-03-01 09:00"))
    data.event(
        "quiz.attempt_submitted",
        learner,
        course,
        day("2010-03-03 10:00"),
        {"activity_id": quiz.id, "score": 66.66666666666667, "passed": True},
    )
    data.event(
        "activity.completed",
        learner,
        course,
        day("2010-03-04 10:00"),
        {"activity_id": quiz.id, "score": 80.0},
    )
    data.commit()

    page = client_for(learner).get("/reports/me").get_data(as_text=True)

    assert f"Attempt at “{quiz.title}” submitted (67%)" in page
    assert f"Completed “{quiz.title}” with 80%" in page
    assert "?%" not in page


def test_an_attempt_waiting_for_its_grade_and_an_unmarked_lesson_read_as_words(data, client_for):
    course = data.course(
        "Designing a network", modules=1, lessons=1, activities=[(0, "quiz", True)]
    )
    quiz = data.activity(course, "quiz")
    learner = data.person("Lena", "Comune di Bologna", "IT")
    data.enrol(learner, course, day("2010-03-01 09:00"))
    lesson = (
        db.session.execute(db.select(Lesson).filter_by(module_id=data.modules(course)[0].id))
        .scalars()
        .first()
    )
    data.event(
        "quiz.attempt_submitted",
        learner,
        course,
        day("2010-03-03 10:00"),
        {"activity_id": quiz.id, "score": None, "passed": False},
    )
    data.event(
        "lesson.uncompleted", learner, course, day("2010-03-04 10:00"), {"lesson_id": lesson.id}
    )
    data.commit()

    page = client_for(learner).get("/reports/me").get_data(as_text=True)

    assert f"Attempt at “{quiz.title}” submitted</td>" in page
    assert f"Marked the lesson “{lesson.title}” as not done" in page


@pytest.mark.parametrize(
    ("locale", "completed", "failed"),
    [
        ("it", "con 90%", "non superato (40%)"),
        ("sv", "med 90\u00a0%", "ej godkänt (40\u00a0%)"),
    ],
)
def test_the_timeline_writes_scores_the_reader_s_way(
    history, client_for, locale, completed, failed
):
    course, learner, trainer = history["course"], history["learner"], history["trainer"]
    trainer.locale = locale
    db.session.commit()

    page = (
        client_for(trainer)
        .get(f"/reports/courses/{course.id}/learners/{learner.id}")
        .get_data(as_text=True)
    )

    assert completed in page
    assert failed in page
    assert "90%%" not in page and "40 %%" not in page
