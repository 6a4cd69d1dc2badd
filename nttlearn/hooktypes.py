"""The values hooks receive and return: settings, activity types, report panels, events, to-do items.

A leaf: it imports nothing from nttlearn, so the hookspecs, the plugin host and the rooms that
read these values (reports, activities, content packages) all import it without an import cycle.
Plugins take them from :mod:`nttlearn.api`; the old homes (``nttlearn.plugins.Setting``,
``nttlearn.reports.panels.ReportPanel``, ``nttlearn.activities.ActivityType``,
``nttlearn.events.Event``) re-export them for plugins written before the API existed.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask import url_for
from markupsafe import Markup

if TYPE_CHECKING:
    from .models import Activity


@dataclass(frozen=True)
class Setting:
    """A plugin setting shown on the admin plugins page, read from ``NTTLEARN_<PLUGIN>_<NAME>``.

    Return them from ``nttlearn_settings``; read one with ``SETTING.value("<plugin name>")``,
    which converts the variable to the type of ``default`` (bool, int or text).
    """

    name: str
    label: str
    default: Any = None
    description: str = ""

    def value(self, plugin: str) -> Any:
        raw = os.environ.get(f"NTTLEARN_{plugin.upper()}_{self.name.upper()}")
        if raw is None:
            return self.default
        if isinstance(self.default, bool):
            return raw.lower() in {"1", "true", "yes", "on"}
        if isinstance(self.default, int):
            return int(raw)
        return raw


@dataclass(frozen=True)
class CourseSetting:
    """A per-course setting a plugin owns, returned by ``nttlearn_course_settings``.

    It is shown on the course settings form (authoring) and read from and written to the
    course package's ``course.yaml`` under ``key``. The plugin keeps the value in its own table:
    ``load(course_id)`` returns it (``default`` when the course has none saved) and
    ``save(course_id, value)`` stores it in the current transaction (the core commits).

    The type of ``default`` (bool, int or str) chooses the form field (a check box, a number or a
    text box) and what ``course.yaml`` accepts. ``validate(value)`` may return a message for a
    value the plugin refuses (shown beside the field, and as ``course.yaml:<line>`` in a package);
    None accepts it. ``key`` is a lower-case name that is not one of the core's own
    ``course.yaml`` keys; ``plugin`` is filled in by the core.
    """

    key: str
    label: str
    default: bool | int | str
    load: Callable[[int], Any]
    save: Callable[[int, Any], None]
    description: str = ""
    validate: Callable[[Any], str | None] | None = None
    plugin: str = ""

    def check(self, value: Any) -> str | None:
        """Why ``value`` is not acceptable for this setting, or None."""
        kind = type(self.default)
        if kind is bool and not isinstance(value, bool):
            return "must be true or false"
        if kind is int and (not isinstance(value, int) or isinstance(value, bool)):
            return "must be a whole number"
        if kind is str and not isinstance(value, str):
            return "must be text"
        return self.validate(value) if self.validate is not None else None


@dataclass(frozen=True)
class PeriodicJob:
    """A job run every ``every`` (at most once per period, however many schedulers run), returned
    by ``nttlearn_periodic_jobs``. ``func`` is a module-level function taking no arguments (a
    worker imports it by name); it runs in a transaction committed when it returns. ``name`` is
    what the admin's Jobs page and ``nttlearn jobs list`` show, e.g. ``"quiz.close-overdue"``."""

    name: str
    func: Callable[[], object]
    every: timedelta
    queue: str = "default"
    plugin: str = ""


@dataclass(frozen=True)
class ReportPanel:
    """A titled block on a report page, returned by ``nttlearn_report_panels``. ``body`` must be
    safe HTML (make it with :func:`nttlearn.api.render_fragment`); ``csv_url`` offers the same
    figures as a download."""

    title: str
    body: Markup
    csv_url: str | None = None
    plugin: str = ""


@dataclass(frozen=True)
class DefinitionProblem:
    """A problem in an activity's definition in a course package; ``path:line: message`` when
    printed (what ``nttlearn courses validate`` shows)."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass(frozen=True)
class TranslationUnit:
    """One text an activity's plugin holds (a quiz question's feedback, a rubric level's
    descriptor), in one language, as ``translation_units`` returns it for the PO round trip.

    ``id`` is stable across exports and unique within the activity, and contains a ``:``
    (``question:<name>:answer:2:feedback``): the PO file's ``msgctxt`` is
    ``activity/<module>/<activity>/<id>``. ``source`` is the English now, ``target`` the
    translation now (empty: none; a text the reader sees from the plugin's catalogue counts as
    its translation), ``outdated`` whether the translation was made from another English text.
    ``context`` tells the translator where learners read the text; ``location`` is the package
    file that carries it, relative to the module folder (``quiz.gift``).
    """

    id: str
    source: str
    target: str = ""
    outdated: bool = False
    context: str = ""
    location: str = "module.yaml"


@dataclass(frozen=True)
class TranslatableText:
    """One text an activity's plugin holds (a quiz question, a rubric criterion's title, a
    survey option), as ``translation_texts`` returns it for the course's translation overview
    and coverage.

    ``label`` says what the text is, for a trainer ("Question 3", "Rubric: criterion title");
    ``english`` is the text now; ``states`` holds its state in each language of
    ``nttlearn.api.LANGUAGES`` (``missing``, ``present`` or ``outdated``). ``editor`` is the
    Flask endpoint of the page where its translation is edited, called with ``editor_args`` and
    ``locale=``; None when the plugin has no such page.
    """

    label: str
    english: str
    states: Mapping[str, str]
    editor: str | None = None
    editor_args: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class TranslationUpdate:
    """A translation to store, as ``apply_translations`` receives it: the ``text``, and the
    English the translator saw (``source``, the PO file's ``msgid``). When ``source`` is not the
    English now, the plugin stores the translation as made from ``source``, so it shows as
    outdated (as the core does for lessons)."""

    text: str
    source: str


@dataclass(frozen=True)
class TranslationProblem:
    """Why the translation of one unit (``unit_id``) cannot be stored, returned by
    ``apply_translations``; the core prints it as ``file:line: message`` at the unit's line."""

    unit_id: str
    message: str


@dataclass(frozen=True)
class ActivityType:
    """One kind of activity, returned by ``nttlearn_activity_types``.

    ``endpoint`` is a Flask endpoint called with ``activity_id=``; ``import_definition`` receives
    the placed activity (already flushed, so it has an id), the ``module.yaml`` entry and the
    module folder; it stores the plugin's own rows and may raise ``ValueError`` with a message.
    ``export_definition`` writes any files into the module folder and returns the entry for
    ``module.yaml``. ``validate_definition`` returns problems without touching the database.
    ``status`` returns a short text for a learner (``"Best grade: 80%"``) or None.
    ``statuses(activities, user_id)`` (API 1.4, optional) is ``status`` for all the activities of
    this type on a course page at once, ``{activity_id: text or None}``, in one or two queries
    however many activities; the core calls it once per type on the course page and falls back
    to ``status`` for each activity when a plugin does not give it.
    ``package_untranslated(definition, folder, key)`` tells ``nttlearn courses validate`` what of
    the activity's own texts a package leaves untranslated, ``{locale: [what, in words]}``.
    """

    key: str
    label: str
    endpoint: str
    import_definition: Callable[[Activity, Mapping[str, Any], Path], None] | None = None
    export_definition: Callable[[Activity, Path], dict[str, Any]] | None = None
    validate_definition: (
        Callable[[Mapping[str, Any], Path, str], list[DefinitionProblem]] | None
    ) = None
    default_definition: Callable[[], dict[str, Any]] = field(default=dict)
    edit_endpoint: str | None = None
    status: Callable[[Activity, int], str | None] | None = None
    statuses: Callable[[Sequence[Activity], int], Mapping[int, str | None]] | None = None
    # How far the activity's own texts (quiz questions, a rubric…) are translated:
    # ``translation_states(activities)`` → ``{activity_id: {locale: ["present", "missing", …]}}``,
    # one state per text; counted in a course's translation coverage. None: the plugin has none.
    translation_states: (
        Callable[[Sequence[Activity]], Mapping[int, Mapping[str, Sequence[str]]]] | None
    ) = None
    # The same texts one by one, for the course's translation overview:
    # ``translation_texts(activities)`` → ``{activity_id: [TranslatableText, …]}`` in reading
    # order, in a bounded number of queries however many activities. When set, it is what the
    # coverage counts and ``translation_states`` is not called.
    translation_texts: (
        Callable[[Sequence[Activity]], Mapping[int, Sequence[TranslatableText]]] | None
    ) = None
    # The activity's own texts for the PO round trip (``nttlearn courses translations-export``):
    # ``translation_units(activity, locale)`` → the :class:`TranslationUnit` s, in reading order.
    # ``apply_translations(activity, locale, updates, write=True)`` stores ``updates``
    # (``{unit id: TranslationUpdate}``) as the plugin's browser editor does and returns the
    # :class:`TranslationProblem` s; it writes nothing when there is any, nor when ``write`` is
    # False (the core first checks every activity with ``write=False``, so an import stays all or
    # nothing). None (either): the activity's texts are not in the PO file.
    translation_units: Callable[[Activity, str], Sequence[TranslationUnit]] | None = None
    apply_translations: Callable[..., Sequence[TranslationProblem]] | None = None
    # What a course package leaves untranslated in the activity's own texts, for
    # ``nttlearn courses validate`` (warnings; problems with ``--strict``), read from the package
    # without touching the database: ``package_untranslated(definition, module folder, activity
    # key)`` → ``{locale: ["quiz.sv.gift (the whole quiz)", …]}``, what is missing in words, for
    # each language of ``nttlearn.api.LANGUAGES`` that lacks something (a text the plugin's
    # catalogue translates is not missing); nothing for a definition with problems (those are
    # ``validate_definition``'s). The core prints ``module.yaml:<line>: not translated into
    # <locale>: …`` at the activity's entry. None: the activity has no texts of its own.
    package_untranslated: (
        Callable[[Mapping[str, Any], Path, str], Mapping[str, Sequence[str]]] | None
    ) = None
    # Which of these activities (all of this type) hold learners' work in the plugin's own tables
    # (an attempt, a hand-in, a proposal, a survey answer): ``has_learner_work(activity_ids)`` →
    # the ids that do. When an activity leaves its course (removed from a re-imported package or
    # deleted in the editor) the core archives it if this or a core completion says so, and deletes
    # it otherwise, with the plugin's rows (they cascade). None: the plugin keeps no learner work;
    # only completions count. The core asks; it never reads a plugin's tables.
    has_learner_work: Callable[[Sequence[int]], set[int]] | None = None
    # (API 1.4) A test of what the learner knows (a quiz): its completion's score, 0..100, is the
    # learner's grade, and the plugin announces each new grade as ``activity.graded``. Rules that
    # ask for "at least N% in every test of the course" (a certificate's minimum grade) read the
    # activities of these types, without knowing the plugin.
    assessment: bool = False
    plugin: str = ""

    def url(self, activity: Activity) -> str:
        return url_for(self.endpoint, activity_id=activity.id)


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Event:
    """Something that happened, as ``nttlearn_on_event`` receives it: already stored in the event
    log (``id``), in the same transaction as the action that caused it."""

    name: str
    user_id: int | None
    course_id: int | None = None
    data: dict[str, Any] = field(default_factory=dict)
    created_at: datetime = field(default_factory=_now)
    id: int | None = None


@dataclass(frozen=True)
class EventType:
    """(API 1.4) The declaration of one event: its ``name``, its ``payload`` (a ``TypedDict`` whose
    fields are ``Annotated[type, "what it means"]``: the keys of ``Event.data``), what it means,
    and what its ``course_id`` is. The core declares its own events, each plugin its own through
    ``nttlearn_event_types``; ``emit`` refuses (in tests) or logs (in production) an event that is
    not declared or whose ``data`` does not have the declared keys."""

    name: str
    payload: type
    meaning: str
    course: str = "the course"
    emitter: str = ""  # "core" or the declaring plugin's name, filled in when it is collected


def payload_fields(payload: type) -> list[tuple[str, str, str, bool]]:
    """(API 1.4) A payload type's fields in order: (key, type, meaning, required)."""
    import typing

    # Required-ness is read from the hints, not ``__required_keys__``: with ``from __future__ import
    # annotations`` a TypedDict cannot see ``NotRequired`` in its (string) annotations.
    hints = typing.get_type_hints(payload, include_extras=True)
    fields = []
    for key, hint in hints.items():
        meaning, required = "", getattr(payload, "__total__", True)
        while typing.get_origin(hint) in (typing.Annotated, typing.NotRequired, typing.Required):
            origin, (inner, *extras) = typing.get_origin(hint), typing.get_args(hint)
            if origin is typing.Annotated:
                meaning = meaning or next((e for e in extras if isinstance(e, str)), "")
            else:
                required = origin is typing.Required
            hint = inner
        text = hint.__name__ if isinstance(hint, type) else str(hint).replace("typing.", "")
        fields.append((key, text, meaning, required))
    return fields


#: The states of a to-do item, as the dashboard and the calendar show them.
TODO_STATES = ("todo", "due_soon", "overdue", "invited", "upcoming")


@dataclass(frozen=True)
class TodoItem:
    """Something the learner should do (or attend), returned by ``nttlearn_todo_items``.

    ``key`` is stable for the same thing (``"quiz:42:closes"``): the calendar feed's UID and the
    key that makes each deadline reminder go out once. ``kind`` names what it is (``"quiz"``,
    ``"review"``, ``"invitation"``, ``"meeting"``…). ``title`` is already translated into the
    user's language; ``url`` is the page where it is done (a path or a full address). ``due_at``
    is an aware datetime (stored and compared in UTC), or None for something without a date.
    ``state`` is one of :data:`TODO_STATES`: ``todo``, ``due_soon``, ``overdue``, ``invited`` or
    ``upcoming`` (a meeting). ``ends_at`` is when an ``upcoming`` event ends (calendar only).
    """

    key: str
    kind: str
    title: str
    url: str
    due_at: datetime | None = None
    state: str = "todo"
    course_id: int | None = None
    ends_at: datetime | None = None
    plugin: str = ""

    def __post_init__(self) -> None:
        if self.state not in TODO_STATES:
            raise ValueError(f"unknown to-do state {self.state!r}; one of {', '.join(TODO_STATES)}")
        for name in ("due_at", "ends_at"):
            value = getattr(self, name)
            if value is not None and value.tzinfo is None:
                raise ValueError(f"TodoItem.{name} must be timezone-aware (UTC)")
