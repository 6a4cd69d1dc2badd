"""The quiz plugin's hook implementations: its table of contents."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
import pluggy
from flask import Flask, url_for
from markupsafe import Markup

from nttlearn.api import (
    ActivityType,
    EventType,
    PeriodicJob,
    ReportPanel,
    TodoItem,
    hookimpl,
    render_fragment,
)

from . import activity, commands, hookspecs, jobs, models, privacy, settings  # noqa: F401 - models: tables for Alembic
from .grading import BUILTIN_TYPES, QuestionType

HERE = Path(__file__).resolve().parent


@hookimpl
def nttlearn_add_hookspecs(pluginmanager: pluggy.PluginManager) -> None:
    pluginmanager.add_hookspecs(hookspecs)


@hookimpl
def nttlearn_quiz_question_types() -> list[type[QuestionType]]:
    return list(BUILTIN_TYPES.values())


@hookimpl
def nttlearn_register_blueprints(app: Flask) -> None:
    from . import bank_views, staff_views, translation_views  # noqa: F401 - they add their routes to the blueprint
    from .views import bp

    app.register_blueprint(bp)


@hookimpl
def nttlearn_activity_types() -> list[ActivityType]:
    return [activity.activity_type()]


@hookimpl
def nttlearn_cli_commands() -> list[click.Command]:
    return [commands.quiz_group]


@hookimpl
def nttlearn_migration_dirs() -> list[str]:
    return [str(HERE / "migrations" / "versions")]


@hookimpl
def nttlearn_translation_dirs() -> list[str]:
    return [str(HERE / "translations")]


@hookimpl
def nttlearn_settings():
    return settings.SETTINGS


@hookimpl
def nttlearn_report_panels(course: Any) -> list[ReportPanel]:
    if course is None:
        return []
    from flask_babel import gettext as _

    from .analysis import course_quizzes

    body = render_fragment("quiz/panel.html", rows=course_quizzes(course.id))
    return [
        ReportPanel(
            _("Quizzes"), body, csv_url=url_for("quiz.course_report_csv", course_id=course.id)
        )
    ]


@hookimpl
def nttlearn_todo_items(user: Any) -> list[TodoItem]:
    """Quizzes with a close date the learner may still take."""
    from .todo import todo_items

    return todo_items(user)


@hookimpl
def nttlearn_template_slot(slot: str, context: dict[str, Any]) -> Markup | None:
    """A link to the question bank for the course's trainers, beside the course outline."""
    if slot != "course_sidebar" or context.get("course") is None:
        return None
    from flask_babel import gettext as _

    from nttlearn.api import can_manage_course

    course, user = context["course"], context.get("user")
    if not can_manage_course(user, course):
        return None
    href = url_for("quiz.bank_index", course_id=course.id)
    return Markup('<p class="quiz-bank-link"><a href="{}">{}</a></p>').format(
        href, _("Question bank")
    )


@hookimpl
def nttlearn_user_data(user_id: int) -> dict[str, Any] | None:
    return privacy.user_data(user_id)


@hookimpl
def nttlearn_delete_user_data(user_id: int) -> None:
    privacy.delete_user_data(user_id)


@hookimpl
def nttlearn_periodic_jobs() -> list[PeriodicJob]:
    return jobs.PERIODIC_JOBS


@hookimpl
def nttlearn_event_types() -> list[EventType]:
    from .events import EVENT_TYPES

    return EVENT_TYPES
