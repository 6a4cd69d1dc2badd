"""The pages for applications really submitted to a funder, on the ``peer_review`` blueprint.

A team records its applications once it has submitted its proposal; its members, the course's
trainers and the site's coordinators open and correct them. Anyone else gets 404 for an
application, as for a missing one. The coordinators' list covers the whole site.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from nttlearn.api import db, media_headers, require_coordinator, require_login

from . import applications
from .applications import OUTCOME_LABELS, ApplicationError, ApplicationInput
from .forms import ApplicationForm
from .models import Application, Team
from .staff_views import staff_page
from .teams import member_ids
from .views import bp, open_page, own_team


def _today():
    return datetime.now(UTC).date()


def _input(form: ApplicationForm) -> ApplicationInput:
    return ApplicationInput(
        programme=form.programme.data or "",
        call=form.call.data or "",
        submitted_on=form.submitted_on.data,
        lead_organisation=form.lead_organisation.data or "",
        partners=form.partners.data or "",
        requested_eur=form.requested_eur.data or "",
        outcome=form.outcome.data or "",
        granted_eur=form.granted_eur.data or "",
    )


def _save(form: ApplicationForm, save) -> bool:
    """Run ``save`` (which records or updates) and attach the document, all or nothing; a refusal
    is put on its field so the form re-shows with it."""
    if not form.validate_on_submit():
        return False
    try:
        application = save(_input(form))
        upload = form.document.data
        if upload and getattr(upload, "filename", ""):
            applications.attach_document(
                application, upload.filename, upload.read(), current_user.id
            )
    except ApplicationError as exc:
        db.session.rollback()
        target = getattr(form, exc.field, None) if exc.field else None
        if target is not None:
            target.errors = [*target.errors, str(exc)]
        else:
            form.form_errors.append(str(exc))
        return False
    db.session.commit()
    return True


def _editable(application_id: int) -> tuple[Application, Team]:
    """The application, for a member of its team, a trainer of its course or a coordinator."""
    application = db.session.get(Application, application_id)
    if application is None:
        abort(404)
    team = db.session.get(Team, application.team_id)
    if current_user.is_coordinator:
        return application, team
    access, _settings = open_page(application.activity_id)
    if access.is_staff or current_user.id in member_ids(team.id):
        return application, team
    abort(404)


@bp.route("/<int:activity_id>/applications/new", methods=["GET", "POST"])
@require_login
def record_application(activity_id: int):
    access, _settings = open_page(activity_id)
    team = own_team(access)
    if not applications.may_record(team, current_user.id):
        abort(404)
    form = ApplicationForm()
    if _save(form, lambda values: applications.record(team, values, current_user.id, _today())):
        flash(_("The application is recorded. Come back to record its outcome."), "success")
        return redirect(url_for("peer_review.view", activity_id=activity_id) + "#applications")
    return render_template(
        "peer_review/application_form.html",
        form=form,
        access=access,
        team=team,
        application=None,
        document=None,
    ), 400 if form.is_submitted() else 200


@bp.route("/applications/<int:application_id>", methods=["GET", "POST"])
@require_login
def edit_application(application_id: int):
    application, team = _editable(application_id)
    form = ApplicationForm(data=applications.form_values(application))
    if _save(form, lambda values: _update(application, values)):
        flash(_("The application is saved."), "success")
        return redirect(url_for("peer_review.edit_application", application_id=application.id))
    return render_template(
        "peer_review/application_form.html",
        form=form,
        access=None,
        team=team,
        application=application,
        document=applications.document_of(application.id),
    ), 400 if form.is_submitted() else 200


def _update(application: Application, values: ApplicationInput) -> Application:
    applications.update(application, values, current_user.id, _today())
    return application


@bp.route("/applications/<int:application_id>/document")
@require_login
def application_document(application_id: int):
    application, _team = _editable(application_id)
    document = applications.document_of(application.id)
    if document is None:
        abort(404)
    mime, _inline, headers = media_headers(document.filename)
    ascii_name = "".join(c if c.isascii() and c not in '"\\' else "_" for c in document.filename)
    headers["Content-Disposition"] = f'attachment; filename="{ascii_name}"'
    return Response(document.content, mimetype=mime, headers=headers)


@bp.route("/<int:activity_id>/applications")
@require_login
def activity_applications(activity_id: int):
    access, _settings = staff_page(activity_id)
    rows = applications.applications_of_activity(activity_id)
    return render_template(
        "peer_review/applications.html",
        access=access,
        outcomes=OUTCOME_LABELS,
        rows=[(a, t, None) for a, t in rows],
        documents=applications.documents_of([a.id for a, _t in rows]),
    )


@bp.route("/applications")
@require_coordinator
def all_applications():
    rows = applications.all_applications()
    return render_template(
        "peer_review/applications.html",
        access=None,
        outcomes=OUTCOME_LABELS,
        rows=rows,
        documents=applications.documents_of([a.id for a, _t, _c in rows]),
    )
