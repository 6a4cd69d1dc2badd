"""The course report: enrolled, active, completion per module and activity, median time to
complete, learners at risk. Every figure is one aggregate query; the count of queries does not
depend on the number of learners or events (see ``docs/evaluation.md`` for each definition).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, case, exists, func, literal, or_, select
from sqlalchemy.sql.expression import Select

from nttlearn.api import (
    Activity,
    ActivityCompletion,
    Course,
    Enrolment,
    EventRecord,
    Module,
    ModuleCompletion,
    Organisation,
    User,
    db,
    localized_text,
    utcnow,
)

from .filters import LearnerFilters
from .settings import at_risk_days, at_risk_failed_attempts
from .sql import event_names_ending, json_field, median_by, seconds_between
from .summaries import course_activity_mark, latest_in_course

PAGE_ROWS = 200  # learners listed on the page; the CSV has them all


@dataclass
class ModuleRow:
    id: int
    title: str
    completed: int
    enrolled: int

    @property
    def percent(self) -> int:
        return round(100 * self.completed / self.enrolled) if self.enrolled else 0


@dataclass
class ActivityRow:
    id: int
    title: str
    type_key: str
    module: str
    required: bool
    completed: int
    enrolled: int
    mean_score: float | None

    @property
    def percent(self) -> int:
        return round(100 * self.completed / self.enrolled) if self.enrolled else 0


@dataclass
class LearnerRow:
    user_id: int
    name: str
    organisation: str
    country: str
    cohort: str
    enrolled_at: datetime
    completed_at: datetime | None
    last_active_at: datetime
    failed_attempts: int
    inactive: bool
    at_risk: bool


@dataclass
class CourseReport:
    course: Course
    filters: LearnerFilters
    enrolled: int = 0
    completed: int = 0
    active_7: int = 0
    active_30: int = 0
    at_risk: int = 0
    median_days: float | None = None
    modules: list[ModuleRow] = field(default_factory=list)
    activities: list[ActivityRow] = field(default_factory=list)
    learners: list[LearnerRow] = field(default_factory=list)
    at_risk_days: int = 14
    failed_attempts: int = 2

    @property
    def completion_percent(self) -> int:
        return round(100 * self.completed / self.enrolled) if self.enrolled else 0


def enrolments(course_id: int | None, filters: LearnerFilters) -> Select:
    """The enrolments a report counts: in one course, or (``None``) in every course that is not
    archived, made in the period, by learners of the organisation / country / cohort asked for.

    "Not archived" is written ``NOT IN (archived ones)``: they are few, and the database then
    reads the enrolments in one pass rather than course by course. Users and organisations are
    joined only when a filter needs them, as the joins cost a lookup per enrolment.
    """
    stmt = select(
        Enrolment.user_id,
        Enrolment.course_id,
        Enrolment.created_at.label("enrolled_at"),
        Enrolment.completed_at,
        Enrolment.cohort,
    )
    if course_id is not None:
        stmt = stmt.where(Enrolment.course_id == course_id)
    else:
        stmt = stmt.where(
            Enrolment.course_id.not_in(select(Course.id).where(Course.archived.is_(True)))
        )
    if filters.organisation_id or filters.country:
        stmt = stmt.join(User, User.id == Enrolment.user_id)
    if filters.organisation_id:
        stmt = stmt.where(User.organisation_id == filters.organisation_id)
    if filters.country:
        stmt = stmt.join(Organisation, Organisation.id == User.organisation_id).where(
            Organisation.country == filters.country
        )
    if filters.cohort:
        stmt = stmt.where(Enrolment.cohort == filters.cohort)
    return stmt.where(*filters.period.conditions(Enrolment.created_at))


def _learner_state(course_id: int, filters: LearnerFilters, now: datetime) -> Select:
    """One row per counted learner: last activity, failed attempts, and the risk flags.

    The latest event of each learner comes from the pre-aggregated table and the log after its
    mark (:mod:`.summaries`); the failed attempts (``*.attempt_submitted`` with ``passed: false``
    at activities not completed since) from the course's attempt events only, found through the
    index on ``events(course_id, name)``.
    """
    population = enrolments(course_id, filters).subquery("population")
    attempted = json_field(EventRecord.data, "activity_id", "integer")
    failures = (
        select(EventRecord.user_id, func.count().label("failures"))
        .where(
            EventRecord.course_id == course_id,
            EventRecord.user_id.is_not(None),
            EventRecord.name.in_(event_names_ending(".attempt_submitted")),
            json_field(EventRecord.data, "passed", "boolean").is_(False),
            ~exists().where(
                ActivityCompletion.user_id == EventRecord.user_id,
                ActivityCompletion.activity_id == attempted,
            ),
        )
        .group_by(EventRecord.user_id)
        .subquery("failures")
    )
    latest = latest_in_course(course_id, course_activity_mark())
    activity = (
        select(population.c.user_id, latest.c.last_at, failures.c.failures)
        .select_from(population)
        .outerjoin(latest, latest.c.user_id == population.c.user_id)
        .outerjoin(failures, failures.c.user_id == population.c.user_id)
        .subquery("activity")
    )
    last_active = func.coalesce(activity.c.last_at, population.c.enrolled_at)
    failed = func.coalesce(activity.c.failures, 0)
    inactive = last_active < now - timedelta(days=at_risk_days())
    at_risk = and_(
        population.c.completed_at.is_(None), or_(inactive, failed >= at_risk_failed_attempts())
    )
    return (
        select(
            population.c.user_id,
            population.c.enrolled_at,
            population.c.completed_at,
            population.c.cohort,
            last_active.label("last_active_at"),
            failed.label("failed_attempts"),
            case((inactive, 1), else_=0).label("inactive"),
            case((at_risk, 1), else_=0).label("at_risk"),
        )
        .select_from(population)
        .outerjoin(activity, activity.c.user_id == population.c.user_id)
    )


def course_report(
    course: Course, filters: LearnerFilters, *, limit: int | None = PAGE_ROWS
) -> CourseReport:
    """Four queries: learners with the totals, the median, modules, activities."""
    now = utcnow()
    report = CourseReport(
        course, filters, at_risk_days=at_risk_days(), failed_attempts=at_risk_failed_attempts()
    )
    report.learners, totals = _learners_and_totals(course, filters, now, limit)
    report.enrolled, report.completed, report.active_7, report.active_30, report.at_risk = totals
    population = enrolments(course.id, filters).subquery("population")
    median = db.session.execute(
        median_by(
            select(
                literal(1), seconds_between(population.c.enrolled_at, population.c.completed_at)
            ).where(population.c.completed_at.is_not(None))
        )
    ).first()
    report.median_days = (
        round(float(median[1]) / 86400, 1) if median and median[1] is not None else None
    )
    report.modules, report.activities = _completion(course, filters, report.enrolled)
    return report


def _learners_and_totals(
    course: Course, filters: LearnerFilters, now: datetime, limit: int | None
) -> tuple[list[LearnerRow], tuple[int, int, int, int, int]]:
    """The learners (at risk first) and, as window aggregates over all of them computed by the
    database in the same pass, the report's totals; ``limit`` cuts only the listed rows."""
    state = _learner_state(course.id, filters, now).subquery("state")
    stmt = (
        select(
            state.c.user_id,
            User.name,
            Organisation.name,
            Organisation.country,
            state.c.cohort,
            state.c.enrolled_at,
            state.c.completed_at,
            state.c.last_active_at,
            state.c.failed_attempts,
            state.c.inactive,
            state.c.at_risk,
            func.count().over(),
            func.count(state.c.completed_at).over(),
            func.sum(case((state.c.last_active_at >= now - timedelta(days=7), 1), else_=0)).over(),
            func.sum(case((state.c.last_active_at >= now - timedelta(days=30), 1), else_=0)).over(),
            func.sum(state.c.at_risk).over(),
        )
        .join(User, User.id == state.c.user_id)
        .outerjoin(Organisation, Organisation.id == User.organisation_id)
        .order_by(state.c.at_risk.desc(), User.name, User.id)
    )
    if limit is not None:
        stmt = stmt.limit(max(limit, 1))  # one row at least, for the totals
    rows = db.session.execute(stmt).all()
    totals = tuple(int(x or 0) for x in rows[0][11:16]) if rows else (0, 0, 0, 0, 0)
    listed = rows if limit is None else rows[:limit]
    learners = [
        LearnerRow(
            r[0],
            r[1],
            r[2] or "",
            r[3] or "",
            r[4] or "",
            r[5],
            r[6],
            r[7],
            int(r[8]),
            bool(r[9]),
            bool(r[10]),
        )
        for r in listed
    ]
    return learners, totals  # type: ignore[return-value]


def _completion(
    course: Course, filters: LearnerFilters, enrolled: int
) -> tuple[list[ModuleRow], list[ActivityRow]]:
    """Completions per module and per activity by the counted learners (``IN`` their ids, so the
    database builds one lookup of them instead of scanning them per completion). Names are in the
    reader's language (the page's, or the exporting person's for the CSV)."""
    people = select(enrolments(course.id, filters).subquery("people").c.user_id)
    module_done = (
        select(ModuleCompletion.module_id, func.count().label("n"))
        .join(Module, Module.id == ModuleCompletion.module_id)
        .where(Module.course_id == course.id, ModuleCompletion.user_id.in_(people))
        .group_by(ModuleCompletion.module_id)
        .subquery("module_done")
    )
    modules = db.session.execute(
        select(Module.id, Module.title, func.coalesce(module_done.c.n, 0), Module.translations)
        .outerjoin(module_done, module_done.c.module_id == Module.id)
        .where(Module.course_id == course.id, Module.archived.is_(False))
        .order_by(Module.position)
    ).all()
    activity_done = (
        select(
            ActivityCompletion.activity_id,
            func.count().label("n"),
            func.avg(ActivityCompletion.score).label("score"),
        )
        .join(Activity, Activity.id == ActivityCompletion.activity_id)
        .join(Module, Module.id == Activity.module_id)
        .where(Module.course_id == course.id, ActivityCompletion.user_id.in_(people))
        .group_by(ActivityCompletion.activity_id)
        .subquery("activity_done")
    )
    activities = db.session.execute(
        select(
            Activity.id,
            Activity.title,
            Activity.type_key,
            Module.title,
            Activity.required,
            func.coalesce(activity_done.c.n, 0),
            activity_done.c.score,
            Activity.translations,
            Module.translations,
        )
        .join(Module, Module.id == Activity.module_id)
        .outerjoin(activity_done, activity_done.c.activity_id == Activity.id)
        .where(
            Module.course_id == course.id, Module.archived.is_(False), Activity.archived.is_(False)
        )
        .order_by(Module.position, Activity.position)
    ).all()
    return (
        [ModuleRow(i, localized_text(title, names), n, enrolled) for i, title, n, names in modules],
        [
            ActivityRow(
                i,
                localized_text(title, names),
                kind,
                localized_text(module, module_names),
                required,
                n,
                enrolled,
                round(float(score), 1) if score is not None else None,
            )
            for i, title, kind, module, required, n, score, names, module_names in activities
        ],
    )


def learner_rows(
    course: Course,
    filters: LearnerFilters,
    *,
    now: datetime | None = None,
    limit: int | None = None,
) -> list[LearnerRow]:
    """Learners at risk first, then by name; ``limit`` for the page, None for the CSV."""
    return _learners_and_totals(course, filters, now or utcnow(), limit)[0]


def filter_choices(course_id: int) -> dict[str, list[tuple[str, str]]]:
    """The organisations, countries and cohorts that occur among a course's learners (two queries)."""
    courses = Enrolment.course_id == course_id
    orgs = db.session.execute(
        select(Organisation.id, Organisation.name, Organisation.country)
        .distinct()
        .join(User, User.organisation_id == Organisation.id)
        .join(Enrolment, Enrolment.user_id == User.id)
        .where(courses)
        .order_by(Organisation.name)
    ).all()
    cohorts = (
        db.session.execute(
            select(Enrolment.cohort)
            .distinct()
            .where(courses, Enrolment.cohort != "")
            .order_by(Enrolment.cohort)
        )
        .scalars()
        .all()
    )
    return {
        "organisation": [(str(i), f"{name} ({country})") for i, name, country in orgs],
        "country": [(c, c) for c in sorted({country for _, _, country in orgs})],
        "cohort": [(c, c) for c in cohorts],
    }
