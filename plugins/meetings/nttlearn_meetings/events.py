"""The meetings' events, declared for ``nttlearn_event_types`` (no course: a meeting is the site's)."""

from __future__ import annotations

from typing import Annotated, TypedDict

from nttlearn.api import EventType


class Registered(TypedDict):
    meeting_id: Annotated[int, "the meeting's id"]
    kind: Annotated[str, "the meeting's kind (study visit, webinar, …)"]


class Attended(TypedDict):
    meeting_id: Annotated[int, "the meeting's id"]
    kind: Annotated[str, "the meeting's kind"]
    day: Annotated[str, "the day attended (ISO 8601)"]
    country: Annotated[str, "the host country"]
    town: Annotated[str, "the host town"]


class MeetingHeld(TypedDict):
    meeting_id: Annotated[int, "the meeting's id"]
    kind: Annotated[str, "the meeting's kind"]
    starts_at: Annotated[str, "when it started (ISO 8601, UTC)"]
    ends_at: Annotated[str, "when it ended (ISO 8601, UTC)"]
    country: Annotated[str, "the host country"]
    town: Annotated[str, "the host town"]
    attendees: Annotated[int, "how many people attended"]


EVENT_TYPES = [
    EventType(
        "meetings.registered",
        Registered,
        "a person got a place at a meeting (also from the waiting list)",
        course="None",
    ),
    EventType(
        "meetings.attended",
        Attended,
        "a person's attendance on one day of a meeting was recorded",
        course="None",
    ),
    EventType(
        "meetings.meeting_held",
        MeetingHeld,
        "a meeting ended and was closed (`user_id` is None)",
        course="None",
    ),
]
