"""``/api/v1/enrolments`` and progress: a learner's own, and a course's for its staff."""

from __future__ import annotations

from flask_smorest import Blueprint, abort

from ..auth.permissions import can_manage_course
from ..extensions import db
from ..learn.services import EnrolmentError, enrol, get_enrolment, progress_by_course, unenrol
from ..models import Course, Enrolment, User
from ..reports.services import course_progress
from .auth import api_user, token_required
from .courses import courses as course_blueprint
from .courses import find_course
from .people import me
from .schemas import EnrolmentQuerySchema, EnrolmentSchema, NewEnrolmentSchema, ProgressSchema

enrolments = Blueprint(
    "api_enrolments",
    __name__,
    url_prefix="/api/v1/enrolments",
    description="Enrolments: your own, or a course's for its trainers",
)


def enrolment_json(enrolment: Enrolment, slug: str) -> dict:
    return {
        "id": enrolment.id,
        "user_id": enrolment.user_id,
        "course": slug,
        "enrolled_at": enrolment.created_at,
        "completed_at": enrolment.completed_at,
    }


@enrolments.route("")
@token_required("read")
@enrolments.arguments(EnrolmentQuerySchema, location="query")
@enrolments.response(200, EnrolmentSchema(many=True))
@enrolments.paginate(page_size=50, max_page_size=500)
def list_enrolments(args, pagination_parameters):
    """Your enrolments; with ``course``, that course's enrolments when you teach it (with
    ``user_id``, one learner's)."""
    user = api_user()
    stmt = db.select(Enrolment, Course.slug).join(Course, Enrolment.course_id == Course.id)
    if "course" in args:
        course = find_course(args["course"])
        stmt = stmt.where(Enrolment.course_id == course.id)
        if not can_manage_course(user, course):
            stmt = stmt.where(Enrolment.user_id == user.id)
        elif "user_id" in args:
            stmt = stmt.where(Enrolment.user_id == args["user_id"])
    elif user.is_admin and "user_id" in args:
        stmt = stmt.where(Enrolment.user_id == args["user_id"])
    elif args.get("user_id", user.id) != user.id:
        abort(403, message="Name a course you teach to list other learners' enrolments.")
    else:
        stmt = stmt.where(Enrolment.user_id == user.id)
    pagination_parameters.item_count = db.session.scalar(
        db.select(db.func.count()).select_from(stmt.subquery())
    )
    if pagination_parameters.first_item >= pagination_parameters.item_count:
        return []  # past the last page: empty, and no OFFSET larger than the database's integers
    rows = db.session.execute(
        stmt.order_by(Enrolment.id)
        .limit(pagination_parameters.page_size)
        .offset(pagination_parameters.first_item)
    ).all()
    return [enrolment_json(e, slug) for e, slug in rows]


@enrolments.route("", methods=["POST"])
@token_required("write")
@enrolments.arguments(NewEnrolmentSchema)
@enrolments.response(201, EnrolmentSchema)
@enrolments.alt_response(
    200, schema=EnrolmentSchema, description="Already enrolled: the enrolment", success=True
)
def create_enrolment(data):
    """Enrol yourself (a published course open to self-enrolment) or, in a course you teach,
    another learner. Enrolling twice returns the existing enrolment with 200."""
    user = api_user()
    course = find_course(data["course"])
    learner_id = data.get("user_id", user.id)
    by_staff = learner_id != user.id
    if by_staff:
        if not can_manage_course(user, course):
            abort(
                403, message="Only the course's trainers and administrators enrol other learners."
            )
        learner = db.session.get(User, learner_id)
        if learner is None or learner.deleted_at is not None or not learner.active:
            abort(
                422,
                message="No such active account.",
                errors={"json": {"user_id": ["No such active account."]}},
            )
    existing = get_enrolment(learner_id, course.id)
    if existing is not None:
        return enrolment_json(existing, course.slug), 200
    try:
        enrolment = enrol(learner_id, course, by_staff=by_staff or can_manage_course(user, course))
    except EnrolmentError:
        db.session.rollback()
        abort(403, message="This course is not open to self-enrolment.")
    db.session.commit()
    return enrolment_json(enrolment, course.slug), 201


@enrolments.route("/<int:enrolment_id>", methods=["DELETE"])
@token_required("write")
@enrolments.response(204)
def delete_enrolment(enrolment_id: int):
    """Leave a course (your own enrolment), or unenrol a learner from a course you teach.
    Progress records stay; enrolling again continues from them."""
    user = api_user()
    enrolment = db.session.get(Enrolment, enrolment_id)
    if enrolment is None:
        abort(404, message="No such enrolment.")
    course = db.session.get(Course, enrolment.course_id)
    if enrolment.user_id != user.id and not can_manage_course(user, course):
        abort(404, message="No such enrolment.")
    unenrol(enrolment.user_id, course)
    db.session.commit()
    return None


@me.route("/progress")
@token_required("read")
@me.response(200, ProgressSchema(many=True))
def my_progress():
    """Your progress in each course you are enrolled in."""
    user = api_user()
    rows = db.session.execute(
        db.select(Enrolment, Course)
        .join(Course, Enrolment.course_id == Course.id)
        .where(Enrolment.user_id == user.id)
        .order_by(Course.title)
    ).all()
    progress = progress_by_course(user.id, [c for _e, c in rows])
    return [
        {
            "user_id": user.id,
            "name": user.name,
            "course": c.slug,
            "done": progress[c.id].done,
            "total": progress[c.id].total,
            "percent": progress[c.id].percent,
            "enrolled_at": e.created_at,
            "last_activity_at": e.last_activity_at,
            "completed_at": e.completed_at,
        }
        for e, c in rows
    ]


@course_blueprint.route("/<slug>/progress")
@token_required("read")
@course_blueprint.response(200, ProgressSchema(many=True))
@course_blueprint.paginate(page_size=100, max_page_size=1000)
def course_progress_list(slug: str, pagination_parameters):
    """Every learner's progress in a course you teach, by name."""
    course = find_course(slug)
    if not can_manage_course(api_user(), course):
        abort(
            403, message="Only the course's trainers and administrators see its learners' progress."
        )
    rows = course_progress(course)
    pagination_parameters.item_count = len(rows)
    start = pagination_parameters.first_item
    return [
        {
            "user_id": r.user_id,
            "name": r.name,
            "course": course.slug,
            "done": r.done,
            "total": r.total,
            "percent": r.percent,
            "enrolled_at": r.enrolled_at,
            "last_activity_at": r.last_activity_at,
            "completed_at": r.completed_at,
        }
        for r in rows[start : start + pagination_parameters.page_size]
    ]


def blueprints() -> list[Blueprint]:
    return [enrolments]
