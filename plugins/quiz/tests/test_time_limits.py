"""The server enforces time limits and dates: late saves do not count, an attempt past its time
is closed at its deadline with the answers saved until then, by `nttlearn quiz close-overdue` or
on the next visit; extra time and attempts given to one learner apply to them only."""

from __future__ import annotations

import json
from datetime import timedelta

from quiz_helpers import (
    answers,
    attempt_row,
    choice_position,
    enrol,
    events,
    page_form,
    slot_of,
    start,
)

from nttlearn import db
from nttlearn.models import utcnow
from nttlearn_quiz import services
from nttlearn_quiz.commands import quiz_group
from nttlearn_quiz.models import Attempt


def time_passes(attempt_id: int, minutes: float) -> None:
    """Move the attempt's start and deadline into the past, as if ``minutes`` had gone by."""
    attempt = db.session.get(Attempt, attempt_id)
    attempt.started_at -= timedelta(minutes=minutes)
    attempt.deadline -= timedelta(minutes=minutes)
    db.session.commit()


def test_an_attempt_gets_its_deadline_from_the_time_limit(make_quiz, learner, client_for):
    quiz = make_quiz(time_limit=10)
    enrol(learner, quiz.course)
    attempt_id, html = start(client_for(learner), quiz.activity.id)
    attempt = attempt_row(attempt_id)
    assert attempt.deadline - attempt.started_at == timedelta(minutes=10)
    assert "data-deadline=" in html


def test_a_save_after_the_deadline_does_not_count_and_closes_the_attempt(
    make_quiz, learner, client_for
):
    quiz = make_quiz(time_limit=10)
    enrol(learner, quiz.course)
    browser = client_for(learner)
    attempt_id, html = start(browser, quiz.activity.id)
    year, partners = slot_of(attempt_id, "Year"), slot_of(attempt_id, "Partners")
    browser.post(
        f"/quiz/attempt/{attempt_id}/autosave", data=page_form(html, **{f"q{year}": "true"})
    )
    page = browser.get(f"/quiz/attempt/{attempt_id}").get_data(as_text=True)
    time_passes(attempt_id, 11)

    response = browser.post(
        f"/quiz/attempt/{attempt_id}/save",
        data=page_form(page, **{f"q{partners}": "4", "nav": "save"}),
        follow_redirects=True,
    )

    assert "The time for this attempt is up" in response.get_data(as_text=True)
    attempt = attempt_row(attempt_id)
    assert attempt.state == "finished" and attempt.closed_by == "timeout"
    assert attempt.finished_at == attempt.deadline
    stored = answers(attempt_id)
    assert stored[year].response is True and stored[partners].response is None
    assert events("quiz.attempt_submitted")[0].data["attempt_id"] == attempt_id


def test_a_submission_after_the_deadline_keeps_only_what_was_saved_in_time(
    make_quiz, learner, client_for
):
    quiz = make_quiz(time_limit=5)
    enrol(learner, quiz.course)
    browser = client_for(learner)
    attempt_id, html = start(browser, quiz.activity.id)
    time_passes(attempt_id, 6)

    browser.post(
        f"/quiz/attempt/{attempt_id}/submit",
        data=page_form(html, **{f"q{slot_of(attempt_id, 'Year')}": "true"}),
    )

    attempt = attempt_row(attempt_id)
    assert (attempt.closed_by, attempt.percent) == ("timeout", 0.0)


def test_close_overdue_closes_abandoned_attempts_at_their_deadline(
    make_quiz, make_user, client_for, app
):
    quiz = make_quiz(time_limit=10)
    late, on_time = make_user(), make_user()
    enrol(late, quiz.course)
    enrol(on_time, quiz.course)
    late_id, html = start(client_for(late), quiz.activity.id)
    client_for(late).post(
        f"/quiz/attempt/{late_id}/autosave",
        data=page_form(html, **{f"q{slot_of(late_id, 'Year')}": "true"}),
    )
    on_time_id, _html = start(client_for(on_time), quiz.activity.id)
    time_passes(late_id, 30)

    result = app.test_cli_runner().invoke(quiz_group, ["close-overdue", "--json"])

    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"closed": [late_id]}
    assert attempt_row(late_id).state == "finished" and attempt_row(late_id).percent > 0
    assert attempt_row(on_time_id).state == "in_progress"


def test_the_scheduler_closes_overdue_attempts_every_five_minutes(
    make_quiz, learner, client_for, app
):
    from nttlearn.testing import invoke_cli

    quiz = make_quiz(time_limit=10)
    enrol(learner, quiz.course)
    attempt_id, _html = start(client_for(learner), quiz.activity.id)
    time_passes(attempt_id, 30)

    result = invoke_cli(app, "scheduler", "--once", "--json")

    assert result.exit_code == 0 and "quiz.close-overdue" in json.loads(result.output)["started"]
    assert attempt_row(attempt_id).state == "finished"


def test_an_overdue_attempt_is_closed_when_its_learner_comes_back(make_quiz, learner, client_for):
    quiz = make_quiz(time_limit=10)
    enrol(learner, quiz.course)
    browser = client_for(learner)
    attempt_id, _html = start(browser, quiz.activity.id)
    time_passes(attempt_id, 60)

    page = browser.get(f"/quiz/{quiz.activity.id}").get_data(as_text=True)

    assert attempt_row(attempt_id).state == "finished"
    assert "Submitted when the time ran out" in page
    assert "Continue your attempt" not in page


def test_the_close_date_ends_attempts_and_stops_new_ones(make_quiz, learner, client_for):
    closes = utcnow() + timedelta(minutes=3)
    quiz = make_quiz(time_limit=60, closes=closes.isoformat())
    enrol(learner, quiz.course)
    browser = client_for(learner)
    attempt_id, _html = start(browser, quiz.activity.id)
    assert abs((attempt_row(attempt_id).deadline - closes).total_seconds()) < 1

    closed = services.close_overdue(closes + timedelta(seconds=1))
    db.session.commit()

    assert closed == [attempt_id]
    quiz.quiz.closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    refused = browser.post(f"/quiz/{quiz.activity.id}/start", follow_redirects=True)
    assert "This quiz closed on" in refused.get_data(as_text=True)


def test_a_quiz_that_has_not_opened_cannot_be_started(make_quiz, learner, client_for):
    quiz = make_quiz(opens=(utcnow() + timedelta(days=2)).isoformat())
    enrol(learner, quiz.course)
    response = client_for(learner).post(f"/quiz/{quiz.activity.id}/start", follow_redirects=True)
    assert "This quiz opens on" in response.get_data(as_text=True)
    assert db.session.execute(db.select(db.func.count(Attempt.id))).scalar_one() == 0


def test_attempts_allowed_and_extra_attempts_and_time_for_one_learner(
    make_quiz, make_user, client_for
):
    quiz = make_quiz(attempts=1, time_limit=10)
    anna, bruno = make_user(), make_user()
    enrol(anna, quiz.course)
    enrol(bruno, quiz.course)
    for learner in (anna, bruno):
        browser = client_for(learner)
        attempt_id, html = start(browser, quiz.activity.id)
        browser.post(f"/quiz/attempt/{attempt_id}/submit", data=page_form(html))
        refused = browser.post(f"/quiz/{quiz.activity.id}/start", follow_redirects=True)
        assert "You have used all your attempts" in refused.get_data(as_text=True)

    trainer = client_for(quiz.trainer)
    response = trainer.post(
        f"/quiz/{quiz.activity.id}/allowance",
        data={"user_id": anna.id, "extra_attempts": 1, "extra_minutes": 15},
    )
    assert response.status_code == 302

    second_id, _html = start(client_for(anna), quiz.activity.id)
    attempt = attempt_row(second_id)
    assert attempt.number == 2 and attempt.deadline - attempt.started_at == timedelta(minutes=25)
    assert client_for(bruno).post(f"/quiz/{quiz.activity.id}/start").status_code == 302
    assert (
        db.session.execute(
            db.select(db.func.count(Attempt.id)).where(Attempt.user_id == bruno.id)
        ).scalar_one()
        == 1
    )


def test_sequential_navigation_only_goes_forward(make_quiz, learner, client_for):
    quiz = make_quiz(layout="per_question", navigation="sequential")
    enrol(learner, quiz.course)
    browser = client_for(learner)
    attempt_id, html = start(browser, quiz.activity.id)
    assert "Page 1 of 3" in html and "Previous page" not in html
    browser.post(f"/quiz/attempt/{attempt_id}/save", data=page_form(html, nav="next"))

    back = browser.get(f"/quiz/attempt/{attempt_id}?page=0").get_data(as_text=True)
    jump = browser.get(f"/quiz/attempt/{attempt_id}?page=2").get_data(as_text=True)

    assert "Page 2 of 3" in back and "Page 2 of 3" in jump


def test_free_navigation_goes_anywhere_and_every_page_change_saves(make_quiz, learner, client_for):
    quiz = make_quiz(layout="per_question")
    enrol(learner, quiz.course)
    browser = client_for(learner)
    attempt_id, html = start(browser, quiz.activity.id)
    sern = choice_position(html, 1, "SERN")

    response = browser.post(
        f"/quiz/attempt/{attempt_id}/save", data=page_form(html, q1=sern, nav="page-2")
    )

    assert response.headers["Location"].endswith("page=2")
    assert answers(attempt_id)[1].response is not None
    assert "Page 1 of 3" in browser.get(f"/quiz/attempt/{attempt_id}?page=0").get_data(as_text=True)
