"""The NTT+ impact figures for any period: "69 participants representing 56 organisations from
4 countries", completions, certificates, proposals and meetings (definitions in
``docs/evaluation.md``). Seven aggregate queries, whatever the size of the programme."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from flask_babel import gettext, ngettext, npgettext
from sqlalchemy import String, and_, case, func, literal, or_, select, true

from nttlearn.api import Course, Enrolment, EventRecord, Organisation, User, db

from .filters import Period
from .sql import event_names_ending, json_field

CERTIFICATE_ISSUED = "certificates.issued"
PROPOSAL_SUBMITTED = "peer_review.proposal_submitted"
MEETING_HELD = ".meeting_held"  # any plugin's: events.meeting_held, partnering.meeting_held, …


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
            "by_country": [asdict(c) for c in self.by_country],
            "by_course": [asdict(c) for c in self.by_course],
            "summary": self.summary(),
        }


def summary_sentence(participants: int, organisations: int, countries: int) -> str:
    """NTT+'s sentence, each number with its own plural; the context lets translators inflect
    each part for the sentence (Finnish says "from 4 countries" as "4 maasta")."""
    return gettext(
        "%(participants)s representing %(organisations)s from %(countries)s",
        participants=npgettext("impact summary", "%(num)d participant", "%(num)d participants", participants),
        organisations=npgettext("impact summary", "%(num)d organisation", "%(num)d organisations", organisations),
        countries=npgettext("impact summary", "%(num)d country", "%(num)d countries", countries),
    )


def proposals_sentence(proposals: int) -> str:
    return ngettext("%(num)d proposal submitted.", "%(num)d proposals submitted.", proposals)


def impact_report(period: Period) -> ImpactReport:
    report = ImpactReport(period)
    _people(report)
    _completions(report)
    _events(report)
    return report


def _participants(period: Period):
    """Every person with at least one enrolment made in the period, once, with the organisation
    they belong to now (a deleted account has none)."""
    return (
        select(Enrolment.user_id, User.organisation_id, Organisation.country).distinct()
        .join(User, User.id == Enrolment.user_id)
        .outerjoin(Organisation, Organisation.id == User.organisation_id)
        .where(*period.conditions(Enrolment.created_at))
        .subquery("participants")
    )


def _people(report: ImpactReport) -> None:
    people = _participants(report.period)
    report.participants, report.organisations, report.countries = (int(x) for x in db.session.execute(select(
        func.count(), func.count(func.distinct(people.c.organisation_id)), func.count(func.distinct(people.c.country))
    )).one())
    report.by_country = [
        CountryFigures(country, participants, organisations)
        for country, participants, organisations in db.session.execute(
            select(people.c.country, func.count(), func.count(func.distinct(people.c.organisation_id)))
            .where(people.c.country.is_not(None))
            .group_by(people.c.country).order_by(func.count().desc(), people.c.country)
        )
    ]


def _completions(report: ImpactReport) -> None:
    period = report.period
    completed_in_period = and_(Enrolment.completed_at.is_not(None), *period.conditions(Enrolment.completed_at))
    enrolled_in_period = and_(*period.conditions(Enrolment.created_at)) if period.bounded else true()
    completions, people = db.session.execute(
        select(func.count(), func.count(func.distinct(Enrolment.user_id))).where(completed_in_period)
    ).one()
    report.completions, report.participants_completed = int(completions), int(people)
    report.by_course = [
        CourseFigures(slug, title, int(enrolled or 0), int(completed or 0))
        for slug, title, enrolled, completed in db.session.execute(
            select(Course.slug, Course.title,
                   func.sum(case((enrolled_in_period, 1), else_=0)), func.sum(case((completed_in_period, 1), else_=0)))
            .join(Enrolment, Enrolment.course_id == Course.id)
            .where(or_(enrolled_in_period, completed_in_period))
            .group_by(Course.id, Course.slug, Course.title).order_by(Course.title)
        )
    ]


def _events(report: ImpactReport) -> None:
    in_period = report.period.conditions(EventRecord.created_at)
    report.certificates_issued = db.session.scalar(
        select(func.count()).select_from(EventRecord).where(EventRecord.name == CERTIFICATE_ISSUED, *in_period)
    ) or 0
    # A proposal is one team's submission to one assignment: resubmissions count once. An event
    # whose data was erased (its author deleted the account) still counts, as one proposal.
    team = json_field(EventRecord.data, "team_id", "integer")
    activity = json_field(EventRecord.data, "activity_id", "integer")
    key = case(
        (team.is_not(None), literal("t", String) + func.coalesce(activity, 0).cast(String) + ":" + team.cast(String)),
        else_=literal("e", String) + EventRecord.id.cast(String),
    )
    proposals = (
        select(key.label("proposal"),
               func.max(json_field(EventRecord.data, "policy_area", "text")).label("area"),
               func.max(json_field(EventRecord.data, "countries", "array_length")).label("countries"))
        .where(EventRecord.name == PROPOSAL_SUBMITTED, *in_period)
        .group_by(key).subquery("proposals")
    )
    for area, count, transnational in db.session.execute(
        select(proposals.c.area, func.count(), func.sum(case((proposals.c.countries >= 2, 1), else_=0)))
        .group_by(proposals.c.area).order_by(proposals.c.area)
    ):
        report.proposals_submitted += count
        report.proposals_transnational += int(transnational or 0)
        report.proposals_by_policy_area[area or "unknown"] = count
    held, attendance = db.session.execute(
        select(func.count(), func.sum(json_field(EventRecord.data, "participants", "integer")))
        .where(EventRecord.name.in_(event_names_ending(MEETING_HELD)), *in_period)
    ).one()
    report.meetings_held, report.meeting_attendance = int(held), int(attendance or 0)
