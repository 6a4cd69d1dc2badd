"""The learner's pages (blueprint ``quiz``): a quiz, its attempt pages, autosave, the summary,
the final submission and the review. Trainers' pages are in `staff_views.py` and
`bank_views.py`, on the same blueprint.

A learner only ever reaches their own attempts: any other attempt id answers 404, exactly as a
missing one does.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from nttlearn.api import (
    ActivityAccess,
    User,
    activity_access,
    arg_int,
    db,
    form_int,
    lesson_after_activity,
    parse_int,
    require_login,
    utcnow,
)

from . import services
from .grades import grade_row, passed
from .languages import current_locale
from .models import Attempt
from .quizzes import ensure_quiz, quiz_slots
from .review import ReviewFlags, question_views, review_flags

bp = Blueprint(
    "quiz", __name__, url_prefix="/quiz", template_folder="templates", static_folder="static"
)


def media_base(access: ActivityAccess) -> str:
    return url_for("learn.media", slug=access.course.slug, filename="")


def own_attempt(attempt_id: int) -> tuple[Attempt, ActivityAccess]:
    """The current user's attempt with its activity, or 404 (another's attempt included)."""
    attempt = db.session.get(Attempt, attempt_id)
    if attempt is None or attempt.user_id != current_user.id:
        abort(404)
    return attempt, activity_access(attempt.activity_id, "quiz")


@bp.route("/<int:activity_id>")
@require_login
def view(activity_id: int):
    access = activity_access(activity_id, "quiz")
    quiz = ensure_quiz(access.activity)
    now = utcnow()
    services.close_overdue(now, activity_id=activity_id, user_id=current_user.id)
    db.session.commit()
    attempts = services.attempts_of(activity_id, current_user.id)
    allowance = services.allowance_of(activity_id, current_user.id)
    left = services.attempts_left(quiz, attempts, allowance)
    rows = [(a, review_flags(quiz, a, left, now)) for a in attempts]
    grade = grade_row(activity_id, current_user.id)
    show_grade = (
        grade is not None and grade.effective is not None and any(f.marks for _a, f in rows)
    )
    return render_template(
        "quiz/view.html",
        access=access,
        quiz=quiz,
        rows=rows,
        left=left,
        current=services.open_attempt(attempts),
        problem=services.start_problem(quiz, attempts, allowance, now, current_user.id),
        closes_at=services.closes_at(quiz, current_user.id),
        grade=grade.effective if show_grade else None,
        passed=passed(quiz, grade.effective) if show_grade else None,
        allowance=allowance,
        slot_count=len(quiz_slots(quiz)),
        media_base=media_base(access),
    )


@bp.route("/<int:activity_id>/start", methods=["POST"])
@require_login
def start(activity_id: int):
    access = activity_access(activity_id, "quiz")
    quiz = ensure_quiz(access.activity)
    try:
        attempt = services.start_attempt(quiz, current_user.id, locale=current_locale())
    except services.AttemptError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("quiz.view", activity_id=activity_id))
    db.session.commit()
    return redirect(url_for("quiz.attempt", attempt_id=attempt.id, page=attempt.current_page))


def _closed_redirect(attempt: Attempt):
    flash(
        _("The time for this attempt is up: it was submitted with the answers saved until then."),
        "info",
    )
    return redirect(url_for("quiz.review", attempt_id=attempt.id))


@bp.route("/attempt/<int:attempt_id>")
@require_login
def attempt(attempt_id: int):
    attempt, access = own_attempt(attempt_id)
    if attempt.state != "in_progress":
        return redirect(url_for("quiz.review", attempt_id=attempt.id))
    if services.time_is_up(attempt, utcnow()):
        services.close_overdue(activity_id=attempt.activity_id, user_id=current_user.id)
        db.session.commit()
        return _closed_redirect(attempt)
    quiz = ensure_quiz(access.activity)
    page = services.move_to_page(attempt, quiz, arg_int("page", attempt.current_page))
    db.session.commit()
    answers = [a for a in services.answers_of(attempt) if a.page == page]
    views = question_views(
        answers, media_base(access), ReviewFlags.none(), disabled=False, locale=attempt.locale
    )
    return render_template(
        "quiz/attempt.html", access=access, quiz=quiz, attempt=attempt, page=page, views=views
    )


def _target_page(attempt: Attempt, page: int, nav: str) -> int:
    if nav == "next":
        return page + 1
    if nav == "prev":
        return page - 1
    if nav.startswith("page-"):
        target = parse_int(nav[5:], min=0)
        return page if target is None else target
    return page


@bp.route("/attempt/<int:attempt_id>/save", methods=["POST"])
@require_login
def save(attempt_id: int):
    """The page's form without JavaScript: every page change saves."""
    attempt, access = own_attempt(attempt_id)
    try:
        result = services.save_responses(attempt.id, current_user.id, request.form)
    except services.AttemptNotFound:
        abort(404)
    if result.closed:
        db.session.commit()
        return _closed_redirect(attempt)
    quiz = ensure_quiz(access.activity)
    nav = request.form.get("nav", "save")
    page = form_int("page", attempt.current_page)
    if result.conflicts:
        flash(
            _(
                "Your answer to question %(numbers)s was changed in another window since this page was "
                "opened, so it was not overwritten. Check it below.",
                numbers=", ".join(str(n) for n in result.conflicts),
            ),
            "error",
        )
        nav = "save"
    elif result.saved:
        flash(_("Your answers have been saved."), "success")
    if nav == "finish":
        db.session.commit()
        return redirect(url_for("quiz.summary", attempt_id=attempt.id))
    page = services.move_to_page(attempt, quiz, _target_page(attempt, page, nav), moving=True)
    db.session.commit()
    return redirect(url_for("quiz.attempt", attempt_id=attempt.id, page=page))


@bp.route("/attempt/<int:attempt_id>/autosave", methods=["POST"])
@require_login
def autosave(attempt_id: int):
    """The page's script saves as the learner answers; the reply says what was saved (never
    a mark, a fraction or a right answer)."""
    attempt, _access = own_attempt(attempt_id)
    try:
        result = services.save_responses(attempt.id, current_user.id, request.form)
    except services.AttemptNotFound:
        abort(404)
    db.session.commit()
    payload: dict[str, Any] = {
        "saved": result.saved,
        "conflicts": result.conflicts,
        "closed": result.closed,
        "version": result.version,
        "sequences": {str(k): v for k, v in result.sequences.items()},
    }
    if result.closed:
        payload["review_url"] = url_for("quiz.review", attempt_id=attempt.id)
    return jsonify(payload)


@bp.route("/attempt/<int:attempt_id>/summary")
@require_login
def summary(attempt_id: int):
    attempt, access = own_attempt(attempt_id)
    if attempt.state != "in_progress":
        return redirect(url_for("quiz.review", attempt_id=attempt.id))
    quiz = ensure_quiz(access.activity)
    answers = services.answers_of(attempt)
    views = question_views(
        answers, media_base(access), ReviewFlags.none(), disabled=True, locale=attempt.locale
    )
    return render_template(
        "quiz/summary.html",
        access=access,
        quiz=quiz,
        attempt=attempt,
        rows=[(a, v) for a, v in zip(answers, views, strict=True)],
    )


@bp.route("/attempt/<int:attempt_id>/submit", methods=["POST"])
@require_login
def submit(attempt_id: int):
    """The final submission: idempotent, so a double click or a replay changes nothing."""
    try:
        attempt, known = services.lock_own_attempts(attempt_id, current_user.id)
    except services.AttemptNotFound:
        abort(404)
    access = activity_access(attempt.activity_id, "quiz")
    form = request.form if any(k.startswith("seq-") for k in request.form) else None
    result = services.submit_locked(
        attempt, form, enrolled=access.enrolment is not None, known=known
    )
    if result.already_finished:
        flash(_("This attempt had already been submitted."), "info")
    elif result.timed_out:
        flash(
            _(
                "The time for this attempt is up: it was submitted with the answers saved until then."
            ),
            "info",
        )
    else:
        flash(_("Your attempt has been submitted."), "success")
    db.session.commit()
    return redirect(url_for("quiz.review", attempt_id=attempt_id))


@bp.route("/attempt/<int:attempt_id>/review")
@require_login
def review(attempt_id: int):
    """The learner's review (what the review settings allow) or a trainer's (everything)."""
    attempt = db.session.get(Attempt, attempt_id)
    if attempt is None:
        abort(404)
    access = activity_access(attempt.activity_id, "quiz")
    owner = attempt.user_id == current_user.id
    if not owner and not access.is_staff:
        abort(404)
    quiz = ensure_quiz(access.activity)
    if owner and attempt.state == "in_progress":
        return redirect(url_for("quiz.attempt", attempt_id=attempt.id))
    if access.is_staff:
        flags = ReviewFlags.everything()
    else:
        attempts = services.attempts_of(attempt.activity_id, current_user.id)
        left = services.attempts_left(
            quiz, attempts, services.allowance_of(attempt.activity_id, current_user.id)
        )
        flags = review_flags(quiz, attempt, left, utcnow())
    answers = services.answers_of(attempt)
    views = question_views(answers, media_base(access), flags, disabled=True)
    learner = db.session.get(User, attempt.user_id) if not owner else None
    next_lesson = lesson_after_activity(access.course, access.activity.id) if owner else None
    return render_template(
        "quiz/review.html",
        access=access,
        quiz=quiz,
        attempt=attempt,
        views=views,
        flags=flags,
        learner=learner,
        passed=passed(quiz, attempt.percent),
        next_lesson=next_lesson,
        locale=current_locale(),
    )
