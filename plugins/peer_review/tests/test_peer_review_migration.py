"""The plugin's Alembic branch: its own label, built on the core, in step with the models."""

from __future__ import annotations

import flask_migrate
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from nttlearn import db

PREFIX = "peer_review_"


@pytest.fixture
def app_plugins():
    """Every installed plugin: the test database carries every plugin's branch, and Alembic must
    know them all to move one."""
    return None


def _tables() -> set[str]:
    db.session.remove()
    return {t for t in sa.inspect(db.engine).get_table_names() if t.startswith(PREFIX)}


def test_branch_is_labelled_peer_review_and_depends_on_the_core(app):
    script = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())

    branch = [rev for rev in script.walk_revisions() if "peer_review" in (rev.branch_labels or ())]
    [base] = [rev for rev in branch if rev.down_revision is None]

    assert base.revision == "peer_review_0001"
    assert base.dependencies == "0001_core"
    assert {rev.revision for rev in branch} == {"peer_review_0001", "peer_review_0002", "peer_review_0003_translations"}


def test_models_and_migrations_agree(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={
            "compare_type": True,
            "include_object": lambda obj, name, type_, reflected, compare_to: (
                type_ != "table" or name.startswith(PREFIX)),
        })
        differences = compare_metadata(context, db.metadata)

    assert differences == []


def test_downgrading_the_branch_removes_only_the_plugins_tables(app):
    assert len(_tables()) == 19
    try:
        flask_migrate.downgrade(revision="peer_review@base")
        assert _tables() == set()
        assert {"users", "activities"} <= set(sa.inspect(db.engine).get_table_names())
    finally:
        flask_migrate.upgrade(revision="heads")  # the database is shared on PostgreSQL
    assert len(_tables()) == 19
