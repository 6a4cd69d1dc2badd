"""The plugin's Alembic branch: its own label, built on the core, in step with the models."""

from __future__ import annotations

import pytest
from alembic.script import ScriptDirectory

from nttlearn.api import db
from nttlearn.testing import branch_downgraded, schema_differences, table_names

TABLES = {"assignment_assignments", "assignment_submissions", "assignment_files"}


@pytest.fixture
def app(app_factory):
    """Every installed plugin: Alembic must know every branch to move one."""
    app = app_factory()
    with app.app_context():
        yield app
        db.session.remove()


def test_branch_is_labelled_assignment_and_depends_on_the_core(app):
    script = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())

    branch = [rev for rev in script.walk_revisions() if "assignment" in (rev.branch_labels or ())]
    [base] = [rev for rev in branch if rev.down_revision is None]

    assert base.revision == "assignment_0001" and base.dependencies == "0001_core"
    assert {rev.revision: rev.down_revision for rev in branch} == {
        "assignment_0001": None, "assignment_0002": "assignment_0001"}


def test_models_and_migrations_agree(app):
    assert schema_differences(TABLES) == []


def test_the_rubric_revision_adds_and_removes_only_its_columns(app):
    import flask_migrate
    import sqlalchemy as sa

    def columns() -> set[str]:
        db.session.remove()
        inspector = sa.inspect(db.engine)
        return ({f"a.{c['name']}" for c in inspector.get_columns("assignment_assignments")}
                | {f"s.{c['name']}" for c in inspector.get_columns("assignment_submissions")})

    assert {"a.rubric", "a.rubric_translations", "s.rubric_scores"} <= columns()
    try:
        flask_migrate.downgrade(revision="assignment_0001")
        assert not {"a.rubric", "a.rubric_translations", "s.rubric_scores"} & columns()
        assert {"a.max_points", "s.points"} <= columns()
    finally:
        flask_migrate.upgrade(revision="heads")  # the database is shared on PostgreSQL
    assert {"a.rubric", "a.rubric_translations", "s.rubric_scores"} <= columns()


def test_downgrading_the_branch_removes_only_the_plugins_tables(app):
    assert table_names() >= TABLES
    with branch_downgraded("assignment"):
        remaining = table_names()
        assert not TABLES & remaining
        assert {"users", "activities", "courses"} <= remaining
    assert table_names() >= TABLES
