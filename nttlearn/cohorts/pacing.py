"""What is open to a learner and when their work is due: release rules, deadlines, extensions.

:func:`pacing_for` reads everything one learner's outline needs in a fixed number of queries
(the course's rules and prerequisites, the learner's cohort, enrolment, completions, deadlines and
extensions), however many modules and activities the course has; every answer after that is
computed in memory. Trainers of the course and admins see everything open.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from flask import has_request_context, request
from flask_babel import format_datetime, get_locale
from flask_babel import gettext as _
from werkzeug.exceptions import Forbidden

from ..extensions import db
from ..models import (
    Activity,
    ActivityCompletion,
    Cohort,
    CohortMember,
    Course,
    Deadline,
    Enrolment,
    Extension,
    Module,
    ModuleCompletion,
    ReleasePrerequisite,
    ReleaseRule,
    utcnow,
)

Item = tuple[str, int]  # ("m", module_id) or ("a", activity_id)


@dataclass(frozen=True)
class Access:
    """Whether a module or activity is open to a learner, and if not, when and why it opens.

    ``opens_at`` is the date it opens (None when no date holds it back); ``requires`` the titles
    of the modules and activities the learner still has to complete first.
    """

    open: bool = True
    opens_at: datetime | None = None
    requires: tuple[str, ...] = ()

    @property
    def reason(self) -> str:
        """``""`` when open, else ``"date"``, ``"prerequisites"`` or ``"date_and_prerequisites"``."""
        if self.open:
            return ""
        if self.opens_at is not None and self.requires:
            return "date_and_prerequisites"
        return "date" if self.opens_at is not None else "prerequisites"

    def message(self) -> str:
        """Why the item is locked and when it opens, in the current language ("" when open)."""
        if self.open:
            return ""
        when = format_datetime(self.opens_at, "medium") if self.opens_at else ""
        names = ", ".join(self.requires)
        if self.opens_at is not None and self.requires:
            return _(
                "This opens on %(when)s, once you have completed: %(names)s.",
                when=when,
                names=names,
            )
        if self.opens_at is not None:
            return _("This opens on %(when)s.", when=when)
        return _("This opens once you have completed: %(names)s.", names=names)


OPEN = Access()


class ItemLocked(Forbidden):
    """A learner asked for a module or activity that is not open yet (403, with the reason)."""

    def __init__(self, access: Access) -> None:
        super().__init__(access.message())
        self.access = access


def start_of(day: date) -> datetime:
    """Midnight UTC at the start of ``day``: when a date-only release or deadline begins."""
    return datetime.combine(day, time(0), tzinfo=UTC)


@dataclass(frozen=True)
class Rule:
    """A release rule as pacing reads it (cached per worker with the course structure)."""

    opens_at: datetime | None
    offset_days: int | None
    relative_to: str
    requires: tuple[Item, ...]


@dataclass(frozen=True)
class CourseRules:
    """A course's release rules, its items' titles and each activity's module."""

    rules: dict[Item, Rule]
    titles: dict[Item, dict[str, str]]  # item -> {locale: title}, English under "en"
    module_of: dict[int, int]


def course_rules(course: Course) -> CourseRules:
    """The course's rules at its ``content_version``, read once per worker: changing a rule bumps
    the version (see :func:`nttlearn.cohorts.services.set_release_rule`), as any content edit does."""
    from ..caching import worker_cache

    key = (course.id, course.content_version)
    return worker_cache("release_rules").get_or_make(key, lambda: _load_rules(course.id))


def _load_rules(course_id: int) -> CourseRules:
    rules: dict[Item, Rule] = {}
    titles: dict[Item, dict[str, str]] = {}
    module_of: dict[int, int] = {}
    rows = (
        db.session.execute(db.select(ReleaseRule).where(ReleaseRule.course_id == course_id))
        .scalars()
        .all()
    )
    if not rows:
        return CourseRules({}, {}, {})
    requires: dict[int, list[Item]] = {}
    for rule_id, module_id, activity_id in db.session.execute(
        db.select(
            ReleasePrerequisite.rule_id,
            ReleasePrerequisite.module_id,
            ReleasePrerequisite.activity_id,
        ).where(ReleasePrerequisite.rule_id.in_([r.id for r in rows]))
    ):
        requires.setdefault(rule_id, []).append(
            ("m", module_id) if module_id else ("a", activity_id)
        )
    for kind, item_id, module_id, title, translations in db.session.execute(
        db.select(db.literal("m"), Module.id, Module.id, Module.title, Module.translations)
        .where(Module.course_id == course_id, Module.archived.is_(False))
        .union_all(
            db.select(
                db.literal("a"),
                Activity.id,
                Activity.module_id,
                Activity.title,
                Activity.translations,
            )
            .join(Module, Activity.module_id == Module.id)
            .where(
                Module.course_id == course_id,
                Module.archived.is_(False),
                Activity.archived.is_(False),
            )
        )
    ):
        if isinstance(translations, str):  # JSON read through a UNION comes back as text on SQLite
            translations = json.loads(translations)
        titles[(kind, item_id)] = {
            "en": title,
            **{
                locale: t["title"]
                for locale, t in (translations or {}).items()
                if isinstance(t, dict) and t.get("title")
            },
        }
        if kind == "a":
            module_of[item_id] = module_id
    # A prerequisite retired from the course (archived) can no longer be completed: it no longer holds.
    for r in rows:
        target: Item = ("m", r.module_id) if r.module_id else ("a", r.activity_id)
        kept = tuple(sorted(p for p in requires.get(r.id, []) if p in titles))
        rules[target] = Rule(r.opens_at, r.offset_days, r.relative_to, kept)
    return CourseRules(rules, titles, module_of)


@dataclass
class Pacing:
    """One learner in one course: the rules, their cohort, what they completed, their deadlines."""

    course_id: int
    staff: bool = False
    cohort: Cohort | None = None
    enrolled_at: datetime | None = None
    course_rules: CourseRules = field(default_factory=lambda: CourseRules({}, {}, {}))
    done: set[Item] = field(default_factory=set)
    deadlines: dict[tuple[int, str], datetime] = field(default_factory=dict)
    extensions: dict[tuple[int, str], datetime] = field(default_factory=dict)
    now: datetime = field(default_factory=utcnow)

    # -- release ---------------------------------------------------------------------------
    def opens_at(self, rule: Rule) -> datetime | None:
        """The date the rule opens its target for this learner (the later of an absolute date
        and a relative one), or None when no date holds it."""
        dates = [rule.opens_at] if rule.opens_at is not None else []
        if rule.offset_days is not None:
            if rule.relative_to == "start" and self.cohort is not None:
                dates.append(start_of(self.cohort.starts_on) + timedelta(days=rule.offset_days))
            elif self.enrolled_at is not None:
                dates.append(start_of(self.enrolled_at.date()) + timedelta(days=rule.offset_days))
        return max(dates) if dates else None

    def _own(self, item: Item) -> Access:
        rule = self.course_rules.rules.get(item)
        if rule is None:
            return OPEN
        opens = self.opens_at(rule)
        if opens is not None and opens <= self.now:
            opens = None
        locale = str(get_locale() or "en")
        titles = self.course_rules.titles
        missing = tuple(
            titles[p].get(locale) or titles[p]["en"] for p in rule.requires if p not in self.done
        )
        if opens is None and not missing:
            return OPEN
        return Access(open=False, opens_at=opens, requires=missing)

    def module(self, module_id: int) -> Access:
        """Whether the module (and so its lessons) is open to the learner."""
        return OPEN if self.staff else self._own(("m", module_id))

    def activity(self, activity_id: int) -> Access:
        """Whether the activity is open: its module must be open, and its own rule hold."""
        if self.staff:
            return OPEN
        module_id = self.course_rules.module_of.get(activity_id)
        module = self._own(("m", module_id)) if module_id is not None else OPEN
        own = self._own(("a", activity_id))
        if module.open:
            return own
        if own.open:
            return module
        dates = [d for d in (module.opens_at, own.opens_at) if d is not None]
        return Access(False, max(dates) if dates else None, module.requires + own.requires)

    # -- deadlines -------------------------------------------------------------------------
    def deadline(self, activity_id: int, kind: str = "close") -> datetime | None:
        """The learner's deadline: their extension, else their cohort's, else None."""
        key = (activity_id, kind)
        return self.extensions.get(key) or self.deadlines.get(key)

    def overdue(self, activity_id: int, kind: str = "close") -> bool:
        """The deadline has passed and the learner has not completed the activity."""
        due = self.deadline(activity_id, kind)
        return due is not None and due <= self.now and ("a", activity_id) not in self.done


def pacing_for(
    user_id: int | None,
    course: Course,
    *,
    staff: bool = False,
    now: datetime | None = None,
    deadlines: bool = True,
) -> Pacing:
    """Load one learner's pacing in ``course``: the course's rules (cached per worker), then the
    learner's cohort and enrolment, completions and (with ``deadlines``) deadlines and extensions,
    one query each; a course without rules reads no completions. ``user_id`` None (a visitor)
    gives the rules with no cohort and nothing done.
    """
    pacing = Pacing(course.id, staff=staff, now=now or utcnow())
    if staff:
        return pacing
    pacing.course_rules = course_rules(course)
    if user_id is None:
        return pacing
    if pacing.course_rules.rules or deadlines:
        row = db.session.execute(
            db.select(Enrolment.created_at, Cohort)
            .select_from(Enrolment)
            .outerjoin(
                CohortMember,
                (CohortMember.user_id == Enrolment.user_id)
                & (CohortMember.course_id == Enrolment.course_id),
            )
            .outerjoin(Cohort, Cohort.id == CohortMember.cohort_id)
            .where(Enrolment.user_id == user_id, Enrolment.course_id == course.id)
        ).first()
        if row is not None:
            pacing.enrolled_at, pacing.cohort = row
    if pacing.course_rules.rules or deadlines:
        for kind, item_id in db.session.execute(
            db.select(db.literal("m"), ModuleCompletion.module_id)
            .join(Module, ModuleCompletion.module_id == Module.id)
            .where(ModuleCompletion.user_id == user_id, Module.course_id == course.id)
            .union_all(
                db.select(db.literal("a"), ActivityCompletion.activity_id)
                .join(Activity, ActivityCompletion.activity_id == Activity.id)
                .join(Module, Activity.module_id == Module.id)
                .where(ActivityCompletion.user_id == user_id, Module.course_id == course.id)
            )
        ):
            pacing.done.add((kind, item_id))
    if deadlines:
        for source, activity_id, kind, due_at in db.session.execute(
            db.select(db.literal("d"), Deadline.activity_id, Deadline.kind, Deadline.due_at)
            .where(Deadline.cohort_id == (pacing.cohort.id if pacing.cohort else -1))
            .union_all(
                db.select(db.literal("x"), Extension.activity_id, Extension.kind, Extension.due_at)
                .join(Activity, Extension.activity_id == Activity.id)
                .join(Module, Activity.module_id == Module.id)
                .where(Extension.user_id == user_id, Module.course_id == course.id)
            )
        ):
            (pacing.deadlines if source == "d" else pacing.extensions)[(activity_id, kind)] = (
                _aware(due_at)
            )
    return pacing


def _aware(value: datetime) -> datetime:
    """A datetime read through a UNION comes back without the column type's conversion."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


# -- the questions plugins and pages ask (nttlearn.api) ---------------------------------------------
def pacing_of(user, course: Course, *, deadlines: bool = True) -> Pacing:
    """:func:`pacing_for` the user (a ``User`` or a user id; trainers of the course see everything
    open), read once per request and course."""
    from flask import has_request_context, request

    from ..auth.permissions import can_manage_course

    if isinstance(user, int):  # a learner named by id (background jobs, plugins' services)
        user_id, staff = user, False
    else:
        user_id = user.id if getattr(user, "is_authenticated", False) else None
        staff = can_manage_course(user, course)
    # Per request (its environ, not ``g``, which outlives a request where contexts are shared).
    cache = request.environ.setdefault("nttlearn.pacing", {}) if has_request_context() else {}
    pacing = cache.get((user_id, course.id, True)) or cache.get((user_id, course.id, deadlines))
    if pacing is None:
        pacing = pacing_for(user_id, course, staff=staff, deadlines=deadlines)
        cache[(user_id, course.id, deadlines)] = pacing
    return pacing


def _course_of(activity: Activity) -> Course:
    module = db.session.get(Module, activity.module_id)
    return db.session.get(Course, module.course_id)


def activity_release(user, activity: Activity) -> Access:
    """Whether ``activity`` is open to ``user`` now: ``Access(open, opens_at, requires)`` with
    ``reason`` and ``message()`` saying when and why it opens. Trainers see everything open.
    A course without release rules costs no query (its rules are cached per worker)."""
    return pacing_of(user, _course_of(activity), deadlines=False).activity(activity.id)


def deadline_for(user, activity: Activity, kind: str = "close") -> datetime | None:
    """The deadline of ``user`` (a ``User`` or a user id) for ``activity``: their extension, else
    their cohort's deadline, else None, and then the plugin uses its own date. ``kind`` is
    ``"close"`` (a quiz closes, a survey or a proposal's submission is due) or ``"review"`` (a
    proposal's review phase ends). One query, asked once per request."""
    from flask import has_request_context, request

    user_id = user if isinstance(user, int) else getattr(user, "id", None)
    if user_id is None:
        return None
    cache = request.environ.setdefault("nttlearn.deadlines", {}) if has_request_context() else {}
    key = (user_id, activity.id, kind)
    if key not in cache:
        rows = dict(
            db.session.execute(
                db.select(db.literal("x"), Extension.due_at)
                .where(
                    Extension.user_id == user_id,
                    Extension.activity_id == activity.id,
                    Extension.kind == kind,
                )
                .union_all(
                    db.select(db.literal("d"), Deadline.due_at)
                    .join(CohortMember, CohortMember.cohort_id == Deadline.cohort_id)
                    .where(
                        CohortMember.user_id == user_id,
                        Deadline.activity_id == activity.id,
                        Deadline.kind == kind,
                    )
                )
            ).all()
        )
        due = rows.get("x") or rows.get("d")
        cache[key] = _aware(due) if due is not None else None
    return cache[key]


@dataclass(frozen=True)
class LearnerDeadline:
    """One deadline of one learner, for a to-do list or a calendar."""

    activity_id: int
    course_id: int
    type_key: str
    title: str
    kind: str
    due_at: datetime
    done: bool
    overdue: bool


def learner_deadlines(user_id: int, now: datetime | None = None) -> list[LearnerDeadline]:
    """Every cohort deadline of the learner in every course (with their extensions), soonest
    first, in one query whatever the number of courses and learners. A GET request reads them
    once however many to-do sources ask (the dashboard's quiz and assignment items both do)."""
    from ..caching import request_cache

    now = now or utcnow()
    cache = request_cache() if has_request_context() and request.method in ("GET", "HEAD") else {}
    rows = cache.get(("learner_deadlines", user_id))
    if rows is None:
        rows = cache[("learner_deadlines", user_id)] = db.session.execute(
            db.select(
                Deadline.activity_id,
                Deadline.kind,
                Deadline.due_at,
                Activity.type_key,
                Activity.title,
                Module.course_id,
                Activity.translations,
                Extension.due_at.label("extended"),
                ActivityCompletion.id.label("completion_id"),
            )
            .join(
                CohortMember,
                (CohortMember.cohort_id == Deadline.cohort_id) & (CohortMember.user_id == user_id),
            )
            .join(Activity, Deadline.activity_id == Activity.id)
            .join(Module, Activity.module_id == Module.id)
            .outerjoin(
                Extension,
                (Extension.user_id == user_id)
                & (Extension.activity_id == Deadline.activity_id)
                & (Extension.kind == Deadline.kind),
            )
            .outerjoin(
                ActivityCompletion,
                (ActivityCompletion.user_id == user_id)
                & (ActivityCompletion.activity_id == Deadline.activity_id),
            )
            .where(Activity.archived.is_(False), Module.archived.is_(False))
        ).all()
    locale = str(get_locale() or "en")
    result = []
    for r in rows:
        due = r.extended if r.extended is not None else r.due_at
        title = ((r.translations or {}).get(locale) or {}).get("title") or r.title
        finished = r.completion_id is not None
        result.append(
            LearnerDeadline(
                r.activity_id,
                r.course_id,
                r.type_key,
                title,
                r.kind,
                due,
                finished,
                not finished and due <= now,
            )
        )
    return sorted(result, key=lambda d: d.due_at)
