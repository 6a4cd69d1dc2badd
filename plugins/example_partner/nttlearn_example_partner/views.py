"""The plugin's pages (blueprint ``example_partner``) and its dashboard slot."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from nttlearn.api import db, min_group_size, render_fragment, require_login, require_trainer

from . import services
from .forms import MeetingForm
from .settings import dashboard_days

# The blueprint's name is the plugin's name: the core answers 404 for it when the plugin is off.
bp = Blueprint(
    "example_partner", __name__, url_prefix="/example_partner", template_folder="templates"
)


@bp.route("/")
@require_login
def meetings():
    return _meetings_page(MeetingForm())


@bp.route("/meetings", methods=["POST"])
@require_trainer
def add_meeting():
    form = MeetingForm()
    if form.validate_on_submit():
        try:
            meeting = services.add_meeting(
                title=form.title.data,
                town=form.town.data,
                country=form.country.data,
                starts_on=form.starts_on.data,
                ends_on=form.ends_on.data,
                description=form.description.data,
                created_by_id=current_user.id,
            )
        except services.DuplicateMeeting:
            form.starts_on.errors.append(
                _(
                    "%(town)s already has a meeting starting on this day.",
                    town=form.town.data.strip(),
                )
            )
        else:
            db.session.commit()
            flash(_("The meeting in %(town)s has been added.", town=meeting.town), "success")
            return redirect(url_for("example_partner.meetings"))
    return _meetings_page(form), 400


def _meetings_page(form: MeetingForm) -> str:
    return render_template(
        "example_partner/meetings.html",
        upcoming=services.upcoming_meetings(),
        past=services.past_meetings(),
        completions=services.completions_by_organisation(),
        min_group_size=min_group_size(),
        form=form if current_user.is_trainer else None,
        dates=services.format_dates,
    )


def dashboard_slot(context: dict[str, Any]) -> Markup:
    """The dashboard's card: the next meeting within the configured days, and a link to all."""
    days = dashboard_days()
    meeting = services.next_meeting(within_days=days)
    # render_fragment, not render_template: a slot escapes plain text, and the template's output is
    # safe HTML (Jinja escapes every value it prints).
    return render_fragment(
        "example_partner/dashboard_slot.html",
        meeting=meeting,
        days=days,
        dates=services.format_dates,
        user=context.get("user"),
    )
