"""The evaluation plugin's hook implementations: its table of contents."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from flask_babel import lazy_gettext as _l

from nttlearn.api import ActivityType, Event, PeriodicJob, TodoItem, hookimpl

from . import (
    cli,
    definitions,
    funding,
    panels,
    settings,
    slots,
    summaries,
    surveys,
    translation_units,
)

HERE = Path(__file__).parent


@hookimpl
def nttlearn_register_blueprints(app) -> None:
    from .views import bp

    app.register_blueprint(bp)


@hookimpl
def nttlearn_api_blueprints() -> list[Any]:
    from .rest import api

    return [api]


@hookimpl
def nttlearn_todo_items(user) -> list[TodoItem]:
    """The surveys the learner has not answered yet."""
    from .todo import todo_items

    return todo_items(user)


@hookimpl
def nttlearn_activity_types() -> list[ActivityType]:
    return [
        ActivityType(
            key="survey",
            label=_l("Survey"),
            endpoint="evaluation.surveys.answer",
            import_definition=definitions.import_definition,
            export_definition=definitions.export_definition,
            validate_definition=definitions.validate,
            default_definition=definitions.default_definition,
            status=surveys.status,
            statuses=surveys.statuses,
            translation_states=surveys.translation_states,
            translation_texts=surveys.translation_texts,
            translation_units=translation_units.translation_units,
            apply_translations=translation_units.apply_translations,
            package_untranslated=definitions.package_untranslated,
            has_learner_work=surveys.has_learner_work,
        )
    ]


@hookimpl
def nttlearn_template_slot(slot: str, context: dict[str, Any]):
    return slots.render_slot(slot, context)


@hookimpl
def nttlearn_on_event(event: Event) -> None:
    if event.name in funding.APPLICATION_EVENTS:
        funding.keep_application(event)


@hookimpl
def nttlearn_report_panels(course):
    return panels.course_panels(course)


@hookimpl
def nttlearn_cli_commands():
    return [cli.report_group, cli.evaluation_group]


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
def nttlearn_user_data(user_id: int):
    return surveys.user_data(user_id)


@hookimpl
def nttlearn_delete_user_data(user_id: int) -> None:
    surveys.delete_user_data(user_id)
    summaries.delete_user_data(user_id)


@hookimpl
def nttlearn_periodic_jobs() -> list[PeriodicJob]:
    """The reports' pre-aggregated tables follow the event log every five minutes."""
    return [
        PeriodicJob(
            "evaluation.refresh-report-summaries",
            summaries.refresh_report_summaries,
            timedelta(minutes=5),
        )
    ]


@hookimpl
def nttlearn_demo_data() -> list[str]:
    from .demo import answer_demo_surveys

    result = answer_demo_surveys()
    return [f"{result['answers']} survey answers added in {result['surveys']} surveys"]
