"""Report pages and their CSV downloads. Who may see what:

- a course's report, its learners' timelines and its survey results: the course's trainers
  (and admins), through ``require_course_staff``;
- the programme, quality and impact reports: coordinators and admins;
- a learner's own timeline: that learner, at ``/reports/me``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import get_locale, pgettext
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from nttlearn.api import (
    Activity,
    Course,
    Enrolment,
    EventRecord,
    Module,
    User,
    csv_response,
    db,
    export_is_large,
    export_later,
    report_panels,
    require_coordinator,
    require_course_staff,
    require_login,
)

from . import PLUGIN, export_jobs
from .charts import BarChart
from .exports import (
    course_table,
    impact_table,
    programme_table,
    quality_table,
    survey_table,
    timeline_table,
)
from .filters import FilterForm, LearnerFilters, Period
from .impact import (
    applications_sentence,
    impact_report,
    participants_note,
    proposals_sentence,
    shown_rows,
)
from .monitoring import course_report as build_course_report
from .monitoring import filter_choices, learner_rows
from .pdf import impact_pdf
from .programme import country_choices, programme_report
from .quality import quality_report
from .questionnaires import experience_labels, policy_area_labels
from .surveys import survey_for, survey_results
from .timeline import learner_timeline

reports = Blueprint("reports", __name__, url_prefix="/reports")


def _locale() -> str:
    return str(get_locale() or "en")


def _filter_form(choices: dict[str, list[tuple[str, str]]]) -> FilterForm:
    """The filter bar, offering "—" (anyone) and the given ``(value, label)`` pairs per filter."""
    form = FilterForm(request.args)
    for name in ("organisation", "country", "cohort"):
        form[name].choices = [
            SelectChoice("", "—"),
            *(SelectChoice(value, label) for value, label in choices.get(name, [])),
        ]
    return form


def _other_panels(course: Course | None) -> list:
    return [panel for panel in report_panels(course) if panel.plugin != PLUGIN]


# -- course ------------------------------------------------------------------------------------
@reports.route("/courses/<int:course_id>")
@require_course_staff
def course_report(course_id: int):
    course = db.get_or_404(Course, course_id)  # require_course_staff has answered 404 already
    form = _filter_form(filter_choices(course_id))
    report = build_course_report(course, form.filters())
    modules_chart = BarChart(
        _("Completion per module"),
        [""],
        [(m.title, [m.percent]) for m in report.modules],
        unit="%",
        maximum=100,
        ident="modules-chart",
    )
    return render_template(
        "evaluation/course_report.html",
        course=course,
        report=report,
        form=form,
        modules_chart=modules_chart,
        surveys=[a for a in report.activities if a.type_key == "survey"],
        panels=_other_panels(course),
        args=report.filters.query_args(),
        locale=_locale(),
    )


@reports.route("/courses/<int:course_id>/<any(summary, modules, activities, learners):table>.csv")
@require_course_staff
def course_report_csv(course_id: int, table: str):
    course = db.get_or_404(Course, course_id)  # require_course_staff has answered 404 already
    if export_is_large(export_jobs.course_rows(course_id)):
        return export_later(
            current_user,
            export_jobs.course_csv_file,
            course_id,
            table,
            request.args.to_dict(),
            filename=f"{course.slug}-{table}.csv",
            back=url_for(".course_report", course_id=course_id),
        )
    form = _filter_form(filter_choices(course_id))
    filters = form.filters()
    report = build_course_report(course, filters, limit=0)
    learners = learner_rows(course, filters) if table == "learners" else []
    header, rows = course_table(report, table, learners)
    return csv_response(f"{course.slug}-{table}.csv", header, rows)


def _learner_in_course(course_id: int, user_id: int) -> User:
    """The person, if enrolled in this course or with a trace in its event log (someone who has
    since unenrolled): a trainer sees no one else."""
    user = db.session.get(User, user_id)
    enrolled = db.exists().where(Enrolment.course_id == course_id, Enrolment.user_id == user_id)
    traced = db.exists().where(EventRecord.course_id == course_id, EventRecord.user_id == user_id)
    if user is None or not db.session.scalar(db.select(enrolled | traced)):
        abort(404)
    return user


@reports.route("/courses/<int:course_id>/learners/<int:user_id>")
@require_course_staff
def learner_timeline_page(course_id: int, user_id: int):
    course = db.get_or_404(Course, course_id)  # require_course_staff has answered 404 already
    learner = _learner_in_course(course_id, user_id)
    entries = learner_timeline(user_id, course_id)
    return render_template(
        "evaluation/timeline.html",
        course=course,
        learner=learner,
        entries=entries,
        csv_url=url_for(".learner_timeline_csv", course_id=course_id, user_id=user_id),
    )


@reports.route("/courses/<int:course_id>/learners/<int:user_id>/timeline.csv")
@require_course_staff
def learner_timeline_csv(course_id: int, user_id: int):
    course = db.get_or_404(Course, course_id)  # require_course_staff has answered 404 already
    _learner_in_course(course_id, user_id)
    header, rows = timeline_table(learner_timeline(user_id, course_id, limit=None))
    return csv_response(f"{course.slug}-learner-{user_id}-timeline.csv", header, rows)


def _survey_in_course(course_id: int, activity_id: int) -> Activity:
    activity = db.session.execute(
        db.select(Activity)
        .join(Module, Module.id == Activity.module_id)
        .where(
            Activity.id == activity_id, Activity.type_key == "survey", Module.course_id == course_id
        )
    ).scalar()
    if activity is None:
        abort(404)
    return activity


@reports.route("/courses/<int:course_id>/surveys/<int:activity_id>")
@require_course_staff
def survey_results_page(course_id: int, activity_id: int):
    course = db.get_or_404(Course, course_id)  # require_course_staff has answered 404 already
    activity = _survey_in_course(course_id, activity_id)
    results = survey_results(survey_for(activity))
    db.session.commit()  # survey_for may have created the survey of a never-imported activity
    locale = _locale()
    charts = {
        q.question.key: BarChart(
            q.question.text(locale),
            [""],
            [(o.text(locale), [q.counts.get(o.value, 0)]) for o in q.question.choices()],
            ident=f"q-{q.question.key}",
        )
        for q in results.questions
        if q.question.kind != "text"
    }
    return render_template(
        "evaluation/survey_results.html",
        course=course,
        activity=activity,
        results=results,
        charts=charts,
        locale=locale,
    )


@reports.route(
    "/courses/<int:course_id>/surveys/<int:activity_id>/<any(results, comments):table>.csv"
)
@require_course_staff
def survey_results_csv(course_id: int, activity_id: int, table: str):
    course = db.get_or_404(Course, course_id)  # require_course_staff has answered 404 already
    activity = _survey_in_course(course_id, activity_id)
    results = survey_results(survey_for(activity))
    db.session.commit()
    if results.hidden:
        abort(403)
    header, rows = survey_table(results, table, _locale())
    return csv_response(f"{course.slug}-{activity.key}-{table}.csv", header, rows)


# -- a learner's own -----------------------------------------------------------------------------
@reports.route("/me")
@require_login
def my_timeline():
    entries = learner_timeline(current_user.id)
    return render_template(
        "evaluation/timeline.html",
        course=None,
        learner=current_user,
        entries=entries,
        csv_url=url_for(".my_timeline_csv"),
    )


@reports.route("/me/timeline.csv")
@require_login
def my_timeline_csv():
    header, rows = timeline_table(learner_timeline(current_user.id, limit=None))
    return csv_response("my-timeline.csv", header, rows)


# -- programme -----------------------------------------------------------------------------------
def _programme_filters() -> tuple[FilterForm, LearnerFilters]:
    form = _filter_form({"country": country_choices()})
    return form, form.filters()


@reports.route("/programme")
@require_coordinator
def programme():
    form, filters = _programme_filters()
    report = programme_report(filters)
    locale = _locale()
    charts = {
        "courses": BarChart(
            _("Enrolled and completed per course"),
            [
                pgettext("number of learners", "Enrolled"),
                pgettext("number of learners", "Completed"),
            ],
            [(c.localized_title(locale), [c.enrolled, c.completed]) for c in report.courses],
            ident="courses-chart",
        ),
        "countries": BarChart(
            _("Participants by country"),
            [""],
            [(c.label or _("No organisation"), [c.participants]) for c in report.by_country],
            ident="countries-chart",
        ),
        "organisations": BarChart(
            _("Participants by organisation (top 15)"),
            [""],
            [
                (o.label or _("No organisation"), [o.participants])
                for o in report.by_organisation[:15]
            ],
            ident="organisations-chart",
        ),
        "months": BarChart(
            _("Enrolments per month"),
            [""],
            [(m, [n]) for m, n in report.by_month],
            ident="months-chart",
        ),
    }
    return render_template(
        "evaluation/programme.html",
        report=report,
        form=form,
        charts=charts,
        args=filters.query_args(),
        locale=locale,
    )


@reports.route("/programme/<any(courses, countries, organisations, months):table>.csv")
@require_coordinator
def programme_csv(table: str):
    _form, filters = _programme_filters()
    header, rows = programme_table(programme_report(filters), table)
    return csv_response(f"programme-{table}.csv", header, rows)


@reports.route("/quality")
@require_coordinator
def quality():
    report = quality_report()
    locale = _locale()
    areas = policy_area_labels()
    charts = {
        "courses": BarChart(
            _("Mean rating per course (1 to 5)"),
            [_("Relevance"), _("Clarity"), _("Methodology"), _("Peer feedback")],
            [
                (
                    c.localized_title(locale),
                    [
                        c.means.get(k) or 0
                        for k in ("relevance", "clarity", "methodology", "peer_feedback")
                    ],
                )
                for c in report.courses
                if not c.withheld
            ],
            maximum=5,
            ident="quality-chart",
        ),
        "areas": BarChart(
            _("Interest per policy area"),
            [""],
            [(str(areas[a]), [n]) for a, n in report.needs.areas.items()],
            ident="areas-chart",
        ),
    }
    return render_template(
        "evaluation/quality.html",
        report=report,
        charts=charts,
        areas=areas,
        experience_labels=experience_labels(),
        panels=_other_panels(None),
        locale=locale,
    )


@reports.route('/quality/<any(courses, "policy-areas", "eu-experience"):table>.csv')
@require_coordinator
def quality_csv(table: str):
    header, rows = quality_table(quality_report(), table)
    return csv_response(f"quality-{table}.csv", header, rows)


# -- impact --------------------------------------------------------------------------------------
def _impact_period() -> tuple[FilterForm, Period]:
    form = FilterForm(request.args)
    return form, form.filters().period


@reports.route("/impact")
@require_coordinator
def impact():
    form, period = _impact_period()
    report = impact_report(period)
    return render_template(
        "evaluation/impact.html",
        report=report,
        form=form,
        areas=policy_area_labels(),
        proposals=proposals_sentence(report.proposals_submitted),
        args=_period_args(period),
        figures=shown_rows(report),
        note=participants_note(),
        applications=applications_sentence(
            report.applications_submitted, report.applications_funded
        ),
        today=date.today(),
    )


@reports.route("/impact.pdf")
@require_coordinator
def impact_pdf_download():
    _form, period = _impact_period()
    if export_is_large(export_jobs.impact_rows(period)):
        return export_later(
            current_user,
            export_jobs.impact_pdf_file,
            request.args.to_dict(),
            filename="impact-report.pdf",
            back=url_for(".impact", **_period_args(period)),
        )
    report = impact_report(period)
    pdf = impact_pdf(report, policy_area_labels())
    return (
        pdf,
        200,
        {
            "Content-Type": "application/pdf",
            "Content-Disposition": 'attachment; filename="impact-report.pdf"',
        },
    )


@reports.route('/impact/<any(figures, countries, courses, "policy-areas"):table>.csv')
@require_coordinator
def impact_csv(table: str):
    _form, period = _impact_period()
    if export_is_large(export_jobs.impact_rows(period)):
        return export_later(
            current_user,
            export_jobs.impact_csv_file,
            table,
            request.args.to_dict(),
            filename=f"impact-{table}.csv",
            back=url_for(".impact", **_period_args(period)),
        )
    header, rows = impact_table(impact_report(period), table)
    return csv_response(f"impact-{table}.csv", header, rows)


def _period_args(period: Period) -> dict[str, Any]:
    return {k: v for k, v in period.as_dict().items() if v}
