"""Questions and the two questionnaires NTT+ used: the end-of-course evaluation and the
pre-course needs analysis that chose the project's five policy areas.

Template questions live here with their translations in the plugin's catalogues; importing a
survey that uses one copies them, in every language, into the survey (see ``languages``), where
they are kept and translated like questions written in ``module.yaml``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l

from .languages import option_key, texts

KINDS = ("likert", "single", "multiple", "text")
LIKERT_VALUES = (1, 2, 3, 4, 5)

# The five policy areas NTT+'s questionnaire identified (keys as in the core's course model).
POLICY_AREAS = (
    "youth",
    "social-enterprise",
    "renewable-energy",
    "family-gender",
    "integration-employment",
)


def policy_area_labels() -> dict[str, Any]:
    return {
        "youth": _l("Youth and development"),
        "social-enterprise": _l("Social-sector enterprises"),
        "renewable-energy": _l("Renewable energy sources"),
        "family-gender": _l("Family support from a gender-equality perspective"),
        "integration-employment": _l("Integration and immigration from an employment perspective"),
        "methodology": _l("Project design methodology"),
    }


def likert_labels() -> dict[int, Any]:
    return {
        1: _l("Strongly disagree"),
        2: _l("Disagree"),
        3: _l("Neither agree nor disagree"),
        4: _l("Agree"),
        5: _l("Strongly agree"),
    }


def localize(value: Any, locale: str | None) -> str:
    """Text for ``locale`` from a lazy string, a plain string or a ``{locale: text}`` mapping."""
    if isinstance(value, dict):
        return str(value.get(locale or "en") or value.get("en") or next(iter(value.values()), ""))
    return str(value)


@dataclass(frozen=True)
class Option:
    value: str
    label: Any

    def text(self, locale: str | None) -> str:
        return localize(self.label, locale)


@dataclass(frozen=True)
class Question:
    key: str
    kind: str
    prompt: Any
    required: bool = True
    options: tuple[Option, ...] = field(default_factory=tuple)

    def text(self, locale: str | None) -> str:
        return localize(self.prompt, locale)

    def choices(self) -> tuple[Option, ...]:
        """The options a learner picks from; a Likert question's are the five agreement levels."""
        if self.kind == "likert":
            return tuple(Option(str(v), label) for v, label in likert_labels().items())
        return self.options

    def option_label(self, value: str, locale: str | None) -> str:
        for option in self.choices():
            if option.value == value:
                return option.text(locale)
        return value


def end_of_course() -> tuple[Question, ...]:
    """The default course evaluation: the five things NTT+ asked about, and room for comments."""
    return (
        Question(
            "relevance", "likert", _l("The course is relevant to my work as a municipal official.")
        ),
        Question("clarity", "likert", _l("The lessons and exercises were clear.")),
        Question(
            "methodology",
            "likert",
            _l("The project-design methodology is useful for preparing network proposals."),
        ),
        Question(
            "peer_feedback",
            "likert",
            _l(
                "The feedback I received from other participants was of good quality "
                "(leave blank if you received none)."
            ),
            required=False,
        ),
        Question(
            "intention",
            "single",
            _l("Do you intend to submit a network proposal with partners from other countries?"),
            options=(
                Option("yes", _l("Yes, within the next year")),
                Option("later", _l("Yes, but later")),
                Option("unsure", _l("I do not know yet")),
                Option("no", _l("No")),
            ),
        ),
        Question(
            "comments", "text", _l("What should we keep or change in this course?"), required=False
        ),
    )


def needs() -> tuple[Question, ...]:
    """The pre-course needs questionnaire: policy areas of interest and experience of EU projects."""
    labels = policy_area_labels()
    return (
        Question(
            "policy_areas",
            "multiple",
            _l("Which policy areas would you like your town's network to work on?"),
            options=tuple(Option(area, labels[area]) for area in POLICY_AREAS),
        ),
        Question(
            "eu_experience",
            "single",
            _l("What experience of EU-funded projects do you have? Choose the one that fits best."),
            options=(
                Option("none", _l("None yet")),
                Option("applicant", _l("I have written or co-written an application")),
                Option("partner", _l("I have worked in an EU project as a partner")),
                Option("coordinator", _l("I have coordinated an EU project")),
            ),
        ),
        Question(
            "expectations",
            "text",
            _l("What do you hope to be able to do after the course?"),
            required=False,
        ),
    )


TEMPLATE_QUESTIONS = {"end-of-course": end_of_course, "needs": needs}
# The Likert questions of the end-of-course template, compared across courses on the quality page.
END_OF_COURSE_SCALES = ("relevance", "clarity", "methodology", "peer_feedback")


def template_labels() -> dict[str, Any]:
    return {
        "end-of-course": _l("End-of-course evaluation"),
        "needs": _l("Needs questionnaire"),
        "": _l("Own questions"),
    }


def questions_from_spec(
    items: list[dict[str, Any]], translations: dict[str, Any] | None = None
) -> tuple[Question, ...]:
    """Questions as stored in ``Survey.questions``, each text a ``{locale: text}`` mapping of its
    English and its translations (``Survey.translations``): each reader gets their language,
    text by text, and the English where a text is not translated."""
    per_locale = {locale: texts(entry) for locale, entry in (translations or {}).items()}

    def text(key: str, value: Any) -> dict[str, str]:
        mapping = dict(value) if isinstance(value, dict) else {"en": str(value)}
        mapping.update(
            {locale: found[key] for locale, found in per_locale.items() if found.get(key)}
        )
        return mapping

    result = []
    for item in items:
        options = tuple(
            Option(o["id"], text(option_key(item["id"], o["id"]), o["text"]))
            for o in item.get("options", [])
        )
        result.append(
            Question(
                item["id"],
                item["type"],
                text(item["id"], item["text"]),
                bool(item.get("required", True)),
                options,
            )
        )
    return tuple(result)


def survey_questions(
    template: str, inline: list[dict[str, Any]], translations: dict[str, Any] | None = None
) -> tuple[Question, ...]:
    """A survey's questions: its stored ones, or (a template survey stored before templates were
    copied into surveys) the template's, read from code."""
    if inline:
        return questions_from_spec(inline, translations)
    if template:
        return TEMPLATE_QUESTIONS[template]()
    return ()


def experience_labels() -> dict[str, Any]:
    """The answers to the needs questionnaire's question on EU-project experience."""
    question = next(q for q in needs() if q.key == "eu_experience")
    return {o.value: o.label for o in question.options}
