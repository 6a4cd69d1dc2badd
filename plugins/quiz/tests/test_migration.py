"""The quiz plugin's Alembic branch: labelled "quiz", built on the core, in step with the models."""

from __future__ import annotations

import flask_migrate
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from nttlearn import db

TABLES = {"quiz_categories", "quiz_tags", "quiz_question_tags", "quiz_questions", "quiz_question_versions",
          "quiz_quizzes", "quiz_slots", "quiz_attempts", "quiz_attempt_answers", "quiz_grades", "quiz_allowances"}


def _script_directory(app) -> ScriptDirectory:
    return ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())


def _tables() -> set[str]:
    db.session.remove()
    return set(sa.inspect(db.engine).get_table_names())


def test_branch_is_labelled_quiz_and_depends_on_the_core(app):
    script = _script_directory(app)
    branch = [rev for rev in script.walk_revisions() if "quiz" in (rev.branch_labels or ())]
    [base] = [rev for rev in branch if rev.down_revision is None]
    assert base.dependencies == "0001_core"
    assert len([rev for rev in branch if rev.is_head]) == 1


def test_models_and_migrations_agree(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={
            "compare_type": True,
            "include_object": lambda obj, name, type_, reflected, compare_to: type_ != "table" or name in TABLES,
        })
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_every_table_is_prefixed_with_the_plugin_name(app):
    from nttlearn_quiz import models

    declared = {mapper.class_.__tablename__ for mapper in db.Model.registry.mappers
                if mapper.class_.__module__ == models.__name__}
    assert declared == TABLES


def test_downgrading_the_branch_removes_only_the_quiz_tables(app_factory):
    every_plugin = app_factory()  # the database holds every installed plugin's revisions
    with every_plugin.app_context():
        assert _tables() >= TABLES
        try:
            flask_migrate.downgrade(revision="quiz@base")
            remaining = _tables()
            assert not TABLES & remaining
            assert {"users", "courses", "activities"} <= remaining
        finally:
            flask_migrate.upgrade(revision="heads")
        assert _tables() >= TABLES
        db.session.remove()
