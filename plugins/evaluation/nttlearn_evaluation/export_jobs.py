"""The evaluation reports' large downloads as background jobs (``nttlearn.api.export_later``): over
``NTTLEARN_EXPORT_JOB_ROWS`` rows (events in the period for the impact report, learners of the
course for its report) the PDF or CSV is built by a job and the person gets a link to it.

The builders take JSON arguments only (ids, the table's name, the filter's query arguments) and
rebuild the report exactly as the page would from the same query."""

from __future__ import annotations

from werkzeug.datastructures import MultiDict

from nttlearn.api import Course, Enrolment, EventRecord, ExportFailed, csv_text, db

from .exports import course_table, impact_table
from .filters import FilterForm, Period
from .impact import impact_report
from .monitoring import course_report, filter_choices, learner_rows
from .pdf import impact_pdf
from .questionnaires import policy_area_labels


def _form(
    query: dict[str, str], choices: dict[str, list[tuple[str, str]]] | None = None
) -> FilterForm:
    form = FilterForm(formdata=MultiDict(query))
    for name in ("organisation", "country", "cohort"):
        form[name].choices = [("", "—"), *(choices or {}).get(name, [])]
    return form


def impact_rows(period: Period) -> int:
    """The impact report's size: the events of its period."""
    return db.session.execute(
        db.select(db.func.count())
        .select_from(EventRecord)
        .where(*period.conditions(EventRecord.created_at))
    ).scalar_one()


def course_rows(course_id: int) -> int:
    """A course report's size: its enrolled learners."""
    return db.session.execute(
        db.select(db.func.count()).select_from(Enrolment).where(Enrolment.course_id == course_id)
    ).scalar_one()


def impact_pdf_file(query: dict[str, str]) -> bytes:
    """The impact report's PDF for the period in ``query`` (``from``, ``to``)."""
    return impact_pdf(impact_report(_form(query).filters().period), policy_area_labels())


def impact_csv_file(table: str, query: dict[str, str]) -> bytes:
    header, rows = impact_table(impact_report(_form(query).filters().period), table)
    return csv_text(header, rows).encode("utf-8")


def course_csv_file(course_id: int, table: str, query: dict[str, str]) -> bytes:
    """One table of a course's report, with the filters of ``query``."""
    course = db.session.get(Course, course_id)
    if course is None:
        from flask_babel import gettext as _

        raise ExportFailed(_("The course has been deleted."))
    filters = _form(query, filter_choices(course_id)).filters()
    report = course_report(course, filters, limit=0)
    learners = learner_rows(course, filters) if table == "learners" else []
    header, rows = course_table(report, table, learners)
    return csv_text(header, rows).encode("utf-8")
