"""The quiz plugin's Alembic branch: labelled "quiz", built on the core, in step with the models,
and downgraded alone (``nttlearn.testing.migration_branch_problems``)."""

from __future__ import annotations

from nttlearn.api import db
from nttlearn.testing import migration_branch_problems

TABLES = {
    "quiz_categories",
    "quiz_tags",
    "quiz_question_tags",
    "quiz_questions",
    "quiz_question_versions",
    "quiz_quizzes",
    "quiz_slots",
    "quiz_attempts",
    "quiz_attempt_answers",
    "quiz_grades",
    "quiz_allowances",
}


def test_every_table_is_prefixed_with_the_plugin_name(app):
    from nttlearn_quiz import models

    declared = {
        mapper.class_.__tablename__
        for mapper in db.Model.registry.mappers
        if mapper.class_.__module__ == models.__name__
    }
    assert declared == TABLES


def test_the_branch_starts_on_the_core_matches_the_models_and_downgrades_alone(app_factory):
    every_plugin = app_factory()  # the database holds every installed plugin's revisions
    with every_plugin.app_context():
        assert migration_branch_problems("quiz", TABLES) == []
        db.session.remove()
