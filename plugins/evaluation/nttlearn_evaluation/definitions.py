"""A survey's definition in a course package (``module.yaml``): check, import, export.

```yaml
- id: evaluation
  type: survey
  title: Course evaluation
  template: end-of-course        # or: needs; or instead inline `questions:`
  anonymous: true                # default true: answers are stored without the person
```

Every question and option text is a text in English or a map ``{en: …, it: …, sv: …}``. With a
``template``, ``questions:`` may give the course's own wording of the template's questions (the
same ids, types and options); export writes them when the survey's texts differ from the
template's.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from nttlearn.api import LANGUAGES, LOCALES, Activity, DefinitionProblem, db

from .languages import (
    MISSING,
    english_texts,
    merge,
    option_key,
    package_texts,
    split_text,
    template_texts,
    text_states,
    texts,
)
from .models import TEMPLATES, Survey, SurveyResponse
from .questionnaires import KINDS, TEMPLATE_QUESTIONS

KEYS = {"template", "anonymous", "questions"}
QUESTION_KEYS = {"id", "type", "text", "required", "options"}
KEY = re.compile(r"^[a-z0-9][a-z0-9_-]{0,59}$")
MAX_OPTION = 100


def default_definition() -> dict[str, Any]:
    return {"template": "end-of-course", "anonymous": True}


def _line(mapping: Any, key: str | None = None, default: int = 1) -> int:
    if key is not None and hasattr(mapping, "line_of"):
        return mapping.line_of(key)
    return getattr(mapping, "line", default)


def _text_problem(value: Any) -> str | None:
    if isinstance(value, str):
        return None if value.strip() else "is empty"
    if isinstance(value, Mapping) and value:
        unknown = sorted(str(k) for k in value if k not in LOCALES)
        if unknown:
            return f"has an unknown language '{unknown[0]}' (use one of {', '.join(LOCALES)})"
        if not isinstance(value.get("en"), str) or not value["en"].strip():
            return "needs its English text ('en')"
        if not all(isinstance(v, str) or v is None for v in value.values()):
            return "must map language codes to texts"
        return None
    return "must be a text or a mapping of language codes to texts"


def validate(
    definition: Mapping[str, Any], folder: Path | None, path: str
) -> list[DefinitionProblem]:
    """Every problem in a survey definition, as ``path:line: message``."""
    problems: list[DefinitionProblem] = []

    def problem(line: int, message: str) -> None:
        problems.append(DefinitionProblem(path, line, message))

    top = _line(definition)
    for key in sorted(set(definition) - KEYS):
        problem(
            _line(definition, key, top),
            f"survey: unknown key '{key}' (known: {', '.join(sorted(KEYS))})",
        )
    template, questions = definition.get("template"), definition.get("questions")
    if not isinstance(definition.get("anonymous", True), bool):
        problem(_line(definition, "anonymous", top), "survey: 'anonymous' must be true or false")
    if template is None and questions is None:
        problem(top, "survey: needs 'template' (end-of-course or needs) or 'questions'")
    elif template is not None and template not in TEMPLATES:
        problem(
            _line(definition, "template", top),
            f"survey: unknown template '{template}' (known: {', '.join(TEMPLATES)})",
        )
    elif questions is not None:
        before = len(problems)
        _check_questions(questions, top, problem)
        if template is not None and len(problems) == before:
            _check_template_wording(
                template, questions, _line(definition, "questions", top), problem
            )
    return problems


def _check_template_wording(template: str, questions: list[Any], line: int, problem) -> None:
    """``questions`` beside a ``template`` only word it: the same questions, types and options."""
    expected = [
        (q.key, q.kind, [o.value for o in q.options]) for q in TEMPLATE_QUESTIONS[template]()
    ]
    given = [
        (
            q["id"],
            q["type"],
            [o.strip() if isinstance(o, str) else o["id"] for o in q.get("options") or []],
        )
        for q in questions
    ]
    if given != expected:
        wanted = ", ".join(f"{key} ({kind})" for key, kind, _options in expected)
        problem(
            line,
            f"survey: the questions of template '{template}' may only be reworded: keep its questions, "
            f"types and options in order ({wanted})",
        )


def _check_questions(questions: Any, top: int, problem) -> None:
    if not isinstance(questions, list) or not questions:
        problem(top, "survey: 'questions' must be a non-empty list")
        return
    seen: set[str] = set()
    for number, item in enumerate(questions, start=1):
        line = _line(item, default=top)
        if not isinstance(item, Mapping):
            problem(line, f"survey: question {number} must be a mapping with id, type and text")
            continue
        for key in sorted(set(item) - QUESTION_KEYS):
            problem(_line(item, key, line), f"survey: question {number}: unknown key '{key}'")
        key, kind = item.get("id"), item.get("type")
        if not isinstance(key, str) or not KEY.match(key):
            problem(
                _line(item, "id", line),
                f"survey: question {number} needs an 'id' of lower-case letters, digits, - or _",
            )
        elif key in seen:
            problem(_line(item, "id", line), f"survey: duplicate question id '{key}'")
        else:
            seen.add(key)
        if kind not in KINDS:
            problem(
                _line(item, "type", line),
                f"survey: question {number}: 'type' must be one of {', '.join(KINDS)}",
            )
        text_problem = _text_problem(item.get("text"))
        if text_problem:
            problem(_line(item, "text", line), f"survey: question {number}: 'text' {text_problem}")
        if not isinstance(item.get("required", True), bool):
            problem(
                _line(item, "required", line),
                f"survey: question {number}: 'required' must be true or false",
            )
        _check_options(item, number, kind, line, problem)


def _check_options(item: Mapping[str, Any], number: int, kind: Any, line: int, problem) -> None:
    options = item.get("options")
    line = _line(item, "options", line)
    if kind in ("likert", "text"):
        if options is not None:
            problem(line, f"survey: question {number}: a {kind} question takes no 'options'")
        return
    if kind not in ("single", "multiple"):
        return
    if not isinstance(options, list) or len(options) < 2:
        problem(
            line,
            f"survey: question {number}: a {kind}-choice question needs at least two 'options'",
        )
        return
    ids: set[str] = set()
    option_id: str | None
    for option in options:
        if isinstance(option, str):
            option_id, text_problem = option.strip(), _text_problem(option)
        elif isinstance(option, Mapping):
            option_id, text_problem = option.get("id"), _text_problem(option.get("text"))
        else:
            option_id, text_problem = None, "must be a text or a mapping with id and text"
        if text_problem:
            problem(
                _line(option, default=line), f"survey: question {number}: option {text_problem}"
            )
        elif not isinstance(option_id, str) or not option_id or len(option_id) > MAX_OPTION:
            problem(
                _line(option, default=line),
                f"survey: question {number}: each option needs an id of 1 to {MAX_OPTION} characters",
            )
        elif option_id in ids:
            problem(
                _line(option, default=line),
                f"survey: question {number}: duplicate option '{option_id}'",
            )
        else:
            ids.add(option_id)


def normalised_questions(
    questions: list[Any],
) -> tuple[list[dict[str, Any]], dict[str, dict[str, str]]]:
    """Validated questions in the stored shape (English texts, every option as ``{id, text}``),
    and their translations ``{locale: {key: text}}`` (keys as in ``languages``)."""
    result = []
    translations: dict[str, dict[str, str]] = {}

    def english(key: str, value: Any) -> str:
        text, found = split_text(value)
        for locale, translated in found.items():
            translations.setdefault(locale, {})[key] = translated
        return text

    for item in questions:
        kind = item["type"]
        entry: dict[str, Any] = {
            "id": item["id"],
            "type": kind,
            "text": english(item["id"], item["text"]),
            "required": bool(item.get("required", kind != "text")),
        }
        if kind in ("single", "multiple"):
            entry["options"] = []
            for o in item["options"]:
                option_id = o.strip() if isinstance(o, str) else o["id"]
                entry["options"].append(
                    {
                        "id": option_id,
                        "text": english(
                            option_key(item["id"], option_id),
                            o if isinstance(o, str) else o["text"],
                        ),
                    }
                )
        result.append(entry)
    return result, translations


def wanted_texts(
    definition: Mapping[str, Any],
) -> tuple[list[dict[str, Any]], dict[str, dict[str, str]]]:
    """The questions and translations a valid definition asks for: its own, or its template's
    (the English from code, the translations from the plugin's catalogues)."""
    template = definition.get("template") or ""
    if definition.get("questions") is not None:
        return normalised_questions(definition["questions"])
    questions, translations = template_texts(TEMPLATE_QUESTIONS[template])
    return questions, {locale: texts(entry) for locale, entry in translations.items()}


def package_untranslated(
    definition: Mapping[str, Any], folder: Path | None, key: str
) -> dict[str, list[str]]:
    """For ``nttlearn courses validate``: the question and option texts each language lacks in
    the survey's own ``questions`` (a ``{en: …, sv: …}`` map without it); a built-in template
    arrives translated by the plugin's catalogues. Nothing for a definition with problems."""
    if validate(definition, folder, "module.yaml"):
        return {}
    questions, translations = wanted_texts(definition)
    english = english_texts(questions)
    found: dict[str, list[str]] = {}
    for locale in LANGUAGES:
        states = text_states(translations.get(locale), english)
        missing = [text_key for text_key, state in states.items() if state == MISSING]
        if missing:
            found[locale] = [
                f"survey {'option' if '/' in text_key else 'question'} '{text_key}'"
                for text_key in missing
            ]
    return found


def import_definition(
    activity: Activity, definition: Mapping[str, Any], folder: Path | None
) -> None:
    """Create or update the activity's survey. Answers are kept across re-imports.

    Turning a named survey anonymous removes the names from its existing answers; an anonymous
    survey cannot become named once people answered (they were promised anonymity).
    """
    problems = validate(definition, folder, "module.yaml")
    if problems:
        raise ValueError("; ".join(p.message for p in problems))
    template = definition.get("template") or ""
    questions, incoming = wanted_texts(definition)
    new_english = english_texts(questions)
    anonymous = bool(definition.get("anonymous", True))
    survey = db.session.execute(db.select(Survey).filter_by(activity_id=activity.id)).scalar()
    if survey is None:
        db.session.add(
            Survey(
                activity_id=activity.id,
                template=template,
                anonymous=anonymous,
                questions=questions,
                translations=merge(None, {}, incoming, new_english),
            )
        )
        db.session.flush()
        return
    answered = db.session.execute(
        db.select(SurveyResponse.id).filter_by(survey_id=survey.id).limit(1)
    ).first()
    if survey.anonymous and not anonymous and answered:
        raise ValueError(
            "an anonymous survey cannot become named once people have answered it; add a new survey instead"
        )
    if anonymous and not survey.anonymous:
        db.session.execute(
            db.update(SurveyResponse)
            .where(SurveyResponse.survey_id == survey.id)
            .values(user_id=None, submitted_at=None)
        )
    translations = merge(
        survey.translations, english_texts(survey.questions or []), incoming, new_english
    )
    survey.template, survey.anonymous, survey.questions = template, anonymous, questions
    survey.translations = translations
    db.session.flush()


def export_definition(activity: Activity, folder: Path) -> dict[str, Any]:
    survey = db.session.execute(db.select(Survey).filter_by(activity_id=activity.id)).scalar()
    if survey is None:  # placed but never imported: hand back what the package said
        stored = {k: v for k, v in (activity.spec or {}).items() if not k.startswith("_")}
        return stored or default_definition()
    entry: dict[str, Any] = {"template": survey.template} if survey.template else {}
    if not survey.template or (survey.questions and _own_wording(survey)):
        entry["questions"] = package_texts(survey.questions or [], survey.translations)
    entry["anonymous"] = survey.anonymous
    return entry


def _own_wording(survey: Survey) -> bool:
    """True when a template survey's texts (English or a translation) differ from the template's."""
    questions, translations = template_texts(TEMPLATE_QUESTIONS[survey.template])
    if english_texts(survey.questions) != english_texts(questions):
        return True
    mine = {
        locale: texts(entry)
        for locale, entry in (survey.translations or {}).items()
        if texts(entry)
    }
    return mine != {locale: texts(entry) for locale, entry in translations.items() if texts(entry)}
