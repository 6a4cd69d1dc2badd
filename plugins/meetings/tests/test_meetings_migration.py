"""The plugin's Alembic branch: its own label, built on the core, in step with the models."""

from __future__ import annotations

import pytest
from alembic.script import ScriptDirectory

from nttlearn.testing import branch_downgraded, schema_differences, table_names

TABLES = {"meetings_meetings", "meetings_revisions", "meetings_agenda_items", "meetings_registrations",
          "meetings_attendances", "meetings_documents", "meetings_personal_settings"}


@pytest.fixture
def app_plugins():
    """Every installed plugin: Alembic must know every branch to move one."""
    return None


def test_branch_is_labelled_meetings_and_depends_on_the_core(app):
    script = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())

    [base] = [rev for rev in script.walk_revisions() if "meetings" in (rev.branch_labels or ())]

    assert base.revision == "meetings_0001" and base.down_revision is None and base.dependencies == "0001_core"


def test_models_and_migrations_agree(app):
    assert schema_differences(TABLES) == []


def test_downgrading_the_branch_removes_only_the_plugins_tables(app):
    assert table_names() >= TABLES
    with branch_downgraded("meetings"):
        remaining = table_names()
        assert not TABLES & remaining
        assert {"users", "organisations", "courses"} <= remaining
    assert table_names() >= TABLES
