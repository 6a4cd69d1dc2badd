"""Reading an attempt's rows: the attempt under its row lock, its answers, and the question
versions they were taken with. Both the attempt's life (``services``) and its marks (``grades``)
read them from here, so neither imports the other's internals."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from nttlearn.api import db

from .models import Attempt, AttemptAnswer, QuestionVersion


def lock_attempt(attempt_id: int) -> Attempt | None:
    """Load the attempt holding its row lock until the transaction ends (``SELECT … FOR UPDATE``
    on PostgreSQL; on SQLite the first write of the transaction takes the database's write
    lock, so this writes first)."""
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(db.update(Attempt).where(Attempt.id == attempt_id).values(version=Attempt.version))
    return db.session.execute(
        db.select(Attempt).where(Attempt.id == attempt_id).with_for_update()
        .execution_options(populate_existing=True)
    ).scalar()


def answers_of(attempt: Attempt) -> list[AttemptAnswer]:
    """The attempt's answers, by slot number."""
    return list(db.session.execute(db.select(AttemptAnswer).where(AttemptAnswer.attempt_id == attempt.id)
                                   .order_by(AttemptAnswer.slot_number)).scalars())


def answers_with_questions(attempt: Attempt) -> tuple[list[AttemptAnswer], dict[int, dict[str, Any]]]:
    """The attempt's answers (by slot number) and the question JSON each was taken with, by
    version id, in one query."""
    answers: list[AttemptAnswer] = []
    data: dict[int, dict[str, Any]] = {}
    for answer, version_id, question in db.session.execute(
        db.select(AttemptAnswer, QuestionVersion.id, QuestionVersion.data)
        .join(QuestionVersion, QuestionVersion.id == AttemptAnswer.question_version_id)
        .where(AttemptAnswer.attempt_id == attempt.id).order_by(AttemptAnswer.slot_number)
    ):
        answers.append(answer)
        data[version_id] = question
    return answers, data


def questions_of(answers: Iterable[AttemptAnswer]) -> dict[int, dict[str, Any]]:
    """The question JSON each answer was taken with, by version id, in one query."""
    ids = {a.question_version_id for a in answers}
    if not ids:
        return {}
    return dict(db.session.execute(
        db.select(QuestionVersion.id, QuestionVersion.data).where(QuestionVersion.id.in_(ids))).all())
