"""Malformed input to the quiz's pages is the sender's error (400, or a message), never a 500:
a GIFT category deeper than the bank can hold, numbers in other scripts or past the database's
range in query arguments and form fields."""

from __future__ import annotations

import pytest
from quiz_helpers import answers, enrol, page_form, start

from nttlearn import db
from nttlearn_quiz.models import Category, Question

DEEP = "$CATEGORY: " + "/".join(["level"] * 3000) + "\n\n::Deep::Is this category too deep?{T}\n"


@pytest.fixture
def trainer_course(make_user, make_course):
    trainer = make_user(role="trainer")
    return trainer, make_course(modules=1, lessons=1, trainer=trainer)


def bank_rows(course_id: int) -> tuple[int, int]:
    db.session.expire_all()
    count = db.func.count()
    return (
        db.session.scalar(
            db.select(count).select_from(Question).where(Question.course_id == course_id)
        ),
        db.session.scalar(
            db.select(count).select_from(Category).where(Category.course_id == course_id)
        ),
    )


def test_a_gift_category_three_thousand_levels_deep_is_refused_with_its_line(
    trainer_course, client_for
):
    trainer, course = trainer_course

    response = client_for(trainer).post(
        f"/quiz/course/{course.id}/import",
        data={"format": "gift", "text": DEEP, "category": "Imported", "confirm": "1"},
    )

    assert response.status_code == 422
    assert "line 1: The category name is too long." in response.get_data(as_text=True)
    assert bank_rows(course.id) == (0, 0)


def test_a_default_category_name_longer_than_the_bank_holds_is_refused_on_the_form(
    trainer_course, client_for
):
    trainer, course = trainer_course

    response = client_for(trainer).post(
        f"/quiz/course/{course.id}/import",
        data={
            "format": "gift",
            "text": "::Q::Is this imported?{T}\n",
            "category": "c" * 300,
            "confirm": "1",
        },
    )

    assert response.status_code == 400
    assert "The category name is too long." in response.get_data(as_text=True)
    assert bank_rows(course.id) == (0, 0)


@pytest.mark.parametrize("value", ["²", str(2**63), "-1"])
def test_adding_questions_by_a_malformed_number_is_a_bad_request(make_quiz, client_for, value):
    quiz = make_quiz()

    response = client_for(quiz.trainer).post(
        f"/quiz/{quiz.activity.id}/questions/add", data={"question_id": value}
    )

    assert response.status_code == 400


@pytest.mark.parametrize(
    "url",
    [
        "/quiz/course/{course}/bank?page={value}",
        "/quiz/course/{course}/bank?category={value}",
        "/quiz/course/{course}/export.gift?category={value}",
        "/quiz/{activity}/questions?category={value}",
        "/quiz/course/{course}/questions/new?type=truefalse&category={value}",
    ],
)
@pytest.mark.parametrize("value", ["²", str(2**63), str(-(2**40))])
def test_trainers_pages_refuse_a_malformed_number_in_the_query(make_quiz, client_for, url, value):
    quiz = make_quiz()

    response = client_for(quiz.trainer).get(
        url.format(course=quiz.course.id, activity=quiz.activity.id, value=value)
    )

    assert response.status_code == 400


@pytest.mark.parametrize("value", ["²", str(2**63)])
def test_the_attempt_page_refuses_a_malformed_page_number(make_quiz, learner, client_for, value):
    quiz = make_quiz(layout="per_question")
    enrol(learner, quiz.course)
    browser = client_for(learner)
    attempt_id, _html = start(browser, quiz.activity.id)

    assert browser.get(f"/quiz/attempt/{attempt_id}?page={value}").status_code == 400
    assert (
        browser.post(
            f"/quiz/attempt/{attempt_id}/save", data={"page": value, "nav": "next"}
        ).status_code
        == 400
    )


def test_a_page_button_with_a_malformed_number_saves_and_stays(make_quiz, learner, client_for):
    quiz = make_quiz(layout="per_question")
    enrol(learner, quiz.course)
    browser = client_for(learner)
    attempt_id, html = start(browser, quiz.activity.id)

    response = browser.post(f"/quiz/attempt/{attempt_id}/save", data=page_form(html, nav="page-²"))

    assert response.status_code == 302 and response.headers["Location"].endswith("page=0")


def test_fields_named_like_answers_with_other_scripts_digits_are_ignored(
    make_quiz, learner, client_for
):
    quiz = make_quiz()
    enrol(learner, quiz.course)
    browser = client_for(learner)
    attempt_id, _html = start(browser, quiz.activity.id)

    response = browser.post(
        f"/quiz/attempt/{attempt_id}/autosave", data={"seq-²": "0", "q²": "true", "seq-١": "0"}
    )

    assert response.status_code == 200 and response.get_json()["saved"] == []
    assert all(answer.response is None for answer in answers(attempt_id).values())
