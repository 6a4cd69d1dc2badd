"""What a learner sees on the review of a submitted attempt: each question marked correct,
partially correct or incorrect in words (not by colour alone), each feedback once, unanswered
questions said so, and a way on into the course."""

from __future__ import annotations

import re

import pytest
from quiz_helpers import choice_position, enrol, page_form, slot_of, start

from nttlearn.learn.structure import course_outline

PARTIAL_GIFT = """::Coordinator::Which organisation coordinated NTT+?{
=SERN#Right: the Sweden-Emilia-Romagna Network.
~Eurocities#No, SERN coordinated it.
~CEMR#No.
}

::Year::NTT+ ran in 2010.{T}

::Countries::Which countries took part?{
~%50%Italy
~%50%Sweden
~%-100%Norway
}

::Partners::How many countries took part?{#4:0}
"""


@pytest.fixture
def reviewed(make_quiz, make_course, make_user, learner, client_for):
    """A learner's review of an attempt: one wrong, one right, one half right, one unanswered."""
    trainer = make_user(role="trainer")
    course = make_course(modules=2, lessons=1, trainer=trainer, activities=[(0, "quiz", True)])
    quiz = make_quiz(
        PARTIAL_GIFT, course=course, trainer=trainer, review={"correct_answers": "immediately"}
    )
    enrol(learner, course)
    browser = client_for(learner)
    attempt_id, html = start(browser, quiz.activity.id)
    coordinator, year, countries = (
        slot_of(attempt_id, n) for n in ("Coordinator", "Year", "Countries")
    )
    form = page_form(
        html,
        **{
            f"q{coordinator}": choice_position(html, coordinator, "Eurocities"),
            f"q{year}": "true",
            f"q{countries}": [choice_position(html, countries, "Italy")],
        },
    )
    response = browser.post(f"/quiz/attempt/{attempt_id}/submit", data=form)
    page = browser.get(response.headers["Location"]).get_data(as_text=True)
    return {
        "page": page,
        "course": course,
        "attempt_id": attempt_id,
        "slots": {
            name: slot_of(attempt_id, name)
            for name in ("Coordinator", "Year", "Countries", "Partners")
        },
    }


def question(page: str, slot: int) -> str:
    return re.search(rf'<fieldset[^>]*id="question-{slot}">(.*?)</fieldset>', page, re.S).group(1)


def words(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_each_question_says_in_words_whether_it_was_right(reviewed):
    page, slots = reviewed["page"], reviewed["slots"]

    assert "✗ Incorrect" in words(question(page, slots["Coordinator"]))
    assert "✓ Correct" in words(question(page, slots["Year"]))
    assert "◐ Partially correct" in words(question(page, slots["Countries"]))
    assert 'aria-hidden="true">✓ </span>Correct' in question(
        page, slots["Year"]
    )  # the icon is not read out


def test_the_chosen_answer_s_feedback_is_shown_once(reviewed):
    coordinator = question(reviewed["page"], reviewed["slots"]["Coordinator"])

    assert coordinator.count("No, SERN coordinated it.") == 1
    assert "✗ wrong answer" in words(coordinator)


def test_an_unanswered_question_says_not_answered_next_to_its_mark(reviewed):
    partners = words(question(reviewed["page"], reviewed["slots"]["Partners"]))

    assert "Not answered · Mark 0 out of 1" in partners


def test_the_review_leads_on_to_the_next_lesson_and_back_to_the_course(reviewed):
    course = reviewed["course"]
    following = course_outline(course, None).ordered_lessons()[1]  # the second module's lesson
    page = reviewed["page"]

    assert f'href="/courses/{course.slug}/lessons/{following.id}"' in page
    assert f"Next lesson: {following.title}" in page
    assert f'href="/courses/{course.slug}">Back to the course</a>' in page
    assert "Back to the quiz" in page


def test_a_quiz_that_ends_the_course_offers_no_next_lesson(make_quiz, learner, client_for):
    quiz = make_quiz(review={"correct_answers": "immediately"})
    enrol(learner, quiz.course)
    browser = client_for(learner)
    attempt_id, html = start(browser, quiz.activity.id)
    response = browser.post(f"/quiz/attempt/{attempt_id}/submit", data=page_form(html))

    page = browser.get(response.headers["Location"]).get_data(as_text=True)

    assert "Next lesson" not in page
    assert "Back to the course" in page
