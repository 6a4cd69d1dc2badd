"""Quizzes with a close date on the learner's to-do list, by the quiz's own rules for when it
may still be taken, in a constant number of queries."""

from __future__ import annotations

from datetime import timedelta

from quiz_helpers import enrol, start

from nttlearn import db
from nttlearn.api import utcnow
from nttlearn.models import Enrolment, User
from nttlearn.testing import count_queries
from nttlearn_quiz.todo import todo_items


def items_of(app, user):
    with app.test_request_context():
        return todo_items(user)


def closing_in(quiz, delta) -> None:
    quiz.quiz.closes_at = utcnow() + delta
    db.session.commit()


def test_a_quiz_closing_soon_is_on_the_list_until_it_closes(app, make_quiz, make_user):
    quiz = make_quiz()
    learner = make_user()
    enrol(learner, quiz.course)
    assert items_of(app, learner) == []  # no close date: no deadline to show

    closing_in(quiz, timedelta(days=2))
    (item,) = items_of(app, learner)
    assert (item.key, item.kind, item.state) == (
        f"quiz:{quiz.activity.id}:closes",
        "quiz",
        "due_soon",
    )
    assert item.due_at == quiz.quiz.closes_at and item.url == f"/quiz/{quiz.activity.id}"
    assert item.title == f"Take the quiz “{quiz.activity.title}”"

    closing_in(quiz, -timedelta(minutes=1))
    assert items_of(app, learner) == []


def test_an_open_attempt_asks_to_finish_the_quiz_and_a_learner_not_enrolled_sees_nothing(
    app, make_quiz, make_user, client_for
):
    quiz = make_quiz()
    closing_in(quiz, timedelta(days=20))
    learner, stranger = make_user(), make_user()
    enrol(learner, quiz.course)
    start(client_for(learner), quiz.activity.id)

    (item,) = items_of(app, learner)
    assert item.title.startswith("Finish the quiz") and item.state == "todo"
    assert items_of(app, stranger) == []


def test_the_dashboard_lists_the_quiz_with_its_date(app, make_quiz, make_user, client_for):
    quiz = make_quiz()
    closing_in(quiz, timedelta(days=1))
    learner = make_user()
    enrol(learner, quiz.course)

    html = client_for(learner).get("/dashboard").get_data(as_text=True)

    todo = html[html.index('id="todo-title"') : html.index("My courses")]
    assert f"Take the quiz “{quiz.activity.title}”" in todo and "Due soon" in todo


def _learners(numbers: range, course_id: int) -> None:
    emails = [f"bulk{n}@example.org" for n in numbers]
    db.session.execute(
        db.insert(User),
        [{"email": e, "name": e, "password_hash": "", "role": "learner"} for e in emails],
    )
    ids = db.session.execute(db.select(User.id).where(User.email.in_(emails))).scalars().all()
    db.session.execute(
        db.insert(Enrolment), [{"user_id": i, "course_id": course_id, "cohort": ""} for i in ids]
    )
    db.session.commit()


def test_the_todo_items_take_as_many_queries_with_1000_learners_as_with_10(
    app, make_quiz, make_user, client_for
):
    quiz = make_quiz()
    closing_in(quiz, timedelta(days=2))
    learner = make_user()
    enrol(learner, quiz.course)
    _learners(range(10), quiz.course.id)
    db.session.refresh(learner)
    with count_queries(app) as few:
        assert items_of(app, learner)
    _learners(range(10, 1000), quiz.course.id)
    db.session.refresh(learner)
    with count_queries(app) as many:
        assert items_of(app, learner)

    # Issue 17: 6 before, now 3: the learner's cohort deadlines (one, from the core's
    # learner_deadlines), the quizzes with the learner's allowances, the learner's attempts
    assert len(many) == len(few) == 3
