"""``/api/v1/courses/{slug}/cohorts`` and ``/api/v1/cohorts``: a course's runs and their members,
for the course's trainers (read through :mod:`nttlearn.cohorts.services`)."""

from __future__ import annotations

from flask_smorest import Blueprint, abort

from ..auth.permissions import can_manage_course
from ..cohorts.services import cohorts_of_course, member_counts, members_of
from ..extensions import db
from ..models import Cohort, Course
from .auth import api_user, token_required
from .courses import courses as course_blueprint
from .courses import find_course
from .schemas import CohortMemberSchema, CohortSchema

cohorts = Blueprint(
    "api_cohorts",
    __name__,
    url_prefix="/api/v1/cohorts",
    description="Cohorts: the runs of a course and their members, for its trainers",
)


def cohort_json(cohort: Cohort, slug: str, members: int) -> dict:
    return {
        "id": cohort.id,
        "course": slug,
        "name": cohort.name,
        "starts_on": cohort.starts_on,
        "ends_on": cohort.ends_on,
        "language": cohort.language or None,
        "members": members,
    }


def _taught_cohort(cohort_id: int) -> tuple[Cohort, Course]:
    """A cohort of a course the caller teaches; any other answers 404 (its existence is not
    disclosed, as with another person's enrolment)."""
    cohort = db.session.get(Cohort, cohort_id)
    course = db.session.get(Course, cohort.course_id) if cohort is not None else None
    if cohort is None or course is None or not can_manage_course(api_user(), course):
        abort(404, message="No such cohort.")
    return cohort, course


@course_blueprint.route("/<slug>/cohorts")
@token_required("read")
@course_blueprint.response(200, CohortSchema(many=True))
@course_blueprint.paginate(page_size=50, max_page_size=200)
def course_cohorts(slug: str, pagination_parameters):
    """The cohorts of a course you teach, earliest start first, with how many members each has."""
    course = find_course(slug)
    if not can_manage_course(api_user(), course):
        abort(403, message="Only the course's trainers and administrators see its cohorts.")
    found = cohorts_of_course(course.id)
    pagination_parameters.item_count = len(found)
    start = pagination_parameters.first_item
    page = found[start : start + pagination_parameters.page_size]
    counts = member_counts(c.id for c in page)
    return [cohort_json(c, course.slug, counts.get(c.id, 0)) for c in page]


@cohorts.route("/<int:cohort_id>")
@token_required("read")
@cohorts.response(200, CohortSchema)
def get_cohort(cohort_id: int):
    """One cohort of a course you teach."""
    cohort, course = _taught_cohort(cohort_id)
    return cohort_json(cohort, course.slug, member_counts([cohort.id]).get(cohort.id, 0))


@cohorts.route("/<int:cohort_id>/members")
@token_required("read")
@cohorts.response(200, CohortMemberSchema(many=True))
@cohorts.paginate(page_size=100, max_page_size=1000)
def cohort_members(cohort_id: int, pagination_parameters):
    """The learners in a cohort of a course you teach, by name."""
    cohort, _course = _taught_cohort(cohort_id)
    members = members_of(cohort)
    pagination_parameters.item_count = len(members)
    start = pagination_parameters.first_item
    return [
        {"user_id": u.id, "name": u.name, "email": u.email}
        for u in members[start : start + pagination_parameters.page_size]
    ]


def blueprints() -> list[Blueprint]:
    return [cohorts]
