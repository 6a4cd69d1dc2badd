"""GIFT and Aiken files over ``NTTLEARN_QUIZ_IMPORT_JOB_QUESTIONS`` are imported by a job (run at
commit in the test app): the trainer lands on the import's page, which says queued, done or failed;
the same file confirmed twice is imported once."""

from __future__ import annotations

import pytest

from nttlearn import db
from nttlearn.api import file_store
from nttlearn_quiz import import_jobs
from nttlearn_quiz.models import Question

MANY = "\n\n".join(f"::Q{n}::Question {n}{{T}}" for n in range(1, 6))


@pytest.fixture(autouse=True)
def small_threshold(monkeypatch):
    monkeypatch.setenv("NTTLEARN_QUIZ_IMPORT_JOB_QUESTIONS", "3")


@pytest.fixture
def trainer_course(make_user, make_course):
    trainer = make_user(role="trainer")
    return trainer, make_course(trainer=trainer)


def _names(course_id: int) -> set[str]:
    return set(
        db.session.execute(
            db.select(Question.name).where(Question.course_id == course_id)
        ).scalars()
    )


def test_a_large_file_is_imported_by_a_job_and_its_page_says_what_it_did(
    trainer_course, client_for
):
    trainer, course = trainer_course
    browser = client_for(trainer)

    done = browser.post(
        f"/quiz/course/{course.id}/import",
        data={"format": "gift", "text": MANY, "category": "Imported", "confirm": "1"},
    )

    assert (
        done.status_code == 302 and f"/quiz/course/{course.id}/import/" in done.headers["Location"]
    )
    assert _names(course.id) == {f"Q{n}" for n in range(1, 6)}
    page = browser.get(done.headers["Location"]).get_data(as_text=True)
    assert "Imported from pasted text: 5 new, 0 changed, 0 unchanged." in page


def test_a_queued_import_says_so_and_is_not_queued_twice(
    app, trainer_course, client_for, monkeypatch
):
    trainer, course = trainer_course
    queued = []
    monkeypatch.setattr(
        import_jobs, "enqueue", lambda *args, **kwargs: queued.append(args)
    )  # no worker yet
    browser = client_for(trainer)
    form = {"format": "gift", "text": MANY, "category": "Imported", "confirm": "1"}

    first = browser.post(f"/quiz/course/{course.id}/import", data=form)
    second = browser.post(f"/quiz/course/{course.id}/import", data=form)  # a double submit

    assert first.headers["Location"] == second.headers["Location"] and len(queued) == 1
    page = browser.get(first.headers["Location"]).get_data(as_text=True)
    assert "is queued" in page and "Refresh this page" in page and 'role="status"' in page
    assert _names(course.id) == set()


def test_the_import_job_imports_once_when_run_again(app, trainer_course):
    from nttlearn.jobs.calls import JobCall
    from nttlearn.jobs.runner import perform

    trainer, course = trainer_course
    token = import_jobs.queue_import(course.id, MANY, "gift", "bank.gift", "Imported", trainer.id)
    db.session.commit()  # the job ran at commit
    file_store().save(
        f"quiz/imports/{course.id}/{token}.txt", MANY.replace("Q1", "Changed").encode()
    )
    call = JobCall(
        name="nttlearn_quiz.import_jobs.run_import",
        args=[course.id, token, "gift", "bank.gift", "Imported", trainer.id],
        id="import-twice",
    )
    perform(app, call)
    perform(app, call)  # a retry, or a second worker: nothing more

    assert import_jobs.import_state(course.id, token)["state"] == "done"
    assert "Changed" in _names(course.id) and len(_names(course.id)) == 6


def test_an_import_page_is_only_for_the_courses_staff(trainer_course, client_for, make_user):
    trainer, course = trainer_course
    done = client_for(trainer).post(
        f"/quiz/course/{course.id}/import",
        data={"format": "gift", "text": MANY, "category": "Imported", "confirm": "1"},
    )

    assert client_for(make_user(role="trainer")).get(done.headers["Location"]).status_code == 403
    assert client_for(trainer).get(f"/quiz/course/{course.id}/import/{'0' * 32}").status_code == 404
