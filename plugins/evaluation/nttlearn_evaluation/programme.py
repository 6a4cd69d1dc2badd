"""The programme report for coordinators: every course side by side, participants by country and
organisation, enrolments by month. A fixed number of aggregate queries, whatever the size."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import func, select

from nttlearn.api import Course, Enrolment, Organisation, User, db, utcnow

from .filters import LearnerFilters
from .monitoring import enrolments
from .sql import median_by, month_label, month_start, seconds_between
from .summaries import active_pairs, course_activity_mark


@dataclass
class CourseRow:
    id: int
    slug: str
    title: str
    translations: dict
    published: bool
    enrolled: int = 0
    completed: int = 0
    active_30: int = 0
    median_days: float | None = None

    @property
    def completion_percent(self) -> int:
        return round(100 * self.completed / self.enrolled) if self.enrolled else 0

    def localized_title(self, locale: str | None) -> str:
        return ((self.translations or {}).get(locale or "en") or {}).get("title") or self.title


@dataclass
class CountRow:
    key: str
    label: str
    country: str
    participants: int


@dataclass
class ProgrammeReport:
    filters: LearnerFilters
    courses: list[CourseRow] = field(default_factory=list)
    participants: int = 0
    organisations: int = 0
    countries: int = 0
    by_country: list[CountRow] = field(default_factory=list)
    by_organisation: list[CountRow] = field(default_factory=list)
    by_month: list[tuple[str, int]] = field(default_factory=list)


def country_choices() -> list[tuple[str, str]]:
    """Every country an organisation is registered in, for the filter."""
    countries = db.session.execute(
        select(Organisation.country).distinct().order_by(Organisation.country)
    ).scalars()
    return [(c, c) for c in countries]


def programme_report(filters: LearnerFilters) -> ProgrammeReport:
    """Six aggregate queries over the counted enrolments (live courses, filters applied).

    Enrolments per course and per month come from one pass (grouped by both, added up here: a
    few thousand rows), since every pass over the enrolments costs the same at 200,000 of them.
    """
    report = ProgrammeReport(filters)
    counted = enrolments(None, filters).subquery("counted")
    per_course: dict[int, tuple[int, int]] = {}
    per_month: dict[str, int] = {}
    for course_id, month, enrolled, completed in db.session.execute(
        select(
            counted.c.course_id,
            month_start(counted.c.enrolled_at).label("month"),
            func.count(),
            func.count(counted.c.completed_at),
        ).group_by(counted.c.course_id, "month")
    ):
        before = per_course.get(course_id, (0, 0))
        per_course[course_id] = (before[0] + enrolled, before[1] + completed)
        per_month[month_label(month)] = per_month.get(month_label(month), 0) + enrolled
    active = _active_per_course(filters, utcnow() - timedelta(days=30))
    medians = dict(
        db.session.execute(
            median_by(
                select(
                    counted.c.course_id,
                    seconds_between(counted.c.enrolled_at, counted.c.completed_at),
                ).where(counted.c.completed_at.is_not(None))
            )
        ).all()
    )
    for course in db.session.execute(
        select(Course.id, Course.slug, Course.title, Course.translations, Course.published)
        .where(Course.archived.is_(False))
        .order_by(Course.title)
    ):
        enrolled, completed = per_course.get(course.id, (0, 0))
        median = medians.get(course.id)
        report.courses.append(
            CourseRow(
                course.id,
                course.slug,
                course.title,
                course.translations,
                course.published,
                enrolled,
                completed,
                active.get(course.id, 0),
                round(float(median) / 86400, 1) if median is not None else None,
            )
        )
    _participants(report, filters)
    report.by_month = sorted(per_month.items())
    return report


def _active_per_course(filters: LearnerFilters, since) -> dict[int, int]:
    """Counted learners with an event in their course since ``since``, per course.

    The (course, learner) pairs come from the pre-aggregated latest events and the log after
    their mark (:mod:`.summaries`): a few thousand rows instead of every event of the month. Each
    pair is then checked against the enrolments through their unique index (the pair's course is
    already known to be live, so the check does not read the archived courses again).
    """
    recent = active_pairs(since, course_activity_mark())
    counted = (
        select(Enrolment.user_id)
        .where(
            Enrolment.user_id == recent.c.user_id,
            Enrolment.course_id == recent.c.course_id,
            *_enrolment_conditions(filters),
        )
        .exists()
    )
    people = _person_conditions(filters)
    if people:
        counted = counted & recent.c.user_id.in_(select(User.id).where(*people))
    live = select(Course.id).where(Course.archived.is_(False))
    return dict(
        db.session.execute(
            select(recent.c.course_id, func.count())
            .where(counted, recent.c.course_id.in_(live))
            .group_by(recent.c.course_id)
        ).all()
    )


def _enrolment_conditions(filters: LearnerFilters) -> list:
    """The filters that concern the enrolment itself: its period and cohort."""
    conditions = list(filters.period.conditions(Enrolment.created_at))
    if filters.cohort:
        conditions.append(Enrolment.cohort == filters.cohort)
    return conditions


def _person_conditions(filters: LearnerFilters) -> list:
    """The filters that concern the person (on ``User``): their organisation and its country."""
    conditions = []
    if filters.organisation_id:
        conditions.append(User.organisation_id == filters.organisation_id)
    if filters.country:
        conditions.append(
            User.organisation_id.in_(
                select(Organisation.id).where(Organisation.country == filters.country)
            )
        )
    return conditions


def _participants(report: ProgrammeReport, filters: LearnerFilters) -> None:
    """People (not enrolments), each once, by organisation in one query; the countries and the
    totals add the organisations' rows up (a person belongs to one organisation, an organisation
    to one country), which costs nothing next to reading the enrolments a second time.

    A person counts when one of their enrolments is counted (``EXISTS``, a probe of the index on
    ``enrolments (user_id, course_id)`` per person); people are grouped by organisation first and
    the few thousand groups get their organisation's name and country afterwards.
    """
    archived = select(Course.id).where(Course.archived.is_(True))
    counted = (
        select(Enrolment.user_id)
        .where(
            Enrolment.user_id == User.id,
            Enrolment.course_id.not_in(archived),
            *_enrolment_conditions(filters),
        )
        .exists()
    )
    people = (
        select(User.organisation_id.label("organisation_id"), func.count().label("n"))
        .where(counted, *_person_conditions(filters))
        .group_by(User.organisation_id)
        .subquery("people")
    )
    rows = db.session.execute(
        select(people.c.organisation_id, Organisation.name, Organisation.country, people.c.n)
        .outerjoin(Organisation, Organisation.id == people.c.organisation_id)
        .order_by(people.c.n.desc(), Organisation.name)
    ).all()
    report.by_organisation = [
        CountRow(str(org_id or ""), name or "", country or "", n)
        for org_id, name, country, n in rows
    ]
    by_country: dict[str, int] = {}
    for _org_id, _name, country, n in rows:
        by_country[country or ""] = by_country.get(country or "", 0) + n
    report.by_country = [
        CountRow(country, country, country, n)
        for country, n in sorted(by_country.items(), key=lambda item: (-item[1], item[0]))
    ]
    report.participants = sum(by_country.values())
    report.organisations = sum(1 for org_id, *_ in rows if org_id is not None)
    report.countries = sum(1 for country in by_country if country)
