"""The plugin's Alembic branch: its own label, built on the core, in step with the models."""

from __future__ import annotations

import flask_migrate
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from nttlearn import db

TABLES = {"certificates_course_settings", "certificates_templates", "certificates_issued"}


@pytest.fixture
def app(app_factory):
    """Every installed plugin: the test database holds all their branches."""
    app = app_factory()
    with app.app_context():
        yield app
        db.session.remove()


def _tables() -> set[str]:
    db.session.remove()
    return set(sa.inspect(db.engine).get_table_names())


def test_branch_is_labelled_with_the_plugin_name_and_depends_on_the_core(app):
    script = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())

    [base] = [rev for rev in script.walk_revisions() if "certificates" in (rev.branch_labels or ())]

    assert base.down_revision is None and base.dependencies == "0001_core"


def test_models_and_migrations_agree(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={
            "compare_type": True,
            "include_object": lambda obj, name, type_, reflected, compare_to: (
                type_ != "table" or name in TABLES),
        })
        differences = compare_metadata(context, db.metadata)

    assert differences == []


def test_downgrading_the_branch_removes_only_the_plugins_tables(app):
    assert _tables() >= TABLES
    try:
        flask_migrate.downgrade(revision="certificates@base")
        remaining = _tables()
        assert not TABLES & remaining
        assert {"users", "courses"} <= remaining
    finally:
        flask_migrate.upgrade(revision="heads")  # the database is shared on PostgreSQL
    assert _tables() >= TABLES
