"""The ``proposal`` activity type: how the core imports, exports and checks a proposal's
definition, and the short status line a learner sees beside it in the course outline."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import union

from nttlearn.api import (
    LANGUAGES,
    Activity,
    ActivityType,
    DefinitionProblem,
    TranslatableText,
    db,
    format_percent,
    translated_file_name,
)

from . import translation_units
from .definition import definition_of, read_definition, settings_values
from .languages import (
    MISSING,
    catalogue_texts,
    english_texts,
    merged,
    rubric_texts,
    shown_texts,
    template_texts,
)
from .models import (
    Allocation,
    Application,
    FinalGrade,
    Notification,
    ProposalSettings,
    ReviewRecord,
    Submission,
    Team,
    TeamMember,
)
from .services import (
    PHASE_LABELS,
    english_structures,
    new_settings,
    rubric_change_refused,
    settings_for,
)


def activity_type() -> ActivityType:
    return ActivityType(
        key="proposal",
        label=_l("Network proposal"),
        endpoint="peer_review.view",
        edit_endpoint="peer_review.edit_settings",
        import_definition=import_definition,
        export_definition=export_definition,
        validate_definition=validate_definition,
        default_definition=default_definition,
        status=status,
        statuses=statuses,
        translation_states=translation_states,
        translation_texts=translation_texts,
        translation_units=translation_units.translation_units,
        apply_translations=translation_units.apply_translations,
        package_untranslated=package_untranslated,
        has_learner_work=has_learner_work,
    )


def has_learner_work(activity_ids: Sequence[int]) -> set[int]:
    """The proposals with anything learners made or received: a team, a submission, a review
    to write, a grade, a notice, a funding application."""
    ids = list(activity_ids)
    tables = (Team, TeamMember, Submission, Allocation, FinalGrade, Notification, Application)
    query = union(*(db.select(t.activity_id).where(t.activity_id.in_(ids)) for t in tables))
    return set(db.session.execute(query).scalars())


def translation_texts(activities: Sequence[Activity]) -> dict[int, list[TranslatableText]]:
    """Each text of each proposal's template and rubric, with its state per language
    (``missing``, ``present``, ``outdated``; a text left as the shipped default is the
    catalogue's, translated) and the proposal's translation page: what the course's translation
    overview lists and its coverage counts. One query."""
    ids = [a.id for a in activities]
    rows = db.session.execute(
        db.select(ProposalSettings).where(ProposalSettings.activity_id.in_(ids))
    ).scalars()
    found = {settings.activity_id: settings for settings in rows}
    catalogues = {locale: catalogue_texts(locale) for locale in LANGUAGES}
    result: dict[int, list[TranslatableText]] = {}
    for activity_id in ids:
        settings = found.get(activity_id)
        if settings is None:  # never opened nor imported: the defaults, untranslated in the package
            settings = new_settings(activity_id)
        template, rubric = english_structures(settings)
        english = english_texts(template, rubric)
        per_locale = {
            locale: shown_texts(english, settings.translations, locale, catalogues[locale])
            for locale in LANGUAGES
        }
        result[activity_id] = [
            TranslatableText(
                label=_text_label(key, template, rubric),
                english=english[key],
                states={locale: per_locale[locale][key][1] for locale in LANGUAGES},
                editor="peer_review.translate",
                editor_args={"activity_id": activity_id},
            )
            for key in english
            if english[key].strip()
        ]
    return result


def _text_label(key: str, template: Mapping[str, Any], rubric: Mapping[str, Any]) -> Any:
    """What a text of the template or the rubric is, for the translation overview."""
    parts = key.split(".")
    if parts[0] == "section":
        n = next(
            (
                i
                for i, s in enumerate(template.get("sections") or [], start=1)
                if s.get("key") == parts[1]
            ),
            0,
        )
        if parts[-1] == "title":
            return _l("Proposal template, section %(num)d: title", num=n)
        return _l("Proposal template, section %(num)d: guidance", num=n)
    n = next(
        (
            i
            for i, c in enumerate(rubric.get("criteria") or [], start=1)
            if c.get("key") == parts[1]
        ),
        0,
    )
    if parts[2] == "title":
        return _l("Review rubric, criterion %(num)d: title", num=n)
    points = ".".join(parts[3:-1])
    if parts[-1] == "label":
        return _l(
            "Review rubric, criterion %(num)d, level of %(points)s points: name",
            num=n,
            points=points,
        )
    return _l(
        "Review rubric, criterion %(num)d, level of %(points)s points: descriptor",
        num=n,
        points=points,
    )


def translation_states(activities: Sequence[Activity]) -> dict[int, dict[str, list[str]]]:
    """:func:`translation_texts` as counts: one state per text and language."""
    return {
        activity_id: {locale: [text.states[locale] for text in texts] for locale in LANGUAGES}
        for activity_id, texts in translation_texts(activities).items()
    }


def default_definition() -> dict[str, Any]:
    """A proposal added in the course editor: three reviewers, teams from two countries."""
    return {"min_countries": 2, "reviewers": 3}


def _line(definition: Mapping[str, Any], folder: Path, key: str) -> int:
    line_of = getattr(definition, "line_of", None)
    if line_of is not None:
        return line_of(key)
    try:
        lines = (folder / "module.yaml").read_text(encoding="utf-8").splitlines()
    except OSError:
        return 1
    pattern = re.compile(rf"^\s*(-\s*)?{re.escape(key)}\s*:")
    return next((n for n, text in enumerate(lines, start=1) if pattern.match(text)), 1)


def package_untranslated(
    definition: Mapping[str, Any], folder: Path, key: str
) -> dict[str, list[str]]:
    """For ``nttlearn courses validate``: the template's and the rubric's texts each language
    lacks: a translation file not beside the English one, or the texts it leaves out. The
    shipped defaults (no ``template``/``rubric``) and texts left as theirs are the catalogue's."""
    read = read_definition(definition, folder)
    if read.problems:
        return {}
    found: dict[str, list[str]] = {}
    for part, texts_of in (("template", template_texts), ("rubric", rubric_texts)):
        if part not in definition:
            continue
        english = texts_of(read.values[part])
        file = definition[part] if isinstance(definition[part], str) else None
        for locale in LANGUAGES:
            missing = [
                text_id
                for text_id, (_text, state) in shown_texts(
                    english, read.translations, locale
                ).items()
                if state == MISSING
            ]
            if not missing:
                continue
            if file is not None and not (folder / translated_file_name(file, locale)).is_file():
                found.setdefault(locale, []).append(
                    f"{translated_file_name(file, locale)} (the whole {part})"
                )
            else:
                where = f" ({translated_file_name(file, locale)})" if file is not None else ""
                found.setdefault(locale, []).append(f"{part}{where} {', '.join(missing)}")
    return found


def validate_definition(
    definition: Mapping[str, Any], folder: Path, path: str
) -> list[DefinitionProblem]:
    read = read_definition(definition, folder)
    problems = []
    for key, message, file, line in read.problems:
        if file is not None:
            display = str(Path(path).parent / file)
            problems.append(DefinitionProblem(display, line, message))
        else:
            problems.append(DefinitionProblem(path, _line(definition, folder, key), message))
    return problems


def import_definition(activity: Activity, definition: Mapping[str, Any], folder: Path) -> None:
    """Create or update the activity's settings from the package; teams, drafts, submissions
    and reviews stay, and so does the current phase."""
    read = read_definition(definition, folder)
    if read.problems:
        raise ValueError("; ".join(message for _key, message, _file, _line in read.problems))
    settings = settings_for(activity)
    values = settings_values(read)
    refused = rubric_change_refused(settings, values["rubric"])
    if refused:
        raise ValueError(refused)
    values["translations"] = merged(
        settings.translations,
        read.translations,
        english_texts(values["template"], values["rubric"]),
    )
    for column, value in values.items():
        if getattr(settings, column) != value:
            setattr(settings, column, value)
    db.session.flush()


def export_definition(activity: Activity, folder: Path) -> dict[str, Any]:
    settings = db.session.get(ProposalSettings, activity.id)
    if settings is None:  # never opened nor imported: what the package had, else the defaults
        stored = {k: v for k, v in (activity.spec or {}).items() if not k.startswith("_")}
        return stored or default_definition()
    return definition_of(settings, activity.key, folder)


def status(activity: Activity, user_id: int) -> str | None:
    """ "Drafting · team Bologna–Luleå", "Submitted · 1 of 2 reviews done", "Grade: 78%"."""
    return statuses([activity], user_id).get(activity.id)


def statuses(activities: Sequence[Activity], user_id: int) -> dict[int, str | None]:
    """:func:`status` for several proposal activities (API 1.4): the phases with the learner's
    final grades, the learner's teams, and (only while reviews are under way) the learner's
    review tasks: three queries at most, however many activities."""
    ids = sorted({a.id for a in activities})
    if not ids:
        return {}
    phases = {
        activity_id: (phase, grade)
        for activity_id, phase, grade in db.session.execute(
            db.select(ProposalSettings.activity_id, ProposalSettings.phase, FinalGrade.grade)
            .outerjoin(
                FinalGrade,
                (FinalGrade.activity_id == ProposalSettings.activity_id)
                & (FinalGrade.user_id == user_id),
            )
            .where(ProposalSettings.activity_id.in_(ids))
        )
    }
    submitted = (
        db.select(Submission.id)
        .where(Submission.team_id == Team.id, Submission.kind == "original")
        .exists()
    )
    teams = {
        activity_id: (name, sent)
        for activity_id, name, sent in db.session.execute(
            db.select(TeamMember.activity_id, Team.name, submitted)
            .join(Team, Team.id == TeamMember.team_id)
            .where(TeamMember.activity_id.in_(ids), TeamMember.user_id == user_id)
        )
    }
    reviewing = [i for i in ids if phases.get(i, ("drafting", None))[0] in ("review", "feedback")]
    tasks: dict[int, list[bool]] = {}
    if reviewing:
        for activity_id, done in db.session.execute(
            db.select(Allocation.activity_id, ReviewRecord.submitted_at.is_not(None))
            .join(Submission, Submission.id == Allocation.submission_id)
            .outerjoin(ReviewRecord, ReviewRecord.allocation_id == Allocation.id)
            .where(Allocation.activity_id.in_(reviewing), Allocation.reviewer_id == user_id)
        ):
            tasks.setdefault(activity_id, []).append(bool(done))
    result: dict[int, str | None] = {}
    for activity_id in ids:
        phase, grade = phases.get(activity_id, ("drafting", None))
        if phase == "closed" and grade is not None:
            result[activity_id] = _("Grade: %(grade)s", grade=format_percent(grade))
            continue
        parts = [str(PHASE_LABELS[phase])]
        if activity_id in teams:
            name, sent = teams[activity_id]
            parts.append(_("submitted") if sent else _("team %(name)s", name=name))
        done = tasks.get(activity_id)
        if done:
            parts.append(_("%(done)d of %(total)d reviews done", done=sum(done), total=len(done)))
        result[activity_id] = " · ".join(parts)
    return result
