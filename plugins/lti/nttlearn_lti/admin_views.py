"""The admins' pages (on the ``lti`` blueprint): the tool's URLs to give a platform, and the
registered platforms. Nothing launches until an admin registers a platform here."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from nttlearn.api import db, require_admin

from .forms import DeleteForm, PlatformForm
from .models import Platform
from .views import bp


def tool_urls() -> dict[str, str]:
    return {
        "login": url_for("lti.login", _external=True),
        "launch": url_for("lti.launch", _external=True),
        "jwks": url_for("lti.jwks", _external=True),
    }


@bp.route("/admin")
@require_admin
def platforms():
    rows = db.session.execute(db.select(Platform).order_by(Platform.name)).scalars().all()
    return render_template(
        "lti/platforms.html", platforms=rows, urls=tool_urls(), form=DeleteForm()
    )


def _save(form: PlatformForm, platform: Platform | None):
    if not form.validate_on_submit():
        return render_template(
            "lti/platform_form.html", form=form, platform=platform, urls=tool_urls()
        ), (400 if form.is_submitted() else 200)
    platform = platform or Platform()
    platform.name, platform.issuer = form.name.data.strip(), form.issuer.data.strip()
    platform.client_id = form.client_id.data.strip()
    platform.deployment_ids = [
        line.strip() for line in form.deployment_ids.data.splitlines() if line.strip()
    ]
    platform.auth_login_url, platform.auth_token_url = (
        form.auth_login_url.data.strip(),
        form.auth_token_url.data.strip(),
    )
    platform.key_set_url = form.key_set_url.data.strip()
    try:
        with db.session.begin_nested():
            db.session.add(platform)
    except IntegrityError:
        form.client_id.errors.append(
            _("A platform with this issuer and client ID is already registered.")
        )
        return render_template(
            "lti/platform_form.html", form=form, platform=None, urls=tool_urls()
        ), 400
    db.session.commit()
    flash(_("Platform saved."), "success")
    return redirect(url_for("lti.platforms"))


@bp.route("/admin/new", methods=["GET", "POST"])
@require_admin
def new_platform():
    return _save(PlatformForm(), None)


@bp.route("/admin/<int:platform_id>", methods=["GET", "POST"])
@require_admin
def edit_platform(platform_id: int):
    platform = db.get_or_404(Platform, platform_id)
    form = PlatformForm(obj=platform)
    if not form.is_submitted():
        form.deployment_ids.data = "\n".join(platform.deployment_ids or [])
    return _save(form, platform)


@bp.route("/admin/<int:platform_id>/delete", methods=["POST"])
@require_admin
def delete_platform(platform_id: int):
    platform = db.get_or_404(Platform, platform_id)
    if DeleteForm().validate_on_submit():
        db.session.delete(platform)
        db.session.commit()
        flash(_("Platform removed: its links no longer launch."), "success")
    return redirect(url_for("lti.platforms"))
