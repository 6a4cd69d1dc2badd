"""The life of an attempt: start (or resume), autosave, page moves, final submission, and the
closing of attempts whose time ran out.

What must not happen twice is guarded three ways: the attempt's row lock (``SELECT … FOR
UPDATE`` on PostgreSQL; on SQLite the first write of the transaction takes the database's write
lock, so `lock_attempt` writes first), the state check made under that lock (a finished attempt
is never finished again), and unique constraints (one open attempt per learner and quiz, one
answer row per attempt and question). A save carries, for each question, the sequence number of
the response the page showed: a stale page (another tab, a replayed request) cannot overwrite a
newer answer.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from nttlearn.api import Activity, Enrolment, User, db, format_datetime, parse_int, utcnow
from nttlearn.api import deadline_for as core_deadline_for

from . import grades
from .attempt_rows import (
    LearnerAttempts,
    answers_of,
    answers_with_questions,
    lock_attempt,
    lock_attempts,
    questions_of,
)
from .bank import current_versions, descendants
from .models import (
    Allowance,
    Attempt,
    AttemptAnswer,
    Category,
    Question,
    Quiz,
    QuizGrade,
    Slot,
)
from .quizzes import quiz_slots
from .registry import question_types
from .widgets import read_response


class AttemptError(ValueError):
    """The learner cannot start or continue an attempt; the message says why."""


class AttemptNotFound(LookupError):
    """No such attempt for this learner (another learner's attempt looks the same)."""


# -- reading --------------------------------------------------------------------------------------
def attempts_of(activity_id: int, user_id: int) -> list[Attempt]:
    return list(
        db.session.execute(
            db.select(Attempt)
            .where(Attempt.activity_id == activity_id, Attempt.user_id == user_id)
            .order_by(Attempt.number)
        ).scalars()
    )


def allowance_of(activity_id: int, user_id: int) -> Allowance | None:
    return db.session.execute(
        db.select(Allowance).where(
            Allowance.activity_id == activity_id, Allowance.user_id == user_id
        )
    ).scalar()


def attempts_allowed(quiz: Quiz, allowance: Allowance | None) -> int:
    """How many attempts the learner may make; 0 means unlimited."""
    if quiz.attempts_allowed == 0:
        return 0
    return quiz.attempts_allowed + (allowance.extra_attempts if allowance else 0)


def attempts_left(quiz: Quiz, attempts: list[Attempt], allowance: Allowance | None) -> int | None:
    """Attempts the learner may still start (None: unlimited)."""
    allowed = attempts_allowed(quiz, allowance)
    return None if allowed == 0 else max(0, allowed - len(attempts))


def closes_at(quiz: Quiz, user_id: int | None) -> datetime | None:
    """When the quiz closes for this learner: the deadline of their cohort (or their extension)
    where a trainer set one, else the quiz's own close date. The one place that decides it:
    starting, the attempts' time limit, review options and learners' to-do lists read it."""
    if user_id is not None:
        activity = db.session.get(Activity, quiz.activity_id)
        cohort_deadline = core_deadline_for(user_id, activity)
        if cohort_deadline is not None:
            return cohort_deadline
    return quiz.closes_at


def start_problem(
    quiz: Quiz,
    attempts: list[Attempt],
    allowance: Allowance | None,
    now: datetime,
    user_id: int | None = None,
) -> str | None:
    """Why the learner cannot start a new attempt now, or None."""
    if quiz.opens_at is not None and now < quiz.opens_at:
        return _("This quiz opens on %(when)s.", when=format_datetime(quiz.opens_at, "short"))
    closes = closes_at(quiz, user_id)
    if closes is not None and now >= closes:
        return _("This quiz closed on %(when)s.", when=format_datetime(closes, "short"))
    if attempts_left(quiz, attempts, allowance) == 0:
        return _("You have used all your attempts at this quiz.")
    return None


def open_attempt(attempts: list[Attempt]) -> Attempt | None:
    return next((a for a in attempts if a.state == "in_progress"), None)


def time_is_up(attempt: Attempt, now: datetime) -> bool:
    return attempt.deadline is not None and now >= attempt.deadline


def deadline_for(
    quiz: Quiz, allowance: Allowance | None, started_at: datetime, user_id: int | None = None
) -> datetime | None:
    """When an attempt started at ``started_at`` must end: the time limit (with the learner's
    extra time) or the quiz's close date for the learner (:func:`closes_at`), whichever comes first."""
    ends: list[datetime] = []
    if quiz.time_limit:
        extra = allowance.extra_minutes if allowance else 0
        ends.append(started_at + timedelta(seconds=quiz.time_limit, minutes=extra))
    closes = closes_at(quiz, user_id)
    if closes is not None:
        ends.append(closes)
    return min(ends) if ends else None


# -- starting -----------------------------------------------------------------------------------------
def start_attempt(
    quiz: Quiz, user_id: int, now: datetime | None = None, locale: str | None = None
) -> Attempt:
    """The learner's open attempt, or a new one (taken in ``locale``, the learner's language);
    raises AttemptError when none may start."""
    now = now or utcnow()
    close_overdue(now, activity_id=quiz.activity_id, user_id=user_id)
    attempts = attempts_of(quiz.activity_id, user_id)
    current = open_attempt(attempts)
    if current is not None:
        return current
    allowance = allowance_of(quiz.activity_id, user_id)
    problem = start_problem(quiz, attempts, allowance, now, user_id)
    if problem:
        raise AttemptError(problem)
    seed = random.SystemRandom().randrange(2**31)
    rows = _draw(quiz, random.Random(seed))
    attempt = Attempt(
        activity_id=quiz.activity_id,
        user_id=user_id,
        number=len(attempts) + 1,
        state="in_progress",
        started_at=now,
        deadline=deadline_for(quiz, allowance, now, user_id),
        seed=seed,
        pages=max(r["page"] for r in rows) + 1,
        max_marks=0.0,
        locale=locale,
    )
    try:
        with db.session.begin_nested():
            db.session.add(attempt)
            db.session.flush()
            db.session.execute(
                db.insert(AttemptAnswer), [{**r, "attempt_id": attempt.id} for r in rows]
            )
    except IntegrityError:
        # Another tab started it a moment ago: that attempt is the learner's open attempt.
        current = open_attempt(attempts_of(quiz.activity_id, user_id))
        if current is None:
            raise
        return current
    return attempt


def _draw(quiz: Quiz, rng: random.Random) -> list[dict[str, Any]]:
    """The questions of a new attempt: fixed ones, random draws, shuffled as the quiz says."""
    slots = quiz_slots(quiz)
    if not slots:
        raise AttemptError(_("This quiz has no questions yet."))
    fixed = {s.question_id for s in slots if s.question_id is not None}
    picked: dict[int, int] = {}  # slot id -> question id
    pools = _random_pools(quiz, slots)
    taken = set(fixed)
    for slot in slots:
        if slot.question_id is not None:
            picked[slot.id] = slot.question_id
            continue
        pool = [q for q in pools[slot.id] if q not in taken]
        if not pool:
            raise AttemptError(
                _(
                    "This quiz draws more questions from a category than it holds; "
                    "please tell your trainer."
                )
            )
        choice = rng.choice(pool)
        taken.add(choice)
        picked[slot.id] = choice
    versions = current_versions(picked.values())
    if len(versions) != len(set(picked.values())):
        raise AttemptError(_("A question of this quiz is missing; please tell your trainer."))
    order = list(slots)
    if quiz.shuffle_questions:
        rng.shuffle(order)
    types = question_types()
    rows = []
    for number, slot in enumerate(order, start=1):
        version = versions[picked[slot.id]]
        qtype = types.get(version.data.get("type"))
        shuffle = quiz.shuffle_answers or version.data.get("type") == "matching"
        rows.append(
            {
                "slot_number": number,
                "page": 0 if quiz.layout == "one_page" else number - 1,
                "slot_id": slot.id,
                "question_version_id": version.id,
                "mark": slot.mark,
                "choice_order": qtype().shuffle(version.data, rng)
                if qtype is not None and shuffle
                else None,
                "response": None,
                "sequence": 0,
                "fraction": None,
                "needs_grading": False,
                "comment": "",
            }
        )
    return rows


def _random_pools(quiz: Quiz, slots: list[Slot]) -> dict[int, list[int]]:
    random_slots = [s for s in slots if s.category_id is not None]
    if not random_slots:
        return {}
    categories = list(
        db.session.execute(
            db.select(Category).where(Category.course_id == quiz.course_id)
        ).scalars()
    )
    by_id = {c.id: c for c in categories}
    wanted: dict[int, set[int]] = {}
    for slot in random_slots:
        category = by_id[slot.category_id]
        ids = (
            {c.id for c in descendants(category, categories)}
            if slot.include_subcategories
            else {category.id}
        )
        wanted[slot.id] = ids
    all_ids = set().union(*wanted.values())
    questions = db.session.execute(
        db.select(Question.id, Question.category_id)
        .where(
            Question.category_id.in_(all_ids),
            Question.hidden.is_(False),
            Question.qtype != "description",
        )
        .order_by(Question.id)
    ).all()
    return {
        slot_id: [qid for qid, cid in questions if cid in ids] for slot_id, ids in wanted.items()
    }


# -- saving -----------------------------------------------------------------------------------------
@dataclass
class SaveResult:
    """What a save did: the questions saved, those refused because the page was stale
    (``conflicts``) or is not the learner's current page under sequential navigation
    (``refused``), the new sequence numbers, and whether the attempt is (now) closed."""

    saved: list[int] = field(default_factory=list)
    conflicts: list[int] = field(default_factory=list)
    refused: list[int] = field(default_factory=list)
    sequences: dict[int, int] = field(default_factory=dict)
    closed: bool = False
    version: int = 0


def lock_own_attempt(attempt_id: int, user_id: int) -> Attempt:
    """The learner's attempt, holding its row lock; AttemptNotFound for another's attempt."""
    attempt = lock_attempt(attempt_id)
    if attempt is None or attempt.user_id != user_id:
        raise AttemptNotFound(attempt_id)
    return attempt


def lock_own_attempts(attempt_id: int, user_id: int) -> tuple[Attempt, LearnerAttempts]:
    """:func:`lock_own_attempt`, with what finishing it needs read in the same statement: all the
    learner's attempts of that quiz, the quiz and the learner's grade row."""
    attempt, known = lock_attempts(attempt_id)
    if attempt is None or attempt.user_id != user_id:
        raise AttemptNotFound(attempt_id)
    return attempt, known


def save_responses(
    attempt_id: int, user_id: int, form: Any, now: datetime | None = None
) -> SaveResult:
    """Save the responses a page posted (``q<N>`` fields with their ``seq-<N>``)."""
    now = now or utcnow()
    attempt = lock_own_attempt(attempt_id, user_id)
    result = SaveResult(version=attempt.version)
    if attempt.state != "in_progress":
        result.closed = True
        return result
    if time_is_up(attempt, now):
        finish_attempt(attempt, now, "timeout")
        result.closed, result.version = True, attempt.version
        return result
    _apply(attempt, form, now, result)
    return result


def _apply(
    attempt: Attempt,
    form: Any,
    now: datetime,
    result: SaveResult,
    loaded: tuple[list[AttemptAnswer], dict[int, dict[str, Any]]] | None = None,
    quiz: Quiz | None = None,
) -> None:
    """Save the posted responses; ``loaded`` is the attempt's answers and their questions, and
    ``quiz`` the quiz, when the caller has them already.

    Under sequential navigation only the questions of the current page take answers: a page
    already left (or not yet shown) is closed to every way of posting, the page's form, its
    autosave and the final submission alike, not just hidden by the page.
    """
    posted = {}
    for key in form:
        slot_number = parse_int(key[4:], min=1) if key.startswith("seq-") else None
        if slot_number is not None:
            posted[slot_number] = form.get(key)
    if not posted:
        return
    if loaded is None:
        answers = [a for a in answers_of(attempt) if a.slot_number in posted]
        data = questions_of(answers)
    else:
        answers = [a for a in loaded[0] if a.slot_number in posted]
        data = loaded[1]
    quiz = quiz or db.session.get(Quiz, attempt.activity_id)
    if quiz.navigation == "sequential":
        result.refused = [a.slot_number for a in answers if a.page != attempt.current_page]
        answers = [a for a in answers if a.page == attempt.current_page]
    types = question_types()
    for answer in answers:
        question = data[answer.question_version_id]
        qtype_cls = types.get(question.get("type"))
        response = read_response(
            question,
            qtype_cls() if qtype_cls else None,
            form,
            f"q{answer.slot_number}",
            answer.choice_order,
        )
        if response == answer.response:
            result.sequences[answer.slot_number] = answer.sequence
            continue
        if str(answer.sequence) != str(posted[answer.slot_number]):
            result.conflicts.append(answer.slot_number)
            result.sequences[answer.slot_number] = answer.sequence
            continue
        answer.response = response
        answer.sequence += 1
        answer.saved_at = now
        result.saved.append(answer.slot_number)
        result.sequences[answer.slot_number] = answer.sequence
    if result.saved:
        attempt.version += 1
    result.version = attempt.version


def move_to_page(attempt: Attempt, quiz: Quiz, page: int, moving: bool = False) -> int:
    """The page the learner may see when asking for ``page``, remembered for resuming.

    Sequential navigation shows the current page only; moving (a page's Next button) goes one
    page forward, never back.
    """
    page = max(0, min(page, attempt.pages - 1))
    if quiz.navigation == "sequential":
        page = (
            min(attempt.current_page + 1, attempt.pages - 1)
            if moving and page > attempt.current_page
            else attempt.current_page
        )
    if page != attempt.current_page:
        attempt.current_page = page
    return page


# -- finishing ---------------------------------------------------------------------------------------
@dataclass
class SubmitResult:
    attempt: Attempt
    already_finished: bool = False
    timed_out: bool = False
    conflicts: list[int] = field(default_factory=list)


def submit_attempt(
    attempt_id: int,
    user_id: int,
    form: Mapping[str, Any] | None = None,
    now: datetime | None = None,
    *,
    enrolled: bool | None = None,
) -> SubmitResult:
    """The learner's final submission (idempotent: a second one changes nothing).

    Responses posted with it are saved first, unless the time is up: then the attempt closes
    at its deadline with the answers saved until then. ``enrolled``: whether the learner is
    enrolled in the course, when the caller knows (else it is read when grading).
    """
    return submit_locked(lock_own_attempt(attempt_id, user_id), form, now, enrolled=enrolled)


def submit_locked(
    attempt: Attempt,
    form: Mapping[str, Any] | None = None,
    now: datetime | None = None,
    *,
    enrolled: bool | None = None,
    known: LearnerAttempts | None = None,
) -> SubmitResult:
    """:func:`submit_attempt` for an attempt whose lock the caller holds (:func:`lock_own_attempt`;
    ``known``: what :func:`lock_own_attempts` read with it)."""
    now = now or utcnow()
    if attempt.state != "in_progress":
        return SubmitResult(attempt, already_finished=True)
    if time_is_up(attempt, now):
        finish_attempt(attempt, now, "timeout")
        return SubmitResult(attempt, timed_out=True)
    saved = SaveResult()
    loaded = answers_with_questions(attempt)
    quiz = (
        known.quiz
        if known is not None and known.quiz is not None
        else db.session.get(Quiz, attempt.activity_id)
    )
    if form is not None:
        _apply(attempt, form, now, saved, loaded, quiz)
    finish_attempt(attempt, now, "learner", loaded, quiz=quiz, enrolled=enrolled, known=known)
    return SubmitResult(attempt, conflicts=saved.conflicts)


def finish_attempt(
    attempt: Attempt,
    now: datetime,
    closed_by: str,
    loaded: tuple[list[AttemptAnswer], dict[int, dict[str, Any]]] | None = None,
    *,
    quiz: Quiz | None = None,
    enrolled: bool | None = None,
    known: LearnerAttempts | None = None,
) -> None:
    """Close and grade an attempt whose lock the caller holds and which is still in progress
    (``known``: the learner's attempts of the quiz and grade row, when read with it)."""
    assert attempt.state == "in_progress"
    quiz = quiz or db.session.get(Quiz, attempt.activity_id)
    attempt.state = "finished"
    attempt.closed_by = closed_by
    attempt.finished_at = (
        min(now, attempt.deadline) if closed_by == "timeout" and attempt.deadline else now
    )
    attempt.version += 1
    answers, data = loaded if loaded is not None else (answers_of(attempt), None)
    grades.grade_attempt(attempt, answers, data=data)
    db.session.flush()
    grades.after_grading(quiz, attempt, "quiz.attempt_submitted", enrolled=enrolled, known=known)


def close_overdue(
    now: datetime | None = None, *, activity_id: int | None = None, user_id: int | None = None
) -> list[int]:
    """Close every open attempt whose time is up (all, or one quiz's, or one learner's) as if
    submitted at its deadline. Returns the ids of the attempts closed."""
    now = now or utcnow()
    query = db.select(Attempt.id).where(
        Attempt.state == "in_progress", Attempt.deadline.is_not(None), Attempt.deadline <= now
    )
    if activity_id is not None:
        query = query.where(Attempt.activity_id == activity_id)
    if user_id is not None:
        query = query.where(Attempt.user_id == user_id)
    closed = []
    for attempt_id in db.session.execute(query.order_by(Attempt.id)).scalars().all():
        attempt = lock_attempt(attempt_id)
        if attempt is not None and attempt.state == "in_progress" and time_is_up(attempt, now):
            finish_attempt(attempt, now, "timeout")
            closed.append(attempt_id)
    return closed


def reopen_attempt(attempt_id: int, now: datetime | None = None) -> Attempt:
    """A trainer gives a finished attempt back to its learner (with a fresh time limit)."""
    now = now or utcnow()
    attempt = lock_attempt(attempt_id)
    if attempt is None:
        raise AttemptNotFound(attempt_id)
    if attempt.state != "finished":
        raise AttemptError(_("Only a finished attempt can be reopened."))
    if open_attempt(attempts_of(attempt.activity_id, attempt.user_id)) is not None:
        raise AttemptError(_("The learner already has an attempt in progress."))
    quiz = db.session.get(Quiz, attempt.activity_id)
    allowance = allowance_of(attempt.activity_id, attempt.user_id)
    deadline = deadline_for(quiz, allowance, now, attempt.user_id)
    closes = closes_at(quiz, attempt.user_id)
    if deadline is not None and closes is not None and deadline == closes and closes <= now:
        deadline = now + timedelta(seconds=quiz.time_limit) if quiz.time_limit else None
    attempt.state, attempt.finished_at, attempt.closed_by = "in_progress", None, None
    attempt.marks, attempt.percent, attempt.needs_grading = None, None, False
    attempt.deadline = deadline
    attempt.version += 1
    db.session.execute(
        db.update(AttemptAnswer)
        .where(AttemptAnswer.attempt_id == attempt.id)
        .values(fraction=None, needs_grading=False)
    )
    db.session.flush()
    grades.refresh_grade(quiz, attempt.user_id)
    return attempt


def set_allowance(quiz: Quiz, user_id: int, extra_attempts: int, extra_minutes: int) -> Allowance:
    """Give a learner extra attempts and extra time; an open attempt gets the extra time too."""
    allowance = allowance_of(quiz.activity_id, user_id)
    if allowance is None:
        allowance = Allowance(activity_id=quiz.activity_id, user_id=user_id)
        db.session.add(allowance)
    allowance.extra_attempts, allowance.extra_minutes = extra_attempts, extra_minutes
    db.session.flush()
    current = open_attempt(attempts_of(quiz.activity_id, user_id))
    if current is not None:
        current.deadline = deadline_for(quiz, allowance, current.started_at)
    return allowance


# -- what the trainer's pages list ---------------------------------------------------------------------
def course_learners(course_id: int) -> list[tuple[int, str, str]]:
    """(user id, name, e-mail) of the course's learners, by name."""
    return [
        tuple(row)
        for row in db.session.execute(
            db.select(User.id, User.name, User.email)
            .join(Enrolment, Enrolment.user_id == User.id)
            .where(Enrolment.course_id == course_id)
            .order_by(User.name)
        )
    ]


def attempts_overview(
    activity_id: int,
) -> tuple[list[Any], dict[int, QuizGrade], dict[int, Allowance]]:
    """The quiz's attempts with their learners (by name, then number), and the learners' quiz
    grades and allowances by user id: three queries."""
    rows = list(
        db.session.execute(
            db.select(Attempt, User)
            .join(User, User.id == Attempt.user_id)
            .where(Attempt.activity_id == activity_id)
            .order_by(User.name, Attempt.number)
        ).all()
    )
    grade_rows = {
        g.user_id: g
        for g in db.session.execute(
            db.select(QuizGrade).where(QuizGrade.activity_id == activity_id)
        ).scalars()
    }
    allowances = {
        a.user_id: a
        for a in db.session.execute(
            db.select(Allowance).where(Allowance.activity_id == activity_id)
        ).scalars()
    }
    return rows, grade_rows, allowances


def users_by_id(ids: set[int]) -> dict[int, User]:
    if not ids:
        return {}
    return {u.id: u for u in db.session.execute(db.select(User).where(User.id.in_(ids))).scalars()}
