"""Every CSV download, the core's and every plugin's, goes through one writer that defuses
spreadsheet formulas (CSV injection): the writer's cells, then a walk over every ``.csv`` route."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from core_helpers import installed_plugin_names
from flask import url_for
from route_table import World, build_world, rows_by_key
from werkzeug.routing import AnyConverter

from nttlearn.extensions import db
from nttlearn.learn.services import complete_lesson
from nttlearn.models import Activity, Module
from nttlearn.reports.csvfile import cell, csv_text, is_formula
from nttlearn.testing import login, route_rows_module


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+33 612", "'+33 612"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\r=1+1", "'\r=1+1"),
        ("  =1+1", "'  =1+1"),
        ("\uff1d1+1", "'\uff1d1+1"),
        ("Luleå kommun", "Luleå kommun"),
        (-2, -2),
        (3.5, 3.5),
        (Decimal("-0.250"), Decimal("-0.250")),
        (None, ""),
        (True, "yes"),
        (date(2010, 3, 1), "2010-03-01"),
        (datetime(2010, 3, 1, 9, tzinfo=UTC), "2010-03-01T09:00:00+00:00"),
    ],
)
def test_csv_cells_are_defused_and_typed(value, expected):
    assert cell(value) == expected


def test_csv_starts_with_a_byte_order_mark_and_uses_crlf():
    assert csv_text(["a", "b"], [["Åsa", 1]]) == "\ufeffa,b\r\nÅsa,1\r\n"
    assert csv_text(["a"], [["=x"]], bom=False) == "a\r\n'=x\r\n"


# -- the walk ------------------------------------------------------------------------------------
# Each starts with a sign a spreadsheet reads as the start of a formula.
FORMULAS = {
    "learner": '=HYPERLINK("http://evil.example","click")',
    "organisation": "+1+1 Comune di Prova",
    "course": "-1+1 Designing networks",
    "module": "@SUM(A1:A9) Project cycle",
    "lesson": "\t=1+1 Problem tree",
    "activity": "\r=1+1 Check",
    "bystander": "  =1+1 Bystander",
    "question": "=2+2 Question",
    "team": "+team Bologna",
    "comment": "=cmd|' /C calc'!A0",
}
PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?")


def _world_full_of_formulas(app, make_user, make_course) -> World:
    """The route walk's world, its names and titles replaced by formulas, with something in
    every report: a finished quiz attempt, a team and a review, survey answers, events."""
    world = build_world(app, make_user, make_course)
    plugins = installed_plugin_names()
    if "quiz" in plugins:
        from nttlearn_quiz import services
        from nttlearn_quiz.models import Question

        made = route_rows_module("quiz")._quiz_world(world)
        db.session.get(Question, made.question_id).name = FORMULAS["question"]
        services.submit_attempt(made.attempt_id, world.learner.id)
    if "peer_review" in plugins:
        from nttlearn_peer_review import models as pr

        db.session.get(
            pr.Team, route_rows_module("peer_review")._proposal(world)["team_id"]
        ).name = FORMULAS["team"]
    if "evaluation" in plugins:
        from nttlearn_evaluation.definitions import import_definition
        from nttlearn_evaluation.surveys import submit_response, survey_for

        activity = world.activity("survey", required=False)
        import_definition(activity, {"template": "end-of-course", "anonymous": False}, Path("."))
        submit_response(
            survey_for(activity),
            activity,
            world.learner.id,
            {
                "relevance": "5",
                "clarity": "4",
                "methodology": "4",
                "peer_feedback": "",
                "intention": "yes",
                "comments": FORMULAS["comment"],
            },
        )
    if "meetings" in plugins:
        from datetime import date as day

        from nttlearn_meetings import services as meetings

        _meeting = route_rows_module(
            "meetings"
        )._meeting  # the plugins' own route-walk rows make these
        meeting_id = _meeting(world)["meeting_id"]
        meetings.register(meeting_id, world.learner)
        db.session.flush()
        meetings.check_in(
            meeting_id,
            world.learner,
            day.fromisoformat(_meeting(world)["day"]),
            by_id=world.trainer.id,
            now=datetime.fromisoformat(_meeting(world)["day"] + "T09:00:00+00:00"),
        )
    world.learner.name = FORMULAS["learner"]
    world.bystander.name = FORMULAS["bystander"]
    world.organisation.name = FORMULAS["organisation"]
    world.course.title = FORMULAS["course"]
    for module in db.session.execute(
        db.select(Module).where(Module.course_id == world.course.id)
    ).scalars():
        module.title = FORMULAS["module"]
    for activity in db.session.execute(
        db.select(Activity).join(Module).where(Module.course_id == world.course.id)
    ).scalars():
        activity.title = FORMULAS["activity"]
    world.lesson.title = FORMULAS["lesson"]
    complete_lesson(world.learner.id, world.lesson)
    db.session.commit()
    return world


def _csv_urls(app, world: World) -> dict[str, list[str]]:
    """Each CSV route's URLs: one per value of an ``any(…)`` part (``summary``, ``learners``…)."""
    rows = rows_by_key()
    urls: dict[str, list[str]] = {}
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if not rule.rule.endswith(".csv"):
                continue
            args = rows[(rule.endpoint, "GET")].args(world)
            choices = [
                (name, sorted(converter.items))
                for name, converter in rule._converters.items()
                if isinstance(converter, AnyConverter)
            ]
            variants = [{}] if not choices else [{choices[0][0]: item} for item in choices[0][1]]
            assert len(choices) <= 1, f"{rule.rule}: teach the walk to combine several any(…) parts"
            urls[rule.endpoint] = [
                url_for(rule.endpoint, **{**args, **variant}) for variant in variants
            ]
    return urls


def test_every_csv_download_defuses_every_formula(app_factory, make_user, make_course, tmp_path):
    app = app_factory()
    with app.app_context():
        world = _world_full_of_formulas(app, make_user, make_course)
        urls = _csv_urls(app, world)
        browsers = {}
        for role in ("admin", "learner"):
            browsers[role] = app.test_client()
            assert login(browsers[role], getattr(world, role)).status_code == 302

        defused: dict[str, set[str]] = {endpoint: set() for endpoint in urls}
        for endpoint, addresses in urls.items():
            for url in addresses:
                for role, browser in browsers.items():
                    response = browser.get(url)
                    if response.status_code != 200:
                        continue
                    assert response.mimetype == "text/csv", url
                    for row in csv.reader(
                        io.StringIO(response.data.decode("utf-8-sig"), newline="")
                    ):
                        for value in row:
                            assert not is_formula(value) or PLAIN_NUMBER.fullmatch(value), (
                                f"{url} as {role}: the cell {value!r} would run as a formula"
                            )
                            defused[endpoint] |= {
                                key for key, text in FORMULAS.items() if value == "'" + text
                            }

    assert urls, "no CSV route found"
    assert "reports.course_progress_csv" in urls
    assert {endpoint for endpoint, found in defused.items() if not found} == set(), (
        "these CSV routes were walked without a single formula in them: give the world data they show"
    )
