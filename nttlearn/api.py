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
__version__ = "1.4.0"

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

# Since API 1.4: a dict living as long as one request, for what several hooks of one plugin
# read in the same request (the dashboard's to-do items and its slot).
from .caching import request_cache

# -- Events ------------------------------------------------------------------------------------
from .events import UndeclaredEvent, emit
from .hooktypes import Event, EventType

#: The names of the events the core emits (``course.completed``, …); a plugin's own events are
#: prefixed with its name (``quiz.attempt_submitted``).
from .events import CORE_EVENTS

# -- Activities --------------------------------------------------------------------------------
from .activities import ActivityAccess, activity_access, assessment_types
from .hooktypes import ActivityType, DefinitionProblem

#: The PO round trip of an activity's own texts: what ``ActivityType.translation_units`` returns
#: and what ``ActivityType.apply_translations`` receives and returns (see :class:`ActivityType`).
from .hooktypes import TranslationProblem, TranslationUnit, TranslationUpdate

#: One text of an activity as ``ActivityType.translation_texts`` returns it for the course's
#: translation overview: what it is, its English, its state per language, its editor.
from .hooktypes import TranslatableText
from .learn.services import complete_activity, get_enrolment, revoke_activity_completion

#: ``enrol(user_id, course, by_staff=True)``: enrol a learner (idempotent; emits ``course.enrolled``).
#: Without ``by_staff`` it refuses (``EnrolmentError``) a course closed to self-enrolment.
from .learn.services import EnrolmentError, enrol
from .learn.structure import lesson_after_activity

# -- Cohorts, pacing and deadlines ---------------------------------------------------------------
#: Runs of a course (``Cohort``) and their members (``CohortMember``: one cohort per learner and
#: course); read them, change them through the functions below.
from .models import Cohort, CohortMember

from .cohorts.services import CohortError, add_to_cohort, cohort_of

# Release rules lock modules and activities; ``activity_access`` already refuses a locked activity
# with its reason, so a plugin asks ``activity_release`` only to show the state elsewhere.
from .cohorts.pacing import Access, activity_release

# A cohort's deadline, or a learner's extension, is the activity's close date for that learner:
# a plugin reads ``deadline_for`` wherever it decides that its activity is closed.
from .cohorts.pacing import LearnerDeadline, deadline_for, learner_deadlines

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

#: ``start_session(user)``: log ``user`` in on this browser with a new session record (commits),
#: for a plugin that authenticates people itself (single sign-on, LTI launches).
from .auth.sessions import start_session

from .extensions import csrf as _csrf


def csrf_exempt(view: Any) -> Any:
    """Exempt a view that receives cross-site POSTs signed another way (an LTI launch's
    id_token, an OpenID login response) from the CSRF check; use it for nothing else."""
    return _csrf.exempt(view)


# -- Mail, text and pages ----------------------------------------------------------------------
from .content.markdown import render_markdown, sanitize_html
from .mail import send_mail, send_mail_now


def render_fragment(template: str, **context: Any) -> Markup:
    """Render one of the plugin's templates (``"<plugin>/….html"``) as safe HTML for a slot or a
    report panel.

    Jinja escapes every value the template prints, so the result is marked safe; pass values,
    never pre-built HTML. A plain ``render_template`` returns text, which a slot would escape.
    """
    return Markup(render_template(template, **context))  # noqa: S704 - autoescaped template output


# -- Uploaded files: the core's allow-list and safe download headers ---------------------------
#: ``check_upload(filename, data)`` returns the file's :class:`MediaType` (``.kind`` is ``image``,
#: ``audio``, ``video``, ``pdf`` or ``document``; ``.mime``) or raises :class:`MediaRefused` whose
#: message, in the person's language, says why (wrong content for its name, macros, unsafe SVG).
from .author.media import MediaRefused, check_upload
from .content.media_types import MediaType

#: ``media_headers(filename)`` → ``(mime, inline, headers)``: serve a stored file with these
#: headers (sandboxed, never sniffed) whatever its content turns out to be.
from .content.media_types import media_headers

# -- Background jobs: run after the response, in a worker with Redis; periodic jobs ------------
from .jobs import JobError, claim_once, enqueue
from .hooktypes import PeriodicJob

#: Large exports: ``export_is_large(rows)`` says whether an export of that many rows goes to a job
#: (``NTTLEARN_EXPORT_JOB_ROWS``); ``export_later(user, builder, *args, filename=, back=)`` queues
#: ``builder(*args) -> bytes`` (a module-level function, JSON arguments) and answers with a redirect
#: to ``back``; the person gets a notification with a link only they can open. A builder raises
#: ``ExportFailed(message)`` to tell them why there is no file.
from .exports import ExportFailed, export_later
from .exports import is_large as export_is_large

# -- Files: media and generated files, in the store every app node reads ------------------------
#: ``file_store()`` is the site's store (``NTTLEARN_STORAGE``: the instance folder, the database
#: or an S3 bucket); keep a plugin's files under keys starting with its name
#: (``certificates/pdf/<code>.pdf``). ``send_stored_file(key, …)`` answers a request with one.
from .storage import FileStore, StoredFile, file_store, send_stored_file

# -- To-do items, notifications and dates -----------------------------------------------------
#: What ``nttlearn_todo_items`` returns: something the learner should do, with its date and state.
from .hooktypes import TODO_STATES, TodoItem

#: ``due_state(due_at, now=None)``: ``overdue``, ``due_soon`` (within NTTLEARN_DUE_SOON_DAYS) or ``todo``.
from .learn.todo import due_state

#: ``notify(user, kind, title, url=, body=, key=)``: the in-app list and an e-mail as the user prefers.
from .notifications.services import notify

#: Dates in a person's own time zone and language.
from .dates import format_user_datetime, user_timezone

#: Dates, times, numbers, percentages and countries as the reader's language writes them, for text
#: a plugin builds in Python (a flash, an error); templates use the filters of the same names.
from .formats import (
    country_name,
    country_names,
    format_date,
    format_datetime,
    format_number,
    format_percent,
    format_time,
)

# -- Rate limits -------------------------------------------------------------------------------
from .ratelimit import RateLimiter, limiter

# -- Settings and reports ----------------------------------------------------------------------
from .hooktypes import CourseSetting, ReportPanel, Setting
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

#: A name in the reader's language: ``localized(course)`` (also the ``localized`` template filter),
#: ``localized_text(row.title, row.translations, locale)`` for a name read without its model.
from .content.names import current_locale, localized, localized_text

# -- REST API (NTTLEARN_API_ENABLED): resources a plugin adds under /api/v1/<plugin> -----------
#: A flask-smorest blueprint: ``ApiBlueprint("quiz_api", __name__, url_prefix="/api/v1/quiz")``,
#: returned from ``nttlearn_api_blueprints``; its schemas and docstrings document the resource in
#: ``/api/v1/openapi.json``. ``api_abort(404, message=…)`` answers with RFC 9457 problem details.
from flask_smorest import Blueprint as ApiBlueprint
from flask_smorest import abort as api_abort

#: ``@api_scope("read")`` (or ``"write"``, ``"admin"``) on every API view: the token scope it
#: needs. ``api_user()`` is the account whose token made the request (never a cookie session).
from .rest.auth import api_user
from .rest.auth import token_required as api_scope

#: ``ApiText(200)``: a marshmallow string field of at most 200 characters and no NUL, for the
#: text an API resource accepts (checked, and written into the OpenAPI document).
from .rest.schemas import ApiText

__all__ = [
    "ApiBlueprint",
    "ApiText",
    "api_abort",
    "api_scope",
    "api_user",
    "Access",
    "Activity",
    "ActivityAccess",
    "ActivityCompletion",
    "ActivityType",
    "assessment_types",
    "CORE_EVENTS",
    "Cohort",
    "CohortError",
    "CohortMember",
    "Course",
    "CourseSetting",
    "CourseStaff",
    "DefinitionProblem",
    "EnrolmentError",
    "Enrolment",
    "Event",
    "EventRecord",
    "ExportFailed",
    "FileStore",
    "LANGUAGES",
    "LANGUAGE_NAMES",
    "LearnerDeadline",
    "LOCALES",
    "Lesson",
    "LessonCompletion",
    "MediaRefused",
    "MediaType",
    "Module",
    "ModuleCompletion",
    "JobError",
    "Organisation",
    "PeriodicJob",
    "ROLES",
    "TODO_STATES",
    "RateLimiter",
    "ReportPanel",
    "Setting",
    "StoredFile",
    "TodoItem",
    "TranslationProblem",
    "TranslationUnit",
    "TranslatableText",
    "TranslationUpdate",
    "UTCDateTime",
    "User",
    "__version__",
    "activity_access",
    "activity_release",
    "add_to_cohort",
    "arg_int",
    "arg_ints",
    "call_hook",
    "can_manage_course",
    "check_upload",
    "cell",
    "cohort_of",
    "country_name",
    "country_names",
    "claim_once",
    "complete_activity",
    "csv_response",
    "csv_text",
    "csrf_exempt",
    "current_locale",
    "due_state",
    "db",
    "deadline_for",
    "emit",
    "EventType",
    "UndeclaredEvent",
    "enrol",
    "enqueue",
    "export_is_large",
    "export_later",
    "file_store",
    "fingerprint",
    "form_int",
    "format_date",
    "format_datetime",
    "format_number",
    "format_percent",
    "format_time",
    "format_user_datetime",
    "get_enrolment",
    "hookimpl",
    "large_enough",
    "learner_deadlines",
    "lesson_after_activity",
    "limiter",
    "localized",
    "localized_text",
    "media_headers",
    "min_group_size",
    "next_url",
    "notify",
    "parse_int",
    "public",
    "render_fragment",
    "render_markdown",
    "report_panels",
    "request_cache",
    "require_admin",
    "require_coordinator",
    "require_course_staff",
    "require_login",
    "require_role",
    "require_trainer",
    "revoke_activity_completion",
    "sanitize_html",
    "start_session",
    "send_mail",
    "send_mail_now",
    "send_stored_file",
    "translated_file_name",
    "user_timezone",
    "utcnow",
]
