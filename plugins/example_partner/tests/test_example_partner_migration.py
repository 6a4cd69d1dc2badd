"""The plugin's Alembic branch: its own label, built on the core, in step with the models."""

from __future__ import annotations

import flask_migrate
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from nttlearn import db

TABLES = {"example_partner_meetings", "example_partner_completions"}


@pytest.fixture
def app(app_factory):
    """Every installed plugin, not this one alone: the test database carries every plugin's
    branch, and Alembic must know them all to move one."""
    app = app_factory()
    with app.app_context():
        yield app
        db.session.remove()


def _script_directory(app) -> ScriptDirectory:
    config = app.extensions["migrate"].migrate.get_config()
    return ScriptDirectory.from_config(config)


def _tables() -> set[str]:
    db.session.remove()
    return set(sa.inspect(db.engine).get_table_names())


def test_branch_is_labelled_with_the_plugin_name_and_depends_on_the_core(app):
    script = _script_directory(app)

    [base] = [rev for rev in script.walk_revisions() if "example_partner" in (rev.branch_labels or ())]

    assert base.down_revision is None
    assert base.dependencies == "0001_core"
    assert script.get_revision("example_partner@head") is not None


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
        flask_migrate.downgrade(revision="example_partner@base")
        remaining = _tables()
        assert not TABLES & remaining
        assert {"users", "organisations", "courses"} <= remaining
    finally:
        flask_migrate.upgrade(revision="heads")  # the database is shared on PostgreSQL
    assert _tables() >= TABLES
