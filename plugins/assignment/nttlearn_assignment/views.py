"""The learner's pages (blueprint ``assignment``): the assignment with its instructions, status,
grade and feedback; keeping a draft and handing in; removing a file; downloading one's own files.
The trainers' pages are in :mod:`.staff_views`, on the same blueprint.

A learner only ever reaches their own submission: another learner's file answers 404.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from nttlearn.api import (
    ActivityAccess,
    activity_access,
    db,
    media_headers,
    require_login,
    send_stored_file,
)

from . import grading, services
from .forms import AnswerForm
from .models import Submission, SubmissionFile

# The blueprint's name is the plugin's name: the core answers 404 for it when the plugin is off.
bp = Blueprint(
    "assignment",
    __name__,
    url_prefix="/assignment",
    template_folder="templates",
    static_folder="static",
)


def media_base(access: ActivityAccess) -> str:
    return url_for("learn.media", slug=access.course.slug, filename="")


def _page(access: ActivityAccess, form: AnswerForm, status: int = 200, problem: str | None = None):
    assignment = services.ensure_assignment(access.activity)
    submission = services.submission_of(access.activity.id, current_user.id)
    files = services.files_of([submission.id] if submission else [])
    mine = files.get(submission.id, []) if submission else []
    if request.method == "GET" and submission is not None:
        form.text.data = submission.text
    form.seen.data = str(submission.times_submitted if submission else 0)
    return render_template(
        "assignment/view.html",
        access=access,
        assignment=assignment,
        submission=submission,
        form=form,
        instructions=assignment.localized_instructions(str(get_locale() or "en")),
        media_base=media_base(access),
        due=services.due_for(current_user, access.activity, assignment),
        files=[f for f in mine if f.kind == "submission"],
        returned=[f for f in mine if f.kind == "feedback"],
        may_edit=access.enrolment is not None and services.may_edit(submission),
        problem=problem,
        rubric=grading.shown_rubric(
            assignment,
            submission.rubric_scores if submission and submission.points is not None else None,
        ),
    ), status


@bp.route("/<int:activity_id>")
@require_login
def view(activity_id: int):
    access = activity_access(activity_id, "assignment")
    page = _page(access, AnswerForm())
    db.session.commit()  # the settings row of an assignment placed in the editor
    return page


@bp.route("/<int:activity_id>/answer", methods=["POST"])
@require_login
def answer(activity_id: int):
    """Keep the draft ("Save draft") or hand the work in ("Hand in"); the page shows what happened."""
    access = activity_access(activity_id, "assignment")
    if access.enrolment is None:
        abort(403)  # trainers look at the assignment; only learners hand in work
    form = AnswerForm()
    if not form.validate_on_submit():
        return _page(access, form, 400)
    assignment = services.ensure_assignment(access.activity)
    submit = request.form.get("action") == "submit"
    uploads = [
        services.Upload(f.filename or "", f.read())
        for f in (form.files.data or [])
        if f and f.filename
    ]
    seen = form.seen.data
    try:
        _submission, handed_in = services.save_work(
            access.activity,
            assignment,
            current_user,
            text=form.text.data or "",
            uploads=uploads,
            submit=submit,
            seen_count=int(seen) if seen and seen.isdigit() else None,
        )
    except services.SubmissionError as exc:
        db.session.rollback()
        return _page(access, form, 400, problem=str(exc))
    db.session.commit()
    if handed_in:
        flash(_("Your work has been handed in."), "success")
    elif submit:
        flash(_("Your work had already been handed in."), "info")
    else:
        flash(_("Your draft has been saved. It is not handed in yet."), "success")
    return redirect(url_for("assignment.view", activity_id=activity_id))


@bp.route("/<int:activity_id>/files/<int:file_id>/delete", methods=["POST"])
@require_login
def delete_file(activity_id: int, file_id: int):
    access = activity_access(activity_id, "assignment")
    submission = services.submission_of(access.activity.id, current_user.id)
    if submission is None:  # the site's CSRF protection has checked the form's token already
        abort(404)
    try:
        services.delete_own_file(submission, file_id)
    except LookupError:
        abort(404)
    except services.SubmissionError as exc:
        flash(str(exc), "error")
        return redirect(url_for("assignment.view", activity_id=activity_id))
    db.session.commit()
    flash(_("The file has been removed."), "success")
    return redirect(url_for("assignment.view", activity_id=activity_id))


@bp.route("/<int:activity_id>/files/<int:file_id>")
@require_login
def download(activity_id: int, file_id: int):
    """A file of a submission, for its learner and the course's trainers; never shown inline."""
    access = activity_access(activity_id, "assignment")
    file = db.session.get(SubmissionFile, file_id)
    submission = db.session.get(Submission, file.submission_id) if file is not None else None
    if (
        file is None
        or submission is None
        or submission.activity_id != activity_id
        or (submission.user_id != current_user.id and not access.is_staff)
    ):
        abort(404)
    mime, _inline, headers = media_headers(file.filename)
    try:
        response: Response = send_stored_file(
            file.storage_key, mimetype=mime, as_attachment=True, download_name=file.filename
        )
    except FileNotFoundError:
        abort(404)
    response.headers.update(headers)
    response.headers["Cache-Control"] = "private, no-store"
    return response
