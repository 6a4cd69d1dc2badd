"""Trainers' pages for one quiz: settings, questions, attempts (reopen, extra attempts or
time, overrides, regrade), the essay grading queue and the item analysis.

Each page is for the course's trainers and the admins: it loads the activity as the learner's
pages do and answers 403 to anyone else.
"""

from __future__ import annotations

from datetime import UTC

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from nttlearn.api import (
    ActivityAccess,
    User,
    activity_access,
    arg_int,
    arg_ints,
    db,
    require_login,
)

from . import grades, quizzes, services
from .analysis import analysis_csv, chart, item_analysis
from .bank import category_label, category_questions, course_categories
from .forms import AllowanceForm, GradeForm, OverrideForm, QuizSettingsForm, RandomForm, RegradeForm
from .models import Attempt, AttemptAnswer, Slot
from .review import ReviewFlags, question_views
from .views import bp, media_base


def staff_access(activity_id: int) -> ActivityAccess:
    access = activity_access(activity_id, "quiz")
    if not access.is_staff:
        abort(403)
    return access


# -- settings ----------------------------------------------------------------------------------------
@bp.route("/<int:activity_id>/edit", methods=["GET", "POST"])
@require_login
def edit_quiz(activity_id: int):
    access = staff_access(activity_id)
    quiz = quizzes.ensure_quiz(access.activity)
    form = QuizSettingsForm(obj=quiz)
    if request.method == "GET":
        form.time_limit.data = quiz.time_limit // 60 if quiz.time_limit else None
        form.version.data = str(quiz.version)
        form.opens_at.data = quiz.opens_at.replace(tzinfo=None) if quiz.opens_at else None
        form.closes_at.data = quiz.closes_at.replace(tzinfo=None) if quiz.closes_at else None
    elif form.validate_on_submit():
        if form.version.data != str(quiz.version):
            flash(
                _(
                    "Someone else changed these settings meanwhile; here are theirs. Make your change again."
                ),
                "error",
            )
            return redirect(url_for("quiz.edit_quiz", activity_id=activity_id))
        values = {
            name: getattr(form, name).data
            for name in (
                "intro",
                "pass_mark",
                "completion",
                "attempts_allowed",
                "grading_method",
                "shuffle_questions",
                "shuffle_answers",
                "layout",
                "navigation",
                "review_marks",
                "review_feedback",
                "review_correct",
            )
        }
        values["intro"] = values["intro"] or ""
        values["time_limit"] = form.time_limit.data * 60 if form.time_limit.data else None
        values["opens_at"] = form.opens_at.data.replace(tzinfo=UTC) if form.opens_at.data else None
        values["closes_at"] = (
            form.closes_at.data.replace(tzinfo=UTC) if form.closes_at.data else None
        )
        quizzes.apply_settings(quiz, values)
        db.session.commit()
        flash(_("The quiz settings have been saved."), "success")
        return redirect(url_for("quiz.edit_quiz", activity_id=activity_id))
    return render_template(
        "quiz/edit_quiz.html", access=access, quiz=quiz, form=form
    ), 400 if form.errors else 200


# -- questions ---------------------------------------------------------------------------------------
@bp.route("/<int:activity_id>/questions")
@require_login
def quiz_questions(activity_id: int):
    access = staff_access(activity_id)
    quiz = quizzes.ensure_quiz(access.activity)
    db.session.commit()
    categories = course_categories(access.course.id)
    random_form = RandomForm()
    random_form.category.choices = [SelectChoice(c.id, category_label(c)) for c in categories]
    shown = arg_int("category")
    bank_questions = []
    if shown:
        bank_questions = category_questions(access.course.id, shown)
    return render_template(
        "quiz/quiz_questions.html",
        access=access,
        quiz=quiz,
        rows=quizzes.slot_rows(quiz),
        categories=categories,
        shown=shown,
        bank_questions=bank_questions,
        random_form=random_form,
        used=grades.slots_in_use(activity_id),
        label=category_label,
    )


@bp.route("/<int:activity_id>/questions/add", methods=["POST"])
@require_login
def add_questions(activity_id: int):
    access = staff_access(activity_id)
    quiz = quizzes.ensure_quiz(access.activity)
    ids = arg_ints("question_id", min=1, source=request.form)
    added = quizzes.add_questions(quiz, ids)
    db.session.commit()
    flash(_("%(n)s question(s) added to the quiz.", n=added), "success")
    return redirect(url_for("quiz.quiz_questions", activity_id=activity_id))


@bp.route("/<int:activity_id>/questions/random", methods=["POST"])
@require_login
def add_random(activity_id: int):
    access = staff_access(activity_id)
    quiz = quizzes.ensure_quiz(access.activity)
    form = RandomForm()
    categories = {c.id: c for c in course_categories(access.course.id)}
    form.category.choices = [SelectChoice(c.id, category_label(c)) for c in categories.values()]
    if not form.validate_on_submit():
        flash(_("Choose a category and how many questions to draw from it."), "error")
        return redirect(url_for("quiz.quiz_questions", activity_id=activity_id))
    quizzes.add_random(
        quiz, categories[form.category.data], form.count.data, form.subcategories.data
    )
    db.session.commit()
    flash(_("Random questions added."), "success")
    return redirect(url_for("quiz.quiz_questions", activity_id=activity_id))


def _slot(activity_id: int, slot_id: int) -> Slot:
    slot = db.session.get(Slot, slot_id)
    if slot is None or slot.activity_id != activity_id:
        abort(404)
    return slot


@bp.route("/<int:activity_id>/slots/<int:slot_id>", methods=["POST"])
@require_login
def change_slot(activity_id: int, slot_id: int):
    """Move a slot up or down, change its mark, or remove it (``action`` says which)."""
    access = staff_access(activity_id)
    quiz = quizzes.ensure_quiz(access.activity)
    slot = _slot(activity_id, slot_id)
    action = request.form.get("action", "")
    if action in ("up", "down"):
        quizzes.move_slot(quiz, slot, action)
    elif action == "remove":
        db.session.delete(slot)
    elif action == "mark":
        mark = request.form.get("mark", type=float)
        if mark is None or not 0 <= mark <= 100:
            flash(_("A mark is a number from 0 to 100."), "error")
            return redirect(url_for("quiz.quiz_questions", activity_id=activity_id))
        slot.mark = mark
    else:
        abort(400)
    db.session.commit()
    return redirect(url_for("quiz.quiz_questions", activity_id=activity_id))


# -- attempts ----------------------------------------------------------------------------------------
def _learner_choices(course_id: int) -> list[SelectChoice]:
    return [
        SelectChoice(uid, f"{name} <{email}>")
        for uid, name, email in services.course_learners(course_id)
    ]


@bp.route("/<int:activity_id>/attempts")
@require_login
def attempts(activity_id: int):
    access = staff_access(activity_id)
    quiz = quizzes.ensure_quiz(access.activity)
    services.close_overdue(activity_id=activity_id)
    db.session.commit()
    rows, grade_rows, allowances = services.attempts_overview(activity_id)
    learners = _learner_choices(access.course.id)
    allowance_form, override_form = AllowanceForm(), OverrideForm()
    allowance_form.user_id.choices = override_form.user_id.choices = learners
    return render_template(
        "quiz/attempts.html",
        access=access,
        quiz=quiz,
        rows=rows,
        grades=grade_rows,
        allowances=allowances,
        names={choice.value: choice.label for choice in learners},
        allowance_form=allowance_form,
        override_form=override_form,
        regrade_form=RegradeForm(),
    )


def _staff_attempt(attempt_id: int) -> tuple[Attempt, ActivityAccess]:
    attempt = db.session.get(Attempt, attempt_id)
    if attempt is None:
        abort(404)
    return attempt, staff_access(attempt.activity_id)


@bp.route("/attempt/<int:attempt_id>/reopen", methods=["POST"])
@require_login
def reopen(attempt_id: int):
    attempt, _access = _staff_attempt(attempt_id)
    try:
        services.reopen_attempt(attempt.id)
    except services.AttemptError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(
            _("The attempt has been reopened: the learner can change and submit it again."),
            "success",
        )
    return redirect(url_for("quiz.attempts", activity_id=attempt.activity_id))


@bp.route("/<int:activity_id>/allowance", methods=["POST"])
@require_login
def allowance(activity_id: int):
    access = staff_access(activity_id)
    quiz = quizzes.ensure_quiz(access.activity)
    form = AllowanceForm()
    form.user_id.choices = _learner_choices(access.course.id)
    if not form.validate_on_submit():
        flash(
            _("Choose an enrolled learner and give whole numbers of attempts and minutes."), "error"
        )
        return redirect(url_for("quiz.attempts", activity_id=activity_id))
    services.set_allowance(
        quiz, form.user_id.data, form.extra_attempts.data, form.extra_minutes.data
    )
    db.session.commit()
    flash(_("The learner's extra attempts and time have been saved."), "success")
    return redirect(url_for("quiz.attempts", activity_id=activity_id))


@bp.route("/<int:activity_id>/override", methods=["POST"])
@require_login
def override(activity_id: int):
    access = staff_access(activity_id)
    quiz = quizzes.ensure_quiz(access.activity)
    form = OverrideForm()
    form.user_id.choices = _learner_choices(access.course.id)
    if not form.validate_on_submit():
        flash(_("Choose an enrolled learner and a grade from 0 to 100."), "error")
        return redirect(url_for("quiz.attempts", activity_id=activity_id))
    grades.override_grade(
        quiz, form.user_id.data, form.grade.data, form.comment.data or "", current_user.id
    )
    db.session.commit()
    flash(_("The grade has been saved."), "success")
    return redirect(url_for("quiz.attempts", activity_id=activity_id))


@bp.route("/<int:activity_id>/regrade", methods=["POST"])
@require_login
def regrade(activity_id: int):
    access = staff_access(activity_id)
    quiz = quizzes.ensure_quiz(access.activity)
    form = RegradeForm()
    report = grades.regrade(quiz, to_latest=bool(form.to_latest.data))
    db.session.commit()
    flash(
        _(
            "%(n)s attempt(s) regraded; %(c)s grade(s) changed.",
            n=report.attempts,
            c=len(report.changed),
        ),
        "success",
    )
    if report.kept_versions:
        flash(
            _(
                "%(n)s answer(s) kept their question's old version: the question's choices changed too much.",
                n=report.kept_versions,
            ),
            "info",
        )
    return redirect(url_for("quiz.attempts", activity_id=activity_id))


# -- essays -----------------------------------------------------------------------------------------
@bp.route("/<int:activity_id>/grading")
@require_login
def grading(activity_id: int):
    access = staff_access(activity_id)
    quiz = quizzes.ensure_quiz(access.activity)
    queue = grades.grading_queue(activity_id)
    users = services.users_by_id({a.user_id for _ans, a in queue})
    return render_template("quiz/grading.html", access=access, quiz=quiz, queue=queue, users=users)


@bp.route("/answer/<int:answer_id>/grade", methods=["GET", "POST"])
@require_login
def grade_answer(answer_id: int):
    answer = db.session.get(AttemptAnswer, answer_id)
    if answer is None:
        abort(404)
    attempt, access = _staff_attempt(answer.attempt_id)
    form = GradeForm(obj=answer) if request.method == "GET" else GradeForm()
    if request.method == "GET" and answer.fraction is not None:
        form.mark.data = round(answer.fraction * answer.mark, 4)
    if form.validate_on_submit():
        try:
            grades.grade_answer(answer.id, form.mark.data, form.comment.data or "", current_user.id)
        except grades.GradingError as exc:
            db.session.rollback()
            form.mark.errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("The grade has been saved."), "success")
            return redirect(url_for("quiz.grading", activity_id=attempt.activity_id))
    view = question_views([answer], media_base(access), ReviewFlags.everything(), disabled=True)[0]
    rubric = services.questions_of([answer])[answer.question_version_id].get("rubric", "")
    learner = db.session.get(User, attempt.user_id)
    return render_template(
        "quiz/grade_answer.html",
        access=access,
        attempt=attempt,
        answer=answer,
        view=view,
        form=form,
        rubric=rubric,
        learner=learner,
    ), 400 if form.errors else 200


# -- item analysis -----------------------------------------------------------------------------------
@bp.route("/<int:activity_id>/statistics")
@require_login
def statistics(activity_id: int):
    access = staff_access(activity_id)
    quiz = quizzes.ensure_quiz(access.activity)
    analysis = item_analysis(quiz)
    return render_template(
        "quiz/statistics.html", access=access, quiz=quiz, analysis=analysis, chart=chart(analysis)
    )


@bp.route("/<int:activity_id>/statistics.csv")
@require_login
def statistics_csv(activity_id: int):
    access = staff_access(activity_id)
    analysis = item_analysis(quizzes.ensure_quiz(access.activity))
    return Response(
        analysis_csv(analysis),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="quiz-{activity_id}-statistics.csv"'
        },
    )
