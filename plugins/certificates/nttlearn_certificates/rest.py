"""``/api/v1/certificates``: a person's certificates, a course's for its trainers, issuing,
revoking and verifying (when the site's REST API is on)."""

from __future__ import annotations

import marshmallow as ma
from flask import url_for

from nttlearn.api import (
    ApiBlueprint,
    ApiText,
    Course,
    User,
    api_abort,
    api_scope,
    api_user,
    can_manage_course,
    db,
)

from .models import IssuedCertificate
from .services import (
    AlreadyIssued,
    CertificateError,
    certificates_of,
    course_certificates,
    find_certificate,
    issue_certificate,
    revoke_certificate,
)
from .verification import verify_code

api = ApiBlueprint(
    "certificates_api",
    __name__,
    url_prefix="/api/v1/certificates",
    description="Certificates: yours, a course's, issuing, revoking and verifying",
)


class CertificateSchema(ma.Schema):
    code = ma.fields.String(required=True)
    user_id = ma.fields.Integer(allow_none=True)
    course = ma.fields.String(required=True, metadata={"description": "The course's slug"})
    course_title = ma.fields.String(required=True)
    learner_name = ma.fields.String(required=True)
    status = ma.fields.String(required=True, metadata={"description": "valid, revoked or expired"})
    issued_at = ma.fields.DateTime(required=True)
    valid_until = ma.fields.DateTime(allow_none=True)
    revoked_at = ma.fields.DateTime(allow_none=True)
    verify_url = ma.fields.String(required=True)


class CertificateQuerySchema(ma.Schema):
    course = ApiText(100, metadata={"description": "A course you teach: its certificates"})


class IssueSchema(ma.Schema):
    course = ApiText(100, min_length=1, required=True)
    user_id = ma.fields.Integer(required=True, validate=ma.validate.Range(min=1, max=2**31 - 1))
    reason = ApiText(500, load_default="")


class RevokeSchema(ma.Schema):
    reason = ApiText(500, min_length=1, required=True)


class VerificationSchema(ma.Schema):
    status = ma.fields.String(required=True)
    valid = ma.fields.Boolean(required=True)
    checked = ma.fields.String(required=True)
    reasons = ma.fields.List(ma.fields.String(), required=True)
    code = ma.fields.String()
    holder = ma.fields.String(allow_none=True)
    course = ma.fields.String()
    issued_on = ma.fields.String()
    valid_until = ma.fields.String(allow_none=True)
    issuer = ma.fields.String()
    revoked_on = ma.fields.String(allow_none=True)


def certificate_json(cert: IssuedCertificate) -> dict:
    return {
        "code": cert.code,
        "user_id": cert.user_id,
        "course": cert.course_slug,
        "course_title": cert.course_title,
        "learner_name": cert.learner_name,
        "status": cert.status(),
        "issued_at": cert.issued_at,
        "valid_until": cert.valid_until,
        "revoked_at": cert.revoked_at,
        "verify_url": url_for("certificates.verify", code=cert.code, _external=True),
    }


def _course(slug: str) -> Course:
    course = db.session.execute(db.select(Course).where(Course.slug == slug)).scalar()
    if course is None:
        api_abort(404, message="No such course.")
    return course


@api.route("")
@api_scope("read")
@api.arguments(CertificateQuerySchema, location="query")
@api.response(200, CertificateSchema(many=True))
def list_certificates(args):
    """Your certificates; with ``course``, every certificate of a course you teach."""
    user = api_user()
    if "course" in args:
        course = _course(args["course"])
        if not can_manage_course(user, course):
            api_abort(
                403, message="Only the course's trainers and administrators list its certificates."
            )
        return [certificate_json(c) for c in course_certificates(course.id)]
    return [certificate_json(c) for c in certificates_of(user.id)]


@api.route("", methods=["POST"])
@api_scope("write")
@api.arguments(IssueSchema)
@api.response(201, CertificateSchema)
def issue(data):
    """Issue a learner's certificate for a course you teach (whatever the course's rule says,
    as on the trainers' page). 409 when they hold one already."""
    user = api_user()
    course = _course(data["course"])
    if not can_manage_course(user, course):
        api_abort(
            403, message="Only the course's trainers and administrators issue its certificates."
        )
    learner = db.session.get(User, data["user_id"])
    if learner is None or learner.deleted_at is not None:
        api_abort(
            422, message="No such account.", errors={"json": {"user_id": ["No such account."]}}
        )
    try:
        certificate = issue_certificate(learner, course, issued_by=user, reason=data["reason"])
    except AlreadyIssued as exc:
        db.session.rollback()
        api_abort(409, message=str(exc))
    except CertificateError as exc:
        db.session.rollback()
        api_abort(422, message=str(exc))
    db.session.commit()
    return certificate_json(certificate), 201


@api.route("/<code>/revoke", methods=["POST"])
@api_scope("write")
@api.arguments(RevokeSchema)
@api.response(200, CertificateSchema)
def revoke(data, code: str):
    """Revoke a certificate of a course you teach, with a reason; its status list says so at once."""
    certificate = find_certificate(code)
    course = (
        db.session.get(Course, certificate.course_id)
        if certificate and certificate.course_id
        else None
    )
    if certificate is None or course is None or not can_manage_course(api_user(), course):
        api_abort(404, message="No such certificate among your courses'.")
    try:
        revoke_certificate(certificate, reason=data["reason"], revoked_by=api_user())
    except CertificateError as exc:
        db.session.rollback()
        api_abort(409, message=str(exc))
    db.session.commit()
    return certificate_json(certificate)


@api.route("/<code>/verification")
@api_scope("read")
@api.response(200, VerificationSchema)
def verification(code: str):
    """What anyone checking the code learns: valid, revoked, expired or not found (200 in each
    case: the answer is the verdict)."""
    return verify_code(code).as_json()
