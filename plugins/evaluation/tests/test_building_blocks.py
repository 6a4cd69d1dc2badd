"""The small pieces every report relies on: CSV cells, SQL medians, typed JSON fields, charts."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import literal, select, union_all

from nttlearn import db
from nttlearn.models import EventRecord
from nttlearn_evaluation.charts import BarChart
from nttlearn_evaluation.csvfile import cell, csv_text
from nttlearn_evaluation.sql import event_names_ending, json_field, median_by


@pytest.mark.parametrize(("value", "expected"), [
    ("=1+1", "'=1+1"), ("+33 612", "'+33 612"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"),
    ("Luleå kommun", "Luleå kommun"), (-2, -2), (3.5, 3.5), (None, ""), (True, "yes"),
    (date(2010, 3, 1), "2010-03-01"), (datetime(2010, 3, 1, 9, tzinfo=UTC), "2010-03-01T09:00:00+00:00"),
])
def test_csv_cells_are_defused_and_typed(value, expected):
    assert cell(value) == expected


def test_csv_starts_with_a_byte_order_mark_and_uses_crlf():
    assert csv_text(["a", "b"], [["Åsa", 1]]) == "\ufeffa,b\r\nÅsa,1\r\n"


def _values(*groups: tuple[str, list[float]]):
    parts = [select(literal(g).label("g"), literal(v).label("v")) for g, values in groups for v in values]
    return select(union_all(*parts).subquery())


def test_median_is_the_middle_value_or_the_mean_of_the_two_middle_values(app):
    rows = dict(db.session.execute(median_by(_values(("odd", [5, 1, 3]), ("even", [4, 1, 3, 10]), ("one", [7])))).all())

    assert rows == {"odd": 3, "even": 3.5, "one": 7}


def test_json_fields_of_the_wrong_type_read_as_null(app):
    at = datetime(2010, 3, 1, tzinfo=UTC)
    for data in ({"participants": 12, "passed": False, "policy_area": "youth", "countries": ["IT", "SE"]},
                 {"participants": "many", "passed": "maybe", "policy_area": 3, "countries": "IT"},
                 {}):
        db.session.add(EventRecord(name="x.meeting_held", data=data, created_at=at))
    db.session.commit()

    rows = db.session.execute(select(
        json_field(EventRecord.data, "participants", "integer"), json_field(EventRecord.data, "passed", "boolean"),
        json_field(EventRecord.data, "policy_area", "text"), json_field(EventRecord.data, "countries", "array_length"),
    ).order_by(EventRecord.id)).all()

    assert [tuple(r) for r in rows] == [(12, False, "youth", 2), (None, None, None, 0), (None, None, None, 0)]


def test_event_names_are_found_by_suffix_through_the_index(app):
    at = datetime(2010, 3, 1, tzinfo=UTC)
    for name in ("a.meeting_held", "b.meeting_held", "b.meeting_held", "c.meeting_heldx", "meeting_held", "z.other"):
        db.session.add(EventRecord(name=name, data={}, created_at=at))
    db.session.commit()

    assert sorted(db.session.execute(event_names_ending(".meeting_held")).scalars()) == ["a.meeting_held", "b.meeting_held"]


def test_charts_escape_labels_and_use_no_style_attributes():
    svg = str(BarChart("Participants <by> country", ["Enrolled", "Completed"],
                       [("<script>alert(1)</script>", [3, 1]), ("Luleå", [0, 0])]).svg())

    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert "style=" not in svg
    assert 'role="img"' in svg and "<title id=" in svg
