"""``/api/v1/courses``: the catalogue, one course, its outline."""

from __future__ import annotations

from flask import url_for
from flask_smorest import Blueprint, abort

from ..auth.permissions import can_manage_course
from ..config import LOCALES
from ..content.coverage import available_languages, courses_coverage
from ..extensions import db
from ..learn.structure import course_outline
from ..models import Course
from .auth import api_user, token_required
from .schemas import CourseQuerySchema, CourseSchema, LangQuerySchema, OutlineSchema

courses = Blueprint(
    "api_courses",
    __name__,
    url_prefix="/api/v1/courses",
    description="Courses: the catalogue, a course, its outline",
)


def locale_or_default(lang: str) -> str:
    """A site language (``it``, ``sv``, ``es``, ``fi``), else English."""
    return lang if lang in LOCALES else "en"


def _visible(course: Course | None) -> Course:
    """A published course, or one the caller manages; others answer 404 (not 403: a draft's
    existence is not disclosed)."""
    if course is None or not (
        course.published and not course.archived or can_manage_course(api_user(), course)
    ):
        abort(404, message="No such course.")
    return course


def course_json(course: Course, lang: str, languages: list[str]) -> dict:
    return {
        "slug": course.slug,
        "title": course.localized("title", lang),
        "summary": course.localized("summary", lang),
        "policy_area": course.policy_area,
        "languages": languages,
        "hours": course.hours,
        "published": course.published,
        "self_enrolment": course.self_enrolment,
        "url": url_for("learn.course", slug=course.slug, _external=True),
    }


def find_course(slug: str) -> Course:
    return _visible(db.session.execute(db.select(Course).where(Course.slug == slug)).scalar())


@courses.route("")
@token_required("read")
@courses.arguments(CourseQuerySchema, location="query")
@courses.response(200, CourseSchema(many=True))
@courses.paginate(page_size=50, max_page_size=200)
def list_courses(args, pagination_parameters):
    """The published courses, in the catalogue's order; filter by policy area or language."""
    lang = locale_or_default(args["lang"])
    stmt = db.select(Course).where(Course.published.is_(True), Course.archived.is_(False))
    if "policy_area" in args:
        stmt = stmt.where(Course.policy_area == args["policy_area"])
    found = (
        db.session.execute(
            stmt.order_by(Course.policy_area != "methodology", Course.title, Course.id)
        )
        .scalars()
        .all()
    )
    coverage = courses_coverage(found)
    languages = {c.id: available_languages(coverage[c.id]) for c in found}
    if "language" in args:
        found = [c for c in found if args["language"] in languages[c.id]]
    pagination_parameters.item_count = len(found)
    start = pagination_parameters.first_item
    return [
        course_json(c, lang, languages[c.id])
        for c in found[start : start + pagination_parameters.page_size]
    ]


@courses.route("/<slug>")
@token_required("read")
@courses.arguments(LangQuerySchema, location="query")
@courses.response(200, CourseSchema)
def get_course(args, slug: str):
    """One course (published, or one the token's owner teaches)."""
    course = find_course(slug)
    return course_json(
        course,
        locale_or_default(args["lang"]),
        available_languages(courses_coverage([course])[course.id]),
    )


@courses.route("/<slug>/outline")
@token_required("read")
@courses.arguments(LangQuerySchema, location="query")
@courses.response(200, OutlineSchema)
def get_outline(args, slug: str):
    """The course's modules with their lessons and activities, in order."""
    course = find_course(slug)
    lang = locale_or_default(args["lang"])
    outline = course_outline(course, None)
    modules = []
    for module in outline.modules:
        items = [
            {
                "kind": "lesson",
                "id": lesson.id,
                "key": lesson.key,
                "title": lesson.localized("title", lang),
                "required": lesson.required,
                "type": None,
            }
            for lesson in outline.lessons[module.id]
        ]
        items += [
            {
                "kind": "activity",
                "id": a.id,
                "key": a.key,
                "title": a.localized("title", lang),
                "required": a.required,
                "type": a.type_key,
            }
            for a in outline.activities[module.id]
        ]
        modules.append(
            {
                "id": module.id,
                "key": module.key,
                "title": module.localized("title", lang),
                "items": items,
            }
        )
    languages = available_languages(courses_coverage([course])[course.id])
    return {"course": course_json(course, lang, languages), "modules": modules}


def blueprints() -> list[Blueprint]:
    return [courses]
