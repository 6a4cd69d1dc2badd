"""The assignment plugin's Alembic branch: labelled "assignment", built on the core, in step with the
models, and downgraded alone (``nttlearn.testing.migration_branch_problems``)."""

from __future__ import annotations

import pytest

from nttlearn.api import db
from nttlearn.testing import migration_branch_problems

TABLES = {"assignment_assignments", "assignment_submissions", "assignment_files"}


@pytest.fixture
def app(app_factory):
    """Every installed plugin: the test database carries every plugin's branch, and Alembic must
    know them all to move one."""
    app = app_factory()
    with app.app_context():
        yield app
        db.session.remove()


def test_the_branch_starts_on_the_core_matches_the_models_and_downgrades_alone(app):
    assert migration_branch_problems("assignment", TABLES, base="assignment_0001") == []


def test_the_rubric_revision_adds_and_removes_only_its_columns(app):
    import flask_migrate
    import sqlalchemy as sa

    def columns() -> set[str]:
        db.session.remove()
        inspector = sa.inspect(db.engine)
        return {f"a.{c['name']}" for c in inspector.get_columns("assignment_assignments")} | {
            f"s.{c['name']}" for c in inspector.get_columns("assignment_submissions")
        }

    assert {"a.rubric", "a.rubric_translations", "s.rubric_scores"} <= columns()
    try:
        flask_migrate.downgrade(revision="assignment_0001")
        assert not {"a.rubric", "a.rubric_translations", "s.rubric_scores"} & columns()
        assert {"a.max_points", "s.points"} <= columns()
    finally:
        flask_migrate.upgrade(revision="heads")  # the database is shared on PostgreSQL
    assert {"a.rubric", "a.rubric_translations", "s.rubric_scores"} <= columns()
