"""The notification list, marking read, e-mail preferences and the unsubscribe link."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.permissions import public, require_login
from ..extensions import db
from ..models import User
from . import services
from .forms import UnsubscribeForm, preferences_form_class

bp = Blueprint("notifications", __name__, template_folder="templates")


def preferences_form(user: User, formdata=None):
    """The form with the person's choices; on a POST, only what was posted (a missing field is
    an error, never the stored value)."""
    if formdata is not None:
        return preferences_form_class()(formdata=formdata, prefix="notify")
    current = services.preferences(user.id)
    data = {f"kind_{kind}": current.get(kind, "immediately") for kind in services.KINDS}
    return preferences_form_class()(formdata=None, data=data, prefix="notify")


@bp.route("/notifications")
@require_login
def index():
    items = services.recent(current_user.id)
    return render_template("notifications/index.html", items=items)


@bp.route("/notifications/<int:notification_id>/read", methods=["POST"])
@require_login
def mark_read(notification_id: int):
    """Mark one of my notifications read; another person's is a 404."""
    if not services.mark_read(current_user.id, notification_id):
        exists = db.session.execute(
            db.select(services.Notification.id).where(
                services.Notification.id == notification_id,
                services.Notification.user_id == current_user.id,
            )
        ).scalar()
        if exists is None:
            abort(404)
    db.session.commit()
    return redirect(url_for("notifications.index"))


@bp.route("/notifications/read-all", methods=["POST"])
@require_login
def mark_all_read():
    services.mark_read(current_user.id)
    db.session.commit()
    flash(_("All notifications are marked as read."), "success")
    return redirect(url_for("notifications.index"))


@bp.route("/account/notifications", methods=["GET", "POST"])
@require_login
def preferences():
    from flask import request

    form = preferences_form(
        current_user, formdata=request.form if request.method == "POST" else None
    )
    if request.method == "POST" and form.validate():
        for kind in services.KINDS:
            services.set_preference(current_user.id, kind, getattr(form, f"kind_{kind}").data)
        db.session.commit()
        flash(_("Your e-mail preferences have been saved."), "success")
        return redirect(url_for("auth.profile") + "#notification-preferences")
    return render_template("notifications/preferences.html", form=form)


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@public
def unsubscribe(token: str):
    """The link in every notification mail: stops one kind of e-mail for its recipient, without
    logging in. Opening it only asks (mail scanners open links); the button turns the mails off."""
    found = services.read_unsubscribe_token(token)
    user = db.session.get(User, found[0]) if found else None
    if user is None:
        abort(404)
    kind = found[1]
    form = UnsubscribeForm()
    done = False
    if form.validate_on_submit():
        services.set_preference(user.id, kind, "off")
        db.session.commit()
        done = True
    return render_template(
        "notifications/unsubscribe.html", form=form, kind=services.kind_label(kind), done=done
    )
