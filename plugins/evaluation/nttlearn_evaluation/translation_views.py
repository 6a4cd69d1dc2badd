"""Translating a survey in the browser (for the course's trainers): each question and option text
in English beside its translation, with the state of each (not translated, up to date,
outdated). Saving over a translation someone else saved meanwhile shows theirs and overwrites
nothing. Only texts are translated: question ids, types and options are the survey's, so answers
given in any language are counted together.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import DataRequired

from nttlearn.api import (
    LANGUAGE_NAMES,
    LANGUAGES,
    Activity,
    Course,
    Module,
    db,
    fingerprint,
    require_course_staff,
)

from .languages import MISSING, OUTDATED, SOURCE, english_texts, entry_digest, text_states, texts
from .models import Survey
from .survey_views import surveys
from .surveys import survey_for

LOCALE = "<any({}):locale>".format(", ".join(LANGUAGES))
MAX_TEXT = 2000
FINGERPRINT = re.compile(r"^[0-9a-f]{16}$")


class SurveyTranslationForm(FlaskForm):
    """The tokens of what the editor showed; the texts are read from ``text-<n>`` fields."""

    opened = HiddenField(validators=[DataRequired()])
    source = HiddenField(validators=[DataRequired()])


@dataclass(frozen=True)
class TextRow:
    field: str
    key: str
    label: str
    english: str
    value: str
    state: str


def state_label(state: str) -> str:
    return {MISSING: _("Not translated"), OUTDATED: _("Outdated")}.get(state, _("Up to date"))


def language_state(survey: Survey, locale: str) -> str:
    """One state for a language: missing if any text is, else outdated if any is."""
    states = set(
        text_states(
            (survey.translations or {}).get(locale), english_texts(survey.questions or [])
        ).values()
    )
    return MISSING if MISSING in states else OUTDATED if OUTDATED in states else "present"


def text_rows(survey: Survey, values: dict[str, str], states: dict[str, str]) -> list[TextRow]:
    """The editor's rows: each question, then its options, numbered as learners see them."""
    rows: list[TextRow] = []
    english = english_texts(survey.questions or [])
    for number, question in enumerate(survey.questions or [], start=1):
        key = question["id"]
        rows.append(
            TextRow(
                f"text-{len(rows)}",
                key,
                _("Question %(n)s", n=number),
                english[key],
                values.get(key, ""),
                states.get(key, MISSING),
            )
        )
        for option_number, option in enumerate(question.get("options") or [], start=1):
            okey = f"{key}/{option['id']}"
            rows.append(
                TextRow(
                    f"text-{len(rows)}",
                    okey,
                    _("Question %(n)s, answer %(m)s", n=number, m=option_number),
                    english[okey],
                    values.get(okey, ""),
                    states.get(okey, MISSING),
                )
            )
    return rows


def _survey_in_course(course_id: int, activity_id: int) -> Activity:
    activity = db.session.execute(
        db.select(Activity)
        .join(Module, Module.id == Activity.module_id)
        .where(
            Activity.id == activity_id, Activity.type_key == "survey", Module.course_id == course_id
        )
    ).scalar()
    if activity is None:
        abort(404)
    return activity


def _lock(survey_id: int) -> Survey:
    """The survey, holding its row lock until the transaction ends (on SQLite the first write of
    a transaction takes the database's write lock, so write first)."""
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(
            db.update(Survey).where(Survey.id == survey_id).values(template=Survey.template)
        )
    return db.session.execute(
        db.select(Survey)
        .where(Survey.id == survey_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()


def _posted_source(raw: str, english: dict[str, str]) -> dict[str, str] | None:
    """The fingerprints of the English the editor showed, or None when they do not describe this
    survey's texts (the questions changed meanwhile, or a tampered form)."""
    try:
        source = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(source, dict) or list(source) != list(english):
        return None
    if not all(isinstance(v, str) and FINGERPRINT.match(v) for v in source.values()):
        return None
    return source


@surveys.route(
    f"/courses/<int:course_id>/<int:activity_id>/translations/{LOCALE}", methods=["GET", "POST"]
)
@require_course_staff
def translate(course_id: int, activity_id: int, locale: str):
    course = db.session.get(Course, course_id)
    activity = _survey_in_course(course_id, activity_id)
    survey = survey_for(activity)
    db.session.commit()  # a survey placed without a package import was just given its definition
    if not survey.questions:  # a template survey stored before templates were copied into surveys
        flash(
            _(
                "This survey uses a built-in questionnaire whose texts are translated with the site. "
                "Import the course again to translate its questions here."
            ),
            "info",
        )
    english = english_texts(survey.questions or [])
    entry = (survey.translations or {}).get(locale)
    form = SurveyTranslationForm()
    if not form.is_submitted():
        form.opened.data = entry_digest(entry)
        form.source.data = json.dumps({key: fingerprint(text) for key, text in english.items()})
    states = text_states(entry, english)
    rows = text_rows(survey, texts(entry), states)
    problems: dict[str, str] = {}
    conflict: list[TextRow] | None = None
    status = 200
    if form.validate_on_submit():
        source = _posted_source(form.source.data or "", english)
        posted = {
            row.key: (request.form.get(row.field) or "").replace("\r\n", "\n").strip()
            for row in rows
        }
        problems = {
            row.field: _("This text is longer than %(n)s characters.", n=MAX_TEXT)
            for row in rows
            if len(posted[row.key]) > MAX_TEXT
        }
        if source is None:
            flash(
                _(
                    "The survey's questions changed while you were translating them. Nothing was saved: "
                    "translate the questions now shown."
                ),
                "error",
            )
            return redirect(
                url_for(".translate", course_id=course_id, activity_id=activity_id, locale=locale)
            )
        rows = [TextRow(r.field, r.key, r.label, r.english, posted[r.key], r.state) for r in rows]
        if problems:
            status = 422
        else:
            locked = _lock(survey.id)
            stored = (locked.translations or {}).get(locale)
            if entry_digest(stored) != form.opened.data:
                db.session.rollback()
                conflict = text_rows(survey, texts(stored), text_states(stored, english))
                form.opened.data = entry_digest(stored)
                status = 409
                flash(
                    _(
                        "Someone else saved this translation while you were editing it. Nothing was overwritten: "
                        "compare their texts with yours below, then save again."
                    ),
                    "error",
                )
            else:
                kept = {key: text for key, text in posted.items() if text}
                translations = dict(locked.translations or {})
                if kept:
                    translations[locale] = {**kept, SOURCE: {key: source[key] for key in kept}}
                else:
                    translations.pop(locale, None)
                locked.translations = translations
                db.session.commit()
                _saved(
                    locale,
                    bool(kept),
                    any(source[key] != fingerprint(english[key]) for key in kept),
                )
                return redirect(
                    url_for(
                        ".translate", course_id=course_id, activity_id=activity_id, locale=locale
                    )
                )
    if form.errors:
        status = 400
    languages = [
        (code, LANGUAGE_NAMES.get(code, code), language_state(survey, code)) for code in LANGUAGES
    ]
    return render_template(
        "evaluation/translate_survey.html",
        course=course,
        activity=activity,
        survey=survey,
        form=form,
        rows=rows,
        problems=problems,
        conflict=conflict,
        locale=locale,
        language=LANGUAGE_NAMES.get(locale, locale),
        languages=languages,
        state_label=state_label,
    ), status


def _saved(locale: str, kept: bool, outdated: bool) -> None:
    name = LANGUAGE_NAMES.get(locale, locale)
    if not kept:
        flash(_("Translation removed: %(language)s.", language=name), "success")
        return
    flash(_("Translation saved: %(language)s.", language=name), "success")
    if outdated:
        flash(
            _(
                "The English questions changed while you were translating them: the translation is saved, but "
                "marked as outdated. Compare it with the English now shown and update it."
            ),
            "error",
        )


def translation_links(course_id: int, activity_id: int, survey: Survey) -> list[dict[str, Any]]:
    """Each language with its state and the editor's address (for the survey's pages)."""
    return [
        {
            "locale": code,
            "name": LANGUAGE_NAMES.get(code, code),
            "state": language_state(survey, code),
            "label": state_label(language_state(survey, code)),
            "url": url_for(
                "evaluation.surveys.translate",
                course_id=course_id,
                activity_id=activity_id,
                locale=code,
            ),
        }
        for code in LANGUAGES
    ]
