"""Onboarding pages: importing participants (upload, preview, confirm), inviting, merging
organisations, and the invited person's page to choose a password."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from ..auth.passwords import hash_password
from ..auth.permissions import public, require_admin
from ..auth.sessions import start_session
from ..extensions import db
from ..models import Organisation, User
from ..request_args import arg_int
from .forms import (
    ConfirmImportForm,
    ConfirmMergeForm,
    InvitationForm,
    MergeOrganisationsForm,
    ParticipantsFileForm,
)
from .invitations import may_be_invited, send_invitation, send_invitations, user_from_invitation
from .organisations import MergeProblem, merge_organisations, merge_preview
from .plan import INVALID, apply_plan, plan_import
from .reading import FileProblem, read_participants
from .uploads import forget_upload, keep_upload, kept_upload

bp = Blueprint("onboarding", __name__, template_folder="templates")

PREVIEW_LINES = 500  # lines shown in the preview table; every error is listed whatever the size


@bp.route("/admin/import", methods=["GET", "POST"])
@require_admin
def import_participants():
    form = ParticipantsFileForm()
    if form.validate_on_submit():
        upload = form.participants.data
        upload_id = keep_upload(
            upload.filename or "participants.csv", upload.read(), current_user.id
        )
        return redirect(url_for("onboarding.preview_import", upload_id=upload_id))
    return render_template("onboarding/import.html", form=form), 400 if form.errors else 200


@bp.route("/admin/import/<upload_id>", methods=["GET", "POST"])
@require_admin
def preview_import(upload_id: str):
    upload = kept_upload(upload_id, current_user.id)
    if upload is None:
        flash(_("This upload has expired or is not yours. Upload the file again."), "error")
        return redirect(url_for("onboarding.import_participants"))
    form = ConfirmImportForm()
    try:
        plan = plan_import(
            read_participants(upload.filename, upload.content), acting_user=current_user
        )
    except FileProblem as problem:
        forget_upload(upload_id)
        return render_template(
            "onboarding/import.html",
            form=ParticipantsFileForm(formdata=None),
            file_problem=str(problem),
        ), 400
    if form.validate_on_submit():
        if not plan.valid and not form.skip_invalid.data:
            flash(
                _(
                    "The file has invalid lines: nothing was imported. Correct them and upload the file again, "
                    "or choose to skip them."
                ),
                "error",
            )
            return _preview_page(form, plan, upload), 400
        try:
            result = apply_plan(plan, skip_invalid=form.skip_invalid.data)
            db.session.commit()
        except IntegrityError:  # someone made one of these accounts meanwhile (or a double submit)
            db.session.rollback()
            flash(
                _("Some of these accounts were created meanwhile. Check the file again."), "error"
            )
            return redirect(url_for("onboarding.preview_import", upload_id=upload_id))
        invited = send_invitations(result.created) if form.invite.data else 0
        db.session.commit()  # the invitations are queued until this commit
        forget_upload(upload_id)
        flash(
            _(
                "Imported: %(created)d accounts created, %(updated)d updated, %(enrolments)d enrolments, "
                "%(invited)d invitations sent, %(skipped)d invalid lines skipped.",
                created=len(result.created),
                updated=result.updated,
                enrolments=result.enrolments,
                invited=invited,
                skipped=len(result.skipped),
            ),
            "success",
        )
        return redirect(url_for("admin.users"))
    return _preview_page(form, plan, upload)


def _preview_page(form: ConfirmImportForm, plan, upload):
    return render_template(
        "onboarding/preview.html",
        form=form,
        plan=plan,
        upload=upload,
        counts=plan.counts(),
        lines=plan.lines[:PREVIEW_LINES],
        more=max(0, len(plan.lines) - PREVIEW_LINES),
        INVALID=INVALID,
    )


@bp.route("/admin/users/<int:user_id>/invite", methods=["POST"])
@require_admin
def invite(user_id: int):
    user = db.session.get(User, user_id)
    if user is None or user.deleted_at is not None:
        abort(404)
    if not may_be_invited(user):
        flash(
            _(
                "%(name)s has already chosen a password (or the account is deactivated): no invitation sent.",
                name=user.name,
            ),
            "error",
        )
    else:
        send_invitation(user)
        db.session.commit()  # the invitation is queued until this commit
        flash(_("An invitation has been sent to %(email)s.", email=user.email), "success")
    return redirect(url_for("admin.edit_user", user_id=user.id))


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@public
def accept_invitation(token: str):
    user = user_from_invitation(token)
    if user is None:
        flash(
            _(
                "This invitation link is invalid, has expired or has been used. Ask for a password reset link "
                "instead."
            ),
            "error",
        )
        return redirect(url_for("auth.forgot_password"))
    form = InvitationForm(account=user)
    if form.validate_on_submit():
        user.password_hash = hash_password(form.password.data)
        db.session.commit()
        session.clear()  # a fresh session, as at login
        start_session(user)
        flash(_("Welcome, %(name)s! Your password is set.", name=user.name), "success")
        return redirect(url_for("learn.dashboard"))
    return render_template("onboarding/invitation.html", form=form, user=user)


@bp.route("/admin/organisations/merge", methods=["GET", "POST"])
@require_admin
def merge():
    form = MergeOrganisationsForm(
        request.args if request.method == "GET" and "source" in request.args else None
    )
    organisations = (
        db.session.execute(db.select(Organisation).order_by(Organisation.name)).scalars().all()
    )
    choices = [
        (org.id, f"{org.name} ({org.town + ', ' if org.town else ''}{org.country})")
        for org in organisations
    ]
    form.source.choices = form.target.choices = choices
    confirm = ConfirmMergeForm()
    preview = problem = None
    if "source" in request.args or request.method == "POST":
        # Ids the database can hold, or a bad request (a 20-digit id is not a server error).
        source, target = (arg_int(name, 0, source=request.values) for name in ("source", "target"))
        try:
            preview = merge_preview(source, target)
        except MergeProblem as exc:
            problem = str(exc)
    if request.method == "POST" and preview is not None and confirm.validate_on_submit():
        merge_organisations(preview.source.id, preview.target.id)
        db.session.commit()
        flash(
            ngettext(
                "Merged: %(num)d person moved to %(name)s.",
                "Merged: %(num)d people moved to %(name)s.",
                preview.people,
                name=preview.target.name,
            ),
            "success",
        )
        return redirect(url_for("admin.organisations"))
    status = 400 if problem or request.method == "POST" else 200
    return render_template(
        "onboarding/merge.html", form=form, confirm=confirm, preview=preview, problem=problem
    ), status
