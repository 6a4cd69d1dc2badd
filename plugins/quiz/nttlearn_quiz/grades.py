"""Marks: grading a finished attempt, the grading queue of essays, regrading after a question
is fixed, a learner's grade for the quiz (by the grading method, or a trainer's override), and
the activity's completion in the core."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask_babel import gettext as _

from nttlearn.api import Activity, complete_activity, db, emit, get_enrolment, utcnow

from .attempt_rows import LearnerAttempts, answers_of, lock_attempt, questions_of
from .languages import grading_data
from .models import Attempt, AttemptAnswer, QuestionVersion, Quiz, QuizGrade, Slot
from .registry import question_types


class GradingError(ValueError):
    """A grade the trainer cannot give; the message says why."""


# -- one attempt ---------------------------------------------------------------------------------------
def grade_attempt(
    attempt: Attempt,
    answers: list[AttemptAnswer],
    keep_manual: bool = False,
    data: dict[int, dict[str, Any]] | None = None,
) -> None:
    """Grade every answer of a finished attempt and total them.

    Auto-graded questions get their fraction; an answered essay waits for a grader (an
    unanswered one earns 0 at once); a description carries no marks. With ``keep_manual`` a
    grader's marks stay (regrading).
    """
    data = data if data is not None else questions_of(answers)
    data = grading_data(attempt, answers, data)
    types = question_types()
    for answer in answers:
        question = data[answer.question_version_id]
        cls = types.get(question.get("type"))
        if cls is None or not cls.graded:
            answer.fraction, answer.needs_grading = None, False
        elif not cls.auto_graded:
            if keep_manual and answer.graded_at is not None:
                continue
            if answer.response is None:
                answer.fraction, answer.needs_grading = 0.0, False
            else:
                answer.fraction, answer.needs_grading = None, True
        else:
            answer.fraction, answer.needs_grading = (
                cls().grade(question, answer.response).fraction,
                False,
            )
    total_answers(attempt, answers, data)


def total_answers(
    attempt: Attempt, answers: list[AttemptAnswer], data: dict[int, dict[str, Any]]
) -> None:
    types = question_types()
    graded = [
        a
        for a in answers
        if (cls := types.get(data[a.question_version_id].get("type"))) is None or cls.graded
    ]
    attempt.max_marks = float(sum(a.mark for a in graded))
    attempt.needs_grading = any(a.needs_grading for a in graded)
    if attempt.needs_grading:
        attempt.marks, attempt.percent = None, None
        return
    attempt.marks = round(sum((a.fraction or 0.0) * a.mark for a in graded), 7)
    attempt.percent = (
        round(100 * attempt.marks / attempt.max_marks, 5) if attempt.max_marks else 100.0
    )


def passed(quiz: Quiz, percent: float | None) -> bool | None:
    return None if percent is None else percent >= quiz.pass_mark - 1e-9


def after_grading(
    quiz: Quiz,
    attempt: Attempt,
    event: str,
    *,
    enrolled: bool | None = None,
    known: LearnerAttempts | None = None,
) -> None:
    """Announce an attempt's (new) grade, update the learner's quiz grade and completion
    (``enrolled``: whether the learner is enrolled, ``known``: all their attempts of the quiz and
    their grade row, when the caller knows)."""
    emit(
        event,
        user_id=attempt.user_id,
        course_id=quiz.course_id,
        data={
            "activity_id": quiz.activity_id,
            "attempt_id": attempt.id,
            "score": attempt.percent,
            "passed": passed(quiz, attempt.percent),
        },
    )
    refresh_grade(quiz, attempt.user_id, enrolled=enrolled, known=known)


# -- the learner's grade for the quiz -----------------------------------------------------------------
def method_grade(method: str, attempts: list[Attempt]) -> float | None:
    """The quiz grade from the learner's attempts (ordered by number) by the grading method;
    attempts still waiting for an essay grade count as not graded."""
    finished = [a for a in attempts if a.state == "finished"]
    if not finished:
        return None
    if method == "first":
        return finished[0].percent
    if method == "last":
        return finished[-1].percent
    scores = [a.percent for a in finished if a.percent is not None]
    if not scores:
        return None
    return max(scores) if method == "highest" else round(sum(scores) / len(scores), 5)


def grade_row(activity_id: int, user_id: int) -> QuizGrade | None:
    return db.session.execute(
        db.select(QuizGrade).where(
            QuizGrade.activity_id == activity_id, QuizGrade.user_id == user_id
        )
    ).scalar()


def _grade_row_for_update(activity_id: int, user_id: int, grade: float | None = None) -> QuizGrade:
    """The learner's grade row, created (with ``grade``) when missing, even by two requests at once."""
    row = grade_row(activity_id, user_id)
    return row if row is not None else _new_grade_row(activity_id, user_id, grade)


def _new_grade_row(activity_id: int, user_id: int, grade: float | None) -> QuizGrade:
    """Insert the learner's grade row (a concurrent request's row wins)."""
    from sqlalchemy.exc import IntegrityError

    row = QuizGrade(activity_id=activity_id, user_id=user_id, grade=grade, override_comment="")
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        row = grade_row(activity_id, user_id)
        assert row is not None
    return row


def refresh_grade(
    quiz: Quiz, user_id: int, *, enrolled: bool | None = None, known: LearnerAttempts | None = None
) -> float | None:
    """Recompute and store the learner's quiz grade; complete the activity when earned (for an
    enrolled learner: ``enrolled`` when the caller knows, else read). ``known``: the learner's
    attempts of the quiz and grade row when the caller read them under the attempts' lock
    (:func:`~.attempt_rows.lock_attempts`), else they are read here."""
    if known is not None:
        attempts = known.attempts
    else:
        attempts = list(
            db.session.execute(
                db.select(Attempt)
                .where(Attempt.activity_id == quiz.activity_id, Attempt.user_id == user_id)
                .order_by(Attempt.number)
            ).scalars()
        )
    grade = method_grade(quiz.grading_method, attempts)
    existing = known.grade if known is not None else grade_row(quiz.activity_id, user_id)
    before = existing.effective if existing is not None else None
    row = existing if existing is not None else _new_grade_row(quiz.activity_id, user_id, grade)
    if row.grade != grade:
        row.grade = grade
    _complete_if_earned(
        quiz, user_id, row.effective, any(a.state == "finished" for a in attempts), enrolled
    )
    if row.effective is not None and row.effective != before:
        # The core's generic grade event, after the completion: rules that need a grade (a
        # certificate's minimum) read it without knowing the quiz.
        emit(
            "activity.graded",
            user_id=user_id,
            course_id=quiz.course_id,
            data={
                "activity_id": quiz.activity_id,
                "score": row.effective,
                "passed": passed(quiz, row.effective),
            },
        )
    return row.effective


def _complete_if_earned(
    quiz: Quiz, user_id: int, grade: float | None, attempted: bool, enrolled: bool | None = None
) -> None:
    """Completion is never taken back here (a regrade or an override that lowers a grade
    leaves it); a trainer who reopens an attempt decides that in the core."""
    if enrolled is None:
        enrolled = get_enrolment(user_id, quiz.course_id) is not None
    if not enrolled:
        return  # a trainer trying the quiz out
    earned = (
        attempted if quiz.completion == "attempt" else (grade is not None and passed(quiz, grade))
    )
    if earned:
        activity = db.session.get(Activity, quiz.activity_id)
        complete_activity(user_id, activity, score=grade)


def override_grade(
    quiz: Quiz, user_id: int, percent: float | None, comment: str, by_user_id: int
) -> QuizGrade:
    """Set (or, with None, remove) a trainer's grade for a learner, which wins over attempts."""
    if percent is not None and not 0 <= percent <= 100:
        raise GradingError(_("A grade is a percentage from 0 to 100."))
    row = _grade_row_for_update(quiz.activity_id, user_id)
    row.override, row.override_comment = percent, comment.strip()
    row.overridden_by_id = by_user_id if percent is not None else None
    db.session.flush()
    refresh_grade(quiz, user_id)
    return row


# -- essays -------------------------------------------------------------------------------------------
def grading_queue(activity_id: int) -> list[tuple[AttemptAnswer, Attempt]]:
    """Essay answers waiting for a grader, oldest attempt first."""
    return list(
        db.session.execute(
            db.select(AttemptAnswer, Attempt)
            .join(Attempt, Attempt.id == AttemptAnswer.attempt_id)
            .where(
                Attempt.activity_id == activity_id,
                Attempt.state == "finished",
                AttemptAnswer.needs_grading.is_(True),
            )
            .order_by(Attempt.finished_at, Attempt.id, AttemptAnswer.slot_number)
        ).all()
    )


def grade_answer(
    answer_id: int, mark: float, comment: str, grader_id: int, now: datetime | None = None
) -> Attempt:
    """A grader's mark (out of the question's mark) and comment for one answer of a finished
    attempt. When it was the last answer waiting, the attempt's grade is announced
    (``quiz.attempt_graded``); a later change is announced as ``quiz.attempt_regraded``."""
    answer = db.session.get(AttemptAnswer, answer_id)
    if answer is None:
        raise GradingError(_("No such answer."))
    attempt = lock_attempt(answer.attempt_id)
    db.session.refresh(answer)
    if attempt is None or attempt.state != "finished":
        raise GradingError(_("Only answers of finished attempts are graded."))
    if not 0 <= mark <= answer.mark:
        raise GradingError(_("The mark must be between 0 and %(max)s.", max=f"{answer.mark:g}"))
    was_waiting = attempt.needs_grading
    before = attempt.percent
    answer.fraction = mark / answer.mark if answer.mark else 0.0
    answer.needs_grading = False
    answer.comment = comment.strip()
    answer.graded_by_id, answer.graded_at = grader_id, now or utcnow()
    answers = answers_of(attempt)
    total_answers(attempt, answers, questions_of(answers))
    attempt.version += 1
    db.session.flush()
    quiz = db.session.get(Quiz, attempt.activity_id)
    if was_waiting and not attempt.needs_grading:
        after_grading(quiz, attempt, "quiz.attempt_graded")
    elif not attempt.needs_grading and attempt.percent != before:
        after_grading(quiz, attempt, "quiz.attempt_regraded")
    return attempt


# -- regrading -----------------------------------------------------------------------------------------
@dataclass
class RegradeReport:
    attempts: int = 0
    changed: list[int] = field(default_factory=list)
    kept_versions: int = 0  # answers whose question changed too much to move to the new version


def _compatible(old: dict[str, Any], new: dict[str, Any]) -> bool:
    """Whether a response to ``old`` means the same for ``new`` (choices are stored by index)."""
    if old.get("type") != new.get("type"):
        return False
    if old.get("type") == "multichoice":
        return len(old.get("answers") or []) == len(new.get("answers") or [])
    if old.get("type") == "matching":
        return len(old.get("pairs") or []) == len(new.get("pairs") or [])
    return True


def regrade(quiz: Quiz, to_latest: bool = True) -> RegradeReport:
    """Grade the quiz's finished attempts again, after a question was fixed.

    With ``to_latest`` each answer moves to its question's latest version where the learner's
    response still means the same; open attempts move too, so they are graded with the fix.
    Graders' essay marks stay. Every attempt whose grade changes is announced
    (``quiz.attempt_regraded``) and its learner's quiz grade recomputed.
    """
    report = RegradeReport()
    attempt_ids = list(
        db.session.execute(
            db.select(Attempt.id)
            .where(Attempt.activity_id == quiz.activity_id)
            .order_by(Attempt.id)
        ).scalars()
    )
    latest: dict[int, QuestionVersion] = {}
    if to_latest:
        from .bank import current_versions

        slot_questions = db.session.execute(
            db.select(QuestionVersion.id, QuestionVersion.question_id)
            .join(AttemptAnswer, AttemptAnswer.question_version_id == QuestionVersion.id)
            .join(Attempt, Attempt.id == AttemptAnswer.attempt_id)
            .where(Attempt.activity_id == quiz.activity_id)
            .distinct()
        ).all()
        by_question = current_versions({qid for _vid, qid in slot_questions})
        latest = {vid: by_question[qid] for vid, qid in slot_questions if qid in by_question}
    users: set[int] = set()
    for attempt_id in attempt_ids:
        attempt = lock_attempt(attempt_id)
        answers = list(
            db.session.execute(
                db.select(AttemptAnswer)
                .where(AttemptAnswer.attempt_id == attempt_id)
                .order_by(AttemptAnswer.slot_number)
            ).scalars()
        )
        data = questions_of(answers)
        for answer in answers:
            newer = latest.get(answer.question_version_id)
            if newer is None or newer.id == answer.question_version_id:
                continue
            if _compatible(data[answer.question_version_id], newer.data):
                answer.question_version_id = newer.id
            else:
                report.kept_versions += 1
        if attempt.state != "finished":
            continue
        report.attempts += 1
        before = (attempt.percent, attempt.needs_grading)
        grade_attempt(attempt, answers, keep_manual=True)
        if (attempt.percent, attempt.needs_grading) != before:
            attempt.version += 1
            report.changed.append(attempt.id)
            db.session.flush()
            emit(
                "quiz.attempt_regraded",
                user_id=attempt.user_id,
                course_id=quiz.course_id,
                data={
                    "activity_id": quiz.activity_id,
                    "attempt_id": attempt.id,
                    "score": attempt.percent,
                    "passed": passed(quiz, attempt.percent),
                },
            )
        users.add(attempt.user_id)
    db.session.flush()
    for user_id in sorted(users):
        refresh_grade(quiz, user_id)
    return report


def slots_in_use(activity_id: int) -> set[int]:
    return set(
        db.session.execute(
            db.select(AttemptAnswer.slot_id)
            .join(Slot, Slot.id == AttemptAnswer.slot_id)
            .where(Slot.activity_id == activity_id)
            .distinct()
        ).scalars()
    )
