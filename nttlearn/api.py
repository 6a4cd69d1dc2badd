"""The one module a plugin imports from nttlearn.

Everything a plugin may use from the core is here: the hook marker, the database and the core's
tables, events, activities, permissions, mail, Markdown, rate limits, settings, report panels and
the helpers for rendering a slot. A plugin imports nothing else from ``nttlearn`` (its tests may
also use :mod:`nttlearn.testing`); a test walks every installed plugin's imports to keep it so. If
a plugin needs something that is not here, that is a gap in the API: ask for it to be added here.

``__version__`` follows semantic versioning: a minor release only adds (names, keyword
arguments, hooks); removing or changing anything a plugin relies on makes a major release.
A plugin declares the range it was written for in its ``setup.cfg``
(``install_requires = nttlearn>=1.0,<2``); a site running an API outside that range lists the
plugin as failed, with the reason, and never imports it.

The names are defined where they belong in the core and re-exported here; the values hooks
exchange live in :mod:`nttlearn.hooktypes`, so that the core never needs this module.
"""

from __future__ import annotations

from typing import Any

from flask import render_template
from markupsafe import Markup

#: The version of this API (semantic versioning), which plugins' ``install_requires`` name.
__version__ = "1.2.0"

# -- Hooks -------------------------------------------------------------------------------------
#: The marker of hook implementations: ``@hookimpl`` above ``def nttlearn_on_event(event): …``
#: (``nttlearn.hookimpl`` is the same object, for plugins written before this module).
from .hookspecs import hookimpl
from .plugins import call_hook

# -- Database ----------------------------------------------------------------------------------
#: Flask-SQLAlchemy: ``db.session``, ``db.select``, and ``db.Model`` for the plugin's own tables
#: (each named ``<plugin>_…``, created by the plugin's own Alembic branch).
from .extensions import db

#: The core's tables. A plugin reads them and points foreign keys at them (``users.id``,
#: ``courses.id``, …); it changes them only through the functions of this module.
from .models import (
    Activity,
    ActivityCompletion,
    Course,
    CourseStaff,
    Enrolment,
    EventRecord,
    Lesson,
    LessonCompletion,
    Module,
    ModuleCompletion,
    Organisation,
    User,
)
from .models import UTCDateTime, utcnow

# -- Events ------------------------------------------------------------------------------------
from .events import emit
from .hooktypes import Event

#: The names of the events the core emits (``course.completed``, …); a plugin's own events are
#: prefixed with its name (``quiz.attempt_submitted``).
from .events import CORE_EVENTS

# -- Activities --------------------------------------------------------------------------------
from .activities import ActivityAccess, activity_access
from .hooktypes import ActivityType, DefinitionProblem
from .learn.services import complete_activity, get_enrolment, revoke_activity_completion
from .learn.structure import lesson_after_activity

# -- Permissions -------------------------------------------------------------------------------
#: The site roles, lowest first: every account has one (``user.role``).
from .models import ROLES

from .auth.permissions import (
    can_manage_course,
    public,
    require_admin,
    require_coordinator,
    require_course_staff,
    require_login,
    require_role,
    require_trainer,
)

# -- Mail, text and pages ----------------------------------------------------------------------
from .content.markdown import render_markdown, sanitize_html
from .mail import send_mail


def render_fragment(template: str, **context: Any) -> Markup:
    """Render one of the plugin's templates (``"<plugin>/….html"``) as safe HTML for a slot or a
    report panel.

    Jinja escapes every value the template prints, so the result is marked safe; pass values,
    never pre-built HTML. A plain ``render_template`` returns text, which a slot would escape.
    """
    return Markup(render_template(template, **context))  # noqa: S704 - autoescaped template output


# -- To-do items, notifications and dates -----------------------------------------------------
#: What ``nttlearn_todo_items`` returns: something the learner should do, with its date and state.
from .hooktypes import TODO_STATES, TodoItem

#: ``due_state(due_at, now=None)``: ``overdue``, ``due_soon`` (within NTTLEARN_DUE_SOON_DAYS) or ``todo``.
from .learn.todo import due_state

#: ``notify(user, kind, title, url=, body=, key=)``: the in-app list and an e-mail as the user prefers.
from .notifications.services import notify

#: Dates in a person's own time zone and language.
from .dates import format_user_datetime, user_timezone

# -- Rate limits -------------------------------------------------------------------------------
from .ratelimit import RateLimiter, limiter

# -- Settings and reports ----------------------------------------------------------------------
from .hooktypes import ReportPanel, Setting
from .reports.panels import report_panels

# -- Request arguments: bounded integers, malformed input answered with 400 -------------------
from .request_args import arg_int, arg_ints, form_int, next_url, parse_int

# -- CSV downloads: the one writer, formula cells neutralised ---------------------------------
from .reports.csvfile import cell, csv_response, csv_text

# -- Figures other learners see: groups smaller than NTTLEARN_MIN_GROUP_SIZE are hidden ---------
from .reports.small_groups import large_enough, min_group_size

# -- Languages ---------------------------------------------------------------------------------
#: The site's languages, English (the source) first: ``("en", "it", "sv", "es", "fi")``.
from .config import LOCALES

#: Each language's name in itself (``{"it": "Italiano", …}``), for language menus.
from .config import LANGUAGE_NAMES

#: The languages content is translated into: every locale but English.
from .content.translations import LANGUAGES

from .content.package import translated_file_name
from .content.translations import fingerprint

__all__ = [
    "Activity",
    "ActivityAccess",
    "ActivityCompletion",
    "ActivityType",
    "CORE_EVENTS",
    "Course",
    "CourseStaff",
    "DefinitionProblem",
    "Enrolment",
    "Event",
    "EventRecord",
    "LANGUAGES",
    "LANGUAGE_NAMES",
    "LOCALES",
    "Lesson",
    "LessonCompletion",
    "Module",
    "ModuleCompletion",
    "Organisation",
    "ROLES",
    "TODO_STATES",
    "RateLimiter",
    "ReportPanel",
    "Setting",
    "TodoItem",
    "UTCDateTime",
    "User",
    "__version__",
    "activity_access",
    "arg_int",
    "arg_ints",
    "call_hook",
    "can_manage_course",
    "cell",
    "complete_activity",
    "csv_response",
    "csv_text",
    "due_state",
    "db",
    "emit",
    "fingerprint",
    "form_int",
    "format_user_datetime",
    "get_enrolment",
    "hookimpl",
    "large_enough",
    "lesson_after_activity",
    "limiter",
    "min_group_size",
    "next_url",
    "notify",
    "parse_int",
    "public",
    "render_fragment",
    "render_markdown",
    "report_panels",
    "require_admin",
    "require_coordinator",
    "require_course_staff",
    "require_login",
    "require_role",
    "require_trainer",
    "revoke_activity_completion",
    "sanitize_html",
    "send_mail",
    "translated_file_name",
    "user_timezone",
    "utcnow",
]
