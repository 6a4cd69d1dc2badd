"""Sequential navigation is a rule of the attempt, not of the page: answers for a page the learner
has left, or has not been shown yet, are refused by the page's form, its autosave and the final
submission alike. Free navigation takes answers for any page."""

from __future__ import annotations

from quiz_helpers import answers, enrol, page_form, slot_of, start


def sequential_attempt(make_quiz, learner, client_for, **settings):
    """A learner on page 1 of 3 (one question per page) of a sequential quiz: (browser, attempt id,
    page HTML, slot numbers by question name)."""
    quiz = make_quiz(layout="per_question", navigation="sequential", **settings)
    enrol(learner, quiz.course)
    browser = client_for(learner)
    attempt_id, html = start(browser, quiz.activity.id)
    slots = {name: slot_of(attempt_id, name) for name in ("Coordinator", "Year", "Partners")}
    return browser, attempt_id, html, slots


def reply_to(slots: dict[str, int], name: str) -> dict[str, str]:
    """The fields a page would post to answer the true/false or numerical question ``name``."""
    slot = slots[name]
    return {f"q{slot}": "true" if name == "Year" else "4", f"seq-{slot}": "0"}


def on_page(html: str, slots: dict[str, int]) -> str:
    """The question on the page ``html`` shows."""
    return next(name for name, slot in slots.items() if f'name="seq-{slot}"' in html)


def elsewhere(html: str, slots: dict[str, int]) -> list[str]:
    """The true/false and numerical questions not on the page ``html`` shows."""
    shown = on_page(html, slots)
    return [name for name in ("Year", "Partners") if name != shown]


def test_a_page_s_form_cannot_answer_a_question_of_another_page(make_quiz, learner, client_for):
    browser, attempt_id, html, slots = sequential_attempt(make_quiz, learner, client_for)
    other = elsewhere(html, slots)[0]

    browser.post(
        f"/quiz/attempt/{attempt_id}/save",
        data={**page_form(html, nav="save"), **reply_to(slots, other)},
    )

    assert answers(attempt_id)[slots[other]].response is None


def test_autosave_cannot_answer_a_question_of_a_page_not_yet_shown(make_quiz, learner, client_for):
    browser, attempt_id, html, slots = sequential_attempt(make_quiz, learner, client_for)
    other = elsewhere(html, slots)[0]

    response = browser.post(f"/quiz/attempt/{attempt_id}/autosave", data=reply_to(slots, other))

    assert response.status_code == 200 and response.get_json()["saved"] == []
    assert answers(attempt_id)[slots[other]].response is None


def test_autosave_cannot_change_the_answer_on_a_page_already_left(make_quiz, learner, client_for):
    browser, attempt_id, html, slots = sequential_attempt(
        make_quiz, learner, client_for, shuffle_questions=False
    )
    assert on_page(html, slots) == "Coordinator"
    browser.post(f"/quiz/attempt/{attempt_id}/save", data=page_form(html, nav="next"))
    second = browser.get(f"/quiz/attempt/{attempt_id}").get_data(as_text=True)
    assert on_page(second, slots) == "Year"
    browser.post(
        f"/quiz/attempt/{attempt_id}/save",
        data=page_form(second, **{f"q{slots['Year']}": "false", "nav": "next"}),
    )

    browser.post(
        f"/quiz/attempt/{attempt_id}/autosave",
        data={f"q{slots['Year']}": "true", f"seq-{slots['Year']}": "1"},
    )

    assert answers(attempt_id)[slots["Year"]].response is False


def test_the_final_submission_cannot_answer_a_question_of_another_page(
    make_quiz, learner, client_for
):
    browser, attempt_id, html, slots = sequential_attempt(make_quiz, learner, client_for)
    other = elsewhere(html, slots)[0]

    response = browser.post(f"/quiz/attempt/{attempt_id}/submit", data=reply_to(slots, other))

    assert response.status_code == 302
    assert answers(attempt_id)[slots[other]].response is None


def test_the_current_page_still_takes_its_answers_under_sequential_navigation(
    make_quiz, learner, client_for
):
    browser, attempt_id, html, slots = sequential_attempt(
        make_quiz, learner, client_for, shuffle_questions=False
    )
    browser.post(f"/quiz/attempt/{attempt_id}/save", data=page_form(html, nav="next"))

    response = browser.post(f"/quiz/attempt/{attempt_id}/autosave", data=reply_to(slots, "Year"))

    assert response.get_json()["saved"] == [slots["Year"]]
    assert answers(attempt_id)[slots["Year"]].response is True


def test_free_navigation_takes_answers_for_any_page(make_quiz, learner, client_for):
    quiz = make_quiz(layout="per_question")
    enrol(learner, quiz.course)
    browser = client_for(learner)
    attempt_id, _html = start(browser, quiz.activity.id)
    slots = {name: slot_of(attempt_id, name) for name in ("Year", "Partners")}

    browser.post(
        f"/quiz/attempt/{attempt_id}/autosave",
        data={**reply_to(slots, "Year"), **reply_to(slots, "Partners")},
    )

    assert answers(attempt_id)[slots["Year"]].response is True
    assert answers(attempt_id)[slots["Partners"]].response is not None
