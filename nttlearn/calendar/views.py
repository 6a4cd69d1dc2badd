"""The calendar page, the personal feed and its secret address."""

from __future__ import annotations

import re

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.permissions import public, require_login
from ..dates import user_timezone
from ..extensions import db
from ..learn.todo import todo_items
from ..models import utcnow
from . import services

bp = Blueprint("calendar", __name__, template_folder="templates")
MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def _month_arg() -> tuple[int, int]:
    raw = request.args.get("month", "")
    found = MONTH.match(raw)
    if found and 1 <= int(found[2]) <= 12 and 1900 <= int(found[1]) <= 9999:
        return int(found[1]), int(found[2])
    if raw:
        abort(400)
    today = utcnow().astimezone(user_timezone(current_user)).date()
    return today.year, today.month


@bp.route("/calendar")
@require_login
def index():
    year, month = _month_arg()
    user = current_user._get_current_object()
    view = services.month_view(user, todo_items(user), year, month)
    today = utcnow().astimezone(user_timezone(user)).date()
    return render_template(
        "calendar/index.html", month=view, today=today, feed=services.feed_url(user)
    )


@bp.route("/calendar/feed/<token>.ics")
@public
def feed(token: str):
    """The personal feed: its address is the secret (calendar apps cannot log in)."""
    user = services.user_for_token(token)
    if user is None:
        abort(404)
    from flask_babel import force_locale

    with force_locale(user.locale or "en"):
        body = services.ics(user, todo_items(user))
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = "inline; filename=nttlearn.ics"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.route("/account/calendar-feed", methods=["POST"])
@require_login
def new_feed():
    """Make a new secret feed address (the old one stops working), or, with ``revoke``, none."""
    if request.form.get("action") == "revoke":
        services.revoke_feed(current_user)
        flash(_("Your calendar feed is switched off: its address no longer works."), "info")
    else:
        services.new_feed_token(current_user)
        flash(_("Your calendar feed has a new address; the old one no longer works."), "success")
    db.session.commit()
    return redirect(url_for("auth.profile") + "#calendar-feed")
