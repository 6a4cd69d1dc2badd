"""The example_partner plugin's Alembic branch: labelled "example_partner", built on the core, in step with the
models, and downgraded alone (``nttlearn.testing.migration_branch_problems``)."""

from __future__ import annotations

import pytest

from nttlearn.testing import migration_branch_problems

TABLES = {"example_partner_meetings", "example_partner_completions"}


@pytest.fixture
def app_plugins():
    """Every installed plugin: the test database carries every plugin's branch, and Alembic must
    know them all to move one."""
    return None


def test_the_branch_starts_on_the_core_matches_the_models_and_downgrades_alone(app):
    assert migration_branch_problems("example_partner", TABLES) == []


def test_a_table_left_out_of_the_list_is_reported(app):
    """The helper says what is wrong rather than passing: a table the branch makes but the test
    does not name, and a wrong first revision."""
    problems = migration_branch_problems(
        "example_partner", {"example_partner_meetings"}, base="example_partner_0009"
    )

    assert problems == [
        "the branch starts at 'example_partner_0001', not 'example_partner_0009'",
        "tables of the plugin not named here: ['example_partner_completions']",
    ]
