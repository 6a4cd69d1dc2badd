"""The shapes the core's API resources answer with and accept (marshmallow, documented in the
OpenAPI document)."""

from __future__ import annotations

import marshmallow as ma

from ..config import LOCALES
from ..models import POLICY_AREAS, ROLES

NO_NUL = ma.validate.Regexp(r"^[^\x00]*$", error="Text may not contain a NUL character.")


class ApiText(ma.fields.String):
    """A string of at most ``max_length`` characters without NUL (which the site refuses in any
    request, and PostgreSQL in any text): both checked and written into the OpenAPI document."""

    def __init__(self, max_length: int, min_length: int = 0, **kwargs) -> None:
        validators = [ma.validate.Length(min=min_length or None, max=max_length), NO_NUL]
        super().__init__(validate=validators, **kwargs)


LANG = ma.fields.String(
    load_default="en",
    validate=ma.validate.OneOf(LOCALES),
    metadata={"description": "The language of titles and summaries"},
)


class CourseSchema(ma.Schema):
    slug = ma.fields.String(required=True)
    title = ma.fields.String(
        required=True, metadata={"description": "In the language asked with ?lang="}
    )
    summary = ma.fields.String(required=True)
    policy_area = ma.fields.String(required=True)
    languages = ma.fields.List(
        ma.fields.String(),
        required=True,
        metadata={"description": "Languages the whole course is available in"},
    )
    hours = ma.fields.Float(required=True)
    published = ma.fields.Boolean(required=True)
    self_enrolment = ma.fields.Boolean(required=True)
    url = ma.fields.String(required=True, metadata={"description": "The course page on the site"})


class CourseQuerySchema(ma.Schema):
    lang = LANG
    policy_area = ma.fields.String(validate=ma.validate.OneOf(POLICY_AREAS))
    language = ma.fields.String(
        validate=ma.validate.OneOf(LOCALES),
        metadata={"description": "Only courses available in this language"},
    )


class LangQuerySchema(ma.Schema):
    lang = LANG


class OutlineItemSchema(ma.Schema):
    kind = ma.fields.String(required=True, metadata={"description": "lesson or activity"})
    id = ma.fields.Integer(required=True)
    key = ma.fields.String(required=True)
    title = ma.fields.String(required=True)
    required = ma.fields.Boolean(required=True)
    type = ma.fields.String(
        allow_none=True, metadata={"description": "The activity type (quiz, …)"}
    )


class OutlineModuleSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    key = ma.fields.String(required=True)
    title = ma.fields.String(required=True)
    items = ma.fields.List(ma.fields.Nested(OutlineItemSchema), required=True)


class OutlineSchema(ma.Schema):
    course = ma.fields.Nested(CourseSchema, required=True)
    modules = ma.fields.List(ma.fields.Nested(OutlineModuleSchema), required=True)


class OrganisationSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)
    town = ma.fields.String(required=True)
    country = ma.fields.String(required=True)


class UserSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)
    email = ma.fields.String(required=True)
    role = ma.fields.String(required=True, validate=ma.validate.OneOf(ROLES))
    locale = ma.fields.String(allow_none=True)
    active = ma.fields.Boolean(required=True)
    organisation = ma.fields.Nested(OrganisationSchema, allow_none=True)
    created_at = ma.fields.DateTime(required=True)


class UserQuerySchema(ma.Schema):
    email = ApiText(254)
    role = ma.fields.String(validate=ma.validate.OneOf(ROLES))
    organisation_id = ma.fields.Integer(validate=ma.validate.Range(min=1, max=2**31 - 1))


class OrganisationQuerySchema(ma.Schema):
    country = ma.fields.String(
        validate=ma.validate.Regexp(r"^[A-Za-z]{2}$"),
        metadata={"description": "ISO 3166-1 alpha-2 code"},
    )
    name = ApiText(200, metadata={"description": "Part of the name, any case"})


class EnrolmentSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    user_id = ma.fields.Integer(required=True)
    course = ma.fields.String(required=True, metadata={"description": "The course's slug"})
    enrolled_at = ma.fields.DateTime(required=True)
    completed_at = ma.fields.DateTime(allow_none=True)


class EnrolmentQuerySchema(ma.Schema):
    course = ApiText(100, metadata={"description": "A course's slug"})
    user_id = ma.fields.Integer(validate=ma.validate.Range(min=1, max=2**31 - 1))


class NewEnrolmentSchema(ma.Schema):
    course = ApiText(100, min_length=1, required=True, metadata={"description": "A course's slug"})
    user_id = ma.fields.Integer(
        validate=ma.validate.Range(min=1, max=2**31 - 1),
        metadata={"description": "Another learner (course staff only); yourself when left out"},
    )


class ProgressSchema(ma.Schema):
    user_id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)
    course = ma.fields.String(required=True)
    done = ma.fields.Integer(required=True, metadata={"description": "Counted items done"})
    total = ma.fields.Integer(required=True)
    percent = ma.fields.Integer(required=True)
    enrolled_at = ma.fields.DateTime(required=True)
    last_activity_at = ma.fields.DateTime(allow_none=True)
    completed_at = ma.fields.DateTime(allow_none=True)


class MeSchema(UserSchema):
    scopes = ma.fields.List(
        ma.fields.String(), required=True, metadata={"description": "The token's scopes"}
    )


class CohortSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    course = ma.fields.String(required=True, metadata={"description": "The course's slug"})
    name = ma.fields.String(required=True)
    starts_on = ma.fields.Date(required=True)
    ends_on = ma.fields.Date(allow_none=True)
    language = ma.fields.String(
        allow_none=True, metadata={"description": "The cohort's language; null: each learner's own"}
    )
    members = ma.fields.Integer(required=True, metadata={"description": "How many learners it has"})


class CohortMemberSchema(ma.Schema):
    user_id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)
    email = ma.fields.String(required=True)
