"""Trainers' pages for one assignment: the grading list with its filters, grading one learner
(with the previous and next learner of the list), reopening, the ZIP of the work handed in, the
grades CSV and the settings.

Each page is for the course's trainers and the admins: it loads the activity as the learner's
pages do and answers 403 to anyone else.
"""

from __future__ import annotations

from datetime import UTC

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from nttlearn.api import (
    LANGUAGES,
    ActivityAccess,
    Enrolment,
    User,
    activity_access,
    arg_int,
    csv_response,
    db,
    require_login,
)

from . import gradebook, grading, services
from . import instructions as translated_instructions
from .definition import apply_settings
from .forms import GradeForm, ReopenForm, RubricGradeForm, SettingsForm
from .instructions import LANGUAGE_NAMES
from .views import bp, media_base


def staff_access(activity_id: int) -> ActivityAccess:
    access = activity_access(activity_id, "assignment")
    if not access.is_staff:
        abort(403)
    return access


def _show(value: str | None) -> str:
    return value if value in gradebook.FILTERS else "all"


def _cohort(access: ActivityAccess) -> int | None:
    """The ``?cohort=`` of the list: one of the course's cohorts, else None (everyone)."""
    wanted = arg_int("cohort")
    return wanted if wanted in {c.id for c in gradebook.cohorts_of(access.course.id)} else None


@bp.route("/<int:activity_id>/submissions")
@require_login
def submissions(activity_id: int):
    access = staff_access(activity_id)
    assignment = services.ensure_assignment(access.activity)
    show, cohort = _show(request.args.get("show")), _cohort(access)
    everyone = gradebook.rows(activity_id, access.course.id, cohort_id=cohort)
    return render_template(
        "assignment/submissions.html",
        access=access,
        assignment=assignment,
        show=show,
        rows=[row for row in everyone if row.matches(show)],
        counts=gradebook.counts(everyone),
        cohorts=gradebook.cohorts_of(access.course.id),
        cohort=cohort,
    )


def _learner(access: ActivityAccess, user_id: int) -> User:
    """A learner enrolled in the assignment's course, or 404."""
    enrolled = db.session.execute(
        db.select(Enrolment.id).where(
            Enrolment.course_id == access.course.id, Enrolment.user_id == user_id
        )
    ).scalar()
    learner = db.session.get(User, user_id) if enrolled else None
    if learner is None or learner.deleted_at is not None:
        abort(404)
    return learner


@bp.route("/<int:activity_id>/submissions/<int:user_id>", methods=["GET", "POST"])
@require_login
def grade(activity_id: int, user_id: int):
    access = staff_access(activity_id)
    learner = _learner(access, user_id)
    assignment = services.ensure_assignment(access.activity)
    show, cohort = _show(request.args.get("show")), _cohort(access)
    # The filtered list as it was when the page was opened: after a grade the learner may leave it.
    listed = [row.learner.id for row in gradebook.rows(activity_id, access.course.id, show, cohort)]
    place = listed.index(learner.id) if learner.id in listed else None
    previous_id = listed[place - 1] if place else None
    next_id = listed[place + 1] if place is not None and place + 1 < len(listed) else None
    form = RubricGradeForm() if assignment.rubric else GradeForm()
    status, problem, scores = 200, None, None
    rubric_errors: dict[str, str] = {}
    if request.method == "POST" and assignment.rubric:
        scores, rubric_errors = grading.read_scores(assignment.rubric, request.form)
    if form.validate_on_submit() and not rubric_errors:
        try:
            _save_grade(access, assignment, learner, form, scores)
        except services.SubmissionError as exc:
            db.session.rollback()
            problem, status = str(exc), 400
            if not assignment.rubric:
                form.points.errors, problem = [*form.points.errors, problem], None
        else:
            db.session.commit()
            flash(_("The grade has been saved and the learner told."), "success")
            if next_id is not None:  # on to the next learner of the list, as a grader works
                return redirect(
                    url_for(
                        "assignment.grade",
                        activity_id=activity_id,
                        user_id=next_id,
                        show=show,
                        cohort=cohort,
                    )
                )
            return redirect(
                url_for("assignment.submissions", activity_id=activity_id, show=show, cohort=cohort)
            )
    elif request.method == "POST":
        status = 400
        problem = _("Choose a level for every criterion.") if rubric_errors else None
    submission = services.submission_of(activity_id, learner.id)
    if request.method == "GET" and submission is not None and submission.points is not None:
        form.feedback.data = submission.feedback
        if not assignment.rubric:
            form.points.data = submission.points
    shown = (
        grading.form_scores(assignment.rubric, request.form)
        if request.method == "POST"
        else submission.rubric_scores
        if submission
        else None
    )  # re-shown as the trainer left it
    files = services.files_of([submission.id]).get(submission.id, []) if submission else []
    return render_template(
        "assignment/grade.html",
        access=access,
        assignment=assignment,
        learner=learner,
        submission=submission,
        form=form,
        reopen_form=ReopenForm(),
        files=[f for f in files if f.kind == "submission"],
        returned=[f for f in files if f.kind == "feedback"],
        previous_id=previous_id,
        next_id=next_id,
        show=show,
        cohort=cohort,
        due=services.due_for(learner, access.activity, assignment),
        media_base=media_base(access),
        rubric=grading.shown_rubric(assignment, shown),
        rubric_errors=rubric_errors,
        problem=problem,
    ), status


def _save_grade(access: ActivityAccess, assignment, learner: User, form, scores) -> None:
    """Grade with the rubric's levels (``scores``) or with the points typed; raises SubmissionError."""
    upload = form.returned.data
    returned = (
        services.Upload(upload.filename, upload.read()) if upload and upload.filename else None
    )
    if assignment.rubric:
        grading.grade_with_rubric(
            access.activity,
            assignment,
            learner,
            current_user,
            scores=scores,
            feedback=form.feedback.data or "",
            returned=returned,
        )
    else:
        services.grade(
            access.activity,
            assignment,
            learner,
            current_user,
            points=form.points.data,
            feedback=form.feedback.data or "",
            returned=returned,
        )


@bp.route("/<int:activity_id>/submissions/<int:user_id>/reopen", methods=["POST"])
@require_login
def reopen(activity_id: int, user_id: int):
    access = staff_access(activity_id)
    learner = _learner(access, user_id)
    submission = services.submission_of(activity_id, learner.id)
    if submission is None or not services.reopen(submission):
        flash(_("There is nothing to reopen: the learner can already change their work."), "info")
    else:
        db.session.commit()
        flash(_("The learner can change their work and hand it in again."), "success")
    return redirect(url_for("assignment.grade", activity_id=activity_id, user_id=user_id))


@bp.route("/<int:activity_id>/submissions.zip")
@require_login
def submissions_zip(activity_id: int):
    access = staff_access(activity_id)
    data = gradebook.submissions_zip(
        gradebook.rows(activity_id, access.course.id, cohort_id=_cohort(access))
    )
    return Response(
        data,
        mimetype="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="assignment-{activity_id}-submissions.zip"',
            "Cache-Control": "private, no-store",
        },
    )


@bp.route("/<int:activity_id>/grades.csv")
@require_login
def grades_csv(activity_id: int):
    access = staff_access(activity_id)
    assignment = services.ensure_assignment(access.activity)
    header, lines = gradebook.grade_lines(
        assignment, gradebook.rows(activity_id, access.course.id, cohort_id=_cohort(access))
    )
    return csv_response(f"assignment-{activity_id}-grades.csv", header, lines)


@bp.route("/<int:activity_id>/edit", methods=["GET", "POST"])
@require_login
def edit(activity_id: int):
    access = staff_access(activity_id)
    assignment = services.ensure_assignment(access.activity)
    form = SettingsForm(obj=assignment)
    if request.method == "GET":
        form.due_at.data = (
            assignment.due_at.astimezone(UTC).replace(tzinfo=None) if assignment.due_at else None
        )
    elif form.validate_on_submit():
        values = {
            name: getattr(form, name).data
            for name in (
                "max_points",
                "pass_mark",
                "text_entry",
                "file_upload",
                "file_types",
                "max_file_mb",
                "max_files",
                "completion",
            )
        }
        values["instructions"] = form.instructions.data or ""
        values["due_at"] = form.due_at.data.replace(tzinfo=UTC) if form.due_at.data else None
        values["file_types"] = sorted(values["file_types"] or [])
        apply_settings(assignment, values)
        db.session.commit()
        flash(_("The assignment settings have been saved."), "success")
        return redirect(url_for("assignment.edit", activity_id=activity_id))
    db.session.commit()
    states = [(locale, translated_instructions.state(assignment, locale)) for locale in LANGUAGES]
    return render_template(
        "assignment/edit.html",
        access=access,
        assignment=assignment,
        form=form,
        instruction_states=states,
        languages=LANGUAGE_NAMES,
    ), (400 if form.errors else 200)
