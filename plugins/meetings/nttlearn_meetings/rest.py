"""``/api/v1/meetings``: the programme's meetings, one meeting with its agenda, and its
registrations for its organisers (when the site's REST API is on). Read-only: registering and
planning stay on the pages, where their rules and mails live."""

from __future__ import annotations

import marshmallow as ma
from flask import url_for

from nttlearn.api import ApiBlueprint, api_abort, api_scope, api_user

from . import services
from .models import AgendaItem, Meeting

api = ApiBlueprint(
    "meetings_api",
    __name__,
    url_prefix="/api/v1/meetings",
    description="Meetings: the programme's seminars and study visits, their agendas, and "
    "their registrations for organisers",
)


class MeetingQuerySchema(ma.Schema):
    when = ma.fields.String(
        load_default="upcoming",
        validate=ma.validate.OneOf(["upcoming", "past"]),
        metadata={"description": "upcoming (not ended, soonest first) or past (latest first)"},
    )


class AgendaItemSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    kind = ma.fields.String(
        required=True, metadata={"description": "session, working_session or break"}
    )
    title = ma.fields.String(required=True)
    starts_at = ma.fields.DateTime(required=True)
    ends_at = ma.fields.DateTime(required=True)
    room = ma.fields.String(required=True)
    speakers = ma.fields.String(required=True)
    team_name = ma.fields.String(required=True)


class MeetingSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    title = ma.fields.String(required=True)
    kind = ma.fields.String(required=True)
    format = ma.fields.String(
        required=True, metadata={"description": "in_person, online or hybrid"}
    )
    status = ma.fields.String(
        required=True,
        metadata={"description": "published, cancelled or draft (drafts: organisers only)"},
    )
    host_organisation = ma.fields.String(required=True)
    town = ma.fields.String(required=True)
    country = ma.fields.String(required=True)
    venue = ma.fields.String(required=True)
    starts_at = ma.fields.DateTime(required=True)
    ends_at = ma.fields.DateTime(required=True)
    time_zone = ma.fields.String(required=True)
    languages = ma.fields.List(ma.fields.String(), required=True)
    capacity = ma.fields.Integer(allow_none=True)
    seats_taken = ma.fields.Integer(required=True)
    registration_deadline = ma.fields.DateTime(allow_none=True)
    url = ma.fields.String(required=True, metadata={"description": "The meeting's page"})


class MeetingDetailSchema(MeetingSchema):
    description = ma.fields.String(required=True, metadata={"description": "Markdown"})
    agenda = ma.fields.List(ma.fields.Nested(AgendaItemSchema), required=True)


class RegistrationSchema(ma.Schema):
    user_id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)
    email = ma.fields.String(required=True)
    state = ma.fields.String(required=True, metadata={"description": "registered or waiting"})
    registered_at = ma.fields.DateTime(required=True)


def _is_organiser(user) -> bool:
    return bool(user.is_trainer or user.is_coordinator)


def meeting_json(meeting: Meeting, seats_taken: int) -> dict:
    return {
        "id": meeting.id,
        "title": meeting.title,
        "kind": meeting.kind,
        "format": meeting.format,
        "status": meeting.status,
        "host_organisation": meeting.host_organisation,
        "town": meeting.town,
        "country": meeting.country,
        "venue": meeting.venue,
        "starts_at": meeting.starts_at,
        "ends_at": meeting.ends_at,
        "time_zone": meeting.time_zone,
        "languages": list(meeting.languages or []),
        "capacity": meeting.capacity,
        "seats_taken": seats_taken,
        "registration_deadline": meeting.registration_deadline,
        "url": url_for("meetings.detail", meeting_id=meeting.id, _external=True),
    }


def _agenda_json(item: AgendaItem) -> dict:
    return {
        "id": item.id,
        "kind": item.kind,
        "title": item.title,
        "starts_at": item.starts_at,
        "ends_at": item.ends_at,
        "room": item.room,
        "speakers": item.speakers,
        "team_name": item.team_name,
    }


def _visible_meeting(meeting_id: int) -> Meeting:
    """The meeting, unless it is a draft and the caller organises no meetings: then 404, as on
    the pages."""
    meeting = services.get_meeting(meeting_id)
    if meeting is None or (meeting.status == "draft" and not _is_organiser(api_user())):
        api_abort(404, message="No such meeting.")
    return meeting


@api.route("")
@api_scope("read")
@api.arguments(MeetingQuerySchema, location="query")
@api.response(200, MeetingSchema(many=True))
@api.paginate(page_size=50, max_page_size=200)
def list_meetings(args, pagination_parameters):
    """The meetings that have not ended (soonest first) or, with ``when=past``, those that have
    (latest first); drafts only for trainers and coordinators."""
    found = services.visible_meetings(
        upcoming=args["when"] == "upcoming", staff=_is_organiser(api_user())
    )
    pagination_parameters.item_count = len(found)
    start = pagination_parameters.first_item
    page = found[start : start + pagination_parameters.page_size]
    taken = services.seats_taken([m.id for m in page])
    return [meeting_json(m, taken.get(m.id, 0)) for m in page]


@api.route("/<int:meeting_id>")
@api_scope("read")
@api.response(200, MeetingDetailSchema)
def get_meeting(meeting_id: int):
    """One meeting with its description and agenda."""
    meeting = _visible_meeting(meeting_id)
    return {
        **meeting_json(meeting, services.seats_taken([meeting.id]).get(meeting.id, 0)),
        "description": meeting.description,
        "agenda": [_agenda_json(i) for i in services.agenda_of(meeting.id)],
    }


@api.route("/<int:meeting_id>/registrations")
@api_scope("read")
@api.response(200, RegistrationSchema(many=True))
@api.paginate(page_size=100, max_page_size=1000)
def meeting_registrations(meeting_id: int, pagination_parameters):
    """Who has a seat (by name) and who waits (in order), for the meeting's organisers: its owner,
    co-organisers, coordinators and administrators."""
    meeting = _visible_meeting(meeting_id)
    if services.organiser_role(meeting, api_user()) is None:
        api_abort(403, message="Only the meeting's organisers see its registrations.")
    rows = services.registrations_of(meeting.id)
    pagination_parameters.item_count = len(rows)
    start = pagination_parameters.first_item
    return [
        {
            "user_id": user.id,
            "name": user.name,
            "email": user.email,
            "state": registration.state,
            "registered_at": registration.registered_at,
        }
        for registration, user in rows[start : start + pagination_parameters.page_size]
    ]
