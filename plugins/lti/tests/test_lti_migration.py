"""The plugin's Alembic branch: its own label, built on the core, in step with the models."""

from __future__ import annotations

import pytest
from alembic.script import ScriptDirectory

from nttlearn.api import db
from nttlearn.testing import branch_downgraded, schema_differences, table_names

TABLES = {"lti_platforms", "lti_tool_keys", "lti_accounts", "lti_links", "lti_launches", "lti_nonces", "lti_scores"}


@pytest.fixture
def app(app_factory):
    """Every installed plugin: Alembic must know every branch to move one."""
    app = app_factory()
    with app.app_context():
        yield app
        db.session.remove()


def test_branch_is_labelled_lti_and_depends_on_the_core(app):
    script = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())

    [base] = [rev for rev in script.walk_revisions() if "lti" in (rev.branch_labels or ())]

    assert base.revision == "lti_0001_platforms" and base.down_revision is None and base.dependencies == "0001_core"


def test_models_and_migrations_agree(app):
    assert schema_differences(TABLES) == []


def test_downgrading_the_branch_removes_only_the_plugins_tables(app):
    assert table_names() >= TABLES
    with branch_downgraded("lti"):
        remaining = table_names()
        assert not TABLES & remaining
        assert {"users", "activities", "courses"} <= remaining
