"""A survey's questions in the core's PO round trip (``nttlearn courses translations-export``).

Each question's text and each option's text (`languages.english_texts`) is one
:class:`TranslationUnit`, by the ids answers are stored under::

    question:<question id>:text        question:<question id>:option:<option id>

An import writes ``Survey.translations`` as the survey's translation page does, text by text,
each stamped with the fingerprint of the English the translator saw: a text translated from an
English that changed since shows as *outdated*. A survey stored before built-in questionnaires
were copied into surveys reads its texts from code (the plugin's catalogues translate them): it
has no units; importing the course again copies them.
"""

from __future__ import annotations

from collections.abc import Mapping

from nttlearn.api import (
    Activity,
    TranslationProblem,
    TranslationUnit,
    TranslationUpdate,
    db,
    fingerprint,
)

from .languages import OUTDATED, SOURCE, english_texts, text_states, texts
from .models import Survey

MAX_TEXT = 2000  # as the survey's translation page


def _unit_id(key: str) -> str:
    question, _, option = key.partition("/")
    return f"question:{question}:option:{option}" if option else f"question:{question}:text"


def _survey(activity: Activity) -> Survey | None:
    return db.session.execute(db.select(Survey).filter_by(activity_id=activity.id)).scalar()


def _contexts(survey: Survey) -> dict[str, str]:
    found = {}
    kind = "Needs questionnaire" if survey.template == "needs" else "Survey"
    for n, question in enumerate(survey.questions or [], start=1):
        found[question["id"]] = (
            f"{kind}, question {n}: the question, on the survey page and in its results."
        )
        for m, option in enumerate(question.get("options") or [], start=1):
            found[f"{question['id']}/{option['id']}"] = f"{kind}, question {n}: option {m}."
    return found


def translation_units(activity: Activity, locale: str) -> list[TranslationUnit]:
    """Every question and option text of the survey, with its translation into ``locale``."""
    survey = _survey(activity)
    if survey is None or not survey.questions:
        return []
    english = english_texts(survey.questions)
    entry = (survey.translations or {}).get(locale)
    theirs, states, contexts = texts(entry), text_states(entry, english), _contexts(survey)
    return [
        TranslationUnit(
            _unit_id(key),
            text,
            theirs.get(key, ""),
            states.get(key) == OUTDATED,
            contexts.get(key, ""),
        )
        for key, text in english.items()
        if text.strip()
    ]


def apply_translations(
    activity: Activity, locale: str, updates: Mapping[str, TranslationUpdate], write: bool = True
) -> list[TranslationProblem]:
    """Store ``updates`` (by unit id) in the survey's translations into ``locale``, each made
    from the English the file gives; the problems, and nothing written, when a text is too long or
    an id is not one of this survey's."""
    from .translation_views import _lock  # the translation page's row lock (views: imported late)

    survey = _survey(activity)
    if write and survey is not None:
        survey = _lock(survey.id)  # then work from what it holds now
    english = english_texts(survey.questions or []) if survey is not None else {}
    by_unit = {_unit_id(key): key for key, text in english.items() if text.strip()}
    problems = []
    for unit_id, update in updates.items():
        if unit_id not in by_unit:
            problems.append(
                TranslationProblem(unit_id, f"unknown text id '{unit_id}' of this survey")
            )
        elif len(update.text) > MAX_TEXT:
            problems.append(
                TranslationProblem(unit_id, f"the text is longer than {MAX_TEXT} characters")
            )
    if problems or not write or survey is None:
        return problems
    translations = dict(survey.translations or {})
    entry = dict(translations.get(locale) or {})
    source = dict(entry.get(SOURCE) or {})
    for key in texts(entry):  # a text stored without a fingerprint counted as current: keep it so
        if key in english and key not in source:
            source[key] = fingerprint(english[key])
    for unit_id, update in updates.items():
        key = by_unit[unit_id]
        entry[key] = update.text
        current = update.source.strip() == english[key].strip()
        source[key] = fingerprint(english[key] if current else update.source)
    entry[SOURCE] = source
    translations[locale] = entry
    survey.translations = translations
    return problems
