"""Seminars and transnational partnering meetings: events, agenda, registration with a waiting
list, check-in, attendance sheets, documents and calendar feeds. Only hook implementations live
here: this file is the plugin's table of contents."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from flask import Flask
from markupsafe import Markup

from nttlearn.api import EventType, PeriodicJob, TodoItem, hookimpl

from . import cli, services, staff_views, views  # noqa: F401 - staff_views adds its routes to views.bp

HERE = Path(__file__).resolve().parent


@hookimpl
def nttlearn_register_blueprints(app: Flask) -> None:
    app.register_blueprint(views.bp)


@hookimpl
def nttlearn_api_blueprints() -> list[Any]:
    """The ``/api/v1/meetings`` resource (read-only)."""
    from .rest import api

    return [api]


@hookimpl
def nttlearn_template_slot(slot: str, context: dict[str, Any]) -> Markup | None:
    if slot == "dashboard":
        return views.dashboard_slot(context)
    if slot == "navbar":
        return views.navbar_slot(context)
    if slot == "cohort":
        return views.cohort_slot(context)
    return None


@hookimpl
def nttlearn_cohort_deletion(cohort: Any) -> list[str] | None:
    from .cohorts import deletion_summary

    return deletion_summary(cohort)


@hookimpl
def nttlearn_todo_items(user: Any) -> list[TodoItem]:
    """ "Attend …" for the person's upcoming meetings, "Register for …" for their cohort's seminars
    and when registration closes soon for a meeting of a course they follow."""
    from .todo import todo_items

    return todo_items(user)


@hookimpl
def nttlearn_cli_commands() -> list[click.Command]:
    return [cli.meetings_group]


@hookimpl
def nttlearn_migration_dirs() -> list[str]:
    return [str(HERE / "migrations" / "versions")]


@hookimpl
def nttlearn_translation_dirs() -> list[str]:
    return [str(HERE / "translations")]


@hookimpl
def nttlearn_user_data(user_id: int) -> dict[str, Any] | None:
    return services.user_data(user_id)


@hookimpl
def nttlearn_delete_user_data(user_id: int) -> None:
    services.forget_person(user_id)


@hookimpl
def nttlearn_demo_data() -> list[str]:
    from .demo import add_demo_meetings

    result = add_demo_meetings()
    return [
        f"added {result['meetings']} meetings with {result['attendances']} check-ins "
        f"({result['existing']} were already there)"
    ]


@hookimpl
def nttlearn_periodic_jobs() -> list[PeriodicJob]:
    """Announce ended meetings with attendees (``meetings.meeting_held``), every hour."""
    from datetime import timedelta

    return [PeriodicJob("meetings.close-ended", services.close_ended, timedelta(hours=1))]


@hookimpl
def nttlearn_event_types() -> list[EventType]:
    from .events import EVENT_TYPES

    return EVENT_TYPES
