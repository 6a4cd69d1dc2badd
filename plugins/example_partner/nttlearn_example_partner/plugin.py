"""Town-twinning meetings: a partner's upcoming partnering events, and courses completed per
organisation. Only hook implementations live here: this file is the plugin's table of contents."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from flask import Flask
from markupsafe import Markup

from nttlearn.api import Event, Setting, hookimpl

from . import commands, services, views
from .settings import DASHBOARD_DAYS

HERE = Path(__file__).resolve().parent


@hookimpl
def nttlearn_register_blueprints(app: Flask) -> None:
    app.register_blueprint(views.bp)


@hookimpl
def nttlearn_template_slot(slot: str, context: dict[str, Any]) -> Markup | None:
    if slot == "dashboard":
        return views.dashboard_slot(context)
    return None


@hookimpl
def nttlearn_on_event(event: Event) -> None:
    if event.name == "course.completed":
        services.count_completed_course(event.user_id)
    elif event.name == "organisation.merged":
        services.merge_completions(event.data["from_id"], event.data["to_id"])


@hookimpl
def nttlearn_cli_commands() -> list[click.Command]:
    return [commands.example_partner_group]


@hookimpl
def nttlearn_migration_dirs() -> list[str]:
    return [str(HERE / "migrations" / "versions")]


@hookimpl
def nttlearn_translation_dirs() -> list[str]:
    return [str(HERE / "translations")]


@hookimpl
def nttlearn_settings() -> list[Setting]:
    return [DASHBOARD_DAYS]


@hookimpl
def nttlearn_user_data(user_id: int) -> dict[str, Any] | None:
    return services.user_data(user_id)


@hookimpl
def nttlearn_delete_user_data(user_id: int) -> None:
    services.forget_author(user_id)


@hookimpl
def nttlearn_demo_data() -> list[str]:
    result = services.add_ntt_plus_meetings()
    return [f"added {result.added} NTT+ meetings ({result.existing} were already there)"]
