"""The peer-review plugin's hook implementations: its table of contents."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from flask import Flask
from markupsafe import Markup

from nttlearn.api import ActivityType, Event, EventType, ReportPanel, TodoItem, hookimpl

from . import activity, cli, models, privacy, slots  # noqa: F401 - models: tables for Alembic

HERE = Path(__file__).resolve().parent


@hookimpl
def nttlearn_register_blueprints(app: Flask) -> None:
    from . import (  # noqa: F401 - they add their routes to the blueprint
        application_views,
        directory_views,
        review_views,
        staff_views,
        translation_views,
    )
    from .views import bp

    app.register_blueprint(bp)


@hookimpl
def nttlearn_settings():
    from .allocation_jobs import SETTINGS

    return SETTINGS


@hookimpl
def nttlearn_activity_types() -> list[ActivityType]:
    return [activity.activity_type()]


@hookimpl
def nttlearn_template_slot(slot: str, context: dict[str, Any]) -> Markup | None:
    if slot == "dashboard":
        return slots.dashboard(context.get("user"))
    return None


@hookimpl
def nttlearn_todo_items(user: Any) -> list[TodoItem]:
    """Reviews to write, team invitations to answer, the team's proposal to submit."""
    from .todo import todo_items

    return todo_items(user)


@hookimpl
def nttlearn_on_event(event: Event) -> None:
    if event.name in ("course.unenrolled", "user.deleted"):
        slots.reviewer_left(event.user_id, event.course_id)


@hookimpl
def nttlearn_report_panels(course: Any) -> list[ReportPanel]:
    return slots.report_panels(course)


@hookimpl
def nttlearn_cli_commands() -> list[click.Command]:
    return [cli.peer_review_group]


@hookimpl
def nttlearn_migration_dirs() -> list[str]:
    return [str(HERE / "migrations" / "versions")]


@hookimpl
def nttlearn_translation_dirs() -> list[str]:
    return [str(HERE / "translations")]


@hookimpl
def nttlearn_user_data(user_id: int) -> dict[str, Any] | None:
    return privacy.user_data(user_id)


@hookimpl
def nttlearn_delete_user_data(user_id: int) -> None:
    privacy.delete_user_data(user_id)


@hookimpl
def nttlearn_demo_data() -> list[str]:
    from . import demo

    return list(demo.create_demo("drafting")["summary"])


@hookimpl
def nttlearn_event_types() -> list[EventType]:
    from .events import EVENT_TYPES

    return EVENT_TYPES
