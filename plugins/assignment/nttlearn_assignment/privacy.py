"""A learner's assignment data for their GDPR export, and what account deletion removes: the
texts and files they handed in and the feedback written to them (the rubric's comments too).
Points and the rubric levels chosen stay, now anonymous."""

from __future__ import annotations

from typing import Any

from nttlearn.api import db

from .models import Submission, SubmissionFile
from .services import files_of, remove_file


def user_data(user_id: int) -> dict[str, Any] | None:
    submissions = list(
        db.session.execute(
            db.select(Submission)
            .where(Submission.user_id == user_id)
            .order_by(Submission.activity_id)
        ).scalars()
    )
    if not submissions:
        return None
    files = files_of([s.id for s in submissions])
    return {
        "submissions": [
            {
                "assignment_id": s.activity_id,
                "state": s.state,
                "text": s.text,
                "submitted_at": s.submitted_at.isoformat() if s.submitted_at else None,
                "late": s.late,
                "times_submitted": s.times_submitted,
                "points": s.points,
                "feedback": s.feedback,
                "rubric": s.rubric_scores,
                "graded_at": s.graded_at.isoformat() if s.graded_at else None,
                "files": [
                    {"name": f.filename, "size": f.size, "kind": f.kind} for f in files[s.id]
                ],
            }
            for s in submissions
        ]
    }


def delete_user_data(user_id: int) -> None:
    """Remove what the person wrote and handed in (and the files returned to them); keep the marks."""
    ids = list(
        db.session.execute(db.select(Submission.id).where(Submission.user_id == user_id)).scalars()
    )
    if not ids:
        return
    for file in db.session.execute(
        db.select(SubmissionFile).where(SubmissionFile.submission_id.in_(ids))
    ).scalars():
        remove_file(file)
    db.session.execute(
        db.update(Submission).where(Submission.id.in_(ids)).values(text="", feedback="")
    )
    for submission in db.session.execute(
        db.select(Submission).where(Submission.id.in_(ids), Submission.rubric_scores.is_not(None))
    ).scalars():
        submission.rubric_scores = {
            key: {**score, "comment": ""} for key, score in submission.rubric_scores.items()
        }
