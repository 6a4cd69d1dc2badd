"""The question bank of a course in the browser: categories and tags, the editor for every
question type, preview, GIFT and Aiken import (with a preview and line-numbered errors) and GIFT
export. For the course's trainers and the admins (``require_course_staff``)."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from nttlearn.api import LANGUAGE_NAMES, Course, arg_int, db, require_course_staff

from . import bank, editor, import_jobs
from .aiken import parse_aiken
from .analysis import course_quizzes, course_quizzes_csv
from .forms import CategoryForm, ImportForm, QuestionForm, RenameCategoryForm
from .gift import export_gift, parse_gift
from .grading import Grade
from .languages import LANGUAGES
from .models import Category, Question
from .parallel import translated_questions
from .registry import question_type, question_types
from .review import ReviewFlags
from .settings import gift_max_questions, import_job_questions
from .translation_editor import language_states
from .views import bp
from .widgets import add_review, build_view, read_response

PAGE_SIZE = 50


def _course(course_id: int) -> Course:
    course = db.session.get(Course, course_id)
    if course is None:
        abort(404)
    return course


def _category(course_id: int, category_id: int) -> Category:
    category = db.session.get(Category, category_id)
    if category is None or category.course_id != course_id:
        abort(404)
    return category


def _question(course_id: int, question_id: int) -> Question:
    question = db.session.get(Question, question_id)
    if question is None or question.course_id != course_id:
        abort(404)
    return question


def _media(course: Course) -> str:
    return url_for("learn.media", slug=course.slug, filename="")


@bp.route("/course/<int:course_id>/bank")
@require_course_staff
def bank_index(course_id: int):
    course = _course(course_id)
    categories = bank.course_categories(course_id)
    shown = arg_int("category")
    tag = request.args.get("tag", "").strip()
    page = arg_int("page", 1, min=1)
    query = db.select(Question).where(Question.course_id == course_id, Question.hidden.is_(False))
    if shown:
        query = query.where(Question.category_id == shown)
    if tag:
        from .models import QuestionTag, Tag

        query = (
            query.join(QuestionTag, QuestionTag.question_id == Question.id)
            .join(Tag, Tag.id == QuestionTag.tag_id)
            .where(Tag.name == tag)
        )
    total = db.session.execute(
        db.select(db.func.count()).select_from(query.subquery())
    ).scalar_one()
    questions = list(
        db.session.execute(
            query.order_by(Question.category_id, Question.name)
            .limit(PAGE_SIZE)
            .offset((page - 1) * PAGE_SIZE)
        ).scalars()
    )
    counts = dict(
        db.session.execute(
            db.select(Question.category_id, db.func.count(Question.id))
            .where(Question.course_id == course_id, Question.hidden.is_(False))
            .group_by(Question.category_id)
        ).all()
    )
    form = CategoryForm()
    form.parent.choices = [SelectChoice(0, _("(top level)"))] + [
        SelectChoice(c.id, bank.category_label(c)) for c in categories
    ]
    return render_template(
        "quiz/bank.html",
        course=course,
        categories=categories,
        counts=counts,
        shown=shown,
        tag=tag,
        questions=questions,
        tags=bank.tags_of(q.id for q in questions),
        all_tags=bank.course_tags(course_id),
        category_names={c.id: bank.category_label(c) for c in categories},
        page=page,
        pages=max(1, -(-total // PAGE_SIZE)),
        total=total,
        form=form,
        rename_form=RenameCategoryForm(),
        types=question_types(),
        depth=lambda c: len(bank.split_path(c.path)) - 1,
        languages=[(locale, LANGUAGE_NAMES.get(locale, locale)) for locale in LANGUAGES],
    )


@bp.route("/course/<int:course_id>/categories", methods=["POST"])
@require_course_staff
def add_category(course_id: int):
    categories = bank.course_categories(course_id)
    form = CategoryForm()
    form.parent.choices = [SelectChoice(0, "")] + [SelectChoice(c.id, c.path) for c in categories]
    if form.validate_on_submit():
        parent = next((c for c in categories if c.id == form.parent.data), None)
        names = (bank.split_path(parent.path) if parent else []) + [form.name.data.strip()]
        try:
            category = bank.ensure_category(course_id, names)
        except bank.BankError as exc:
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash(_("Category “%(name)s” is ready.", name=bank.category_label(category)), "success")
            return redirect(url_for("quiz.bank_index", course_id=course_id, category=category.id))
    else:
        flash(_("A category needs a name."), "error")
    return redirect(url_for("quiz.bank_index", course_id=course_id))


@bp.route("/course/<int:course_id>/categories/<int:category_id>", methods=["POST"])
@require_course_staff
def change_category(course_id: int, category_id: int):
    """Rename (``action=rename``) or delete (``action=delete``, empty categories only)."""
    category = _category(course_id, category_id)
    action = request.form.get("action")
    try:
        if action == "rename":
            form = RenameCategoryForm()
            if not form.validate_on_submit():
                raise bank.BankError(_("A category needs a name."))
            bank.rename_category(category, form.name.data)
            message = _("The category has been renamed.")
        elif action == "delete":
            bank.delete_category(category)
            message = _("The category has been deleted.")
        else:
            abort(400)
    except bank.BankError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(message, "success")
    return redirect(url_for("quiz.bank_index", course_id=course_id))


def _question_form(course_id: int) -> tuple[QuestionForm, list[Category]]:
    form = QuestionForm()
    categories = bank.course_categories(course_id)
    form.category.choices = [SelectChoice(c.id, bank.category_label(c)) for c in categories]
    return form, categories


@bp.route("/course/<int:course_id>/questions/new", methods=["GET", "POST"])
@require_course_staff
def new_question(course_id: int):
    course = _course(course_id)
    key = request.args.get("type", "")
    if key not in question_types():
        return render_template("quiz/choose_type.html", course=course, types=question_types())
    form, categories = _question_form(course_id)
    if not categories:
        bank.ensure_category(course_id, [_("Default")])
        db.session.commit()
        form, categories = _question_form(course_id)
    if request.method == "GET":
        editor.blank_form(form, key)
        form.category.data = arg_int("category")
    elif form.validate_on_submit():
        data, problems = editor.form_data(form, key)
        category = next(c for c in categories if c.id == form.category.data)
        try:
            if problems:
                raise bank.BankError(" ".join(problems))
            question = bank.create_question(
                course_id,
                category,
                data,
                user_id=current_user.id,
                tags=(form.tags.data or "").split(","),
            )
        except bank.BankError as exc:
            db.session.rollback()
            form.name.errors = [*form.name.errors, str(exc)]
        else:
            db.session.commit()
            flash(_("The question has been added to the bank."), "success")
            return redirect(
                url_for("quiz.preview_question", course_id=course_id, question_id=question.id)
            )
    return render_template(
        "quiz/edit_question.html",
        course=course,
        form=form,
        key=key,
        question=None,
        qtype=question_types()[key],
    ), 400 if form.errors else 200


@bp.route("/course/<int:course_id>/questions/<int:question_id>/edit", methods=["GET", "POST"])
@require_course_staff
def edit_question(course_id: int, question_id: int):
    course = _course(course_id)
    question = _question(course_id, question_id)
    form, categories = _question_form(course_id)
    current = bank.current_versions([question.id])[question.id]
    if request.method == "GET":
        editor.fill_form(form, current.data)
        form.category.data = question.category_id
        form.tags.data = ", ".join(bank.tags_of([question.id])[question.id])
    elif form.validate_on_submit():
        data, problems = editor.form_data(form, question.qtype)
        category = next(c for c in categories if c.id == form.category.data)
        try:
            if problems:
                raise bank.BankError(" ".join(problems))
            outcome = bank.update_question(
                question, data, user_id=current_user.id, category=category
            )
            bank.set_tags(question, (form.tags.data or "").split(","))
        except bank.BankError as exc:
            db.session.rollback()
            form.name.errors = [*form.name.errors, str(exc)]
        else:
            db.session.commit()
            flash(
                {
                    "unchanged": _("Nothing changed in the question."),
                    "updated": _("The question has been saved."),
                    "new_version": _(
                        "The question has been saved as version %(n)s; attempts already made keep "
                        "the version they were taken with.",
                        n=question.latest_version,
                    ),
                }[outcome],
                "success",
            )
            return redirect(
                url_for("quiz.preview_question", course_id=course_id, question_id=question.id)
            )
    return render_template(
        "quiz/edit_question.html",
        course=course,
        form=form,
        key=question.qtype,
        question=question,
        qtype=question_types().get(question.qtype),
        languages=language_states(current),
    ), 400 if form.errors else 200


@bp.route("/course/<int:course_id>/questions/<int:question_id>/preview", methods=["GET", "POST"])
@require_course_staff
def preview_question(course_id: int, question_id: int):
    """Try a question as a learner would, and see its grade, feedback and right answer."""
    course = _course(course_id)
    question = _question(course_id, question_id)
    version = bank.current_versions([question.id])[question.id]
    data = version.data
    qtype = question_type(question.qtype)
    response = (
        read_response(data, qtype, request.form, "q1", None) if request.method == "POST" else None
    )
    view = build_view(
        slot_number=1,
        data=data,
        qtype=qtype,
        response=response,
        choice_order=None,
        mark=1.0,
        sequence=0,
        media_base=_media(course),
    )
    grade: Grade | None = None
    if request.method == "POST" and qtype is not None:
        grade = qtype.grade(data, response)
        flags = ReviewFlags.everything()
        add_review(
            view,
            data,
            qtype,
            response,
            fraction=grade.fraction,
            needs_grading=grade.fraction is None and qtype.graded,
            comment="",
            show_marks=flags.marks,
            show_feedback=flags.feedback,
            show_correct=flags.correct,
            media_base=_media(course),
        )
        view.disabled = False
    return render_template(
        "quiz/preview.html",
        course=course,
        question=question,
        view=view,
        data=data,
        grade=grade,
        category=db.session.get(Category, question.category_id),
        label=bank.category_label,
        languages=language_states(version),
    )


@bp.route("/course/<int:course_id>/questions/<int:question_id>/delete", methods=["POST"])
@require_course_staff
def delete_question(course_id: int, question_id: int):
    question = _question(course_id, question_id)
    try:
        outcome = bank.delete_question(question)
    except bank.BankError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(
            url_for("quiz.preview_question", course_id=course_id, question_id=question_id)
        )
    db.session.commit()
    flash(
        _("The question has been deleted.")
        if outcome == "deleted"
        else _("The question has been removed from the bank; past attempts still show it."),
        "success",
    )
    return redirect(url_for("quiz.bank_index", course_id=course_id))


@bp.route("/course/<int:course_id>/import", methods=["GET", "POST"])
@require_course_staff
def import_questions(course_id: int):
    """Step one shows what a file holds (questions, or errors with line numbers); step two
    (``confirm``) imports it, all or nothing."""
    course = _course(course_id)
    form = ImportForm()
    result, report = None, None
    if form.validate_on_submit() or (request.method == "POST" and form.file.data):
        text = form.text.data or ""
        upload = form.file.data
        if upload:
            raw = upload.read()
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                form.file.errors = [_("The file is not UTF-8 text.")]
                return render_template(
                    "quiz/import.html", course=course, form=form, result=None
                ), 400
            form.text.data = text
        source = upload.filename if upload else _("pasted text")
        result = (parse_aiken if form.format.data == "aiken" else parse_gift)(
            text, source, max_questions=gift_max_questions()
        )
        if (
            result.ok
            and len(result.questions) > import_job_questions()
            and request.form.get("confirm")
        ):
            token = import_jobs.queue_import(
                course_id, text, form.format.data, source, form.category.data or "", current_user.id
            )
            db.session.commit()
            return redirect(url_for("quiz.import_status", course_id=course_id, token=token))
        if result.ok and result.questions and request.form.get("confirm"):
            try:
                report = bank.import_questions(
                    course_id,
                    result.questions,
                    bank.split_path(form.category.data) or ["Imported"],
                    user_id=current_user.id,
                )
            except bank.BankError as exc:  # the default category does not fit the bank
                db.session.rollback()
                form.category.errors = [str(exc)]
                return render_template(
                    "quiz/import.html", course=course, form=form, result=result
                ), 400
            db.session.commit()
            flash(
                _(
                    "Imported: %(c)s new, %(u)s changed, %(s)s unchanged.",
                    c=report.created,
                    u=report.updated,
                    s=report.unchanged,
                ),
                "success",
            )
            return redirect(url_for("quiz.bank_index", course_id=course_id))
    status = 422 if result is not None and not result.ok else 200
    return render_template("quiz/import.html", course=course, form=form, result=result), status


@bp.route("/course/<int:course_id>/import/<token>")
@require_course_staff
def import_status(course_id: int, token: str):
    """Where a large import has got to: queued, done (with its counts) or failed."""
    course = _course(course_id)
    state = import_jobs.import_state(course_id, token) if token.isalnum() else None
    if state is None:
        abort(404)
    return render_template("quiz/import_status.html", course=course, state=state, token=token)


@bp.route("/course/<int:course_id>/export.gift")
@require_course_staff
def export_bank(course_id: int):
    """The bank (or a category) as GIFT; with ``lang``, its parallel file in that language."""
    category_id = arg_int("category")
    category = _category(course_id, category_id) if category_id else None
    lang = request.args.get("lang", "")
    try:
        exported = bank.export_versions(course_id, category=category)
        questions = [q for q, _v in exported]
        if lang in LANGUAGES:
            questions = translated_questions(exported, lang) or questions
        text = export_gift(questions)
    except ValueError as exc:
        flash(_("The bank cannot be written as GIFT: %(error)s", error=str(exc)), "error")
        return redirect(url_for("quiz.bank_index", course_id=course_id))
    suffix = f".{lang}" if lang in LANGUAGES else ""
    return Response(
        text,
        mimetype="text/plain; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{_course(course_id).slug}-questions{suffix}.gift"'
        },
    )


@bp.route("/course/<int:course_id>/quizzes.csv")
@require_course_staff
def course_report_csv(course_id: int):
    return Response(
        course_quizzes_csv(course_quizzes(course_id)),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{_course(course_id).slug}-quizzes.csv"'
        },
    )
