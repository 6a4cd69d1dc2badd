"""The plugin's Alembic branch: its own label, built on the core, in step with the models."""

from __future__ import annotations

import pytest
from alembic.script import ScriptDirectory

from nttlearn.api import db
from nttlearn.testing import branch_downgraded, schema_differences, table_names

TABLES = {"meetings_meetings", "meetings_revisions", "meetings_agenda_items", "meetings_registrations",
          "meetings_attendances", "meetings_documents", "meetings_personal_settings", "meetings_co_organisers",
          "meetings_cohort_links"}


@pytest.fixture
def app_plugins():
    """Every installed plugin: Alembic must know every branch to move one."""
    return None


def test_branch_is_labelled_meetings_and_depends_on_the_core(app):
    script = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())

    [base] = [rev for rev in script.walk_revisions()
              if "meetings" in (rev.branch_labels or ()) and rev.down_revision is None]

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


def test_a_time_zone_chosen_only_on_my_meetings_moves_to_the_account(app, make_user):
    """meetings_0002 copies the plugin's old choice where the account has none, then drops it."""
    import flask_migrate
    import sqlalchemy as sa

    from nttlearn.api import User

    chose_here, chose_both, chose_utc = make_user(), make_user(), make_user()
    db.session.execute(sa.update(User).where(User.id == chose_both.id).values(timezone="Europe/Helsinki"))
    db.session.commit()
    chose_here, chose_both, chose_utc = chose_here.id, chose_both.id, chose_utc.id
    db.session.remove()
    flask_migrate.downgrade(revision="meetings_0001")
    try:
        with db.engine.begin() as connection:
            for user, zone in ((chose_here, "Europe/Rome"), (chose_both, "Europe/Madrid"), (chose_utc, "UTC")):
                connection.execute(sa.text("INSERT INTO meetings_personal_settings (user_id, time_zone) "
                                           "VALUES (:u, :z)"), {"u": user, "z": zone})
    finally:
        flask_migrate.upgrade(revision="heads")
    zones = dict(db.session.execute(sa.select(User.id, User.timezone)).tuples().all())
    assert zones[chose_here] == "Europe/Rome"
    assert zones[chose_both] == "Europe/Helsinki"  # the account page's choice wins
    assert zones[chose_utc] is None  # the core has no "UTC": the site's default zone
    assert "time_zone" not in {c["name"] for c in sa.inspect(db.engine).get_columns("meetings_personal_settings")}
    db.session.execute(sa.text("DELETE FROM meetings_personal_settings"))
    db.session.commit()
