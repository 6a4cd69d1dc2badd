"""The lti plugin's Alembic branch: labelled "lti", built on the core, in step with the
models, and downgraded alone (``nttlearn.testing.migration_branch_problems``)."""

from __future__ import annotations

import pytest

from nttlearn.api import db
from nttlearn.testing import migration_branch_problems

TABLES = {
    "lti_platforms",
    "lti_tool_keys",
    "lti_accounts",
    "lti_links",
    "lti_launches",
    "lti_nonces",
    "lti_scores",
}


@pytest.fixture
def app(app_factory):
    """Every installed plugin: the test database carries every plugin's branch, and Alembic must
    know them all to move one."""
    app = app_factory()
    with app.app_context():
        yield app
        db.session.remove()


def test_the_branch_starts_on_the_core_matches_the_models_and_downgrades_alone(app):
    assert migration_branch_problems("lti", TABLES, base="lti_0001_platforms") == []
