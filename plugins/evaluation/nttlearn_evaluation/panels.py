"""The plugin's own panel on a course's report pages: its surveys and the course report."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select

from nttlearn.api import Activity, Course, Module, ReportPanel, db, localized_text, render_fragment

from .models import Survey, SurveyResponse


def course_panels(course: Course | None) -> list[ReportPanel]:
    """One panel for a course (none for the programme): links to the course report and to each
    survey's results, with the number of answers (one query)."""
    if course is None:
        return []
    rows = db.session.execute(
        select(
            Activity.id,
            Activity.title,
            Survey.anonymous,
            func.count(SurveyResponse.id),
            Activity.translations,
        )
        .join(Module, Module.id == Activity.module_id)
        .outerjoin(Survey, Survey.activity_id == Activity.id)
        .outerjoin(SurveyResponse, SurveyResponse.survey_id == Survey.id)
        .where(
            Module.course_id == course.id,
            Activity.type_key == "survey",
            Activity.archived.is_(False),
            Module.archived.is_(False),
        )
        # Activity.translations needs no GROUP BY of its own (JSON has no equality in PostgreSQL):
        # it depends on Activity.id, the primary key grouped here.
        .group_by(Activity.id, Activity.title, Survey.anonymous, Module.position, Activity.position)
        .order_by(Module.position, Activity.position)
    ).all()
    surveys = [
        (i, localized_text(title, names), anonymous, n) for i, title, anonymous, n, names in rows
    ]
    body = render_fragment("evaluation/_course_panel.html", course=course, surveys=surveys)
    return [ReportPanel(_("Monitoring and evaluation"), body)]
