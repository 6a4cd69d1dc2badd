"""The plugin's Alembic branch: its own label, built on the core, in step with the models."""

from __future__ import annotations

import pytest
from alembic.script import ScriptDirectory

from nttlearn import db
from nttlearn.testing import branch_downgraded, schema_differences, table_names

TABLES = {"certificates_course_settings", "certificates_templates", "certificates_issued",
          "certificates_status_lists"}


@pytest.fixture
def app_plugins():
    """Every installed plugin: the test database holds all their branches."""
    return None


def test_branch_is_labelled_with_the_plugin_name_and_depends_on_the_core(app):
    script = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())

    [base] = [rev for rev in script.walk_revisions()
              if "certificates" in (rev.branch_labels or ()) and rev.down_revision is None]

    assert base.dependencies == "0001_core"
    assert script.get_revision("certificates@head").revision == "certificates_0002"


def test_models_and_migrations_agree(app):
    assert schema_differences(TABLES) == []


def test_downgrading_the_branch_removes_only_the_plugins_tables(app):
    assert table_names() >= TABLES
    with branch_downgraded("certificates"):
        remaining = table_names()
        assert not TABLES & remaining
        assert {"users", "courses"} <= remaining
    assert table_names() >= TABLES


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
