"""The final submission and autosave never grade twice nor lose an answer: a double click, a
replayed request, two tabs, two requests at the same moment."""

from __future__ import annotations

import threading

import pytest
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
from nttlearn_quiz.models import Attempt


def submitted_once(attempt_id: int) -> None:
    assert [e.data["attempt_id"] for e in events("quiz.attempt_submitted")] == [attempt_id]


def test_a_double_click_on_submit_grades_once(make_quiz, learner, client_for):
    quiz = make_quiz()
    enrol(learner, quiz.course)
    browser = client_for(learner)
    attempt_id, html = start(browser, quiz.activity.id)
    form = page_form(html, **{f"q{slot_of(attempt_id, 'Year')}": "true"})

    first = browser.post(f"/quiz/attempt/{attempt_id}/submit", data=form)
    second = browser.post(f"/quiz/attempt/{attempt_id}/submit", data=form)

    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    submitted_once(attempt_id)
    assert "already been submitted" in browser.get(second.headers["Location"]).get_data(
        as_text=True
    )
    assert attempt_row(attempt_id).percent == pytest.approx(100 / 3)


def test_a_replayed_submission_changes_nothing_after_the_attempt_was_graded(
    make_quiz, learner, client_for
):
    quiz = make_quiz()
    enrol(learner, quiz.course)
    browser = client_for(learner)
    attempt_id, html = start(browser, quiz.activity.id)
    year = slot_of(attempt_id, "Year")
    browser.post(f"/quiz/attempt/{attempt_id}/submit", data=page_form(html, **{f"q{year}": "true"}))
    graded = attempt_row(attempt_id)
    before = (graded.percent, graded.finished_at, graded.version)

    replay = browser.post(
        f"/quiz/attempt/{attempt_id}/submit", data=page_form(html, **{f"q{year}": "false"})
    )
    late_save = browser.post(
        f"/quiz/attempt/{attempt_id}/autosave", data=page_form(html, **{f"q{year}": "false"})
    )

    assert replay.status_code == 302
    assert late_save.get_json()["closed"] is True
    after = attempt_row(attempt_id)
    assert (after.percent, after.finished_at, after.version) == before
    assert answers(attempt_id)[year].response is True
    submitted_once(attempt_id)


def test_a_replayed_old_autosave_does_not_overwrite_a_newer_answer(make_quiz, learner, client_for):
    quiz = make_quiz()
    enrol(learner, quiz.course)
    browser = client_for(learner)
    attempt_id, html = start(browser, quiz.activity.id)
    partners = slot_of(attempt_id, "Partners")
    old = page_form(html, **{f"q{partners}": "3"})
    assert browser.post(f"/quiz/attempt/{attempt_id}/autosave", data=old).get_json()["saved"] == [
        partners
    ]
    newer = browser.get(f"/quiz/attempt/{attempt_id}").get_data(as_text=True)
    assert browser.post(
        f"/quiz/attempt/{attempt_id}/autosave", data=page_form(newer, **{f"q{partners}": "4"})
    ).get_json()["saved"] == [partners]

    replayed = browser.post(f"/quiz/attempt/{attempt_id}/autosave", data=old).get_json()

    assert replayed["saved"] == [] and replayed["conflicts"] == [partners]
    assert answers(attempt_id)[partners].response == "4"


def test_two_tabs_each_keep_the_answers_they_gave(make_quiz, learner, client_for):
    quiz = make_quiz()
    enrol(learner, quiz.course)
    tab_a, tab_b = client_for(learner), client_for(learner)
    attempt_id, page_a = start(tab_a, quiz.activity.id)
    _same, page_b = start(tab_b, quiz.activity.id)
    assert _same == attempt_id
    coordinator, year = slot_of(attempt_id, "Coordinator"), slot_of(attempt_id, "Year")

    saved_a = tab_a.post(
        f"/quiz/attempt/{attempt_id}/autosave",
        data=page_form(page_a, **{f"q{coordinator}": choice_position(page_a, coordinator, "SERN")}),
    )
    # Tab B never saw that answer; its whole page (question 1 still empty) is saved with its own answer.
    saved_b = tab_b.post(
        f"/quiz/attempt/{attempt_id}/save",
        data=page_form(page_b, **{f"q{year}": "true", "nav": "save"}),
        follow_redirects=True,
    )

    assert saved_a.get_json()["saved"] == [coordinator]
    assert "was changed in another window" in saved_b.get_data(as_text=True)
    stored = answers(attempt_id)
    assert stored[coordinator].response is not None and stored[year].response is True

    tab_a.post(f"/quiz/attempt/{attempt_id}/submit")
    tab_b.post(f"/quiz/attempt/{attempt_id}/submit")
    submitted_once(attempt_id)
    assert attempt_row(attempt_id).percent == pytest.approx(200 / 3)


def in_parallel(*calls):
    """Run the calls in threads released at the same moment; return their results."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)
    errors: list = []

    def run(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    return results


def test_two_submissions_at_the_same_moment_grade_once_and_keep_every_answer(
    make_quiz, learner, client_for
):
    quiz = make_quiz()
    enrol(learner, quiz.course)
    tab_a, tab_b = client_for(learner), client_for(learner)
    attempt_id, html = start(tab_a, quiz.activity.id)
    year, partners = slot_of(attempt_id, "Year"), slot_of(attempt_id, "Partners")
    form = page_form(html, **{f"q{year}": "true", f"q{partners}": "4"})
    db.session.commit()

    results = in_parallel(
        lambda: tab_a.post(f"/quiz/attempt/{attempt_id}/submit", data=form),
        lambda: tab_b.post(f"/quiz/attempt/{attempt_id}/submit", data=form),
    )

    assert [r.status_code for r in results] == [302, 302]
    submitted_once(attempt_id)
    attempt = attempt_row(attempt_id)
    assert attempt.state == "finished" and attempt.percent == pytest.approx(200 / 3)
    stored = answers(attempt_id)
    assert (stored[year].response, stored[partners].response) == (True, "4")


def test_two_tabs_starting_at_the_same_moment_get_one_attempt(make_quiz, learner, client_for):
    quiz = make_quiz(attempts=1)
    enrol(learner, quiz.course)
    tab_a, tab_b = client_for(learner), client_for(learner)
    url = f"/quiz/{quiz.activity.id}/start"
    db.session.commit()

    results = in_parallel(lambda: tab_a.post(url), lambda: tab_b.post(url))

    assert {r.status_code for r in results} == {302}
    assert results[0].headers["Location"] == results[1].headers["Location"]
    db.session.expire_all()
    assert db.session.execute(db.select(db.func.count(Attempt.id))).scalar_one() == 1
