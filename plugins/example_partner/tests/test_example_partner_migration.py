"""The plugin's Alembic branch: its own label, built on the core, in step with the models."""

from __future__ import annotations

import pytest
from alembic.script import ScriptDirectory

from nttlearn.testing import branch_downgraded, schema_differences, table_names

TABLES = {"example_partner_meetings", "example_partner_completions"}


@pytest.fixture
def app_plugins():
    """Every installed plugin, not this one alone: the test database carries every plugin's
    branch, and Alembic must know them all to move one."""
    return None


def _script_directory(app) -> ScriptDirectory:
    config = app.extensions["migrate"].migrate.get_config()
    return ScriptDirectory.from_config(config)


def test_branch_is_labelled_with_the_plugin_name_and_depends_on_the_core(app):
    script = _script_directory(app)

    [base] = [rev for rev in script.walk_revisions() if "example_partner" in (rev.branch_labels or ())]

    assert base.down_revision is None
    assert base.dependencies == "0001_core"
    assert script.get_revision("example_partner@head") is not None


def test_models_and_migrations_agree(app):
    assert schema_differences(TABLES) == []


def test_downgrading_the_branch_removes_only_the_plugins_tables(app):
    assert table_names() >= TABLES
    with branch_downgraded("example_partner"):
        remaining = table_names()
        assert not TABLES & remaining
        assert {"users", "organisations", "courses"} <= remaining
    assert table_names() >= TABLES
