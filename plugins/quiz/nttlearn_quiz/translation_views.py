"""Translating a bank question in the browser (on the ``quiz`` blueprint, for the course's staff):
the English texts beside the translation's fields, with the translation's state (missing, up to
date, outdated). Saving over a translation someone else saved meanwhile shows both and overwrites
nothing.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import DataRequired

from nttlearn.api import LANGUAGE_NAMES, db, require_course_staff

from .bank import current_versions
from .bank_views import _course, _question
from .languages import LANGUAGES, english_fingerprint
from .translation_editor import (
    TranslationConflict,
    entry_digest,
    language_states,
    posted_texts,
    save_translation,
    text_rows,
)
from .views import bp

LOCALE = "<any({}):locale>".format(", ".join(LANGUAGES))


class QuestionTranslationForm(FlaskForm):
    """The tokens of what the editor showed; the texts are read by `posted_texts`."""

    opened = HiddenField(validators=[DataRequired()])
    source = HiddenField(validators=[DataRequired()])


@bp.route(
    f"/course/<int:course_id>/questions/<int:question_id>/translations/{LOCALE}",
    methods=["GET", "POST"],
)
@require_course_staff
def translate_question(course_id: int, question_id: int, locale: str):
    course = _course(course_id)
    question = _question(course_id, question_id)
    version = current_versions([question.id])[question.id]
    form = QuestionTranslationForm()
    entry = (version.translations or {}).get(locale)
    if not form.is_submitted():
        form.opened.data, form.source.data = entry_digest(entry), english_fingerprint(version.data)
    rows, problems, conflict, status = text_rows(version.data, entry), {}, None, 200
    if form.validate_on_submit():
        texts, problems = posted_texts(version.data, request.form)
        if problems:
            status = 422
        else:
            try:
                outcome = save_translation(
                    version.id, locale, texts, form.opened.data or "", form.source.data or ""
                )
            except TranslationConflict as exc:
                db.session.rollback()
                conflict, status = exc.stored, 409
                # The tokens move on: saving again is a deliberate choice over the other text.
                form.opened.data, form.source.data = (
                    entry_digest(exc.stored),
                    english_fingerprint(version.data),
                )
                flash(
                    _(
                        "Someone else saved this translation while you were editing it. Nothing was overwritten: "
                        "compare their texts with yours below, then save again."
                    ),
                    "error",
                )
            else:
                db.session.commit()
                _saved(outcome, locale)
                return redirect(
                    url_for(
                        "quiz.translate_question",
                        course_id=course_id,
                        question_id=question.id,
                        locale=locale,
                    )
                )
        rows = text_rows(version.data, texts)  # what was posted, to correct or save again
    if form.errors:
        status = 400
    language = next(item for item in language_states(version) if item.locale == locale)
    return render_template(
        "quiz/translate_question.html",
        course=course,
        question=question,
        version=version,
        form=form,
        rows=rows,
        problems=problems,
        conflict=text_rows(version.data, conflict) if conflict is not None else None,
        language=language,
        locale=locale,
        languages=language_states(version),
    ), status


def _saved(outcome: str, locale: str) -> None:
    name = LANGUAGE_NAMES.get(locale, locale)
    if outcome == "removed":
        flash(_("Translation removed: %(language)s.", language=name), "success")
        return
    flash(_("Translation saved: %(language)s.", language=name), "success")
    if outcome == "outdated":
        flash(
            _(
                "The English question changed while you were translating it: the translation is saved, but marked "
                "as outdated. Compare it with the English now shown and update it."
            ),
            "error",
        )
