"""A learner's quiz data in their export; deleting the account removes what they wrote in
essays and keeps the anonymous marks."""

from __future__ import annotations

from quiz_helpers import answers, attempt_row, enrol, page_form, slot_of, start

from nttlearn import db
from nttlearn.auth.services import delete_account, export_user_data
from nttlearn_quiz.models import Attempt

GIFT = "::Year::NTT+ ran in 2010.{T}\n\n::Needs::Describe a need of your town, Comune di Prova.{}\n"


def test_export_lists_attempts_with_responses_and_grades(make_quiz, learner, client_for):
    quiz = make_quiz(gift=GIFT)
    enrol(learner, quiz.course)
    attempt_id, html = start(client_for(learner), quiz.activity.id)
    client_for(learner).post(
        f"/quiz/attempt/{attempt_id}/submit",
        data=page_form(
            html,
            **{
                f"q{slot_of(attempt_id, 'Year')}": "true",
                f"q{slot_of(attempt_id, 'Needs')}": "My street floods.",
            },
        ),
    )

    data = export_user_data(learner)["plugins"]["quiz"]

    [attempt] = data["attempts"]
    assert attempt["quiz_id"] == quiz.activity.id and attempt["state"] == "finished"
    assert attempt["language"] == "en"  # the language the attempt was taken in
    assert {a["question"]: a["response"] for a in attempt["answers"]} == {
        "Year": True,
        "Needs": "My street floods.",
    }


def test_deleting_the_account_removes_essay_texts_and_keeps_the_marks(
    make_quiz, learner, client_for
):
    quiz = make_quiz(gift=GIFT)
    enrol(learner, quiz.course)
    attempt_id, html = start(client_for(learner), quiz.activity.id)
    year, needs = slot_of(attempt_id, "Year"), slot_of(attempt_id, "Needs")
    client_for(learner).post(
        f"/quiz/attempt/{attempt_id}/submit",
        data=page_form(html, **{f"q{year}": "true", f"q{needs}": "My street floods."}),
    )
    client_for(quiz.trainer).post(
        f"/quiz/answer/{answers(attempt_id)[needs].id}/grade",
        data={"mark": "0.5", "comment": "Your street, Via Roma, is a good case."},
    )

    delete_account(learner)
    db.session.commit()

    stored = answers(attempt_id)
    assert stored[needs].response is None and stored[needs].comment == ""
    assert stored[needs].fraction == 0.5 and stored[year].response is True
    assert attempt_row(attempt_id).percent == 75.0
    assert db.session.execute(db.select(db.func.count(Attempt.id))).scalar_one() == 1
