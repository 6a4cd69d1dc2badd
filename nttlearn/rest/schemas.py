"""The shapes the core's API resources answer with and accept (marshmallow, documented in the
OpenAPI document)."""

from __future__ import annotations

import marshmallow as ma

from ..models import POLICY_AREAS, ROLES


class CourseSchema(ma.Schema):
    slug = ma.fields.String(required=True)
    title = ma.fields.String(required=True, metadata={"description": "In the language asked with ?lang="})
    summary = ma.fields.String(required=True)
    policy_area = ma.fields.String(required=True)
    languages = ma.fields.List(ma.fields.String(), required=True,
                               metadata={"description": "Languages the whole course is available in"})
    hours = ma.fields.Float(required=True)
    published = ma.fields.Boolean(required=True)
    self_enrolment = ma.fields.Boolean(required=True)
    url = ma.fields.String(required=True, metadata={"description": "The course page on the site"})


class CourseQuerySchema(ma.Schema):
    lang = ma.fields.String(load_default="en", validate=ma.validate.Length(max=5))
    policy_area = ma.fields.String(validate=ma.validate.OneOf(POLICY_AREAS))
    language = ma.fields.String(validate=ma.validate.Length(max=5),
                                metadata={"description": "Only courses available in this language"})


class LangQuerySchema(ma.Schema):
    lang = ma.fields.String(load_default="en", validate=ma.validate.Length(max=5))


class OutlineItemSchema(ma.Schema):
    kind = ma.fields.String(required=True, metadata={"description": "lesson or activity"})
    id = ma.fields.Integer(required=True)
    key = ma.fields.String(required=True)
    title = ma.fields.String(required=True)
    required = ma.fields.Boolean(required=True)
    type = ma.fields.String(allow_none=True, metadata={"description": "The activity type (quiz, …)"})


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
    email = ma.fields.String(validate=ma.validate.Length(max=254))
    role = ma.fields.String(validate=ma.validate.OneOf(ROLES))
    organisation_id = ma.fields.Integer(validate=ma.validate.Range(min=1, max=2**31 - 1))


class OrganisationQuerySchema(ma.Schema):
    country = ma.fields.String(validate=ma.validate.Length(equal=2))
    name = ma.fields.String(validate=ma.validate.Length(max=200),
                            metadata={"description": "Part of the name, any case"})


class EnrolmentSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    user_id = ma.fields.Integer(required=True)
    course = ma.fields.String(required=True, metadata={"description": "The course's slug"})
    enrolled_at = ma.fields.DateTime(required=True)
    completed_at = ma.fields.DateTime(allow_none=True)


class EnrolmentQuerySchema(ma.Schema):
    course = ma.fields.String(validate=ma.validate.Length(max=100))
    user_id = ma.fields.Integer(validate=ma.validate.Range(min=1, max=2**31 - 1))


class NewEnrolmentSchema(ma.Schema):
    course = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=100))
    user_id = ma.fields.Integer(validate=ma.validate.Range(min=1, max=2**31 - 1),
                                metadata={"description": "Another learner (course staff only); "
                                                         "yourself when left out"})


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
    scopes = ma.fields.List(ma.fields.String(), required=True, metadata={"description": "The token's scopes"})
