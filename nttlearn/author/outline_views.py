"""Editing a course's content: modules, lessons (with the Markdown preview) and activities.

Reordering and deleting are plain POST forms, so they work without JavaScript.
"""

from __future__ import annotations

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError

from ..auth.permissions import require_course_staff
from ..confirm import confirmation_page, confirmed
from ..content.markdown import render_markdown
from ..extensions import db
from ..models import Activity, Course, Lesson, Module
from ..request_args import form_int
from .blueprint import bp, course_or_404, element_or_404, installed_types
from .forms import ActivityForm, AddActivityForm, LessonForm, ModuleForm, lines, options
from .outline import (
    LessonConflict,
    add_activity,
    add_lesson,
    add_module,
    check_lesson_body,
    lesson_token,
    move,
    normalize_body,
    remove,
    save_lesson,
    update_activity,
    update_module,
)
from .services import AuthoringError
from .translations import OUTCOMES, language_states, module_lesson_states

MODELS = {"modules": Module, "lessons": Lesson, "activities": Activity}


def _outline_url(course: Course, anchor: str | None = None) -> str:
    return url_for("author.outline", course_id=course.id, _anchor=anchor)


@bp.route("/courses/<int:course_id>/outline")
@require_course_staff
def outline(course_id: int):
    from ..content.layout import load_outline

    course = course_or_404(course_id)
    return render_template(
        "author/outline.html", course=course, outline=load_outline(course), types=installed_types()
    )


# -- modules -------------------------------------------------------------------------------------
@bp.route("/courses/<int:course_id>/modules/new", methods=["GET", "POST"])
@require_course_staff
def new_module(course_id: int):
    course = course_or_404(course_id)
    form = ModuleForm()
    if form.validate_on_submit():
        module = add_module(
            course,
            title=form.title.data,
            summary=form.summary.data or "",
            outcomes=lines(form.outcomes.data),
        )
        db.session.commit()
        flash(_("The module has been added."), "success")
        return redirect(_outline_url(course, f"module-{module.id}"))
    return render_template("author/module.html", form=form, course=course, module=None)


@bp.route("/courses/<int:course_id>/modules/<int:module_id>", methods=["GET", "POST"])
@require_course_staff
def edit_module(course_id: int, module_id: int):
    course = course_or_404(course_id)
    module = element_or_404(Module, module_id, course)
    form = ModuleForm(obj=module)
    if not form.is_submitted():
        form.outcomes.data = "\n".join(module.outcomes or [])
    if form.validate_on_submit():
        values = {
            "title": form.title.data,
            "summary": form.summary.data or "",
            "outcomes": lines(form.outcomes.data),
        }
        try:
            update_module(module, **values)
            db.session.commit()
        except (
            StaleDataError
        ):  # a translation saved at this very moment: apply the edit to the fresh row
            db.session.rollback()
            update_module(element_or_404(Module, module_id, course), **values)
            db.session.commit()
        flash(_("The module has been saved."), "success")
        return redirect(_outline_url(course, f"module-{module.id}"))
    return render_template(
        "author/module.html",
        form=form,
        course=course,
        module=module,
        translations=language_states(module),
        lesson_translations=module_lesson_states(module),
        outcome_translations=language_states(module, OUTCOMES) if module.outcomes else None,
    )


# -- lessons ---------------------------------------------------------------------------------------
def _lesson_values(form: LessonForm) -> dict:
    return {
        "title": form.title.data,
        "minutes": form.minutes.data,
        "required": form.required.data,
        "kind": form.kind.data,
        "body": form.body.data or "",
    }


def _render_lesson(
    form: LessonForm,
    course: Course,
    module: Module,
    lesson: Lesson | None,
    *,
    problems=(),
    preview=None,
    conflict: Lesson | None = None,
    error: str | None = None,
    status: int = 200,
):
    return render_template(
        "author/lesson.html",
        form=form,
        course=course,
        module=module,
        lesson=lesson,
        problems=problems,
        preview=preview,
        conflict=conflict,
        error=None if problems else error,
        translations=language_states(lesson) if lesson else None,
        media_base=url_for("learn.media", slug=course.slug, filename=""),
    ), status


def _preview(course: Course, module: Module, form: LessonForm):
    body = form.body.data or ""
    return check_lesson_body(course, module, body), render_markdown(
        normalize_body(body), url_for("learn.media", slug=course.slug, filename="")
    )


@bp.route("/courses/<int:course_id>/modules/<int:module_id>/lessons/new", methods=["GET", "POST"])
@require_course_staff
def new_lesson(course_id: int, module_id: int):
    course = course_or_404(course_id)
    module = element_or_404(Module, module_id, course)
    form = LessonForm()
    del form.opened_version, form.opened_text  # a new lesson has no version to conflict with
    if form.preview.data and form.is_submitted():
        problems, html = _preview(course, module, form)
        return _render_lesson(form, course, module, None, problems=problems, preview=html)
    if form.validate_on_submit():
        try:
            lesson = add_lesson(course, module, _lesson_values(form))
        except AuthoringError as exc:
            problems, _html = _preview(course, module, form)
            return _render_lesson(
                form, course, module, None, problems=problems, error=str(exc), status=422
            )
        db.session.commit()
        flash(_("The lesson has been added."), "success")
        return redirect(url_for("author.edit_lesson", course_id=course.id, lesson_id=lesson.id))
    return _render_lesson(form, course, module, None)


@bp.route("/courses/<int:course_id>/lessons/<int:lesson_id>", methods=["GET", "POST"])
@require_course_staff
def edit_lesson(course_id: int, lesson_id: int):
    course = course_or_404(course_id)
    lesson = element_or_404(Lesson, lesson_id, course)
    module = db.session.get(Module, lesson.module_id)
    form = LessonForm(obj=lesson)
    if not form.is_submitted():
        form.opened_version.data = str(lesson.version)
        form.opened_text.data = lesson_token(lesson)
    if form.preview.data and form.is_submitted():
        problems, html = _preview(course, module, form)
        return _render_lesson(form, course, module, lesson, problems=problems, preview=html)
    if form.validate_on_submit():
        try:
            save_lesson(
                course,
                lesson,
                _lesson_values(form),
                form.opened_version.data,
                form.opened_text.data,
            )
            db.session.commit()
        except LessonConflict:
            return _conflict(form, course, module, lesson)
        except StaleDataError:
            db.session.rollback()
            return _conflict(form, course, module, db.session.get(Lesson, lesson_id))
        except AuthoringError as exc:
            problems, _html = _preview(course, module, form)
            return _render_lesson(
                form, course, module, lesson, problems=problems, error=str(exc), status=422
            )
        flash(_("The lesson has been saved."), "success")
        return redirect(url_for("author.edit_lesson", course_id=course.id, lesson_id=lesson.id))
    return _render_lesson(form, course, module, lesson)


def _conflict(form: LessonForm, course: Course, module: Module, current: Lesson):
    """Show both texts; the hidden version moves on, so saving again is a deliberate choice."""
    db.session.refresh(current)
    form.opened_version.data = str(current.version)
    form.opened_text.data = lesson_token(current)
    flash(
        _(
            "Someone else saved this lesson while you were editing it. Nothing was overwritten: compare the two texts below, bring your changes into the form and save again."
        ),
        "error",
    )
    return _render_lesson(form, course, module, current, conflict=current, status=409)


@bp.route("/courses/<int:course_id>/markdown-preview", methods=["POST"])
@require_course_staff
def markdown_preview(course_id: int):
    """The lesson editor's live preview: the same renderer, sanitizer and checks as the site."""
    course = course_or_404(course_id)
    module = element_or_404(Module, form_int("module_id"), course)
    body = request.form.get("body", "")
    problems = check_lesson_body(course, module, body)
    html = render_markdown(
        normalize_body(body), url_for("learn.media", slug=course.slug, filename="")
    )
    return jsonify(
        html=str(html),
        problems=[
            {
                "line": p.line,
                "message": p.message,
                "text": _("Line %(line)d: %(message)s", line=p.line, message=p.message),
            }
            for p in problems
        ],
    )


# -- activities ------------------------------------------------------------------------------------
@bp.route(
    "/courses/<int:course_id>/modules/<int:module_id>/activities/new", methods=["GET", "POST"]
)
@require_course_staff
def new_activity(course_id: int, module_id: int):
    course = course_or_404(course_id)
    module = element_or_404(Module, module_id, course)
    types = installed_types()
    form = AddActivityForm()
    form.type_key.choices = options((key, str(t.label)) for key, t in sorted(types.items()))
    if not form.is_submitted() and request.args.get("type") in types:
        form.type_key.data = request.args["type"]
    if form.validate_on_submit():
        try:
            activity = add_activity(
                module,
                types[form.type_key.data],
                title=form.title.data,
                required=form.required.data,
            )
        except AuthoringError as exc:
            db.session.rollback()
            form.type_key.errors = [
                _("The plugin refused the new activity: %(message)s", message=str(exc))
            ]
        else:
            db.session.commit()
            flash(_("The activity has been added."), "success")
            return redirect(
                url_for("author.edit_activity", course_id=course.id, activity_id=activity.id)
            )
    return render_template(
        "author/activity.html", form=form, course=course, module=module, activity=None, types=types
    )


@bp.route("/courses/<int:course_id>/activities/<int:activity_id>", methods=["GET", "POST"])
@require_course_staff
def edit_activity(course_id: int, activity_id: int):
    course = course_or_404(course_id)
    activity = element_or_404(Activity, activity_id, course)
    module = db.session.get(Module, activity.module_id)
    form = ActivityForm(obj=activity)
    if form.validate_on_submit():
        update_activity(activity, title=form.title.data, required=form.required.data)
        db.session.commit()
        flash(_("The activity has been saved."), "success")
        return redirect(
            url_for("author.edit_activity", course_id=course.id, activity_id=activity.id)
        )
    return render_template(
        "author/activity.html",
        form=form,
        course=course,
        module=module,
        activity=activity,
        types=installed_types(),
        translations=language_states(activity),
    )


# -- order and removal -----------------------------------------------------------------------------
@bp.route(
    "/courses/<int:course_id>/<any(modules, lessons, activities):kind>/<int:element_id>/move/<any(up, down):direction>",
    methods=["POST"],
)
@require_course_staff
def move_element(course_id: int, kind: str, element_id: int, direction: str):
    course = course_or_404(course_id)
    element = element_or_404(MODELS[kind], element_id, course)
    if move(element, direction):
        db.session.commit()
    anchor = f"module-{element.id}" if kind == "modules" else f"module-{element.module_id}"
    return redirect(_outline_url(course, anchor))


@bp.route(
    "/courses/<int:course_id>/<any(modules, lessons, activities):kind>/<int:element_id>/delete",
    methods=["POST"],
)
@require_course_staff
def delete_element(course_id: int, kind: str, element_id: int):
    course = course_or_404(course_id)
    element = element_or_404(MODELS[kind], element_id, course)
    title = element.title
    if not confirmed():
        return confirmation_page(
            title=_("Delete %(title)s?", title=title),
            question=_(
                "Remove %(title)s from the course? Where learners have work in it, it is archived and their work is kept.",
                title=title,
            ),
            consequences=_module_contents(element) if kind == "modules" else [],
            button=_("Delete %(title)s", title=title),
            cancel_url=_outline_url(course),
        )
    outcome = remove(element)
    db.session.commit()
    if outcome == "archived":
        flash(
            _(
                "'%(title)s' has been archived: learners have work in it, which is kept. It no longer shows in the course.",
                title=title,
            ),
            "success",
        )
    else:
        flash(_("'%(title)s' has been deleted.", title=title), "success")
    return redirect(_outline_url(course))


def _module_contents(module: Module) -> list[str]:
    """What goes with a module: each of its lessons and activities, by title."""
    lessons = (
        db.session.execute(
            db.select(Lesson.title)
            .where(Lesson.module_id == module.id, Lesson.archived.is_(False))
            .order_by(Lesson.position)
        )
        .scalars()
        .all()
    )
    activities = (
        db.session.execute(
            db.select(Activity.title)
            .where(Activity.module_id == module.id, Activity.archived.is_(False))
            .order_by(Activity.position)
        )
        .scalars()
        .all()
    )
    return [_("Lesson: %(title)s", title=t) for t in lessons] + [
        _("Activity: %(title)s", title=t) for t in activities
    ]
