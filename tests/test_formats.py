"""Dates, numbers, percentages and country names written for the reader's language by Babel,
the same on every core page (nttlearn/formats.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from unittest import mock

import pytest
from flask_babel import force_locale

from nttlearn.extensions import db
from nttlearn.formats import (
    country_name,
    country_names,
    format_date,
    format_datetime,
    format_number,
    format_percent,
)
from nttlearn.models import Enrolment


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        (
            "en",
            {"date": "Dec 7, 2026", "number": "1,234.5", "percent": "90%", "country": "Finland"},
        ),
        (
            "fi",
            {
                "date": "7.12.2026",
                "number": "1\u00a0234,5",
                "percent": "90\u00a0%",
                "country": "Suomi",
            },
        ),
        (
            "it",
            {"date": "7 dic 2026", "number": "1.234,5", "percent": "90%", "country": "Finlandia"},
        ),
    ],
)
def test_each_language_writes_dates_numbers_percentages_and_countries_its_own_way(
    app, locale, expected
):
    with app.test_request_context("/"), force_locale(locale):
        assert format_date(date(2026, 12, 7)) == expected["date"]
        assert format_number(1234.5) == expected["number"]
        assert format_percent(90) == expected["percent"]
        assert country_name("fi") == expected["country"]


def test_a_moment_is_written_in_the_readers_time_zone(app, make_user):
    user = make_user()
    user.timezone = "Europe/Helsinki"
    db.session.commit()
    late = datetime(2026, 12, 7, 22, 30, tzinfo=UTC)  # already the 8th in Helsinki
    with (
        app.test_request_context("/"),
        force_locale("en"),
        mock.patch("nttlearn.formats._current_user", return_value=user),
    ):
        assert format_date(late) == "Dec 8, 2026"
        assert "12:30\u202fAM" in format_datetime(late, "short")


def test_unknown_and_empty_countries_and_lists(app):
    with app.test_request_context("/"), force_locale("en"):
        assert country_name("XX") == "XX" and country_name(None) == ""
        assert country_names(["FI", "ES"]) == "Finland and Spain"
        assert format_percent(12.5, decimals=1) == "12.5%"
    with app.test_request_context("/"), force_locale("fi"):
        assert format_percent(12.5, decimals=1) == "12,5\u00a0%"


@pytest.mark.parametrize(
    ("language", "completed", "country", "percent"),
    [
        ("en", "December 7, 2026", "Spain", "0%"),
        ("sv", "7 december 2026", "Spanien", "0\u00a0%"),
    ],
)
def test_the_course_page_and_the_progress_report_use_the_readers_formats(
    client, app, make_user, make_course, login_as, language, completed, country, percent
):
    trainer = make_user(role="trainer")
    course = make_course(modules=1, lessons=1, trainer=trainer)
    learner = make_user(org="Ayuntamiento", country="ES")
    db.session.add(
        Enrolment(
            user_id=learner.id,
            course_id=course.id,
            completed_at=datetime(2026, 12, 7, 10, tzinfo=UTC),
        )
    )
    db.session.commit()
    with app.test_request_context():
        from flask import url_for

        report_url = url_for("reports.course_progress", course_id=course.id)

    login_as(learner)
    client.post("/language", data={"code": language, "next": "/"})
    course_page = client.get(f"/courses/{course.slug}").get_data(as_text=True)
    client.post("/logout")
    login_as(trainer)
    client.post("/language", data={"code": language, "next": "/"})
    report = client.get(report_url).get_data(as_text=True)

    assert completed in course_page
    assert country in report and f"{percent} <span" in report
    assert "2026-12-07" not in report and "2026-12-07" not in course_page
