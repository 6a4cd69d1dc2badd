"""Schemathesis generates requests from /api/v1/openapi.json and sends them to the app, once per
kind of token: no answer is a server error, and every answer matches the document (status,
content type, headers and body)."""

from __future__ import annotations

from datetime import date

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from nttlearn.cohorts.services import add_to_cohort, create_cohort
from nttlearn.extensions import db
from nttlearn.models import Enrolment
from nttlearn.rest.tokens import create_token

# Who calls, with which scopes: each sees a different part of the API succeed or refuse.
# Rules across fields, which JSON Schema cannot say: a request the document allows is refused
# with 422 ('to' before 'from'), so that check does not apply to these operations.
CROSS_FIELD_RULES = {"GET /api/v1/evaluation/impact"}

CALLERS = {
    "learner-read": ("learner", ["read"]),
    "learner-read-write": ("learner", ["read", "write"]),
    "trainer-read-write": ("trainer", ["read", "write"]),
    "admin-all": ("admin", ["read", "write", "admin"]),
}


@pytest.fixture
def api_schema(app, make_user, make_course):
    # Something to find: a trainer's course with a learner in a cohort, a draft, an organisation.
    trainer = make_user(
        role="trainer", email="trainer@example.org", org="Comune di Modena", country="IT"
    )
    course = make_course(modules=2, lessons=2, trainer=trainer, slug="energy-neighbours")
    make_course(slug="a-draft", published=False)
    learner = make_user(email="learner@example.org", org="Luleå kommun", country="SE")
    db.session.add(Enrolment(user_id=learner.id, course_id=course.id))
    add_to_cohort(learner, create_cohort(course, "Spring", date(2027, 3, 1)))
    db.session.commit()
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


@pytest.fixture
def callers(app, make_user) -> dict[str, dict[str, str]]:
    """The Authorization header of each kind of caller."""
    headers = {}
    for name, (role, scopes) in CALLERS.items():
        token, _record = create_token(make_user(role=role), scopes)
        headers[name] = {"Authorization": f"Bearer {token}"}
    db.session.commit()
    return headers


def _check_examples(operation, callers: dict[str, dict[str, str]]) -> None:
    """Hypothesis's examples of one operation, each sent as every caller."""
    excluded = [positive_data_acceptance] if operation.label in CROSS_FIELD_RULES else []

    @given(case=operation.as_strategy())
    @settings(
        max_examples=10, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    def answers_as_documented(case):
        for name, headers in callers.items():
            try:
                case.call_and_validate(headers=headers, excluded_checks=excluded)
            except Exception as error:
                raise AssertionError(f"as {name}: {error}") from error
            finally:
                db.session.rollback()

    answers_as_documented()


# Every operation of the document, each walked by a test of its own (so the walks spread over the
# test workers); the first test fails when the document gains or loses one.
OPERATIONS = [
    "GET /api/v1/courses",
    "GET /api/v1/courses/{slug}",
    "GET /api/v1/courses/{slug}/outline",
    "GET /api/v1/courses/{slug}/progress",
    "GET /api/v1/me",
    "GET /api/v1/me/progress",
    "GET /api/v1/users",
    "GET /api/v1/users/{user_id}",
    "GET /api/v1/organisations",
    "GET /api/v1/organisations/{organisation_id}",
    "GET /api/v1/enrolments",
    "POST /api/v1/enrolments",
    "DELETE /api/v1/enrolments/{enrolment_id}",
    "GET /api/v1/certificates",
    "POST /api/v1/certificates",
    "POST /api/v1/certificates/{code}/revoke",
    "GET /api/v1/certificates/{code}/verification",
    "GET /api/v1/evaluation/impact",
    "GET /api/v1/courses/{slug}/cohorts",
    "GET /api/v1/cohorts/{cohort_id}",
    "GET /api/v1/cohorts/{cohort_id}/members",
    "GET /api/v1/meetings",
    "GET /api/v1/meetings/{meeting_id}",
    "GET /api/v1/meetings/{meeting_id}/registrations",
]


def _operations(api_schema) -> dict:
    return {
        operation.label: operation
        for operation in (r.ok() for r in api_schema.get_all_operations())
    }


def test_the_walk_covers_every_operation_of_the_document(api_schema):
    assert sorted(_operations(api_schema)) == sorted(OPERATIONS)


@pytest.mark.parametrize("label", OPERATIONS)
def test_every_operation_answers_as_documented_to_every_caller(api_schema, callers, label):
    _check_examples(_operations(api_schema)[label], callers)
