"""What learners and trainers do with an assignment, without a request: keep a draft, submit,
resubmit, grade, reopen. Each function runs in the caller's transaction; the views commit.

"At most once" lives in the database: one submission row per learner (a unique constraint), and
the move to ``submitted`` is a conditional update on the state and count the learner's page was
built from, so a double click (or two tabs) hands the work in once and emits one event.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from flask_babel import gettext as _
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import IntegrityError

from nttlearn.api import (
    Activity,
    MediaRefused,
    Module,
    User,
    check_upload,
    complete_activity,
    db,
    deadline_for,
    emit,
    file_store,
    utcnow,
)

from .definition import DEFAULT_FILE_TYPES
from .models import Assignment, Submission, SubmissionFile

MAX_TEXT = 100_000
MB = 1024 * 1024


class SubmissionError(ValueError):
    """The action was refused; the message, in the person's language, says why."""


@dataclass(frozen=True)
class Upload:
    """A file as the learner (or the trainer) sent it."""

    filename: str
    data: bytes


# -- reading -------------------------------------------------------------------------------------
def ensure_assignment(activity: Activity) -> Assignment:
    """The assignment's settings row (made with the defaults for an activity placed without one)."""
    assignment = db.session.get(Assignment, activity.id)
    if assignment is None:
        assignment = Assignment(
            activity_id=activity.id,
            instructions="",
            translations={},
            max_points=100.0,
            text_entry=True,
            file_upload=True,
            file_types=list(DEFAULT_FILE_TYPES),
            max_file_mb=10,
            max_files=3,
            completion="submitted",
        )
        db.session.add(assignment)
        db.session.flush()
    return assignment


def due_for(user: User | int, activity: Activity, assignment: Assignment) -> datetime | None:
    """The learner's due date: their extension or cohort deadline (the core's), else the
    assignment's own date, else None."""
    return deadline_for(user, activity) or assignment.due_at


def submission_of(activity_id: int, user_id: int) -> Submission | None:
    return db.session.execute(
        db.select(Submission).where(
            Submission.activity_id == activity_id, Submission.user_id == user_id
        )
    ).scalar()


def files_of(submission_ids: list[int], kind: str | None = None) -> dict[int, list[SubmissionFile]]:
    found: dict[int, list[SubmissionFile]] = {i: [] for i in submission_ids}
    if not submission_ids:
        return found
    query = db.select(SubmissionFile).where(SubmissionFile.submission_id.in_(submission_ids))
    if kind is not None:
        query = query.where(SubmissionFile.kind == kind)
    for file in db.session.execute(query.order_by(SubmissionFile.filename)).scalars():
        found[file.submission_id].append(file)
    return found


def ensure_submission(activity_id: int, user_id: int) -> Submission:
    """The learner's submission row, made as an empty draft if there is none (in a savepoint: a
    second request making it at the same moment finds the first one's)."""
    found = submission_of(activity_id, user_id)
    if found is not None:
        return found
    try:
        with db.session.begin_nested():
            submission = Submission(
                activity_id=activity_id,
                user_id=user_id,
                state="draft",
                text="",
                times_submitted=0,
                late=False,
                feedback="",
            )
            db.session.add(submission)
    except IntegrityError:
        found = submission_of(activity_id, user_id)
        assert found is not None
        return found
    return submission


def may_edit(submission: Submission | None) -> bool:
    """A learner changes their work until it is graded (and again once a trainer reopens it)."""
    return submission is None or submission.state in ("draft", "submitted")


def course_id_of(activity: Activity) -> int:
    return db.session.execute(
        db.select(Module.course_id).where(Module.id == activity.module_id)
    ).scalar_one()


# -- files ---------------------------------------------------------------------------------------
_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]")


def clean_filename(name: str) -> str:
    """The file's own name (no folders, no control or reserved characters), at most 200 characters."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = _UNSAFE.sub("_", base).strip().lstrip(".")
    if len(base) > 200:
        stem, dot, extension = base.rpartition(".")
        base = (stem[:190] + dot + extension[:9]) if dot else base[:200]
    return base or "file"


def check_file(assignment: Assignment, upload: Upload) -> str:
    """The cleaned name of an acceptable file, or :class:`SubmissionError` saying why not."""
    name = clean_filename(upload.filename)
    extension = name.rpartition(".")[2].lower() if "." in name else ""
    if extension not in assignment.file_types:
        raise SubmissionError(
            _(
                "“%(name)s”: only these file types are accepted: %(types)s.",
                name=name,
                types=", ".join(assignment.file_types),
            )
        )
    if len(upload.data) > assignment.max_file_mb * MB:
        raise SubmissionError(
            _("“%(name)s” is larger than %(mb)s MB.", name=name, mb=assignment.max_file_mb)
        )
    if not upload.data:
        raise SubmissionError(_("“%(name)s” is empty.", name=name))
    try:
        check_upload(name, upload.data)
    except MediaRefused as refused:
        raise SubmissionError(f"“{name}”: {refused}") from None
    return name


def store_file(submission: Submission, kind: str, name: str, data: bytes) -> SubmissionFile:
    """Keep ``data`` in the file store and list it on the submission; a file of the same name
    replaces the earlier one."""
    old = db.session.execute(
        db.select(SubmissionFile).where(
            SubmissionFile.submission_id == submission.id,
            SubmissionFile.kind == kind,
            SubmissionFile.filename == name,
        )
    ).scalar()
    if old is not None:
        remove_file(old)
    key = f"assignment/{submission.activity_id}/{submission.id}/{uuid.uuid4().hex}"
    file_store().save(key, data)
    row = SubmissionFile(
        submission_id=submission.id,
        kind=kind,
        filename=name,
        size=len(data),
        storage_key=key,
        created_at=utcnow(),
    )
    db.session.add(row)
    db.session.flush()
    return row


def remove_file(file: SubmissionFile) -> None:
    file_store().delete(file.storage_key)
    db.session.delete(file)
    db.session.flush()


# -- the learner ----------------------------------------------------------------------------------
def save_work(
    activity: Activity,
    assignment: Assignment,
    user: User,
    *,
    text: str,
    uploads: list[Upload],
    submit: bool,
    seen_count: int | None = None,
    now: datetime | None = None,
) -> tuple[Submission, bool]:
    """Keep the learner's text and new files, and hand them in when ``submit``.

    Returns the submission and whether this call handed it in (False for a draft, and for a
    second click on "Submit" that the first one already handled: ``seen_count`` is the number
    of hand-ins the learner's page showed). Raises :class:`SubmissionError` with the reason.
    """
    now = now or utcnow()
    submission = ensure_submission(activity.id, user.id)
    if not may_edit(submission):
        raise SubmissionError(
            _("Your work has been graded. Ask your trainer to reopen it if you want to change it.")
        )
    text = (text or "").replace("\r\n", "\n")
    if len(text) > MAX_TEXT:
        raise SubmissionError(_("Your answer is longer than %(num)s characters.", num=MAX_TEXT))
    if seen_count is not None and submit and submission.times_submitted > seen_count:
        return submission, False  # a second click: the first one handed it in
    if uploads:
        if not assignment.file_upload:
            raise SubmissionError(_("This assignment takes no files."))
        names = [check_file(assignment, upload) for upload in uploads]
        kept = {f.filename for f in files_of([submission.id], "submission")[submission.id]}
        if len(kept | set(names)) > assignment.max_files:
            raise SubmissionError(
                _("You can hand in at most %(num)s files.", num=assignment.max_files)
            )
        for name, upload in zip(names, uploads, strict=True):
            store_file(submission, "submission", name, upload.data)
    if assignment.text_entry:
        submission.text = text
    submission.updated_at = now
    db.session.flush()
    if not submit:
        return submission, False
    has_files = bool(files_of([submission.id], "submission")[submission.id])
    if not submission.text.strip() and not has_files:
        raise SubmissionError(
            _("There is nothing to hand in yet: write your answer or add a file.")
        )
    due = due_for(user, activity, assignment)
    late = due is not None and now > due
    handed_in = (
        cast(
            CursorResult[Any],
            db.session.execute(
                db.update(Submission)
                .where(
                    Submission.id == submission.id,
                    Submission.state.in_(("draft", "submitted")),
                    Submission.times_submitted == submission.times_submitted,
                )
                .values(
                    state="submitted",
                    submitted_at=now,
                    late=late,
                    times_submitted=Submission.times_submitted + 1,
                )
                .execution_options(synchronize_session=False)
            ),
        ).rowcount
        == 1
    )
    db.session.refresh(submission)
    if not handed_in:
        return submission, False
    course_id = course_id_of(activity)
    emit(
        "assignment.submitted",
        user_id=user.id,
        course_id=course_id,
        data={
            "activity_id": activity.id,
            "activity": activity.key,
            "submission_id": submission.id,
            "late": late,
            "times_submitted": submission.times_submitted,
        },
    )
    if assignment.completion == "submitted":
        complete_activity(user.id, activity)
    return submission, True


def delete_own_file(submission: Submission, file_id: int) -> None:
    file = db.session.get(SubmissionFile, file_id)
    if file is None or file.submission_id != submission.id or file.kind != "submission":
        raise LookupError(file_id)
    if not may_edit(submission):
        raise SubmissionError(
            _("Your work has been graded. Ask your trainer to reopen it if you want to change it.")
        )
    remove_file(file)


# -- the trainer ------------------------------------------------------------------------------------
def grade(
    activity: Activity,
    assignment: Assignment,
    learner: User,
    grader: User,
    *,
    points: float,
    feedback: str,
    returned: Upload | None = None,
    now: datetime | None = None,
    rubric_scores: dict | None = None,
) -> Submission:
    """Mark the learner's work (a missing one too: it may be given 0), tell them, and complete
    the activity as its rule says. Grading again changes the grade. ``rubric_scores``: the levels
    and comments the points were computed from (:func:`.grading.grade_with_rubric`)."""
    from .notifications import tell_graded

    now = now or utcnow()
    if not 0 <= points <= assignment.max_points:
        raise SubmissionError(_("Points go from 0 to %(max)s.", max=f"{assignment.max_points:g}"))
    if len(feedback or "") > MAX_TEXT:
        raise SubmissionError(_("The feedback is longer than %(num)s characters.", num=MAX_TEXT))
    submission = ensure_submission(activity.id, learner.id)
    name = None
    if returned is not None:
        name = clean_filename(returned.filename)
        try:
            check_upload(name, returned.data)
        except MediaRefused as refused:
            raise SubmissionError(f"“{name}”: {refused}") from None
        if len(returned.data) > assignment.max_file_mb * MB or not returned.data:
            raise SubmissionError(
                _("“%(name)s” is larger than %(mb)s MB.", name=name, mb=assignment.max_file_mb)
            )
    changed = (
        submission.points != points
        or submission.feedback != (feedback or "")
        or submission.state != "graded"
        or submission.rubric_scores != rubric_scores
    )
    submission.points, submission.feedback = float(points), (feedback or "").replace("\r\n", "\n")
    submission.rubric_scores = rubric_scores
    submission.state, submission.graded_at, submission.graded_by = "graded", now, grader.id
    if returned is not None and name is not None:
        store_file(submission, "feedback", name, returned.data)
        changed = True
    db.session.flush()
    if not changed:
        return submission
    percent = 100 * points / assignment.max_points
    passed = assignment.pass_mark is None or points >= assignment.pass_mark
    course_id = course_id_of(activity)
    emit(
        "assignment.graded",
        user_id=learner.id,
        course_id=course_id,
        data={
            "activity_id": activity.id,
            "activity": activity.key,
            "submission_id": submission.id,
            "points": float(points),
            "max_points": assignment.max_points,
            "passed": passed,
            "graded_by": grader.id,
        },
    )
    if assignment.completion == "passed":
        if assignment.pass_mark is not None and points >= assignment.pass_mark:
            complete_activity(learner.id, activity, score=percent)
    elif submission.times_submitted > 0:
        complete_activity(learner.id, activity, score=percent)
    emit(
        "activity.graded",
        user_id=learner.id,
        course_id=course_id,
        data={
            "activity_id": activity.id,
            "score": percent,
            "passed": None if assignment.pass_mark is None else passed,
        },
    )
    tell_graded(learner, activity, submission, assignment.max_points)
    return submission


def reopen(submission: Submission) -> bool:
    """Let the learner change and hand in their work again (the grade stays until the next one)."""
    reopened = (
        cast(
            CursorResult[Any],
            db.session.execute(
                db.update(Submission)
                .where(Submission.id == submission.id, Submission.state != "draft")
                .values(state="draft")
                .execution_options(synchronize_session=False)
            ),
        ).rowcount
        == 1
    )
    db.session.refresh(submission)
    return reopened
