"""Learner pages: catalogue, course, lesson, dashboard."""

from __future__ import annotations

import logging

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from ..activities import ActivityType, activity_types
from ..auth.permissions import can_manage_course, public, require_login
from ..cohorts.pacing import ItemLocked, pacing_for, pacing_of
from ..config import LANGUAGE_NAMES, LOCALES
from ..content.coverage import available_languages, courses_coverage
from ..content.media_types import media_headers, media_prefix
from ..extensions import db, login_manager
from ..models import Activity, Course, Lesson
from ..storage import send_stored_file
from .fragments import lesson_body, outline_sidebar
from .services import (
    EnrolmentError,
    activities_by_id,
    card_summary,
    catalogue_courses,
    course_by_slug,
    course_trainers,
    dashboard_courses,
    enrol,
    enrolled_course_ids,
    first_lessons,
    get_enrolment,
    progress_by_course,
    remember_lesson,
)
from .services import complete_lesson as mark_lesson_done
from .services import uncomplete_lesson as unmark_lesson_done
from .structure import CourseStructure, course_structure, learner_state
from .todo import todo_items

bp = Blueprint("learn", __name__, template_folder="templates")
log = logging.getLogger(__name__)


def activity_status(activity_type: ActivityType, activity: Activity) -> str | None:
    """The plugin's short status line for the current learner ("Best grade: 80%"); a plugin
    that fails here is logged and shows nothing, the page still renders."""
    try:
        return activity_type.status(activity, current_user.id) if activity_type.status else None
    except Exception:  # noqa: BLE001 - a plugin's status must not break the course page
        log.exception(
            "plugin %s failed to give the status of activity %s", activity_type.plugin, activity.id
        )
        return None


def statuses_of(structure: CourseStructure):
    """``activity_status`` for the course page's entries. The ``Activity`` rows plugins take
    are loaded in one query the first time one is asked; a plugin with ``statuses`` is asked
    once for all its activities in the course, the others activity by activity."""
    rows: dict[int, Activity] = {}
    batches: dict[str, dict[int, str | None]] = {}

    def batch(activity_type: ActivityType) -> dict[int, str | None]:
        activities = [
            rows[a.id]
            for items in structure.activities.values()
            for a in items
            if a.type_key == activity_type.key and a.id in rows
        ]
        try:
            return dict(activity_type.statuses(activities, current_user.id))
        except Exception:  # noqa: BLE001 - a plugin's status must not break the course page
            log.exception(
                "plugin %s failed to give the statuses of its activities", activity_type.plugin
            )
            return {}

    def status(activity_type: ActivityType, entry) -> str | None:
        if not rows:
            rows.update(activities_by_id(structure.activity_ids))
        if activity_type.statuses is not None:
            if activity_type.key not in batches:
                batches[activity_type.key] = batch(activity_type)
            return batches[activity_type.key].get(entry.id)
        activity = rows.get(entry.id)
        return (
            activity_status(activity_type, activity)
            if activity is not None and activity_type.status
            else None
        )

    return status


def policy_area_labels() -> dict[str, str]:
    return {
        "methodology": _("Project design methodology"),
        "youth": _("Youth and development"),
        "social-enterprise": _("Social-sector enterprises"),
        "renewable-energy": _("Renewable energy sources"),
        "family-gender": _("Family support from a gender-equality perspective"),
        "integration-employment": _("Integration and immigration from an employment perspective"),
    }


def visible_course(slug: str) -> Course:
    """The course for ``slug`` if the current user may see it, else 404 (not 403: no probing)."""
    course = course_by_slug(slug)
    if course is None or course.archived:
        abort(404)
    if not course.published and not can_manage_course(current_user, course):
        abort(404)
    return course


@bp.route("/")
@public
def catalogue():
    query = request.args.get("q", "").strip()
    area = request.args.get("area", "")
    language = request.args.get("language", "")
    courses = catalogue_courses(query, area)
    coverage = courses_coverage(courses)
    languages = {c.id: available_languages(coverage[c.id]) for c in courses}
    elsewhere: list[Course] = []
    if language in LOCALES:
        # A course is listed under a language only when all of it is there; with none, the
        # visitor is offered the courses that match in other languages instead of a dead end.
        matching = [c for c in courses if language in languages[c.id]]
        elsewhere = [] if matching else courses
        courses = matching
    trainers = course_trainers(courses)
    enrolled = enrolled_course_ids(current_user.id) if current_user.is_authenticated else set()
    # A look at each course before enrolling: its first lesson, unless a release rule closes it.
    shown = [c for c in (courses or elsewhere) if c.id not in enrolled]
    by_id = {c.id: c for c in shown}
    previews = {
        course_id: lesson_id
        for course_id, (lesson_id, module_id) in first_lessons(shown).items()
        if pacing_for(None, by_id[course_id], deadlines=False).module(module_id).open
    }
    return render_template(
        "learn/catalogue.html",
        previews=previews,
        courses=courses,
        trainers=trainers,
        enrolled=enrolled,
        query=query,
        area=area,
        language=language,
        areas=policy_area_labels(),
        locale=str(get_locale()),
        languages=languages,
        coverage=coverage,
        elsewhere=elsewhere,
        language_names=LANGUAGE_NAMES,
        summaries={
            c.id: card_summary(c.localized("summary", str(get_locale())))
            for c in (courses or elsewhere)
        },
    )


@bp.route("/dashboard")
@require_login
def dashboard():
    enrolments, teaching = dashboard_courses(current_user.id)
    progress = progress_by_course(current_user.id, [e.course for e in enrolments], enrolments)
    todo = todo_items(current_user._get_current_object())
    return render_template(
        "learn/dashboard.html",
        enrolments=enrolments,
        progress=progress,
        teaching=teaching,
        locale=str(get_locale()),
        todo=todo,
        state_labels=todo_state_labels(),
    )


def todo_state_labels() -> dict[str, str]:
    return {
        "todo": _("To do"),
        "due_soon": _("Due soon"),
        "overdue": _("Overdue"),
        "invited": _("Invitation"),
        "upcoming": _("Upcoming"),
    }


@bp.route("/courses/<slug>")
@public
def course(slug: str):
    course = visible_course(slug)
    structure = course_structure(course)
    state = learner_state(current_user.id, structure) if current_user.is_authenticated else None
    enrolment = (
        get_enrolment(current_user.id, course.id)
        if state is not None and state.enrolment_id
        else None
    )
    outline = structure.outline(course, state.done if enrolment is not None else frozenset())
    trainers = course_trainers([course]).get(course.id, [])
    resume = outline.resume_lesson(state.last_lesson_id) if enrolment is not None else None
    staff = can_manage_course(current_user, course)
    pacing = pacing_of(current_user, course) if enrolment is not None else pacing_for(None, course)
    ordered = outline.ordered_lessons()
    preview = (
        ordered[0]
        if ordered
        and not enrolment
        and not staff
        and course.published
        and pacing.module(ordered[0].module_id).open
        else None
    )
    # The module shown open: where the learner continues, else the first one.
    current = resume or (ordered[0] if ordered else None)
    return render_template(
        "learn/course.html",
        course=course,
        outline=outline,
        enrolment=enrolment,
        trainers=trainers,
        resume=resume,
        types=activity_types(),
        areas=policy_area_labels(),
        locale=str(get_locale()),
        staff=staff,
        activity_status=statuses_of(structure) if enrolment is not None else None,
        pacing=pacing,
        preview=preview,
        open_module_id=current.module_id
        if current
        else (outline.modules[0].id if outline.modules else None),
        not_counted=outline.not_counted() if staff else [],
    )


@bp.route("/courses/<slug>/enrol", methods=["POST"])
@require_login
def enrol_self(slug: str):
    course = visible_course(slug)
    try:
        enrol(current_user.id, course)
    except EnrolmentError:
        flash(
            _("This course is not open for self-enrolment. Ask its trainer to enrol you."), "error"
        )
        return redirect(url_for("learn.course", slug=slug))
    db.session.commit()
    flash(_("You are enrolled. Welcome to the course!"), "success")
    return redirect(url_for("learn.course", slug=slug))


def _lesson_in_course(course: Course, lesson_id: int) -> Lesson:
    lesson = db.session.get(Lesson, lesson_id)
    if (
        lesson is None
        or lesson.archived
        or lesson.module.course_id != course.id
        or lesson.module.archived
    ):
        abort(404)
    return lesson


@bp.route("/courses/<slug>/lessons/<int:lesson_id>")
@public
def lesson(slug: str, lesson_id: int):
    """A lesson, from the course structure and fragments cached per worker (see structure.py):
    per request only the user, the course row and the learner's state are read.

    The first lesson of a published course is its preview: anyone may read it before enrolling
    (marked as a preview, with the way to enrol). Every other lesson is for the course's learners
    and staff: anonymous visitors are sent to log in, others get 403."""
    course = visible_course(slug)
    structure = course_structure(course)
    lesson = structure.lesson(lesson_id) or abort(404)
    signed_in = current_user.is_authenticated
    state = learner_state(current_user.id, structure) if signed_in else None
    enrolled = state is not None and state.enrolment_id is not None
    preview = not enrolled and not (signed_in and can_manage_course(current_user, course))
    if preview and not is_preview_lesson(course, structure, lesson.id):
        if not signed_in:
            return login_manager.unauthorized()
        abort(403)
    if not preview:
        _refuse_locked(course, lesson.module_id)
    locale = str(get_locale())
    previous, following = structure.neighbours(lesson.id)
    done = state.done if state is not None else frozenset()
    page = render_template(
        "learn/lesson.html",
        course=course,
        lesson=lesson,
        module=structure.module_by_id[lesson.module_id],
        outline=structure.outline(course, done),
        previous=previous,
        following=following,
        done=("l", lesson.id) in done,
        enrolled=enrolled,
        locale=locale,
        preview=preview,
        translated=locale == "en" or locale in lesson.body_locales,
        body=lesson_body(course, structure, lesson, locale),
        sidebar=None
        if preview
        else outline_sidebar(course, structure, locale, activity_types()).render(
            done, ("l", lesson.id)
        ),
    )
    # Where the learner is, for "continue" on the course page.
    if enrolled and state.last_lesson_id != lesson.id:
        remember_lesson(state.enrolment_id, lesson.id)
        db.session.commit()
    return page


def is_preview_lesson(course: Course, structure: CourseStructure, lesson_id: int) -> bool:
    """Whether ``lesson_id`` is the lesson anyone may read before enrolling: the first lesson of
    a published course, when release rules do not keep its module closed to newcomers."""
    if not course.published or not structure.ordered or structure.ordered[0].id != lesson_id:
        return False
    return pacing_for(None, course, deadlines=False).module(structure.ordered[0].module_id).open


def _enrolled_lesson(slug: str, lesson_id: int) -> tuple[Course, Lesson]:
    """The course and lesson a learner marks done or not done: 404 when not visible, 403 when
    the learner is not enrolled."""
    course = visible_course(slug)
    lesson = _lesson_in_course(course, lesson_id)
    if get_enrolment(current_user.id, course.id) is None:
        abort(403)
    _refuse_locked(course, lesson.module_id)
    return course, lesson


def _refuse_locked(course: Course, module_id: int) -> None:
    """403 with when and why it opens, for a lesson whose module a release rule keeps locked."""
    access = pacing_of(current_user, course, deadlines=False).module(module_id)
    if not access.open:
        raise ItemLocked(access)


@bp.route("/courses/<slug>/lessons/<int:lesson_id>/done", methods=["POST"])
@require_login
def complete_lesson(slug: str, lesson_id: int):
    course, lesson = _enrolled_lesson(slug, lesson_id)
    mark_lesson_done(current_user.id, lesson)
    db.session.commit()
    flash(_("Lesson marked as done."), "success")
    if request.form.get("next") == "continue":
        structure = course_structure(course)
        following = structure.outline(
            course, learner_state(current_user.id, structure).done
        ).resume_lesson(lesson.id)
        if following is None or following.id == lesson.id:  # nothing left to read: see the course
            return redirect(url_for("learn.course", slug=slug))
        return redirect(url_for("learn.lesson", slug=slug, lesson_id=following.id))
    return redirect(url_for("learn.lesson", slug=slug, lesson_id=lesson.id))


@bp.route("/courses/<slug>/lessons/<int:lesson_id>/not-done", methods=["POST"])
@require_login
def uncomplete_lesson(slug: str, lesson_id: int):
    """Un-mark a lesson: the learner marked it by mistake or wants it on their list again."""
    _course, lesson = _enrolled_lesson(slug, lesson_id)
    unmark_lesson_done(current_user.id, lesson)
    db.session.commit()
    flash(_("Lesson marked as not done."), "success")
    return redirect(url_for("learn.lesson", slug=slug, lesson_id=lesson.id))


@bp.route("/courses/<slug>/media/<path:filename>")
@public
def media(slug: str, filename: str):
    """A course's media file, served so that even a file that is not what its name says cannot
    run a script on the site's origin (see :func:`~nttlearn.content.media_types.media_headers`):
    images, audio and video inline, anything else as a download. A published course's files are
    public and may be cached; an unpublished one's are for its staff only."""
    course = visible_course(slug)
    mimetype, inline, headers = media_headers(filename)
    try:
        response = send_stored_file(
            media_prefix(course.slug) + filename,
            mimetype=mimetype,
            as_attachment=not inline,
            max_age=3600 if course.published else None,
        )
    except FileNotFoundError:
        abort(404)
    response.headers.update(headers)
    return response
