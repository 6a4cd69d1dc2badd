"""Every table of every report as CSV rows: the same numbers as the page and its charts.

Column names are stable English identifiers (as in the core's progress CSV) so that scripts
and spreadsheets can rely on them whatever the reader's language.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from nttlearn.api import current_locale

from .impact import ImpactReport, figure_rows
from .monitoring import CourseReport, LearnerRow
from .programme import ProgrammeReport
from .quality import QualityReport
from .questionnaires import END_OF_COURSE_SCALES
from .surveys import SurveyResults
from .timeline import TimelineEntry

Table = tuple[Sequence[str], list[Sequence[Any]]]


def course_table(report: CourseReport, name: str, learners: list[LearnerRow]) -> Table:
    if name == "summary":
        return ["measure", "value"], [
            ["enrolled", report.enrolled],
            ["active_last_7_days", report.active_7],
            ["active_last_30_days", report.active_30],
            ["completed", report.completed],
            ["completion_percent", report.completion_percent],
            ["median_days_to_complete", report.median_days],
            ["at_risk", report.at_risk],
        ]
    if name == "modules":
        return ["module", "completed", "enrolled", "percent"], [
            [m.title, m.completed, m.enrolled, m.percent] for m in report.modules
        ]
    if name == "activities":
        return [
            "activity",
            "type",
            "module",
            "required",
            "completed",
            "enrolled",
            "percent",
            "mean_score",
        ], [
            [
                a.title,
                a.type_key,
                a.module,
                a.required,
                a.completed,
                a.enrolled,
                a.percent,
                a.mean_score,
            ]
            for a in report.activities
        ]
    if name == "learners":
        return [
            "name",
            "organisation",
            "country",
            "cohort",
            "enrolled_at",
            "last_active_at",
            "completed_at",
            "failed_attempts",
            "inactive",
            "at_risk",
        ], [
            [
                r.name,
                r.organisation,
                r.country,
                r.cohort,
                r.enrolled_at,
                r.last_active_at,
                r.completed_at,
                r.failed_attempts,
                r.inactive,
                r.at_risk,
            ]
            for r in learners
        ]
    raise ValueError(f"no table {name!r}")


def programme_table(report: ProgrammeReport, name: str) -> Table:
    if name == "courses":
        return [
            "course",
            "slug",
            "published",
            "enrolled",
            "active_last_30_days",
            "completed",
            "completion_percent",
            "median_days_to_complete",
        ], [
            [
                c.localized_title(current_locale()),
                c.slug,
                c.published,
                c.enrolled,
                c.active_30,
                c.completed,
                c.completion_percent,
                c.median_days,
            ]
            for c in report.courses
        ]
    if name == "countries":
        return ["country", "participants"], [[c.country, c.participants] for c in report.by_country]
    if name == "organisations":
        return ["organisation", "country", "participants"], [
            [o.label, o.country, o.participants] for o in report.by_organisation
        ]
    if name == "months":
        return ["month", "enrolments"], [list(row) for row in report.by_month]
    raise ValueError(f"no table {name!r}")


def quality_table(report: QualityReport, name: str) -> Table:
    if name == "courses":
        return [
            "course",
            "responses",
            *[f"mean_{k}" for k in END_OF_COURSE_SCALES],
            "intending_to_submit_percent",
            "withheld",
        ], [
            [
                c.localized_title(current_locale()),
                c.responses,
                *[c.means.get(k) for k in END_OF_COURSE_SCALES],
                c.intending_percent,
                c.withheld,
            ]
            for c in report.courses
        ]
    if name == "policy-areas":
        needs = report.needs
        return ["policy_area", "respondents", "percent"], [
            [area, count, needs.percent(count)] for area, count in needs.areas.items()
        ]
    if name == "eu-experience":
        needs = report.needs
        return ["experience", "respondents", "percent"], [
            [key, count, needs.percent(count)] for key, count in needs.experience.items()
        ]
    raise ValueError(f"no table {name!r}")


def impact_table(report: ImpactReport, name: str) -> Table:
    if name == "figures":
        period = report.period.as_dict()
        return ["measure", "value"], [
            ["period_from", period["from"]],
            ["period_to", period["to"]],
            *([key, value] for key, _label, value in figure_rows(report)),
            ["summary", report.summary()],
        ]
    if name == "countries":
        return ["country", "participants", "organisations"], [
            [c.country, c.participants, c.organisations] for c in report.by_country
        ]
    if name == "courses":
        return ["course", "slug", "participants", "completions"], [
            [c.title, c.slug, c.participants, c.completions] for c in report.by_course
        ]
    if name == "policy-areas":
        return ["policy_area", "proposals"], [
            [k, v] for k, v in report.proposals_by_policy_area.items()
        ]
    raise ValueError(f"no table {name!r}")


def survey_table(results: SurveyResults, name: str, locale: str | None) -> Table:
    """``results``: distribution and mean per question; ``comments``: the free-text answers
    (with the author only for a named survey)."""
    if name == "results":
        rows: list[Sequence[Any]] = []
        for q in results.questions:
            mean = round(q.mean, 2) if q.mean is not None else None
            if q.question.kind == "text":
                rows.append(
                    [
                        q.question.key,
                        q.question.text(locale),
                        q.question.kind,
                        q.answered,
                        None,
                        "",
                        "",
                        None,
                        None,
                    ]
                )
            for option in q.question.choices():
                rows.append(
                    [
                        q.question.key,
                        q.question.text(locale),
                        q.question.kind,
                        q.answered,
                        mean,
                        option.value,
                        option.text(locale),
                        q.counts.get(option.value, 0),
                        q.percent(option.value),
                    ]
                )
        return [
            "question",
            "question_text",
            "type",
            "answered",
            "mean",
            "option",
            "option_text",
            "count",
            "percent",
        ], rows
    if name == "comments":
        named = not results.survey.anonymous
        header = ["question", "question_text", *(["name"] if named else []), "comment"]
        return header, [
            [q.question.key, q.question.text(locale), *([c.author] if named else []), c.text]
            for q in results.questions
            for c in q.comments
        ]
    raise ValueError(f"no table {name!r}")


def timeline_table(entries: list[TimelineEntry]) -> Table:
    return ["at", "event", "course", "description"], [
        [e.at, e.name, e.course_title, e.what] for e in entries
    ]
