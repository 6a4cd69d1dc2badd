"""The certificates plugin's Alembic branch: labelled "certificates", built on the core, in step with the
models, and downgraded alone (``nttlearn.testing.migration_branch_problems``)."""

from __future__ import annotations

import pytest

from nttlearn.api import db
from nttlearn.testing import branch_downgraded, migration_branch_problems

TABLES = {
    "certificates_course_settings",
    "certificates_templates",
    "certificates_issued",
    "certificates_status_lists",
}


@pytest.fixture
def app_plugins():
    """Every installed plugin: the test database carries every plugin's branch, and Alembic must
    know them all to move one."""
    return None


def test_the_branch_starts_on_the_core_matches_the_models_and_downgrades_alone(app):
    assert migration_branch_problems("certificates", TABLES, head="certificates_0003") == []


def test_adding_status_places_keeps_one_live_certificate_per_learner_and_course(app):
    """The status-list revision rebuilds the certificates table on SQLite: the partial unique
    index over live certificates must survive it (and the downgrade back)."""
    from sqlalchemy import inspect

    def live_index():
        indexes = inspect(db.engine).get_indexes("certificates_issued")
        return [i for i in indexes if i["name"] == "uq_certificates_issued_live_user_course"]

    with branch_downgraded("certificates"):
        pass
    [index] = live_index()

    assert index["unique"] and index["column_names"] == ["user_id", "course_id"]
    where = index.get("dialect_options", {})
    assert "revoked_at IS NULL" in str(where.get("sqlite_where", where.get("postgresql_where", "")))


def test_the_course_setting_revision_copies_each_courses_old_switch(app, make_course):
    """certificates_0003 gives every course without a row of its own the value of the core's old
    ``courses.certificate``; a course with a row keeps it (the row was what counted); downgrading
    writes the rows' values back into the column the older code reads."""
    import flask_migrate

    from nttlearn_certificates.models import CourseCertificateSettings

    flask_migrate.downgrade(revision="certificates_0002")
    try:
        off, on, ruled = (
            make_course(certificate=False),
            make_course(certificate=True),
            make_course(certificate=False),
        )
        db.session.add(
            CourseCertificateSettings(
                course_id=ruled.id, enabled=True, min_quiz_grade=50, require_accepted_proposal=False
            )
        )
        db.session.commit()
        ids = {"off": off.id, "on": on.id, "ruled": ruled.id}

        flask_migrate.upgrade(revision="certificates_0003")
        db.session.expire_all()
        rows = {
            name: db.session.get(CourseCertificateSettings, course_id)
            for name, course_id in ids.items()
        }
        assert {name: row.enabled for name, row in rows.items()} == {
            "off": False,
            "on": True,
            "ruled": True,
        }
        assert rows["ruled"].min_quiz_grade == 50

        rows["off"].enabled, rows["ruled"].enabled = True, False
        db.session.commit()
        flask_migrate.downgrade(revision="certificates_0002")
        certificate = db.session.execute(
            db.text("SELECT id, certificate FROM courses WHERE id IN (:a, :b, :c)"),
            {"a": ids["off"], "b": ids["on"], "c": ids["ruled"]},
        ).all()
        by_id = {course_id: bool(value) for course_id, value in certificate}
        assert [by_id[ids[name]] for name in ("off", "on", "ruled")] == [True, True, False]
    finally:
        db.session.rollback()
        flask_migrate.upgrade(revision="heads")
