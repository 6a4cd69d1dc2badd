"""A learner's quiz data for their GDPR export, and what account deletion removes: the texts
they wrote in essays (and the graders' comments on them). Marks stay, now anonymous."""

from __future__ import annotations

from typing import Any

from nttlearn.api import db

from .models import Attempt, AttemptAnswer, QuestionVersion, QuizGrade


def user_data(user_id: int) -> dict[str, Any] | None:
    attempts = list(
        db.session.execute(
            db.select(Attempt)
            .where(Attempt.user_id == user_id)
            .order_by(Attempt.activity_id, Attempt.number)
        ).scalars()
    )
    grades = list(
        db.session.execute(db.select(QuizGrade).where(QuizGrade.user_id == user_id)).scalars()
    )
    if not attempts and not grades:
        return None
    answers: dict[int, list[dict[str, Any]]] = {a.id: [] for a in attempts}
    if attempts:
        for answer, name in db.session.execute(
            db.select(AttemptAnswer, QuestionVersion.data["name"])
            .join(QuestionVersion, QuestionVersion.id == AttemptAnswer.question_version_id)
            .where(AttemptAnswer.attempt_id.in_(list(answers)))
            .order_by(AttemptAnswer.slot_number)
        ).all():
            answers[answer.attempt_id].append(
                {
                    "question": name,
                    "response": answer.response,
                    "fraction": answer.fraction,
                    "comment": answer.comment or None,
                }
            )
    return {
        "attempts": [
            {
                "quiz_id": a.activity_id,
                "number": a.number,
                "state": a.state,
                "language": a.locale,
                "started_at": a.started_at.isoformat(),
                "finished_at": a.finished_at.isoformat() if a.finished_at else None,
                "grade": a.percent,
                "answers": answers[a.id],
            }
            for a in attempts
        ],
        "grades": [
            {"quiz_id": g.activity_id, "grade": g.grade, "override": g.override} for g in grades
        ],
    }


def delete_user_data(user_id: int) -> None:
    """Essay texts are personal: remove them (and the comments on them); keep the marks."""
    essays = (
        db.select(AttemptAnswer.id)
        .join(Attempt, Attempt.id == AttemptAnswer.attempt_id)
        .join(QuestionVersion, QuestionVersion.id == AttemptAnswer.question_version_id)
        .where(Attempt.user_id == user_id, QuestionVersion.data["type"].as_string() == "essay")
    )
    ids = list(db.session.execute(essays).scalars())
    if ids:
        db.session.execute(
            db.update(AttemptAnswer)
            .where(AttemptAnswer.id.in_(ids))
            .values(response=None, comment="")
        )
    db.session.execute(
        db.update(QuizGrade).where(QuizGrade.user_id == user_id).values(override_comment="")
    )
