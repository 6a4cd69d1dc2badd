"""The trainer's view of one assignment: every enrolled learner with their submission (or none),
filtered as the grading list shows it, and the same rows as a ZIP of the work handed in and a CSV
of the grades. Both downloads read back what the page lists."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from nttlearn.api import (
    Activity,
    Cohort,
    CohortMember,
    CourseStaff,
    Enrolment,
    Module,
    User,
    db,
    file_store,
)

from .models import Assignment, Submission
from .services import clean_filename, files_of

#: The filters of the grading list (``?show=``).
FILTERS = ("all", "to_grade", "graded", "late", "missing")


@dataclass(frozen=True)
class Row:
    learner: User
    submission: Submission | None

    @property
    def handed_in(self) -> bool:
        return self.submission is not None and self.submission.times_submitted > 0

    @property
    def status(self) -> str:
        """``missing``, ``draft`` (reopened or never handed in), ``to_grade`` or ``graded``."""
        if self.submission is None or (self.submission.state == "draft" and not self.handed_in):
            return "missing"
        if self.submission.state == "draft":
            return "draft"
        return "to_grade" if self.submission.state == "submitted" else "graded"

    def matches(self, show: str) -> bool:
        if show == "late":
            return self.submission is not None and self.submission.late and self.handed_in
        return show == "all" or self.status == show


def rows(
    activity_id: int, course_id: int, show: str = "all", cohort_id: int | None = None
) -> list[Row]:
    """The course's learners (its trainers left out; with ``cohort_id``, that cohort's members
    only) with their submissions, by name: two queries."""
    staff = db.select(CourseStaff.user_id).where(CourseStaff.course_id == course_id)
    query = (
        db.select(User)
        .join(Enrolment, Enrolment.user_id == User.id)
        .where(Enrolment.course_id == course_id, User.deleted_at.is_(None), User.id.not_in(staff))
    )
    if cohort_id is not None:
        query = query.where(
            User.id.in_(
                db.select(CohortMember.user_id).where(
                    CohortMember.cohort_id == cohort_id, CohortMember.course_id == course_id
                )
            )
        )
    learners = db.session.execute(query.order_by(User.name, User.id)).scalars().all()
    submissions = {
        s.user_id: s
        for s in db.session.execute(
            db.select(Submission).where(Submission.activity_id == activity_id)
        ).scalars()
    }
    found = [Row(learner, submissions.get(learner.id)) for learner in learners]
    return [row for row in found if row.matches(show)]


def cohorts_of(course_id: int) -> list[Cohort]:
    return list(
        db.session.execute(
            db.select(Cohort)
            .where(Cohort.course_id == course_id)
            .order_by(Cohort.starts_on.desc(), Cohort.name)
        ).scalars()
    )


def counts(all_rows: list[Row]) -> dict[str, int]:
    return {show: sum(1 for row in all_rows if row.matches(show)) for show in FILTERS}


def submissions_zip(all_rows: list[Row]) -> bytes:
    """One folder per learner who handed in (``Name (id)/``) with their text as ``answer.md`` and
    their files; the learner's id keeps two people of the same name apart."""
    handed = [
        (row.learner, row.submission)
        for row in all_rows
        if row.submission is not None and row.handed_in
    ]
    files = files_of([submission.id for _learner, submission in handed], "submission")
    store = file_store()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for learner, submission in handed:
            folder = f"{clean_filename(learner.name)} ({learner.id})"
            if submission.text.strip():
                archive.writestr(f"{folder}/answer.md", submission.text)
            for file in files[submission.id]:
                try:
                    archive.writestr(f"{folder}/{file.filename}", store.read(file.storage_key))
                except FileNotFoundError:
                    continue  # the store lost it: the rest of the archive is still useful
    return buffer.getvalue()


def grade_lines(
    assignment: Assignment, all_rows: list[Row]
) -> tuple[list[str], list[list[object]]]:
    """The grades CSV: the header and one line per learner (formulas are defused by the core's
    writer); with a rubric, the points of the level chosen for each criterion (``rubric:<key>``)."""
    keys = [c["key"] for c in (assignment.rubric or {}).get("criteria") or []]
    header = [
        "user_id",
        "name",
        "email",
        "status",
        "submitted_at",
        "late",
        "points",
        "max_points",
        "passed",
        "graded_at",
        "feedback",
        *(f"rubric:{key}" for key in keys),
    ]
    lines = []
    for row in all_rows:
        s = row.submission
        points = s.points if s is not None else None
        passed = (
            None
            if points is None or assignment.pass_mark is None
            else points >= assignment.pass_mark
        )
        lines.append(
            [
                row.learner.id,
                row.learner.name,
                row.learner.email,
                row.status,
                s.submitted_at if s else None,
                bool(s and s.late and row.handed_in),
                points,
                assignment.max_points,
                passed,
                s.graded_at if s else None,
                s.feedback if s else "",
                *(
                    ((s.rubric_scores or {}).get(key) or {}).get("points") if s else None
                    for key in keys
                ),
            ]
        )
    return header, lines


def to_grade_by_activity(user_id: int) -> list[tuple[Activity, int, int]]:
    """For a trainer: ``(activity, course_id, count)`` of every assignment in the courses they
    teach with work waiting to be graded, in two queries."""
    counted = db.session.execute(
        db.select(Submission.activity_id, Module.course_id, db.func.count(Submission.id))
        .join(Activity, Activity.id == Submission.activity_id)
        .join(Module, Module.id == Activity.module_id)
        .join(
            CourseStaff,
            (CourseStaff.course_id == Module.course_id) & (CourseStaff.user_id == user_id),
        )
        .where(
            Submission.state == "submitted",
            Activity.archived.is_(False),
            Module.archived.is_(False),
            Submission.user_id != user_id,
        )
        .group_by(Submission.activity_id, Module.course_id)
    ).all()
    if not counted:
        return []
    activities = {
        a.id: a
        for a in db.session.execute(
            db.select(Activity).where(Activity.id.in_([r[0] for r in counted]))
        ).scalars()
    }
    return [
        (activities[activity_id], course_id, count) for activity_id, course_id, count in counted
    ]
