"""Assignments: exercises learners hand in (text and/or files) and trainers grade with points and
feedback. Only hook implementations live here: this file is the plugin's table of contents."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from nttlearn.api import ActivityType, EventType, TodoItem, hookimpl

from . import activity, models, privacy  # noqa: F401 - models: tables for Alembic

HERE = Path(__file__).resolve().parent


@hookimpl
def nttlearn_register_blueprints(app: Flask) -> None:
    from . import instructions_views, rubric_views, staff_views  # noqa: F401 - add their routes to the blueprint
    from .views import bp

    app.register_blueprint(bp)


@hookimpl
def nttlearn_activity_types() -> list[ActivityType]:
    return [activity.activity_type()]


@hookimpl
def nttlearn_migration_dirs() -> list[str]:
    return [str(HERE / "migrations" / "versions")]


@hookimpl
def nttlearn_translation_dirs() -> list[str]:
    return [str(HERE / "translations")]


@hookimpl
def nttlearn_todo_items(user: Any) -> list[TodoItem]:
    """Learners: assignments to hand in (with their due dates). Trainers: work waiting to be graded."""
    from .todo import todo_items

    return todo_items(user)


@hookimpl
def nttlearn_user_data(user_id: int) -> dict[str, Any] | None:
    return privacy.user_data(user_id)


@hookimpl
def nttlearn_delete_user_data(user_id: int) -> None:
    privacy.delete_user_data(user_id)


@hookimpl
def nttlearn_event_types() -> list[EventType]:
    from .events import EVENT_TYPES

    return EVENT_TYPES
