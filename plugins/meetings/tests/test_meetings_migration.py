"""The meetings plugin's Alembic branch: labelled "meetings", built on the core, in step with the
models, and downgraded alone (``nttlearn.testing.migration_branch_problems``)."""

from __future__ import annotations

import pytest

from nttlearn.api import db
from nttlearn.testing import migration_branch_problems

TABLES = {
    "meetings_meetings",
    "meetings_revisions",
    "meetings_agenda_items",
    "meetings_registrations",
    "meetings_attendances",
    "meetings_documents",
    "meetings_personal_settings",
    "meetings_co_organisers",
    "meetings_cohort_links",
}


@pytest.fixture
def app_plugins():
    """Every installed plugin: the test database carries every plugin's branch, and Alembic must
    know them all to move one."""
    return None


def test_the_branch_starts_on_the_core_matches_the_models_and_downgrades_alone(app):
    assert migration_branch_problems("meetings", TABLES, base="meetings_0001") == []


def test_a_time_zone_chosen_only_on_my_meetings_moves_to_the_account(app, make_user):
    """meetings_0002 copies the plugin's old choice where the account has none, then drops it."""
    import flask_migrate
    import sqlalchemy as sa

    from nttlearn.api import User

    chose_here, chose_both, chose_utc = make_user(), make_user(), make_user()
    db.session.execute(
        sa.update(User).where(User.id == chose_both.id).values(timezone="Europe/Helsinki")
    )
    db.session.commit()
    chose_here, chose_both, chose_utc = chose_here.id, chose_both.id, chose_utc.id
    db.session.remove()
    flask_migrate.downgrade(revision="meetings_0001")
    try:
        with db.engine.begin() as connection:
            for user, zone in (
                (chose_here, "Europe/Rome"),
                (chose_both, "Europe/Madrid"),
                (chose_utc, "UTC"),
            ):
                connection.execute(
                    sa.text(
                        "INSERT INTO meetings_personal_settings (user_id, time_zone) "
                        "VALUES (:u, :z)"
                    ),
                    {"u": user, "z": zone},
                )
    finally:
        flask_migrate.upgrade(revision="heads")
    zones = dict(db.session.execute(sa.select(User.id, User.timezone)).tuples().all())
    assert zones[chose_here] == "Europe/Rome"
    assert zones[chose_both] == "Europe/Helsinki"  # the account page's choice wins
    assert zones[chose_utc] is None  # the core has no "UTC": the site's default zone
    assert "time_zone" not in {
        c["name"] for c in sa.inspect(db.engine).get_columns("meetings_personal_settings")
    }
    db.session.execute(sa.text("DELETE FROM meetings_personal_settings"))
    db.session.commit()
