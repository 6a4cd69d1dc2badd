"""Trainers' pages for an assignment's rubric: the editor (criteria and levels, no JavaScript
needed) and its translation into each language, beside the English, with each text's state.

Both are for the course's trainers and the admins (403 for anyone else, as the settings page).
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from nttlearn.api import LANGUAGES, db, fingerprint, require_login

from . import grading, rubric_editor, services
from . import rubric as rubrics
from .forms import ReopenForm
from .instructions import LANGUAGE_NAMES
from .models import Assignment
from .staff_views import staff_access
from .views import bp


def _locked(assignment: Assignment) -> Assignment:
    """The assignment's row, locked: two trainers saving at once change it one after the other."""
    return db.session.execute(
        db.select(Assignment)
        .where(Assignment.activity_id == assignment.activity_id)
        .with_for_update()
    ).scalar_one()


@bp.route("/<int:activity_id>/rubric", methods=["GET", "POST"])
@require_login
def rubric_edit(activity_id: int):
    access = staff_access(activity_id)
    assignment = services.ensure_assignment(access.activity)
    form = ReopenForm()  # the CSRF token only: the draft is read from the page's own fields
    errors: dict[str, str] = {}
    status = 200
    draft = rubric_editor.draft_of(assignment.rubric)
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        action = request.form.get("action", "save")
        if action == "delete":
            try:
                grading.change_rubric(_locked(assignment), None)
            except grading.RubricInUse as refused:
                db.session.rollback()
                flash(str(refused), "error")
            else:
                db.session.commit()
                flash(_("The rubric has been removed: trainers grade with points."), "success")
            return redirect(url_for("assignment.rubric_edit", activity_id=activity_id))
        draft = rubric_editor.read_draft(request.form)
        if action != "save" and rubric_editor.apply_action(draft, action):
            pass  # shown again, changed; nothing is stored until "Save the rubric"
        else:
            rubric, errors = rubric_editor.checked(draft)
            if rubric is not None:
                try:
                    grading.change_rubric(_locked(assignment), rubric)
                except grading.RubricInUse as refused:
                    db.session.rollback()
                    errors = {"rubric": str(refused)}
                else:
                    db.session.commit()
                    flash(_("The rubric has been saved."), "success")
                    return redirect(url_for("assignment.rubric_edit", activity_id=activity_id))
            status = 400
    used = grading.graded_with_rubric(activity_id) if assignment.rubric else 0
    db.session.commit()
    return render_template(
        "assignment/rubric_edit.html",
        access=access,
        assignment=assignment,
        form=form,
        draft=draft,
        errors=errors,
        used=used,
        languages=LANGUAGE_NAMES,
        coverage=_coverage(assignment),
    ), status


def _coverage(assignment: Assignment) -> dict[str, dict[str, int]]:
    """Per language, how many of the rubric's texts are missing and outdated."""
    found = {}
    for locale in LANGUAGES:
        states = list(
            rubrics.text_states(assignment.rubric, assignment.rubric_translations, locale).values()
        )
        found[locale] = {
            state: states.count(state) for state in (rubrics.MISSING, rubrics.OUTDATED)
        }
    return found


@bp.route("/<int:activity_id>/rubric/<locale>", methods=["GET", "POST"])
@require_login
def rubric_translate(activity_id: int, locale: str):
    access = staff_access(activity_id)
    if locale not in LANGUAGES:
        abort(404)
    assignment = services.ensure_assignment(access.activity)
    if not assignment.rubric:
        abort(404)
    form = ReopenForm()
    english = rubrics.english_texts(assignment.rubric)
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        texts = {
            text_id: request.form.get(f"t-{text_id}", "").replace("\r\n", "\n").strip()
            for text_id in english
        }
        for text_id, text in texts.items():
            limit = rubrics.LIMITS[text_id.rsplit(".", 1)[-1]]
            if len(text) > limit:
                errors[text_id] = _("At most %(num)s characters.", num=limit)
        if not errors:
            locked = _locked(assignment)
            translations = dict(locked.rubric_translations or {})
            old = translations.get(locale) or {}
            source = dict(old.get(rubrics.SOURCE) or {})
            entry: dict = {}
            for text_id, text in texts.items():
                if not text:
                    source.pop(text_id, None)
                    continue
                entry[text_id] = text
                if text == (old.get(text_id) or "").strip() and text_id in source:
                    continue  # kept as it was: an outdated translation stays outdated until edited
                # Made from the English shown on the page (when it changed meanwhile: outdated).
                source[text_id] = request.form.get(f"s-{text_id}") or fingerprint(english[text_id])
            entry[rubrics.SOURCE] = {k: v for k, v in source.items() if k in entry}
            translations[locale] = entry
            locked.rubric_translations = translations
            db.session.commit()
            flash(_("The translation of the rubric has been saved."), "success")
            return redirect(
                url_for("assignment.rubric_translate", activity_id=activity_id, locale=locale)
            )
        status = 400
    states = rubrics.text_states(assignment.rubric, assignment.rubric_translations, locale)
    entry = (assignment.rubric_translations or {}).get(locale) or {}
    rows = [
        {
            "id": text_id,
            "english": text,
            "state": states[text_id],
            "fingerprint": fingerprint(text),
            "text": request.form.get(f"t-{text_id}", "")
            if request.method == "POST"
            else entry.get(text_id, ""),
            "long": text_id.endswith(".descriptor"),
        }
        for text_id, text in english.items()
    ]
    db.session.commit()
    return render_template(
        "assignment/rubric_translate.html",
        access=access,
        assignment=assignment,
        form=form,
        rows=rows,
        errors=errors,
        locale=locale,
        language=LANGUAGE_NAMES[locale],
    ), status
