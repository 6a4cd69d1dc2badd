"""Learners see no right answer, fraction or feedback before the review settings allow it, in
the HTML or in what autosave returns; nobody reaches another learner's attempt; trainers' text
is sanitized like lessons; GIFT import never evaluates anything."""

from __future__ import annotations

import re

import pytest
from quiz_helpers import answers, enrol, page_form, slot_of, start

from nttlearn import db

SECRETS = (
    "Right: the Sweden-Emilia-Romagna Network",
    "No, SERN coordinated it",
    "SERN coordinated the project",
    "Check the dates",
    "Italy, Sweden, Spain and Finland",
    "fraction",
    "right answer",
    "The right answer",
)


def test_the_attempt_page_and_its_json_carry_no_answer_key(make_quiz, learner, client_for):
    # GIFT authors write the right answer first: the page must not give its position away.
    quiz = make_quiz(review={"correct_answers": "never", "feedback": "never", "marks": "never"})
    enrol(learner, quiz.course)
    browser = client_for(learner)

    attempt_id, html = start(browser, quiz.activity.id)
    saved = browser.post(f"/quiz/attempt/{attempt_id}/autosave", data=page_form(html)).get_data(
        as_text=True
    )
    summary = browser.get(f"/quiz/attempt/{attempt_id}/summary").get_data(as_text=True)

    for text in (html, saved, summary):
        for secret in SECRETS:
            assert secret not in text
    assert "quiz-right" not in html and "quiz-right" not in summary
    coordinator = slot_of(attempt_id, "Coordinator")
    order = answers(attempt_id)[coordinator].choice_order
    positions = re.findall(rf'name="q{coordinator}" value="(\d+)"', html)
    assert positions == ["0", "1", "2"]  # positions on the page, whatever the order of the answers
    assert sorted(order) == [0, 1, 2]


def test_the_review_shows_only_what_the_settings_allow(make_quiz, learner, client_for):
    quiz = make_quiz(
        attempts=2,
        review={"marks": "immediately", "feedback": "after_last", "correct_answers": "after_close"},
    )
    enrol(learner, quiz.course)
    browser = client_for(learner)
    attempt_id, html = start(browser, quiz.activity.id)
    browser.post(f"/quiz/attempt/{attempt_id}/submit", data=page_form(html))

    first = browser.get(f"/quiz/attempt/{attempt_id}/review").get_data(as_text=True)
    assert "Mark 0 out of 1" in first
    assert "SERN coordinated the project" not in first and "The right answer is" not in first

    second_id, html = start(browser, quiz.activity.id)
    browser.post(f"/quiz/attempt/{second_id}/submit", data=page_form(html))
    last = browser.get(f"/quiz/attempt/{second_id}/review").get_data(as_text=True)
    assert "SERN coordinated the project" in last  # feedback: no attempt left
    assert "The right answer is" not in last  # right answers: only once the quiz closes


@pytest.fixture
def two_learners(make_quiz, make_user, client_for):
    quiz = make_quiz()
    anna, bruno = make_user(name="Anna"), make_user(name="Bruno")
    enrol(anna, quiz.course)
    enrol(bruno, quiz.course)
    attempt_id, html = start(client_for(anna), quiz.activity.id)
    return quiz, attempt_id, html, client_for(bruno)


@pytest.mark.parametrize(
    "method,path",
    [
        ("GET", ""),
        ("GET", "/summary"),
        ("GET", "/review"),
        ("POST", "/save"),
        ("POST", "/autosave"),
        ("POST", "/submit"),
    ],
)
def test_a_learner_cannot_open_or_change_another_learners_attempt(two_learners, method, path):
    quiz, attempt_id, html, bruno = two_learners
    year = slot_of(attempt_id, "Year")
    form = page_form(html, **{f"q{year}": "false"})

    response = bruno.open(
        f"/quiz/attempt/{attempt_id}{path}", method=method, data=form if method == "POST" else None
    )

    assert response.status_code == 404
    stored = answers(attempt_id)
    assert stored[year].response is None
    db.session.expire_all()
    from nttlearn_quiz.models import Attempt

    assert db.session.get(Attempt, attempt_id).state == "in_progress"


def test_a_learner_cannot_reach_the_trainers_pages(two_learners):
    quiz, attempt_id, _html, bruno = two_learners
    for url in (
        f"/quiz/{quiz.activity.id}/attempts",
        f"/quiz/{quiz.activity.id}/edit",
        f"/quiz/{quiz.activity.id}/statistics",
        f"/quiz/course/{quiz.course.id}/bank",
    ):
        assert bruno.get(url).status_code == 403
    assert bruno.post(f"/quiz/attempt/{attempt_id}/reopen").status_code == 403


def test_question_text_is_sanitized_like_lessons(make_quiz, learner, client_for):
    gift = (
        '::Html::[html]<p onclick="steal()">Which?</p><script>alert(1)</script>'
        '<a href="javascript:alert(2)">link</a>{=<img src\\=x onerror\\=alert(3)>yes ~no}\n\n'
        "::Md::[markdown]**Bold** <script>alert(4)</script>{T}\n"
    )
    quiz = make_quiz(gift=gift)
    enrol(learner, quiz.course)

    _attempt, html = start(client_for(learner), quiz.activity.id)

    main = html[html.find("<main") :]
    assert "<script>" not in main and "onclick" not in main and "onerror" not in main
    assert "javascript:" not in main
    assert "<strong>Bold</strong>" in main


def test_gift_import_never_evaluates_anything(make_quiz, learner, client_for, tmp_path):
    marker = tmp_path / "evaluated"
    command = f"__import__('os').system('touch {marker}')"
    gift = (
        "::Seven::What is \\{\\{7*7\\}\\}? $\\{" + command + "\\} "
        "{=__import__('os') ~\\{\\{config\\}\\}}"
    )
    quiz = make_quiz(gift=gift)
    enrol(learner, quiz.course)

    _attempt, html = start(client_for(learner), quiz.activity.id)

    assert "What is {{7*7}}?" in html and "49" not in html
    assert "{{config}}" in html and "SECRET_KEY" not in html
    assert "__import__('os')" in html.replace("&#39;", "'")
    assert not marker.exists()
