"""The quiz's pages write dates and percentages as the learner's language does (the core's
format filters), never ISO dates with "UTC" or a percent sign glued on by hand."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from quiz_helpers import enrol

from nttlearn import db


@pytest.mark.parametrize(
    ("locale", "closes", "pass_mark"),
    [
        (
            "it",
            "Chiusura: 07/12/30, 11:00",
            "60%",
        ),  # the site's zone (Brussels), Italian day/month/year
        (
            "sv",
            "2030-12-07 11:00",
            "60\u00a0%",
        ),  # Swedish writes the year first, and a space before "%"
    ],
)
def test_the_quiz_page_writes_its_closing_date_and_pass_mark_in_the_learners_language(
    make_quiz, make_user, client_for, locale, closes, pass_mark
):
    made = make_quiz(pass_mark=60)
    made.quiz.closes_at = datetime(2030, 12, 7, 10, 0, tzinfo=UTC)
    db.session.commit()
    learner = make_user(locale=locale)
    enrol(learner, made.course)

    page = client_for(learner).get(f"/quiz/{made.activity.id}").get_data(as_text=True)

    assert pass_mark in page
    assert closes in page
    assert "UTC" not in page and "10:00" not in page
