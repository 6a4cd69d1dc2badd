"""Item analysis from real attempts, checked against values computed by hand for a small fixed
data set; the page (with its server-rendered SVG chart), the CSV, ``nttlearn quiz stats --json``
and the quiz panel of the course report."""

from __future__ import annotations

import csv
import io
import json
import math
import re

import pytest
from quiz_helpers import enrol, page_form, start

from nttlearn_quiz.commands import quiz_group

GIFT = "::Q1::First.{T}\n\n::Q2::Second.{T}\n\n::Q3::Third.{T}\n"
# Right (1) or wrong (0) per learner and question; totals 3, 2, 1, 0.
ANSWERS = [(1, 1, 1), (1, 1, 0), (1, 0, 0), (0, 0, 0)]
# By hand: mean 1.5, median 1.5, sd sqrt(5/3); facility 75/50/25; item variances 1/4, 1/3, 1/4 give
# alpha = 3/2 (1 - (5/6)/(5/3)) = 0.75; discrimination (item vs rest of test) 0.52223, 0.70711, 0.52223.
EXPECTED_DISCRIMINATION = [
    100 * 0.75 / math.sqrt(0.75 * 2.75),
    100 / math.sqrt(2),
    100 * 0.75 / math.sqrt(0.75 * 2.75),
]


@pytest.fixture
def analysed(make_quiz, make_user, client_for):
    quiz = make_quiz(gift=GIFT)
    for row in ANSWERS:
        learner = make_user()
        enrol(learner, quiz.course)
        browser = client_for(learner)
        attempt_id, html = start(browser, quiz.activity.id)
        form = page_form(
            html, **{f"q{n}": "true" if right else "false" for n, right in enumerate(row, start=1)}
        )
        assert browser.post(f"/quiz/attempt/{attempt_id}/submit", data=form).status_code == 302
    return quiz


def test_statistics_match_the_hand_computed_values(analysed, app):
    result = app.test_cli_runner().invoke(
        quiz_group, ["stats", str(analysed.activity.id), "--json"]
    )

    assert result.exit_code == 0, result.output
    stats = json.loads(result.stdout)
    assert stats["attempts"] == 4
    assert stats["mean"] == pytest.approx(1.5) and stats["median"] == pytest.approx(1.5)
    assert stats["standard_deviation"] == pytest.approx(math.sqrt(5 / 3))
    assert stats["cronbach_alpha"] == pytest.approx(0.75)
    assert [q["facility"] for q in stats["questions"]] == pytest.approx([75, 50, 25])
    assert [q["discrimination"] for q in stats["questions"]] == pytest.approx(
        EXPECTED_DISCRIMINATION
    )
    assert stats["questions"][0]["answers"] == [
        {"answer": "true", "chosen": 3},
        {"answer": "false", "chosen": 1},
    ]


def test_the_page_draws_an_svg_chart_without_style_attributes(analysed, client_for):
    page = client_for(analysed.trainer).get(f"/quiz/{analysed.activity.id}/statistics")

    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<svg class="quiz-chart"' in html
    assert len(re.findall(r'<rect class="bar-facility"', html)) == 3
    assert "style=" not in html
    assert "0.750" in html  # Cronbach's alpha


def test_the_csv_holds_the_quiz_and_each_question(analysed, client_for):
    response = client_for(analysed.trainer).get(f"/quiz/{analysed.activity.id}/statistics.csv")

    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0]["scope"] == "quiz" and rows[0]["cronbach_alpha"] == "0.75"
    assert [r["facility"] for r in rows[1:]] == ["75", "50", "25"]
    assert rows[1]["answers_chosen"] == "true: 3; false: 1"


def test_the_course_report_has_a_quiz_panel(analysed, client_for, app):
    from flask import url_for

    with app.test_request_context():
        url = url_for("reports.course_progress", course_id=analysed.course.id)
    page = client_for(analysed.trainer).get(url)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Quizzes" in html and "Item analysis" in html
    csv_page = client_for(analysed.trainer).get(f"/quiz/course/{analysed.course.id}/quizzes.csv")
    rows = list(csv.DictReader(io.StringIO(csv_page.data.decode("utf-8-sig"))))
    assert rows[0]["attempts"] == "4" and rows[0]["mean_grade"] == "50"
