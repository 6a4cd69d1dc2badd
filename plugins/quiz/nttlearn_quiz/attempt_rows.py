"""Reading an attempt's rows: the attempt under its row lock, its answers, and the question
versions they were taken with. Both the attempt's life (``services``) and its marks (``grades``)
read them from here, so neither imports the other's internals."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from nttlearn.api import db

from .models import Attempt, AttemptAnswer, QuestionVersion, Quiz, QuizGrade


def lock_attempt(attempt_id: int) -> Attempt | None:
    """Load the attempt holding its row lock until the transaction ends (``SELECT … FOR UPDATE``
    on PostgreSQL; on SQLite the first write of the transaction takes the database's write
    lock, so this writes first)."""
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(
            db.update(Attempt).where(Attempt.id == attempt_id).values(version=Attempt.version)
        )
    return db.session.execute(
        db.select(Attempt)
        .where(Attempt.id == attempt_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar()


@dataclass
class LearnerAttempts:
    """What :func:`lock_attempts` read with the attempt: the quiz, all the learner's attempts of
    it (by number, the attempt among them) and the learner's grade row (None: none yet)."""

    quiz: Quiz | None
    attempts: list[Attempt]
    grade: QuizGrade | None


def lock_attempts(attempt_id: int) -> tuple[Attempt | None, LearnerAttempts]:
    """:func:`lock_attempt`, reading in the same statement what finishing it needs: all the same
    learner's attempts of the same quiz (locked too), the quiz, and the learner's grade row."""
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(
            db.update(Attempt).where(Attempt.id == attempt_id).values(version=Attempt.version)
        )
    this = db.aliased(Attempt)
    rows = db.session.execute(
        db.select(Attempt, Quiz, QuizGrade)
        .join(this, (this.activity_id == Attempt.activity_id) & (this.user_id == Attempt.user_id))
        .join(Quiz, Quiz.activity_id == Attempt.activity_id)
        .outerjoin(
            QuizGrade,
            (QuizGrade.activity_id == Attempt.activity_id) & (QuizGrade.user_id == Attempt.user_id),
        )
        .where(this.id == attempt_id)
        .order_by(Attempt.number)
        .with_for_update(of=Attempt)
        .execution_options(populate_existing=True)
    ).all()
    attempts = [attempt for attempt, _quiz, _grade in rows]
    known = LearnerAttempts(rows[0][1] if rows else None, attempts, rows[0][2] if rows else None)
    return next((a for a in attempts if a.id == attempt_id), None), known


def answers_of(attempt: Attempt) -> list[AttemptAnswer]:
    """The attempt's answers, by slot number."""
    return list(
        db.session.execute(
            db.select(AttemptAnswer)
            .where(AttemptAnswer.attempt_id == attempt.id)
            .order_by(AttemptAnswer.slot_number)
        ).scalars()
    )


def answers_with_questions(
    attempt: Attempt,
) -> tuple[list[AttemptAnswer], dict[int, dict[str, Any]]]:
    """The attempt's answers (by slot number) and the question JSON each was taken with, by
    version id, in one query."""
    answers: list[AttemptAnswer] = []
    data: dict[int, dict[str, Any]] = {}
    for answer, version_id, question in db.session.execute(
        db.select(AttemptAnswer, QuestionVersion.id, QuestionVersion.data)
        .join(QuestionVersion, QuestionVersion.id == AttemptAnswer.question_version_id)
        .where(AttemptAnswer.attempt_id == attempt.id)
        .order_by(AttemptAnswer.slot_number)
    ):
        answers.append(answer)
        data[version_id] = question
    return answers, data


def questions_of(answers: Iterable[AttemptAnswer]) -> dict[int, dict[str, Any]]:
    """The question JSON each answer was taken with, by version id, in one query."""
    ids = {a.question_version_id for a in answers}
    if not ids:
        return {}
    return dict(
        db.session.execute(
            db.select(QuestionVersion.id, QuestionVersion.data).where(QuestionVersion.id.in_(ids))
        ).all()
    )
