"""The migrations build exactly the schema the models describe, and can be undone and redone."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from core_helpers import installed_plugin_names
from sqlalchemy import create_engine, inspect

from nttlearn.cli import main
from nttlearn.extensions import db
from nttlearn.models import CORE_TABLES


def schema_differences(app) -> list:
    """What ``nttlearn db migrate`` would write for this database: nothing, when all is well."""
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "compare_server_default": False}
        )
        return compare_metadata(context, db.metadata)


def test_models_and_migrations_agree_on_the_test_database(app_factory):
    app = app_factory(plugins=sorted(installed_plugin_names()))  # every plugin's models are known

    assert schema_differences(app) == []


def test_the_check_would_see_a_difference(app_factory):
    import sqlalchemy as sa

    app = app_factory(plugins=sorted(installed_plugin_names()))
    extra = sa.Table("not_migrated_yet", db.metadata, sa.Column("id", sa.Integer, primary_key=True))
    try:
        differences = schema_differences(app)
    finally:
        db.metadata.remove(extra)

    assert [d[0] for d in differences] == ["add_table"]


@pytest.fixture
def scratch_app(app_factory, tmp_path):
    """An app on an empty SQLite file, whatever database the suite runs on."""
    url = f"sqlite:///{tmp_path / 'scratch.sqlite'}"
    app = app_factory(
        config={"SQLALCHEMY_DATABASE_URI": url}, plugins=sorted(installed_plugin_names())
    )
    yield app, url
    with app.app_context():
        db.engine.dispose()


def tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def nttlearn(app, *args: str):
    with app.app_context():
        result = app.test_cli_runner().invoke(main, list(args))
    assert result.exit_code == 0, result.output + str(result.exception)
    return result


def test_db_upgrade_downgrade_to_base_and_upgrade_again(scratch_app):
    app, url = scratch_app

    nttlearn(app, "db", "upgrade")
    upgraded = tables(url)
    nttlearn(app, "db", "downgrade", "base")
    downgraded = tables(url)
    nttlearn(app, "db", "upgrade")

    assert upgraded >= CORE_TABLES
    assert downgraded <= {"alembic_version"}
    assert tables(url) == upgraded
    assert schema_differences(app) == []


def test_db_current_names_each_branch_s_revision_at_its_head(scratch_app):
    import json

    app, _ = scratch_app
    before = nttlearn(app, "db", "current")
    nttlearn(app, "db", "upgrade")

    rows = json.loads(nttlearn(app, "db", "current", "--json").stdout)

    assert "no revision yet" in before.stdout
    assert rows and all(row["head"] for row in rows)
    assert "(head)" in nttlearn(app, "db", "current").stdout


def test_undoing_the_core_s_column_additions_keeps_every_course_s_content(scratch_app):
    """SQLite cannot drop a column in place in old versions, and Alembic's batch mode would copy
    the table instead: dropping the old ``courses`` or ``modules`` would cascade to every module,
    lesson and activity. The core's downgrades drop the column in place."""
    import flask_migrate
    from sqlalchemy import text

    app, url = scratch_app
    nttlearn(app, "db", "upgrade")
    with app.app_context():
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO courses (id, slug, title, summary, translations, policy_area, languages, hours, outcomes,"
                    " completion_rule, self_enrolment, certificate, published, archived, version, content_version,"
                    " created_at, updated_at) VALUES (1, 'kept', 'Kept', '', '{}', 'youth', '[\"en\"]', 1, '[]', 'all',"
                    " 1, 1, 1, 0, 1, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO modules (id, course_id, key, position, title, summary, outcomes, archived)"
                    " VALUES (1, 1, 'm', 1, 'Module', '', '[]', 0)"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO lessons (id, module_id, key, position, title, body, translations, minutes, required,"
                    " kind, archived, version) VALUES (1, 1, 'l', 1, 'Lesson', 'Text', '{}', 10, 1, 'lesson', 0, 1)"
                )
            )
        flask_migrate.downgrade(revision="0002_events_index")
        db.engine.dispose()
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            kept = [
                connection.execute(text(statement)).scalar()
                for statement in (
                    "SELECT count(*) FROM courses",
                    "SELECT count(*) FROM modules",
                    "SELECT count(*) FROM lessons",
                )
            ]
            columns = {c["name"] for c in inspect(connection).get_columns("courses")}
    finally:
        engine.dispose()
    nttlearn(app, "db", "upgrade")

    assert kept == [1, 1, 1]
    assert "content_version" not in columns
    assert schema_differences(app) == []
