"""Every hook nttlearn offers to plugins. Each docstring is the contract.

Implementations take the arguments they need (pluggy passes a subset), and the core only ever adds
arguments, so a plugin written today keeps working.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pluggy

from .hooktypes import (
    ActivityType,
    CourseSetting,
    Event,
    EventType,
    PeriodicJob,
    ReportPanel,
    Setting,
    TodoItem,
)

if TYPE_CHECKING:
    import click
    from flask import Flask
    from markupsafe import Markup

    from .models import Cohort, Course, User

hookspec = pluggy.HookspecMarker("nttlearn")
# The marker plugins put on their implementations, as ``nttlearn.api.hookimpl`` (and, for plugins
# written before the API, ``nttlearn.hookimpl``): the same object under both names.
hookimpl = pluggy.HookimplMarker("nttlearn")


@hookspec(historic=True)
def nttlearn_add_hookspecs(pluginmanager: pluggy.PluginManager) -> None:
    """Called once for each plugin as it is registered, before any other hook.

    A plugin that offers hooks of its own (the quiz plugin's ``nttlearn_quiz_question_types``)
    adds their specification here: ``pluginmanager.add_hookspecs(my_hookspecs_module)``.
    Historic: a plugin registered later still receives the call.
    """


@hookspec
def nttlearn_register_blueprints(app: Flask) -> None:
    """Called once while the app is created. Call ``app.register_blueprint`` for your pages.

    Name the blueprint after the plugin (``Blueprint("quiz", __name__, url_prefix="/quiz")``):
    the core answers 404 for a disabled plugin's blueprint by that name.
    """


@hookspec
def nttlearn_api_blueprints() -> list[Any]:
    """Called once at start-up when the REST API is on (``NTTLEARN_API_ENABLED``). Return the
    plugin's API resources as :class:`nttlearn.api.ApiBlueprint` objects (flask-smorest
    blueprints) with ``url_prefix`` under ``/api/v1/<plugin name>``; their paths appear in
    ``/api/v1/openapi.json``. Decorate each view with :func:`nttlearn.api.api_scope` (the token
    scope it needs) and find the caller with :func:`nttlearn.api.api_user`. A disabled plugin's
    API paths answer 404.
    """


@hookspec
def nttlearn_activity_types() -> list[ActivityType]:
    """Called once at start-up. Return the activity types the plugin provides.

    An :class:`nttlearn.api.ActivityType` names its ``key`` (as used in ``module.yaml``),
    a label, the endpoint that shows it, and how it reads and writes its definition in a course
    package.
    """


@hookspec
def nttlearn_event_types() -> list[EventType]:
    """(API 1.4) Called once at start-up. Return the declarations of the events the plugin emits.

    Each :class:`nttlearn.api.EventType` names one event (prefixed with the plugin's name,
    ``quiz.attempt_submitted``), its payload (a ``TypedDict`` whose fields are
    ``Annotated[type, "meaning"]``: the keys of ``Event.data``) and what it means. ``emit``
    checks every event against the declarations: an undeclared event, or ``data`` without the
    declared keys, raises :class:`nttlearn.api.UndeclaredEvent` under
    ``NTTLEARN_STRICT_PLUGINS`` (the test suite) and is logged otherwise. Listeners read only
    declared events and keys; the "Events" section of ``docs/plugins.md`` is written from them.
    """


@hookspec
def nttlearn_template_slot(slot: str, context: dict[str, Any]) -> Markup | None:
    """Called when a page renders ``{{ slot("name") }}``; return Markup to insert, or None.

    Slots: ``head``, ``navbar``, ``dashboard``, ``course_sidebar``, ``lesson_footer``,
    ``admin_menu``, ``profile``, ``cohort``. ``context`` holds ``user`` and, where the page has
    one, ``course`` and ``lesson``; the trainer's cohort page (``cohort``) adds the ``cohort``
    and the visitor's ``role`` in it (``course``: a trainer of the course or an admin;
    ``cohort``: a trainer of that cohort only). An implementation that raises is logged and
    skipped.
    """


@hookspec
def nttlearn_on_event(event: Event) -> None:
    """Called after ``event`` has been stored in the event log, inside the same transaction.

    Use it to react to what learners do (issue a certificate on ``course.completed``). Raising
    aborts the whole action: the request's transaction is rolled back.
    """


@hookspec
def nttlearn_cli_commands() -> list[click.Command]:
    """Called when the ``nttlearn`` command starts. Return click commands or groups to add.

    Name a group after the plugin (``nttlearn quiz …``).
    """


@hookspec
def nttlearn_migration_dirs() -> list[str]:
    """Called by ``nttlearn db …``. Return the plugin's Alembic version directories.

    The plugin's first revision carries ``branch_labels = ("<plugin name>",)`` and
    ``depends_on`` the core revision it needs.
    """


@hookspec
def nttlearn_translation_dirs() -> list[str]:
    """Called at start-up. Return directories holding ``<locale>/LC_MESSAGES/<plugin>.mo``.

    The plugin's translation domain is its name; the core merges every domain into the catalogue.
    """


@hookspec
def nttlearn_report_panels(course: Course | None) -> list[ReportPanel]:
    """Called when a report page renders: for a course, or for the programme (``course=None``).

    Return :class:`nttlearn.api.ReportPanel` objects (title + Markup body, optional CSV
    URL). A panel that raises is logged and skipped; the page still renders.
    """


@hookspec
def nttlearn_settings() -> list[Setting]:
    """Called at start-up. Return the plugin's settings (:class:`nttlearn.api.Setting`).

    They are shown on the plugin's row of the admin plugins page with their current values,
    read from ``NTTLEARN_<PLUGIN>_<NAME>`` environment variables or the default.
    """


@hookspec
def nttlearn_course_settings() -> list[CourseSetting]:
    """Called each time the course settings form is shown or saved and each time a course
    package is validated, imported or exported. Return the plugin's per-course settings
    (:class:`nttlearn.api.CourseSetting`).

    Each one is a field of the course settings form (for the course's trainers and admins) and a
    key of the course package's ``course.yaml``: import saves it, export writes it, validation
    checks it and reports a bad value as ``course.yaml:<line>``. The plugin keeps the values in
    its own table through the setting's ``load`` and ``save``; the core keeps no column for
    them. Only enabled plugins' settings are on the form; packages also carry those of plugins
    the admin switched off, so that their values survive an export and an import.
    """


@hookspec
def nttlearn_periodic_jobs() -> list[PeriodicJob]:
    """Called by each scheduler tick (``nttlearn scheduler``, every 30 seconds) and by the admin's
    Jobs page. Return the plugin's periodic jobs; each runs once per ``every`` across the whole
    site, in a worker (with Redis) or in the scheduler's process (without). Only enabled plugins
    are asked, so a disabled plugin's jobs stop.
    """


@hookspec
def nttlearn_demo_data() -> list[str]:
    """Called by ``nttlearn demo`` (the NTT+ demo of ``make run``) after the core's demo
    organisations, accounts and progress exist. Add the plugin's demo data and return lines that
    summarise what was added (shown on screen).

    Must be idempotent: ``make run`` runs the demo on every start. Each plugin's call runs in a
    savepoint of its own: one that raises is rolled back, reported and skipped.
    """


@hookspec
def nttlearn_user_data(user_id: int) -> dict[str, Any] | None:
    """Called for a learner's GDPR export. Return the plugin's data about the user as JSON-able
    values, keyed by what it is (``{"attempts": [...]}``), or None when there is none."""


@hookspec
def nttlearn_delete_user_data(user_id: int) -> None:
    """Called inside the transaction that deletes an account. Remove or anonymise the plugin's
    personal data about the user (free text they wrote, names); keep anonymous learning records."""


@hookspec
def nttlearn_cohort_deletion(cohort: Cohort) -> list[str] | None:
    """Called when a trainer asks to delete ``cohort``, to show on the confirmation page what the
    deletion takes away in the plugin. Return sentences in the reader's language ("2 seminars are
    no longer linked to this cohort"), or None when the cohort has nothing of the plugin's. Only
    reads: the deletion itself happens later, in one transaction (foreign keys to ``cohorts.id``
    with ``ON DELETE CASCADE`` remove the plugin's rows). An implementation that raises is logged
    and left out.
    """


@hookspec
def nttlearn_todo_items(user: User) -> list[TodoItem]:
    """Called when the learner's dashboard, calendar page or calendar feed is built, and by the
    deadline reminders (``nttlearn notifications send-reminders``), once per user.

    Return :class:`nttlearn.api.TodoItem` values for what ``user`` has to do in the plugin's
    activities (a quiz closing, a review to write, an invitation to answer), titles already in the
    user's language (the call runs inside it). The core sorts and merges every plugin's items and
    the "resume the next lesson" item. Keep it to a constant number of queries per user, however
    many learners the site has. An implementation that raises is logged and skipped.
    """
