"""``/api/v1/me``, ``/api/v1/users`` and ``/api/v1/organisations`` (the last two: administrators)."""

from __future__ import annotations

from flask import g
from flask_smorest import Blueprint, abort

from ..extensions import db
from ..models import Organisation, User
from .auth import api_user, token_required
from .schemas import (
    MeSchema,
    OrganisationQuerySchema,
    OrganisationSchema,
    UserQuerySchema,
    UserSchema,
)

me = Blueprint("api_me", __name__, url_prefix="/api/v1/me", description="The token's own account")
users = Blueprint(
    "api_users", __name__, url_prefix="/api/v1/users", description="Accounts (administrators)"
)
organisations = Blueprint(
    "api_organisations",
    __name__,
    url_prefix="/api/v1/organisations",
    description="Organisations (administrators)",
)


def user_json(user: User) -> dict:
    org = user.organisation
    return {
        "id": user.id,
        "name": user.name,
        "email": user.email,
        "role": user.role,
        "locale": user.locale,
        "active": user.active,
        "created_at": user.created_at,
        "organisation": org_json(org) if org else None,
    }


def org_json(org: Organisation) -> dict:
    return {"id": org.id, "name": org.name, "town": org.town or "", "country": org.country}


def _page(stmt, pagination_parameters) -> list:
    """One page of ``stmt``'s rows, and the item count for the X-Pagination header (two queries)."""
    pagination_parameters.item_count = db.session.scalar(
        db.select(db.func.count()).select_from(stmt.subquery())
    )
    if pagination_parameters.first_item >= pagination_parameters.item_count:
        return []  # past the last page: empty, and no OFFSET larger than the database's integers
    return (
        db.session.execute(
            stmt.limit(pagination_parameters.page_size).offset(pagination_parameters.first_item)
        )
        .unique()
        .scalars()
        .all()
    )


@me.route("")
@token_required("read")
@me.response(200, MeSchema)
def get_me():
    """The account the token belongs to, and the token's scopes."""
    return {**user_json(api_user()), "scopes": g.api_token.scope_list}


@users.route("")
@token_required("admin")
@users.arguments(UserQuerySchema, location="query")
@users.response(200, UserSchema(many=True))
@users.paginate(page_size=50, max_page_size=500)
def list_users(args, pagination_parameters):
    """Accounts (deleted ones left out), by name; filter by e-mail, role or organisation."""
    stmt = db.select(User).where(User.deleted_at.is_(None))
    if "email" in args:
        stmt = stmt.where(User.email == args["email"].strip().lower())
    if "role" in args:
        stmt = stmt.where(User.role == args["role"])
    if "organisation_id" in args:
        stmt = stmt.where(User.organisation_id == args["organisation_id"])
    return [user_json(u) for u in _page(stmt.order_by(User.name, User.id), pagination_parameters)]


@users.route("/<int:user_id>")
@token_required("admin")
@users.response(200, UserSchema)
def get_user(user_id: int):
    """One account."""
    user = db.session.get(User, user_id)
    if user is None or user.deleted_at is not None:
        abort(404, message="No such account.")
    return user_json(user)


@organisations.route("")
@token_required("admin")
@organisations.arguments(OrganisationQuerySchema, location="query")
@organisations.response(200, OrganisationSchema(many=True))
@organisations.paginate(page_size=50, max_page_size=500)
def list_organisations(args, pagination_parameters):
    """Organisations by name; filter by country or part of the name."""
    stmt = db.select(Organisation)
    if "country" in args:
        stmt = stmt.where(Organisation.country == args["country"].upper())
    if "name" in args:
        stmt = stmt.where(Organisation.name.icontains(args["name"], autoescape=True))
    return [
        org_json(o)
        for o in _page(stmt.order_by(Organisation.name, Organisation.id), pagination_parameters)
    ]


@organisations.route("/<int:organisation_id>")
@token_required("admin")
@organisations.response(200, OrganisationSchema)
def get_organisation(organisation_id: int):
    """One organisation."""
    org = db.session.get(Organisation, organisation_id)
    if org is None:
        abort(404, message="No such organisation.")
    return org_json(org)


def blueprints() -> list[Blueprint]:
    return [me, users, organisations]
