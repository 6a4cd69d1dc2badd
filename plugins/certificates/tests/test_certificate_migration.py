"""The certificates plugin's Alembic branch: labelled "certificates", built on the core, in step with the
models, and downgraded alone (``nttlearn.testing.migration_branch_problems``)."""

from __future__ import annotations

import pytest

from nttlearn.api import db
from nttlearn.testing import branch_downgraded, migration_branch_problems

TABLES = {"certificates_course_settings", "certificates_templates", "certificates_issued",
          "certificates_status_lists"}


@pytest.fixture
def app_plugins():
    """Every installed plugin: the test database carries every plugin's branch, and Alembic must
    know them all to move one."""
    return None


def test_the_branch_starts_on_the_core_matches_the_models_and_downgrades_alone(app):
    assert migration_branch_problems("certificates", TABLES, head="certificates_0002") == []


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
