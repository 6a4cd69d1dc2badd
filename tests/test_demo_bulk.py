"""``nttlearn demo --size l|xl``: on PostgreSQL the large data sets are generated inside the
database (nttlearn/demo/bulk.py), the same rows every time; SQLite refuses ``xl`` with a message.
The real sizes (1 and 10 million events) are for ``bench/reports_xl.py``; here a small one."""

from __future__ import annotations

import pytest

from nttlearn.cli import main
from nttlearn.demo import bulk
from nttlearn.extensions import db
from nttlearn.models import Course, Enrolment, EventRecord, Organisation, User
from nttlearn.testing import login

TINY = {"learners": 60, "organisations": 8, "courses": 5, "events": 1_000}


def nttlearn(app, *args: str):
    with app.app_context():
        result = app.test_cli_runner().invoke(main, list(args))
    db.session.expire_all()
    return result


def test_sqlite_refuses_the_xl_size_with_a_clear_message(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the SQLite pass")

    result = nttlearn(app, "demo", "--size", "xl")

    assert result.exit_code == 1
    assert "built inside PostgreSQL" in result.stderr and "--size l" in result.stderr
    assert db.session.scalar(db.select(db.func.count(EventRecord.id))) == 0


def test_postgresql_builds_the_large_data_set_inside_the_database(app, monkeypatch):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the PostgreSQL pass")
    monkeypatch.setitem(bulk.BULK_SIZES, "xl", TINY)

    result = nttlearn(app, "demo", "--size", "xl")
    again = nttlearn(app, "demo", "--size", "xl")

    assert result.exit_code == 0, result.output
    assert (
        "Generated size xl: 60 learners in 8 organisations of 4 countries, 5 courses, 120 enrolments"
        in result.stdout
    )
    assert "Built in" in result.stdout
    assert again.exit_code == 0 and "already exists" in again.stdout
    countries = db.session.execute(db.select(Organisation.country).distinct()).scalars().all()
    assert sorted(countries) == ["ES", "FI", "IT", "SE"]
    assert db.session.scalar(db.select(db.func.count(EventRecord.id))) == TINY["events"]
    assert db.session.scalar(db.select(db.func.count(Course.id))) == TINY["courses"]
    pairs = db.session.execute(
        db.select(Enrolment.user_id, db.func.count(db.func.distinct(Enrolment.course_id))).group_by(
            Enrolment.user_id
        )
    ).all()
    assert len(pairs) == TINY["learners"] and {n for _user, n in pairs} == {
        2
    }  # two different courses each
    assert (
        login(
            app.test_client(), User(email="genxl-learner1@example.org"), bulk.PASSWORD
        ).status_code
        == 302
    )
    names = {index["name"] for index in db.inspect(db.engine).get_indexes("events")}
    assert {
        index.name for index in EventRecord.__table__.indexes
    } <= names  # rebuilt after the load


def test_the_generated_rows_are_the_same_every_time(app, monkeypatch):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the PostgreSQL pass")
    monkeypatch.setitem(bulk.BULK_SIZES, "xl", TINY)

    def fingerprint():
        return db.session.execute(
            db.text(
                "SELECT md5(string_agg(u.email || ':' || e.course_id || ':' || (e.created_at - u.created_at)::text, ',' "
                "ORDER BY u.email, e.course_id)) FROM enrolments e JOIN users u ON u.id = e.user_id"
            )
        ).scalar()

    assert nttlearn(app, "demo", "--size", "xl").exit_code == 0
    first = fingerprint()
    db.session.execute(
        db.text(
            "DELETE FROM events; DELETE FROM enrolments; DELETE FROM lesson_completions; "
            "DELETE FROM module_completions; DELETE FROM activity_completions; "
            "DELETE FROM course_staff; DELETE FROM users; DELETE FROM lessons; "
            "DELETE FROM activities; DELETE FROM modules; DELETE FROM courses; "
            "DELETE FROM organisations"
        )
    )
    db.session.commit()
    assert nttlearn(app, "demo", "--size", "xl").exit_code == 0

    assert fingerprint() == first
