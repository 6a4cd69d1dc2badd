"""Translating a proposal's template and rubric in the browser (on the ``peer_review`` blueprint,
for the course's trainers): each English text beside its translation's field, with its state
(not translated, up to date, outdated). Keys, word limits, weights and points are the English's
and are not edited here. Saving over a translation someone else saved meanwhile overwrites
nothing and shows theirs.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from nttlearn.api import LANGUAGE_NAMES, LANGUAGES, db, fingerprint, require_login

from .forms import TranslationForm
from .languages import (
    MISSING,
    OUTDATED,
    english_texts,
    entry_digest,
    points_key,
    saved,
    shown_texts,
    texts,
)
from .models import ProposalSettings
from .services import english_structures, languages_of
from .staff_views import staff_page
from .views import bp

LOCALE = "<any({}):locale>".format(", ".join(LANGUAGES))
MAX_SHORT, MAX_LONG = 2_000, 20_000
_FINGERPRINT = re.compile(r"^[0-9a-f]{16}$")


@dataclass(frozen=True)
class TextRow:
    """One text: its id, what it is, the English, the translation shown and its state."""

    id: str
    label: str
    english: str
    value: str
    state: str
    long: bool

    @property
    def field(self) -> str:
        return "text-" + self.id

    @property
    def source_field(self) -> str:
        return "source-" + self.id

    @property
    def source(self) -> str:
        return fingerprint(self.english)

    @property
    def state_label(self) -> str:
        return {MISSING: _("Not translated"), OUTDATED: _("Outdated")}.get(
            self.state, _("Up to date")
        )


def _labels(template: Mapping[str, Any], rubric: Mapping[str, Any]) -> dict[str, tuple[str, bool]]:
    """Each text id's label in the editor, and whether it is a long text."""
    labels: dict[str, tuple[str, bool]] = {}
    for n, section in enumerate(template.get("sections") or [], start=1):
        labels[f"section.{section['key']}.title"] = (_("Section %(n)d: title", n=n), False)
        labels[f"section.{section['key']}.guidance"] = (_("Section %(n)d: guidance", n=n), True)
    for n, criterion in enumerate(rubric.get("criteria") or [], start=1):
        prefix = f"criterion.{criterion['key']}"
        labels[f"{prefix}.title"] = (_("Criterion %(n)d: title", n=n), False)
        for level in criterion.get("levels") or []:
            points = points_key(level["points"])
            labels[f"{prefix}.level.{points}.label"] = (
                _("Criterion %(n)d, level of %(points)s points: name", n=n, points=points),
                False,
            )
            labels[f"{prefix}.level.{points}.descriptor"] = (
                _("Criterion %(n)d, level of %(points)s points: descriptor", n=n, points=points),
                True,
            )
    return labels


def text_rows(
    settings: ProposalSettings, locale: str, values: Mapping[str, str] | None = None
) -> list[TextRow]:
    """The editor's rows in the template's and then the rubric's order; ``values`` (what was
    posted) replaces the stored translation where given."""
    template, rubric = english_structures(settings)
    english = english_texts(template, rubric)
    shown = shown_texts(english, settings.translations, locale)
    labels = _labels(template, rubric)
    rows = []
    for key, (text, state) in shown.items():
        value = values.get(key, "") if values is not None else ("" if state == MISSING else text)
        label, long = labels[key]
        rows.append(TextRow(key, label, english[key], value, state, long))
    return rows


def posted(
    rows: list[TextRow], form: Mapping[str, str]
) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """The posted texts and English fingerprints by id, and a problem per field that cannot be saved."""
    values, sources, problems = {}, {}, {}
    for row in rows:
        value = (form.get(row.field) or "").replace("\r\n", "\n").strip()
        if len(value) > (MAX_LONG if row.long else MAX_SHORT):
            problems[row.field] = _(
                "This text is longer than %(n)s characters.", n=MAX_LONG if row.long else MAX_SHORT
            )
        values[row.id] = value
        source = form.get(row.source_field) or ""
        sources[row.id] = source if _FINGERPRINT.match(source) else row.source
    return values, sources, problems


def lock_settings(activity_id: int) -> ProposalSettings | None:
    """The settings row, holding its lock until the transaction ends (on SQLite the first write of
    a transaction takes the database's write lock, so write first)."""
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(
            db.update(ProposalSettings)
            .where(ProposalSettings.activity_id == activity_id)
            .values(phase=ProposalSettings.phase)
        )
    return db.session.execute(
        db.select(ProposalSettings)
        .where(ProposalSettings.activity_id == activity_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar()


@bp.route(f"/<int:activity_id>/translations/{LOCALE}", methods=["GET", "POST"])
@require_login
def translate(activity_id: int, locale: str):
    access, settings = staff_page(activity_id)
    form = TranslationForm()
    if not form.is_submitted():
        form.opened.data = entry_digest((settings.translations or {}).get(locale))
    rows, problems, conflict, status = text_rows(settings, locale), {}, None, 200
    if form.validate_on_submit():
        values, sources, problems = posted(rows, request.form)
        if problems:
            status = 422
        else:
            locked = lock_settings(activity_id)
            stored = (locked.translations or {}).get(locale)
            if entry_digest(stored) != form.opened.data:
                conflict, status = texts(stored), 409
                db.session.rollback()
                form.opened.data = entry_digest(stored)  # saving again is a choice made over theirs
                flash(
                    _(
                        "Someone else saved this translation while you were editing it. Nothing was "
                        "overwritten: compare their texts with yours below, then save again."
                    ),
                    "error",
                )
            else:
                english = english_texts(*english_structures(locked))
                locked.translations = saved(locked.translations, locale, values, sources, english)
                db.session.commit()
                _flash_saved(
                    locale,
                    any(values.get(k) and sources[k] != fingerprint(english[k]) for k in values),
                )
                return redirect(
                    url_for("peer_review.translate", activity_id=activity_id, locale=locale)
                )
        rows = text_rows(settings, locale, values)
    elif form.is_submitted():
        status = 400
    return render_template(
        "peer_review/translate.html",
        access=access,
        settings=settings,
        form=form,
        rows=rows,
        problems=problems,
        locale=locale,
        language=LANGUAGE_NAMES.get(locale, locale),
        languages=languages_of(settings),
        conflict=[(row, conflict.get(row.id, "")) for row in rows]
        if conflict is not None
        else None,
    ), status


def _flash_saved(locale: str, outdated: bool) -> None:
    flash(
        _("Translation saved: %(language)s.", language=LANGUAGE_NAMES.get(locale, locale)),
        "success",
    )
    if outdated:
        flash(
            _(
                "The English changed while you were translating: the texts translated from the earlier "
                "English are saved, but marked as outdated. Compare them with the English now shown."
            ),
            "error",
        )
