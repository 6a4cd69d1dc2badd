"""The NTT+ impact figures for any period: "69 participants representing 56 organisations from
4 countries", completions, certificates, proposals, meetings held and attended, and the
applications submitted to funders with their outcome (definitions in ``docs/evaluation.md``).
Nine aggregate queries, whatever the size of the programme.

Meetings come from the meetings plugin's events in the core's event log; applications from this
plugin's own copy of peer_review's events (:mod:`.funding`). Neither plugin's tables are read."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from flask_babel import format_decimal, gettext, ngettext, npgettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import String, and_, case, func, literal, or_, select, true

from nttlearn.api import Course, Enrolment, EventRecord, Organisation, User, db, localized_text

from .filters import Period
from .models import FundingApplication
from .sql import json_field

CERTIFICATE_ISSUED = "certificates.issued"
PROPOSAL_SUBMITTED = "peer_review.proposal_submitted"
MEETING_HELD = "meetings.meeting_held"  # once per meeting that ended with at least one attendee
MEETING_ATTENDED = "meetings.attended"  # once per person and day checked in


@dataclass
class CountryFigures:
    country: str
    participants: int
    organisations: int


@dataclass
class CourseFigures:
    slug: str
    title: str
    participants: int
    completions: int


@dataclass
class ImpactReport:
    period: Period
    participants: int = 0
    organisations: int = 0
    countries: int = 0
    completions: int = 0
    participants_completed: int = 0
    certificates_issued: int = 0
    proposals_submitted: int = 0
    proposals_transnational: int = 0
    proposals_by_policy_area: dict[str, int] = field(default_factory=dict)
    meetings_held: int = 0
    meeting_attendance: int = 0
    meeting_attendees: int = 0
    participants_meetings_only: int = 0
    applications_submitted: int = 0
    applications_funded: int = 0
    granted_eur: float = 0.0
    by_country: list[CountryFigures] = field(default_factory=list)
    by_course: list[CourseFigures] = field(default_factory=list)

    def summary(self) -> str:
        return summary_sentence(self.participants, self.organisations, self.countries)

    def as_json(self) -> dict[str, Any]:
        """The figures for ``nttlearn report impact --json`` (keys documented in docs/evaluation.md)."""
        return {
            "period": self.period.as_dict(),
            "participants": self.participants,
            "organisations": self.organisations,
            "countries": self.countries,
            "completions": self.completions,
            "participants_completed": self.participants_completed,
            "certificates_issued": self.certificates_issued,
            "proposals_submitted": self.proposals_submitted,
            "proposals_transnational": self.proposals_transnational,
            "proposals_by_policy_area": self.proposals_by_policy_area,
            "meetings": {"held": self.meetings_held, "attendance": self.meeting_attendance},
            "meetings_held": self.meetings_held,
            "meeting_attendees": self.meeting_attendees,
            "participants_meetings_only": self.participants_meetings_only,
            "applications_submitted": self.applications_submitted,
            "applications_funded": self.applications_funded,
            "granted_eur": self.granted_eur,
            "by_country": [asdict(c) for c in self.by_country],
            "by_course": [asdict(c) for c in self.by_course],
            "summary": self.summary(),
        }


#: The figures of the report, in the order the page, the PDF and the CSV show them: key (the CSV's
#: ``measure`` and the JSON key), label.
FIGURES = (
    ("participants", _l("Participants")),
    ("participants_meetings_only", _l("Of whom attended a meeting without taking a course")),
    ("organisations", _l("Organisations")),
    ("countries", _l("Countries")),
    ("completions", _l("Course completions")),
    ("participants_completed", _l("Participants who completed a course")),
    ("certificates_issued", _l("Certificates issued")),
    ("meetings_held", _l("Meetings held")),
    ("meeting_attendees", _l("People who attended a meeting")),
    ("meeting_attendance", _l("Attendance at meetings")),
    ("proposals_submitted", _l("Proposals submitted")),
    ("proposals_transnational", _l("Proposals by teams from two or more countries")),
    ("applications_submitted", _l("Applications submitted to funders")),
    ("applications_funded", _l("Applications funded")),
    ("granted_eur", _l("Total granted (EUR)")),
)


def participants_note() -> str:
    """What the participants figure counts, under the tables."""
    return gettext(
        "Participants are people with at least one enrolment made in the period, or checked in at "
        "a meeting on a day of the period, counted once; organisations and countries are those of "
        "their organisation. A meeting counts in the period in which it started."
    )


def figure_rows(report: ImpactReport) -> list[tuple[str, str, int | float]]:
    """``(key, label, value)`` for each figure, the amount granted with its cents."""
    return [
        (
            key,
            str(label),
            round(getattr(report, key), 2) if key == "granted_eur" else getattr(report, key),
        )
        for key, label in FIGURES
    ]


def format_amount(value: float) -> str:
    """An amount in euro with its cents and the locale's separators (120 000,00 in Finnish)."""
    return format_decimal(value, format="#,##0.00")


def shown_rows(report: ImpactReport) -> list[tuple[str, str]]:
    """The figures as a page or a PDF shows them: label and formatted value."""
    return [
        (label, format_amount(value) if key == "granted_eur" else str(value))
        for key, label, value in figure_rows(report)
    ]


def summary_sentence(participants: int, organisations: int, countries: int) -> str:
    """NTT+'s sentence, each number with its own plural; the context lets translators inflect
    each part for the sentence (Finnish says "from 4 countries" as "4 maasta")."""
    return gettext(
        "%(participants)s representing %(organisations)s from %(countries)s",
        participants=npgettext(
            "impact summary", "%(num)d participant", "%(num)d participants", participants
        ),
        organisations=npgettext(
            "impact summary", "%(num)d organisation", "%(num)d organisations", organisations
        ),
        countries=npgettext("impact summary", "%(num)d country", "%(num)d countries", countries),
    )


def proposals_sentence(proposals: int) -> str:
    return ngettext("%(num)d proposal submitted.", "%(num)d proposals submitted.", proposals)


def applications_sentence(submitted: int, funded: int) -> str:
    """NTT+'s "2 applications submitted", with how many were funded."""
    return gettext(
        "%(submitted)s, %(funded)s.",
        submitted=ngettext(
            "%(num)d application submitted to a funder",
            "%(num)d applications submitted to funders",
            submitted,
        ),
        funded=ngettext("%(num)d funded", "%(num)d funded", funded),
    )


def impact_report(period: Period) -> ImpactReport:
    report = ImpactReport(period)
    _people(report)
    _completions(report)
    _events(report)
    _meetings(report)
    _applications(report)
    return report


def _day_conditions(period: Period, day) -> list:
    """``day`` (a ``YYYY-MM-DD`` text) within the period: ISO dates compare as text."""
    result = [day.is_not(None)]
    if period.start is not None:
        result.append(day >= period.start.isoformat())
    if period.end is not None:
        result.append(day <= period.end.isoformat())
    return result


def _attendees(period: Period):
    """The people checked in at a meeting on a day of the period."""
    day = json_field(EventRecord.data, "day", "text")
    return select(EventRecord.user_id.label("user_id")).where(
        EventRecord.name == MEETING_ATTENDED,
        EventRecord.user_id.is_not(None),
        *_day_conditions(period, day),
    )


def _people(report: ImpactReport) -> None:
    """Participants: every person with at least one enrolment made in the period, or checked in
    at a meeting on a day of the period, once, counted by the country of the organisation they
    belong to now (a deleted account has none, and people without one count as participants only).

    One query: the people are counted per organisation first (``users.id IN`` the enrolments,
    ``OR IN`` the attendees: two hashed look-ups per person rather than a ``UNION`` that sorts every
    enrolment), then the few thousand organisations per country; the totals add the countries up.
    """
    period = report.period
    enrolled = select(Enrolment.user_id).where(*period.conditions(Enrolment.created_at))
    per_organisation = (
        select(User.organisation_id.label("organisation_id"), func.count().label("n"))
        .where(or_(User.id.in_(enrolled), User.id.in_(_attendees(period))))
        .group_by(User.organisation_id)
        .subquery("per_organisation")
    )
    rows = db.session.execute(
        select(
            Organisation.country,
            func.sum(per_organisation.c.n).label("n"),
            func.count(per_organisation.c.organisation_id),
        )
        .select_from(per_organisation)
        .outerjoin(Organisation, Organisation.id == per_organisation.c.organisation_id)
        .group_by(Organisation.country)
        .order_by(func.sum(per_organisation.c.n).desc(), Organisation.country)
    ).all()
    report.participants = sum(int(n) for _country, n, _orgs in rows)
    report.organisations = sum(int(orgs) for _country, _n, orgs in rows)
    report.countries = sum(1 for country, _n, _orgs in rows if country is not None)
    report.by_country = [
        CountryFigures(country, int(n), int(orgs))
        for country, n, orgs in rows
        if country is not None
    ]


def _completions(report: ImpactReport) -> None:
    period = report.period
    completed_in_period = and_(
        Enrolment.completed_at.is_not(None), *period.conditions(Enrolment.completed_at)
    )
    enrolled_in_period = (
        and_(*period.conditions(Enrolment.created_at)) if period.bounded else true()
    )
    completions, people = db.session.execute(
        select(func.count(), func.count(func.distinct(Enrolment.user_id))).where(
            completed_in_period
        )
    ).one()
    report.completions, report.participants_completed = int(completions), int(people)
    report.by_course = [
        CourseFigures(slug, localized_text(title, names), int(enrolled or 0), int(completed or 0))
        for slug, title, enrolled, completed, names in db.session.execute(
            select(
                Course.slug,
                Course.title,
                func.sum(case((enrolled_in_period, 1), else_=0)),
                func.sum(case((completed_in_period, 1), else_=0)),
                Course.translations,
            )
            .join(Enrolment, Enrolment.course_id == Course.id)
            .where(or_(enrolled_in_period, completed_in_period))
            .group_by(Course.id, Course.slug, Course.title)
            .order_by(Course.title)  # translations: by Course.id
        )
    ]


def _events(report: ImpactReport) -> None:
    in_period = report.period.conditions(EventRecord.created_at)
    report.certificates_issued = (
        db.session.scalar(
            select(func.count())
            .select_from(EventRecord)
            .where(EventRecord.name == CERTIFICATE_ISSUED, *in_period)
        )
        or 0
    )
    # A proposal is one team's submission to one assignment: resubmissions count once. An event
    # whose data was erased (its author deleted the account) still counts, as one proposal.
    team = json_field(EventRecord.data, "team_id", "integer")
    activity = json_field(EventRecord.data, "activity_id", "integer")
    key = case(
        (
            team.is_not(None),
            literal("t", String)
            + func.coalesce(activity, 0).cast(String)
            + ":"
            + team.cast(String),
        ),
        else_=literal("e", String) + EventRecord.id.cast(String),
    )
    proposals = (
        select(
            key.label("proposal"),
            func.max(json_field(EventRecord.data, "policy_area", "text")).label("area"),
            func.max(json_field(EventRecord.data, "countries", "array_length")).label("countries"),
        )
        .where(EventRecord.name == PROPOSAL_SUBMITTED, *in_period)
        .group_by(key)
        .subquery("proposals")
    )
    for area, count, transnational in db.session.execute(
        select(
            proposals.c.area, func.count(), func.sum(case((proposals.c.countries >= 2, 1), else_=0))
        )
        .group_by(proposals.c.area)
        .order_by(proposals.c.area)
    ):
        report.proposals_submitted += count
        report.proposals_transnational += int(transnational or 0)
        report.proposals_by_policy_area[area or "unknown"] = count


def _meetings(report: ImpactReport) -> None:
    """Meetings held whose start falls in the period (a meeting announced twice counts once), the
    sum of their attendees, and the distinct people checked in on a day of the period, of whom
    how many took no course in it (attended a seminar without an online course)."""
    meeting = json_field(EventRecord.data, "meeting_id", "integer")
    key = case(
        (meeting.is_not(None), literal("m", String) + meeting.cast(String)),
        else_=literal("e", String) + EventRecord.id.cast(String),
    )
    starts = func.substr(json_field(EventRecord.data, "starts_at", "text"), 1, 10)
    held = (
        select(
            key.label("meeting"),
            func.max(json_field(EventRecord.data, "attendees", "integer")).label("n"),
        )
        .where(EventRecord.name == MEETING_HELD, *_day_conditions(report.period, starts))
        .group_by(key)
        .subquery("held")
    )
    count, attendance = db.session.execute(select(func.count(), func.sum(held.c.n))).one()
    report.meetings_held, report.meeting_attendance = int(count), int(attendance or 0)
    attendees = _attendees(report.period).subquery("attendees")
    enrolled = select(Enrolment.user_id).where(*report.period.conditions(Enrolment.created_at))
    everyone, without_course = db.session.execute(
        select(
            func.count(func.distinct(attendees.c.user_id)),
            func.count(
                func.distinct(case((attendees.c.user_id.not_in(enrolled), attendees.c.user_id)))
            ),
        )
    ).one()
    report.meeting_attendees, report.participants_meetings_only = int(everyone), int(without_course)


def _applications(report: ImpactReport) -> None:
    """Applications submitted to a funder on a day of the period, those funded and the total
    granted (from this plugin's copy of peer_review's events)."""
    conditions = []
    if report.period.start is not None:
        conditions.append(FundingApplication.submitted_on >= report.period.start)
    if report.period.end is not None:
        conditions.append(FundingApplication.submitted_on <= report.period.end)
    funded = FundingApplication.outcome == "funded"
    submitted, funded_count, granted = db.session.execute(
        select(
            func.count(),
            func.sum(case((funded, 1), else_=0)),
            func.sum(case((funded, FundingApplication.granted_eur), else_=0)),
        ).where(*conditions)
    ).one()
    report.applications_submitted, report.applications_funded = (
        int(submitted),
        int(funded_count or 0),
    )
    report.granted_eur = float(granted or 0)
