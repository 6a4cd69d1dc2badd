"""Admin pages: users (search, roles, deactivate, end sessions), organisations and the plugins page."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import func, or_

from ..auth.permissions import require_admin
from ..auth.services import find_organisation
from ..auth.sessions import active_sessions, current_record, end_sessions
from ..confirm import confirmation_page, confirmed
from ..extensions import db
from ..models import Organisation, User
from ..plugins import host
from ..request_args import arg_int
from .forms import OrganisationForm, UserForm
from .services import courses_using, switch_plugin

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")


@bp.route("/")
@require_admin
def index():
    counts = {
        "users": db.session.scalar(db.select(func.count(User.id)).where(User.deleted_at.is_(None))),
        "organisations": db.session.scalar(db.select(func.count(Organisation.id))),
    }
    return render_template("admin/index.html", counts=counts)


@bp.route("/users")
@require_admin
def users():
    query = request.args.get("q", "").strip()
    role = request.args.get("role", "")
    page = arg_int("page", 1, min=1)
    stmt = db.select(User).where(User.deleted_at.is_(None))
    if query:
        stmt = stmt.where(
            or_(
                User.name.icontains(query, autoescape=True),
                User.email.icontains(query, autoescape=True),
            )
        )
    if role:
        stmt = stmt.where(User.role == role)
    pagination = db.paginate(stmt.order_by(User.name), page=page, per_page=50, error_out=False)
    return render_template("admin/users.html", pagination=pagination, query=query, role=role)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@require_admin
def edit_user(user_id: int):
    user = db.session.get(User, user_id)
    if user is None or user.deleted_at is not None:
        abort(404)
    form = UserForm(obj=user)
    if form.validate_on_submit():
        if user.id == current_user.id and (form.role.data != "admin" or not form.active.data):
            flash(
                _("You cannot remove your own administrator rights or deactivate yourself."),
                "error",
            )
        else:
            user.role = form.role.data
            user.active = form.active.data
            if not user.active:
                end_sessions(user)  # out at once, not at their next page
            db.session.commit()
            flash(_("%(name)s has been updated.", name=user.name), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user.html", form=form, user=user, sessions=active_sessions(user))


@bp.route("/users/<int:user_id>/sessions/end", methods=["POST"])
@require_admin
def end_user_sessions(user_id: int):
    """Log a person out of every browser (a lost laptop, a shared computer, a suspicion)."""
    user = db.session.get(User, user_id)
    if user is None or user.deleted_at is not None:
        abort(404)
    keep = (
        current_record() if user.id == current_user.id else None
    )  # an admin ending their own: not this one
    count = end_sessions(user, keep=keep)
    db.session.commit()
    flash(
        ngettext(
            "%(num)d session of %(name)s has been ended.",
            "%(num)d sessions of %(name)s have been ended.",
            count,
            name=user.name,
        ),
        "success",
    )
    return redirect(url_for("admin.edit_user", user_id=user.id))


@bp.route("/organisations", methods=["GET", "POST"])
@require_admin
def organisations():
    form = OrganisationForm()
    if form.validate_on_submit():
        if find_organisation(form.name.data) is not None:
            form.name.errors.append(_("An organisation with this name already exists."))
        else:
            db.session.add(
                Organisation(
                    name=form.name.data.strip(),
                    town=form.town.data.strip(),
                    country=form.country.data,
                )
            )
            db.session.commit()
            flash(_("The organisation has been added."), "success")
            return redirect(url_for("admin.organisations"))
    rows = db.session.execute(
        db.select(Organisation, func.count(User.id))
        .outerjoin(User, (User.organisation_id == Organisation.id) & User.deleted_at.is_(None))
        .group_by(Organisation.id)
        .order_by(Organisation.country, Organisation.name)
    ).all()
    return render_template("admin/organisations.html", rows=rows, form=form)


@bp.route("/organisations/<int:org_id>", methods=["GET", "POST"])
@require_admin
def edit_organisation(org_id: int):
    org = db.session.get(Organisation, org_id) or abort(404)
    form = OrganisationForm(obj=org)
    if form.validate_on_submit():
        clash = find_organisation(form.name.data)
        if clash is not None and clash.id != org.id:
            form.name.errors.append(_("An organisation with this name already exists."))
        else:
            org.name, org.town, org.country = (
                form.name.data.strip(),
                form.town.data.strip(),
                form.country.data,
            )
            db.session.commit()
            flash(_("The organisation has been saved."), "success")
            return redirect(url_for("admin.organisations"))
    return render_template("admin/organisation.html", form=form, org=org)


@bp.route("/plugins")
@require_admin
def plugins():
    plugin_host = host()
    # The stored switches, not this worker's copy of them: after a switch made in another worker
    # (the POST and the page after it may reach different workers), the page tells the truth.
    plugin_host.forget_state()
    rows = [
        {
            "info": info,
            "status": plugin_host.status(name),
            "settings": [(s, s.value(name)) for s in info.settings],
        }
        for name, info in sorted(plugin_host.plugins.items())
    ]
    return render_template("admin/plugins.html", rows=rows)


@bp.route("/plugins/<name>/disable")
@require_admin
def confirm_disable_plugin(name: str):
    """What stops working when ``name`` is disabled (its activities, course by course), and a
    button to go ahead: a disabled plugin takes its pages away from every learner at once."""
    plugin_host = host()
    info = plugin_host.plugins.get(name) or abort(404)
    plugin_host.forget_state()
    if info.failed or plugin_host.status(name) != "enabled":
        return redirect(url_for("admin.plugins"))
    return render_template("admin/plugin_disable.html", info=info, affected=courses_using(name))


@bp.route("/plugins/<name>", methods=["POST"])
@require_admin
def toggle_plugin(name: str):
    plugin_host = host()
    info = plugin_host.plugins.get(name) or abort(404)
    if info.failed:
        flash(
            _(
                "%(name)s failed to load and cannot be switched on: %(error)s",
                name=name,
                error=info.error,
            ),
            "error",
        )
        return redirect(url_for("admin.plugins"))
    enable = request.form.get("enabled") == "1"
    if not enable and request.form.get("confirmed") != "1":
        # Disabling is asked on its own page first (what stops working), even without JavaScript.
        return redirect(url_for("admin.confirm_disable_plugin", name=name))
    switch_plugin(name, enable)
    db.session.commit()
    message = (
        _("%(name)s is enabled.", name=name)
        if enable
        else _("%(name)s is disabled. Its data is kept.", name=name)
    )
    flash(message, "success")
    return redirect(url_for("admin.plugins"))


# -- background jobs ---------------------------------------------------------------------------
@bp.route("/jobs")
@require_admin
def jobs():
    from ..jobs.backends import backend_for
    from ..jobs.periodic import periodic_status

    backend = backend_for()
    return render_template(
        "admin/jobs.html",
        backend=backend.name,
        queues=backend.queues(),
        periodic=periodic_status(),
        failures=backend.failures(),
    )


@bp.route("/jobs/failures/<failure_id>/<any(retry, purge):action>", methods=["POST"])
@require_admin
def job_failure(failure_id: str, action: str):
    """Retry (queue again; without Redis, run now) or purge a job on the dead-letter list."""
    from ..jobs.backends import backend_for

    backend = backend_for()
    if action == "purge" and not confirmed():
        return confirmation_page(
            title=_("Delete the failed job?"),
            question=_("The job will not be run again and its error will be gone from this page."),
            consequences=[],
            button=_("Delete the failed job"),
            cancel_url=url_for("admin.jobs"),
        )
    done = backend.retry(failure_id) if action == "retry" else backend.purge(failure_id)
    if not done:
        flash(_("That failed job is no longer on the list."), "error")
    elif action == "retry":
        flash(_("The job has been queued again."), "success")
    else:
        flash(_("The failed job has been deleted."), "success")
    return redirect(url_for("admin.jobs"))
