"""Certificates: PDF certificates and verifiable Open Badges 3.0 credentials, issued when a
learner completes a course. Only hook implementations live here: the plugin's table of contents."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from flask import Flask
from markupsafe import Markup

from nttlearn.api import CourseSetting, Event, EventType, PeriodicJob, Setting, hookimpl

from . import cli, jobs, privacy, services, settings, slots

HERE = Path(__file__).resolve().parent


@hookimpl
def nttlearn_register_blueprints(app: Flask) -> None:
    from . import staff_views  # noqa: F401 - adds the trainers' routes to the blueprint
    from .views import bp

    app.register_blueprint(bp)


@hookimpl
def nttlearn_api_blueprints() -> list[Any]:
    from .rest import api

    return [api]


@hookimpl
def nttlearn_on_event(event: Event) -> None:
    services.on_event(event.name, event.user_id, event.course_id, event.data)


@hookimpl
def nttlearn_template_slot(slot: str, context: dict[str, Any]) -> Markup | None:
    return slots.render_slot(slot, context)


@hookimpl
def nttlearn_cli_commands() -> list[click.Command]:
    return [cli.certificates_group]


@hookimpl
def nttlearn_course_settings() -> list[CourseSetting]:
    return [settings.COURSE_CERTIFICATE]


@hookimpl
def nttlearn_migration_dirs() -> list[str]:
    return [str(HERE / "migrations" / "versions")]


@hookimpl
def nttlearn_translation_dirs() -> list[str]:
    return [str(HERE / "translations")]


@hookimpl
def nttlearn_settings() -> list[Setting]:
    return settings.SETTINGS


@hookimpl
def nttlearn_user_data(user_id: int) -> dict[str, Any] | None:
    return privacy.user_data(user_id)


@hookimpl
def nttlearn_delete_user_data(user_id: int) -> None:
    privacy.delete_user_data(user_id)


@hookimpl
def nttlearn_demo_data() -> list[str]:
    from . import demo

    result = demo.complete_main_course()
    if result.get("code"):
        return [f"{result['learner']} completed {result['course']}: certificate {result['code']}"]
    return [f"{result['learner']}: {result['message']}"]


@hookimpl
def nttlearn_periodic_jobs() -> list[PeriodicJob]:
    return jobs.PERIODIC_JOBS


@hookimpl
def nttlearn_event_types() -> list[EventType]:
    from .events import EVENT_TYPES

    return EVENT_TYPES
