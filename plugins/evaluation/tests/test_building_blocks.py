"""The small pieces every report relies on: SQL medians, typed JSON fields, charts (CSV cells: the
core's tests/test_csv_downloads.py)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import literal, select, union_all

from nttlearn import db
from nttlearn.models import EventRecord
from nttlearn_evaluation.charts import BarChart
from nttlearn_evaluation.sql import event_names_ending, json_field, median_by


def _values(*groups: tuple[str, list[float]]):
    parts = [
        select(literal(g).label("g"), literal(v).label("v")) for g, values in groups for v in values
    ]
    return select(union_all(*parts).subquery())


def test_median_is_the_middle_value_or_the_mean_of_the_two_middle_values(app):
    rows = dict(
        db.session.execute(
            median_by(_values(("odd", [5, 1, 3]), ("even", [4, 1, 3, 10]), ("one", [7])))
        ).all()
    )

    assert rows == {"odd": 3, "even": 3.5, "one": 7}


def test_json_fields_of_the_wrong_type_read_as_null(app):
    at = datetime(2010, 3, 1, tzinfo=UTC)
    for data in (
        {"participants": 12, "passed": False, "policy_area": "youth", "countries": ["IT", "SE"]},
        {"participants": "many", "passed": "maybe", "policy_area": 3, "countries": "IT"},
        {},
    ):
        db.session.add(EventRecord(name="x.meeting_held", data=data, created_at=at))
    db.session.commit()

    rows = db.session.execute(
        select(
            json_field(EventRecord.data, "participants", "integer"),
            json_field(EventRecord.data, "passed", "boolean"),
            json_field(EventRecord.data, "policy_area", "text"),
            json_field(EventRecord.data, "countries", "array_length"),
        ).order_by(EventRecord.id)
    ).all()

    assert [tuple(r) for r in rows] == [
        (12, False, "youth", 2),
        (None, None, None, 0),
        (None, None, None, 0),
    ]


def test_event_names_are_found_by_suffix_through_the_index(app):
    at = datetime(2010, 3, 1, tzinfo=UTC)
    for name in (
        "a.meeting_held",
        "b.meeting_held",
        "b.meeting_held",
        "c.meeting_heldx",
        "meeting_held",
        "z.other",
    ):
        db.session.add(EventRecord(name=name, data={}, created_at=at))
    db.session.commit()

    assert sorted(db.session.execute(event_names_ending(".meeting_held")).scalars()) == [
        "a.meeting_held",
        "b.meeting_held",
    ]


def test_charts_escape_labels_and_use_no_style_attributes():
    svg = str(
        BarChart(
            "Participants <by> country",
            ["Enrolled", "Completed"],
            [("<script>alert(1)</script>", [3, 1]), ("Luleå", [0, 0])],
        ).svg()
    )

    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert "style=" not in svg
    assert 'role="img"' in svg and "<title id=" in svg
