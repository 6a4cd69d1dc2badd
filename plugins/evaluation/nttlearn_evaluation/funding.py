"""The evaluation plugin's copy of the applications teams submitted to funders.

The peer-review plugin owns the applications; it announces each one with
``peer_review.application_recorded`` and every correction with ``peer_review.application_updated``,
carrying the whole application. This module keeps the latest state of each in
``evaluation_applications`` for the impact report. A malformed event (no id, no date) is ignored
rather than failing the team's save.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from nttlearn.api import Event, db

from .models import FundingApplication

APPLICATION_EVENTS = ("peer_review.application_recorded", "peer_review.application_updated")
OUTCOMES = ("pending", "funded", "rejected", "withdrawn")


def _amount(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except InvalidOperation:
        return None
    return amount if amount.is_finite() and amount >= 0 else None


def _text(value: Any, limit: int = 200) -> str:
    return value[:limit] if isinstance(value, str) else ""


def keep_application(event: Event) -> None:
    """Insert or update the copy of the application ``event`` describes."""
    data = event.data
    application_id = data.get("application_id")
    try:
        submitted_on = date.fromisoformat(data.get("submitted_on") or "")
    except (TypeError, ValueError):
        return
    if not isinstance(application_id, int) or isinstance(application_id, bool):
        return
    copy = db.session.get(FundingApplication, application_id)
    if copy is None:
        copy = FundingApplication(application_id=application_id)
        db.session.add(copy)
    countries = data.get("partner_countries")
    team_id = data.get("team_id")
    copy.team_id = team_id if isinstance(team_id, int) and not isinstance(team_id, bool) else None
    copy.programme, copy.funding_call = _text(data.get("programme")), _text(data.get("call"))
    copy.lead_organisation = _text(data.get("lead_organisation"))
    copy.partner_countries = (
        sorted({c for c in countries if isinstance(c, str)}) if isinstance(countries, list) else []
    )
    copy.submitted_on = submitted_on
    copy.requested_eur = _amount(data.get("requested_eur")) or Decimal(0)
    copy.outcome = data["outcome"] if data.get("outcome") in OUTCOMES else "pending"
    copy.granted_eur = _amount(data.get("granted_eur")) if copy.outcome == "funded" else None
    copy.updated_at = event.created_at
    db.session.flush()
