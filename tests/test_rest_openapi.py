"""Schemathesis generates requests from /api/v1/openapi.json and sends them to the app, once per
kind of token: no answer is a server error, and every answer matches the document (status,
content type, headers and body)."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from nttlearn.extensions import db
from nttlearn.models import Enrolment
from nttlearn.rest.tokens import create_token

# Who calls, with which scopes: each sees a different part of the API succeed or refuse.
CALLERS = {
    "learner-read": ("learner", ["read"]),
    "learner-read-write": ("learner", ["read", "write"]),
    "trainer-read-write": ("trainer", ["read", "write"]),
    "admin-all": ("admin", ["read", "write", "admin"]),
}


@pytest.fixture
def api_schema(app, make_user, make_course):
    # Something to find: a trainer's course with a learner, a draft, an organisation.
    trainer = make_user(role="trainer", email="trainer@example.org", org="Comune di Modena", country="IT")
    course = make_course(modules=2, lessons=2, trainer=trainer, slug="energy-neighbours")
    make_course(slug="a-draft", published=False)
    learner = make_user(email="learner@example.org", org="Luleå kommun", country="SE")
    db.session.add(Enrolment(user_id=learner.id, course_id=course.id))
    db.session.commit()
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.fixture(params=sorted(CALLERS))
def caller_headers(request, app, make_user):
    role, scopes = CALLERS[request.param]
    user = make_user(role=role)
    token, _record = create_token(user, scopes)
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_operation_answers_as_documented(case, caller_headers, app):
    case.call_and_validate(headers=caller_headers)
    db.session.rollback()
