"""The peer review's events, declared for ``nttlearn_event_types``."""

from __future__ import annotations

from typing import Annotated, TypedDict

from nttlearn.api import EventType


class ProposalSubmitted(TypedDict):
    activity_id: Annotated[int, "the peer review activity's id"]
    team_id: Annotated[int, "the writing team's id"]
    submission_id: Annotated[int, "the submitted version's id"]
    policy_area: Annotated[str, "the proposal's policy area"]
    countries: Annotated[list[str], "the partner countries the proposal names"]


class ReviewSubmitted(TypedDict):
    activity_id: Annotated[int, "the peer review activity's id"]
    submission_id: Annotated[int, "the reviewed submission's id"]


class ProposalAccepted(TypedDict):
    activity_id: Annotated[int, "the peer review activity's id"]
    team_id: Annotated[int, "the writing team's id"]
    grade: Annotated[float, "the team's final grade, 0..100"]
    authors: Annotated[
        list[int], "the user ids of every author of the proposal (one event is emitted per author)"
    ]


class Application(TypedDict):
    application_id: Annotated[int, "the application's id"]
    team_id: Annotated[int, "the team that wrote the proposal"]
    activity_id: Annotated[int, "the peer review activity's id"]
    programme: Annotated[str, "the funding programme"]
    call: Annotated[str, "the funding call"]
    submitted_on: Annotated[str, "the day the application was submitted (ISO 8601)"]
    lead_organisation: Annotated[str, "the lead partner"]
    partner_organisations: Annotated[list[str], "the partner organisations"]
    partner_towns: Annotated[list[str], "their towns"]
    partner_countries: Annotated[list[str], "their countries (sorted, each once)"]
    requested_eur: Annotated[float, "the amount requested, in euro"]
    outcome: Annotated[str, "pending, funded, rejected or withdrawn"]
    granted_eur: Annotated[float | None, "the amount granted, in euro (None until granted)"]


EVENT_TYPES = [
    EventType(
        "peer_review.proposal_submitted",
        ProposalSubmitted,
        "a team submitted a version of its proposal (`user_id`: the author who submitted it)",
    ),
    EventType(
        "peer_review.review_submitted",
        ReviewSubmitted,
        "a reviewer submitted a review for the first time",
    ),
    EventType(
        "peer_review.proposal_accepted",
        ProposalAccepted,
        "a team's proposal reached the pass grade when "
        "the results were published: once for each author (`user_id`)",
    ),
    EventType(
        "peer_review.application_recorded",
        Application,
        "a team recorded the funding application made with its proposal",
    ),
    EventType(
        "peer_review.application_updated",
        Application,
        "a team changed its funding application (its outcome, say)",
    ),
]
