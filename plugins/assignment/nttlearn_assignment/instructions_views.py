"""Trainers' page for the translation of an assignment's instructions into each language: the
English beside the Markdown field, a preview, and the outdated state. For the course's trainers
and the admins (403 for anyone else, as the settings page)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from nttlearn.api import LANGUAGES, db, fingerprint, require_login

from . import instructions as translated
from . import services
from .forms import InstructionsTranslationForm
from .instructions import LANGUAGE_NAMES
from .models import Assignment
from .staff_views import staff_access
from .views import bp, media_base


def _locked(assignment: Assignment) -> Assignment:
    """The assignment's row, locked: two trainers saving at once change it one after the other."""
    return db.session.execute(
        db.select(Assignment)
        .where(Assignment.activity_id == assignment.activity_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()


@bp.route("/<int:activity_id>/instructions/<locale>", methods=["GET", "POST"])
@require_login
def instructions_translate(activity_id: int, locale: str):
    access = staff_access(activity_id)
    if locale not in LANGUAGES:
        abort(404)
    assignment = services.ensure_assignment(access.activity)
    form = InstructionsTranslationForm()
    if request.method == "GET":
        form.opened.data = translated.opened_token(assignment, locale)
        form.source.data = fingerprint(assignment.instructions)
        form.text.data = translated.texts(assignment.translations).get(locale, "")
    status, preview, conflict = 200, None, None
    if form.is_submitted() and form.preview.data:
        preview = form.text.data or ""
    elif form.validate_on_submit():
        locked = _locked(assignment)
        try:
            current = translated.save(
                locked, locale, form.text.data or "", form.opened.data, form.source.data
            )
        except translated.InstructionsConflict:
            db.session.rollback()
            assignment = services.ensure_assignment(access.activity)
            conflict = translated.texts(assignment.translations).get(locale, "")
            form.opened.data = translated.opened_token(assignment, locale)
            form.source.data = fingerprint(assignment.instructions)
            flash(
                _(
                    "Someone else saved this translation while you were editing it. Nothing was overwritten: compare the two texts below, bring your changes into the form and save again."
                ),
                "error",
            )
            status = 409
        else:
            db.session.commit()
            flash(
                _(
                    "The translation of the instructions has been saved: %(language)s.",
                    language=LANGUAGE_NAMES[locale],
                ),
                "success",
            )
            if not current:
                flash(
                    _(
                        "The English instructions changed while you were translating them: the translation is saved, but marked as outdated. Compare it with the English now shown and update it."
                    ),
                    "error",
                )
            return redirect(
                url_for("assignment.instructions_translate", activity_id=activity_id, locale=locale)
            )
    elif form.is_submitted():
        status = 400
    stored = translated.texts(assignment.translations).get(locale, "")
    response = render_template(
        "assignment/instructions_translate.html",
        access=access,
        assignment=assignment,
        form=form,
        locale=locale,
        language=LANGUAGE_NAMES[locale],
        state=translated.state(assignment, locale),
        preview=preview if preview is not None else stored,
        conflict=conflict,
        media_base=media_base(access),
    )
    db.session.commit()
    return response, status
