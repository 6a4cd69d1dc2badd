"""Trainers set a quiz up in the browser: settings, questions fixed or drawn at random, marks."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from quiz_helpers import enrol, start

from nttlearn import db
from nttlearn_quiz.models import Category, Question, Quiz, Slot

SETTINGS = {
    "intro": "Ten minutes, **one** try.",
    "pass_mark": "75",
    "completion": "attempt",
    "attempts_allowed": "2",
    "grading_method": "average",
    "time_limit": "10",
    "opens_at": "2026-03-04T09:00",
    "closes_at": "2030-03-05T09:00",
    "shuffle_questions": "y",
    "layout": "per_question",
    "navigation": "sequential",
    "review_marks": "after_last",
    "review_feedback": "after_close",
    "review_correct": "never",
}


def test_trainer_changes_every_setting(make_quiz, client_for):
    quiz = make_quiz()
    browser = client_for(quiz.trainer)
    page = browser.get(f"/quiz/{quiz.activity.id}/edit")
    assert page.status_code == 200

    response = browser.post(
        f"/quiz/{quiz.activity.id}/edit", data={**SETTINGS, "version": str(quiz.quiz.version)}
    )

    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    saved = db.session.get(Quiz, quiz.activity.id)
    assert (saved.pass_mark, saved.completion, saved.attempts_allowed, saved.grading_method) == (
        75,
        "attempt",
        2,
        "average",
    )
    assert saved.time_limit == 600
    assert saved.opens_at == datetime(2026, 3, 4, 9, 0, tzinfo=UTC)
    assert (saved.shuffle_questions, saved.shuffle_answers) == (True, False)
    assert (saved.layout, saved.navigation) == ("per_question", "sequential")
    assert (saved.review_marks, saved.review_feedback, saved.review_correct) == (
        "after_last",
        "after_close",
        "never",
    )


def test_settings_saved_meanwhile_by_someone_else_are_not_overwritten(make_quiz, client_for):
    quiz = make_quiz()
    browser = client_for(quiz.trainer)
    stale = str(quiz.quiz.version)
    browser.post(f"/quiz/{quiz.activity.id}/edit", data={**SETTINGS, "version": stale})

    response = browser.post(
        f"/quiz/{quiz.activity.id}/edit",
        data={**SETTINGS, "pass_mark": "10", "version": stale},
        follow_redirects=True,
    )

    assert "Someone else changed these settings" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Quiz, quiz.activity.id).pass_mark == 75


def test_invalid_settings_are_shown_with_their_errors(make_quiz, client_for):
    quiz = make_quiz()
    response = client_for(quiz.trainer).post(
        f"/quiz/{quiz.activity.id}/edit",
        data={
            **SETTINGS,
            "pass_mark": "120",
            "closes_at": "2026-03-01T09:00",
            "version": str(quiz.quiz.version),
        },
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "The quiz must close after it opens." in html


def slots(activity_id):
    db.session.expire_all()
    return list(
        db.session.execute(
            db.select(Slot).where(Slot.activity_id == activity_id).order_by(Slot.position)
        ).scalars()
    )


def test_trainer_adds_bank_questions_and_random_draws_orders_and_marks_them(
    make_quiz, client_for, learner
):
    quiz = make_quiz()
    browser = client_for(quiz.trainer)
    networks = db.session.execute(
        db.select(Category).filter_by(course_id=quiz.course.id, path="Networks")
    ).scalar_one()
    browser.post(
        f"/quiz/course/{quiz.course.id}/import",
        data={
            "format": "gift",
            "confirm": "1",
            "category": "Pool",
            "text": "::P1::One?{=a ~b}\n\n::P2::Two?{=a ~b}\n\n::P3::Three?{=a ~b}\n",
        },
    )
    pool = db.session.execute(
        db.select(Category).filter_by(course_id=quiz.course.id, path="Pool")
    ).scalar_one()
    first, second, third = slots(quiz.activity.id)
    browser.post(f"/quiz/{quiz.activity.id}/slots/{first.id}", data={"action": "remove"})
    assert (
        browser.get(f"/quiz/{quiz.activity.id}/questions?category={networks.id}").status_code == 200
    )
    browser.post(
        f"/quiz/{quiz.activity.id}/questions/add", data={"question_id": [str(first.question_id)]}
    )

    browser.post(
        f"/quiz/{quiz.activity.id}/questions/random", data={"category": pool.id, "count": 2}
    )
    browser.post(f"/quiz/{quiz.activity.id}/slots/{third.id}", data={"action": "up"})
    browser.post(
        f"/quiz/{quiz.activity.id}/slots/{third.id}", data={"action": "mark", "mark": "2.5"}
    )

    rows = slots(quiz.activity.id)
    assert [(s.question_id, s.category_id) for s in rows] == [
        (third.question_id, None),
        (second.question_id, None),
        (first.question_id, None),
        (None, pool.id),
        (None, pool.id),
    ]
    assert rows[0].mark == 2.5
    page = browser.get(f"/quiz/{quiz.activity.id}/questions").get_data(as_text=True)
    assert "Random question from Pool" in page

    enrol(learner, quiz.course)
    attempt_id, html = start(client_for(learner), quiz.activity.id)
    drawn = [name for name in ("One?", "Two?", "Three?") if name in html]
    assert len(drawn) == 2


def test_questions_in_use_cannot_be_deleted_from_the_bank(make_quiz, client_for):
    quiz = make_quiz()
    question = db.session.execute(db.select(Question).filter_by(name="Year")).scalar_one()
    response = client_for(quiz.trainer).post(
        f"/quiz/course/{quiz.course.id}/questions/{question.id}/delete", follow_redirects=True
    )
    assert "A quiz uses this question" in response.get_data(as_text=True)


def test_removing_a_question_from_the_quiz_sits_in_each_row_s_menu_and_asks_first(
    make_quiz, client_for
):
    quiz = make_quiz()
    page = (
        client_for(quiz.trainer).get(f"/quiz/{quiz.activity.id}/questions").get_data(as_text=True)
    )
    table = page[page.index("<tbody>") : page.index("</tbody>")]
    menus = re.findall(
        r'<details class="row-actions">\s*<summary>(.*?)</summary>(.*?)</details>', table, re.S
    )
    first = slots(quiz.activity.id)[0]

    assert len(menus) == len(slots(quiz.activity.id))
    assert all('value="remove"' in content and "data-confirm=" in content for _, content in menus)
    assert f"/quiz/{quiz.activity.id}/slots/{first.id}" in menus[0][1]
    assert "danger" not in re.sub(
        r'<details class="row-actions">.*?</details>', "", table, flags=re.S
    )
    assert 'value="up"' in table and 'value="down"' in table  # moving stays one click away
