"""The peer review plugin's Alembic branch: labelled "peer_review", built on the core, in step
with the models, and downgraded alone (``nttlearn.testing.migration_branch_problems``)."""

from __future__ import annotations

import pytest
from alembic.script import ScriptDirectory

from nttlearn.testing import migration_branch_problems


@pytest.fixture
def app_plugins():
    """Every installed plugin: the test database carries every plugin's branch, and Alembic must
    know them all to move one."""
    return None


def test_the_branch_starts_on_the_core_matches_the_models_and_downgrades_alone(app):
    # Every table of the plugin's models (the 19 named peer_review_…).
    assert migration_branch_problems("peer_review", base="peer_review_0001") == []


def test_the_branch_holds_its_three_revisions(app):
    script = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())

    branch = {
        rev.revision
        for rev in script.walk_revisions()
        if "peer_review" in (rev.branch_labels or ())
    }

    assert branch == {"peer_review_0001", "peer_review_0002", "peer_review_0003_translations"}
