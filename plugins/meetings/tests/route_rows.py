"""What the meetings plugin's routes answer to the four visitors of the route-permission walk.

The walk (the core's ``tests/test_route_permissions.py``) collects these rows through
``nttlearn.testing.plugin_route_rows("meetings")``; ``check_plugin_contract("meetings")`` checks that
every route of the plugin has one. See ``nttlearn.route_walk`` for the visitors and the world.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nttlearn.api import db
from nttlearn.testing import (
    API_NEEDS_TOKEN,
    LOGGED_IN,
    PUBLIC,
    Expect,
    Route,
    World,
)

# -- plugin: meetings ----------------------------------------------------------------------------
# A published seminar a fortnight ahead organised by world.trainer, with an agenda item and a
# document each for viewing and for deleting, a second meeting the walk may cancel, and a calendar
# address of the bystander's. Any trainer or coordinator plans a meeting (ORGANISERS); a meeting's
# own pages are for its organisers only: world.trainer planned it, so the other trainer gets 403
# and the admin (an owner of every meeting) 200. Co-organisers: tests in the plugin's test_organisers.py.
ORGANISERS = Expect(302, 403, 200, 200)
OF_MEETING = Expect(302, 403, 403, 200)


def _meeting(w: World) -> dict[str, Any]:
    if "meeting" not in w.extra:
        from datetime import timedelta

        from nttlearn.api import utcnow
        from nttlearn_meetings import calendar, services
        from nttlearn_meetings.models import AgendaItem, MeetingDocument

        start = (utcnow() + timedelta(days=14)).replace(hour=7, minute=0, second=0, microsecond=0)

        def make(title: str):
            return services.create_meeting(
                services.MeetingDetails(
                    title=title,
                    kind="seminar",
                    town="Bologna",
                    country="IT",
                    starts_at=start,
                    ends_at=start + timedelta(hours=8),
                    time_zone="Europe/Rome",
                ),
                w.trainer.id,
            )

        meeting, doomed = make("Walk seminar"), make("Walk seminar to cancel")
        items = [
            AgendaItem(
                meeting_id=meeting.id,
                title=f"Session {n}",
                starts_at=start,
                ends_at=start + timedelta(hours=1),
            )
            for n in (1, 2)
        ]
        documents = [
            MeetingDocument(
                meeting_id=meeting.id,
                title=f"Minutes {n}",
                file_name="minutes.pdf",
                size=5,
                content=b"%PDF-",
            )
            for n in (1, 2)
        ]
        db.session.add_all([*items, *documents])
        token = calendar.new_feed_token(w.bystander.id)
        db.session.commit()
        w.extra["meeting"] = {
            "meeting_id": meeting.id,
            "doomed_id": doomed.id,
            "item_id": items[1].id,
            "document_id": documents[0].id,
            "doomed_document_id": documents[1].id,
            "token": token,
            "day": start.date().isoformat(),
        }
    return w.extra["meeting"]


def _mt(*names: str) -> Callable[[World], dict[str, Any]]:
    return lambda w: {name: _meeting(w)[name] for name in names}


ROUTES: list[Route] = [
    Route("meetings.index", "GET", LOGGED_IN, plugin="meetings"),
    Route("meetings.detail", "GET", LOGGED_IN, args=_mt("meeting_id"), plugin="meetings"),
    Route(
        "meetings.register",
        "POST",
        Expect(302, 302, 302, 302),
        args=_mt("meeting_id"),
        plugin="meetings",
    ),
    Route(
        "meetings.cancel_registration",
        "POST",
        Expect(302, 302, 302, 302),
        args=_mt("meeting_id"),
        plugin="meetings",
    ),
    # A new calendar address is shown on the page.
    Route("meetings.mine", "GET", LOGGED_IN, plugin="meetings"),
    Route("meetings.new_feed", "POST", LOGGED_IN, plugin="meetings"),
    Route("meetings.revoke_feed", "POST", Expect(302, 302, 302, 302), plugin="meetings"),
    # Calendar feeds: public, as calendar programs fetch them without a session.
    Route(
        "meetings.meeting_feed",
        "GET",
        PUBLIC,
        args=lambda w: {"meeting_id": _meeting(w)["meeting_id"]},
        plugin="meetings",
    ),
    Route("meetings.public_feed", "GET", PUBLIC, plugin="meetings"),
    Route("meetings.personal_feed", "GET", PUBLIC, args=_mt("token"), plugin="meetings"),
    Route(
        "meetings.document",
        "GET",
        LOGGED_IN,
        args=_mt("meeting_id", "document_id"),
        plugin="meetings",
    ),
    # -- organisers: empty forms are re-shown with their errors (400)
    Route("meetings.new_meeting", "GET", ORGANISERS, plugin="meetings"),
    Route("meetings.new_meeting", "POST", Expect(302, 403, 400, 400), plugin="meetings"),
    Route("meetings.edit_meeting", "GET", OF_MEETING, args=_mt("meeting_id"), plugin="meetings"),
    Route(
        "meetings.edit_meeting",
        "POST",
        Expect(302, 403, 403, 400),
        args=_mt("meeting_id"),
        plugin="meetings",
    ),
    Route(
        "meetings.cancel_meeting",
        "POST",
        Expect(302, 403, 403, 302),
        args=lambda w: {"meeting_id": _meeting(w)["doomed_id"]},
        plugin="meetings",
    ),
    Route(
        "meetings.duplicate_meeting",
        "POST",
        Expect(302, 403, 403, 302),
        args=_mt("meeting_id"),
        plugin="meetings",
    ),
    Route("meetings.history", "GET", OF_MEETING, args=_mt("meeting_id"), plugin="meetings"),
    Route("meetings.agenda", "GET", OF_MEETING, args=_mt("meeting_id"), plugin="meetings"),
    Route(
        "meetings.agenda",
        "POST",
        Expect(302, 403, 403, 400),
        args=_mt("meeting_id"),
        plugin="meetings",
    ),
    Route(
        "meetings.delete_agenda_item",
        "POST",
        Expect(302, 403, 403, 302),
        args=_mt("meeting_id", "item_id"),
        plugin="meetings",
    ),
    Route("meetings.participants", "GET", OF_MEETING, args=_mt("meeting_id"), plugin="meetings"),
    Route(
        "meetings.participants",
        "POST",
        Expect(302, 403, 403, 400),
        args=_mt("meeting_id"),
        plugin="meetings",
    ),
    Route(
        "meetings.participants_csv", "GET", OF_MEETING, args=_mt("meeting_id"), plugin="meetings"
    ),
    Route("meetings.check_in", "GET", OF_MEETING, args=_mt("meeting_id"), plugin="meetings"),
    # No person named: nobody to check in.
    Route(
        "meetings.check_in",
        "POST",
        Expect(302, 403, 403, 404),
        args=_mt("meeting_id"),
        plugin="meetings",
    ),
    Route("meetings.attendance_csv", "GET", OF_MEETING, args=_mt("meeting_id"), plugin="meetings"),
    Route(
        "meetings.attendance_pdf",
        "GET",
        OF_MEETING,
        args=_mt("meeting_id", "day"),
        plugin="meetings",
    ),
    Route("meetings.documents", "GET", OF_MEETING, args=_mt("meeting_id"), plugin="meetings"),
    Route(
        "meetings.documents",
        "POST",
        Expect(302, 403, 403, 400),
        args=_mt("meeting_id"),
        plugin="meetings",
    ),
    Route(
        "meetings.delete_document",
        "POST",
        Expect(302, 403, 403, 302),
        args=lambda w: {
            "meeting_id": _meeting(w)["meeting_id"],
            "document_id": _meeting(w)["doomed_document_id"],
        },
        plugin="meetings",
    ),
    # Co-organisers: the list for every organiser, adding and removing for the meeting's owner only;
    # the walk's admin removes someone who is no co-organiser (404).
    Route("meetings.organisers", "GET", OF_MEETING, args=_mt("meeting_id"), plugin="meetings"),
    Route(
        "meetings.organisers",
        "POST",
        Expect(302, 403, 403, 400),
        args=_mt("meeting_id"),
        plugin="meetings",
    ),
    Route(
        "meetings.remove_organiser",
        "POST",
        Expect(302, 403, 403, 404),
        args=lambda w: {"meeting_id": _meeting(w)["meeting_id"], "user_id": w.bystander.id},
        plugin="meetings",
    ),
    # The plugin's REST API resources (nttlearn_api_blueprints): a token, never the session.
    Route("meetings_api.list_meetings", "GET", API_NEEDS_TOKEN, plugin="meetings"),
    Route(
        "meetings_api.get_meeting",
        "GET",
        API_NEEDS_TOKEN,
        args=lambda w: {"meeting_id": 1},
        plugin="meetings",
    ),
    Route(
        "meetings_api.meeting_registrations",
        "GET",
        API_NEEDS_TOKEN,
        args=lambda w: {"meeting_id": 1},
        plugin="meetings",
    ),
]
