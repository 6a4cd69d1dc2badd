"""Answering a survey once, and reading its results, in a fixed number of queries.

An answer is stored in two unlinked halves: :class:`SurveyRespondent` (who answered, to refuse a
second answer) and :class:`SurveyResponse` with its answers (what was answered; for an anonymous
survey without user id or time). Nothing in the database, pages or exports pairs the two.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError

from nttlearn.api import (
    LANGUAGES,
    Activity,
    Module,
    TranslatableText,
    User,
    complete_activity,
    db,
    utcnow,
)

from .definitions import default_definition, import_definition
from .languages import PRESENT, english_texts, option_key, template_texts, text_states
from .models import Survey, SurveyAnswer, SurveyRespondent, SurveyResponse, random_id
from .questionnaires import TEMPLATE_QUESTIONS, Question, survey_questions
from .settings import anonymous_min_responses

MAX_TEXT = 4000


def survey_for(activity: Activity) -> Survey:
    """The activity's survey; one placed without a package import gets its definition now."""
    survey = db.session.execute(db.select(Survey).filter_by(activity_id=activity.id)).scalar()
    if survey is None:
        spec = {k: v for k, v in (activity.spec or {}).items() if not k.startswith("_")}
        try:
            with db.session.begin_nested():
                import_definition(activity, spec or default_definition(), None)
        except IntegrityError:  # another request created it first
            pass
        survey = db.session.execute(
            db.select(Survey).filter_by(activity_id=activity.id)
        ).scalar_one()
    return survey


def questions_of(survey: Survey) -> tuple[Question, ...]:
    return survey_questions(survey.template, survey.questions or [], survey.translations)


def has_responded(survey: Survey, user_id: int) -> bool:
    return db.session.get(SurveyRespondent, (survey.id, user_id)) is not None


def _answer_rows(
    survey: Survey, response_id: str, answers: Mapping[str, Any]
) -> list[SurveyAnswer]:
    """Check ``answers`` against the questions and turn them into rows (ValueError if wrong)."""
    rows: list[SurveyAnswer] = []
    for question in questions_of(survey):
        value = answers.get(question.key)
        allowed = {o.value for o in question.choices()}
        base = {"response_id": response_id, "survey_id": survey.id, "question": question.key}
        if question.kind == "multiple":
            picked = [v for v in (value or []) if v]
            if any(v not in allowed for v in picked):
                raise ValueError(f"unknown option for {question.key}")
            rows += [
                SurveyAnswer(**base, item=i, choice=v) for i, v in enumerate(dict.fromkeys(picked))
            ]
            empty = not picked
        elif question.kind == "text":
            text = (value or "").strip()[:MAX_TEXT]
            if text:
                rows.append(SurveyAnswer(**base, text=text))
            empty = not text
        elif value in (None, ""):
            empty = True
        else:
            if str(value) not in allowed:
                raise ValueError(f"unknown option for {question.key}")
            rows.append(
                SurveyAnswer(**base, value=int(value))
                if question.kind == "likert"
                else SurveyAnswer(**base, choice=str(value))
            )
            empty = False
        if empty and question.required:
            raise ValueError(f"{question.key} needs an answer")
    return rows


def submit_response(
    survey: Survey, activity: Activity, user_id: int, answers: Mapping[str, Any]
) -> bool:
    """Store a learner's answers once and complete the activity; False if they had answered.

    The respondent row goes first, in a savepoint: a second submission (double click, two tabs,
    two servers) hits its primary key and stores nothing.
    """
    response = SurveyResponse(
        id=random_id(),
        survey_id=survey.id,
        user_id=None if survey.anonymous else user_id,
        submitted_at=None if survey.anonymous else utcnow(),
    )
    rows = _answer_rows(survey, response.id, answers)
    try:
        with db.session.begin_nested():
            db.session.add(SurveyRespondent(survey_id=survey.id, user_id=user_id))
    except IntegrityError:
        return False
    db.session.add(response)
    db.session.flush()
    db.session.add_all(rows)
    db.session.flush()
    complete_activity(user_id, activity)
    return True


def own_answers(survey: Survey, user_id: int) -> dict[str, list[Any]]:
    """A learner's own answers to a named survey (an anonymous one cannot be traced back)."""
    if survey.anonymous:
        return {}
    result: dict[str, list[Any]] = {}
    for question, value, choice, text in db.session.execute(
        db.select(SurveyAnswer.question, SurveyAnswer.value, SurveyAnswer.choice, SurveyAnswer.text)
        .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
        .where(SurveyResponse.survey_id == survey.id, SurveyResponse.user_id == user_id)
        .order_by(SurveyAnswer.question, SurveyAnswer.item)
    ):
        result.setdefault(question, []).append(
            value if value is not None else choice if choice is not None else text
        )
    return result


@dataclass
class Comment:
    text: str
    author: str = ""  # only for named surveys


@dataclass
class QuestionResult:
    question: Question
    answered: int = 0
    mean: float | None = None
    counts: dict[str, int] = field(default_factory=dict)
    comments: list[Comment] = field(default_factory=list)

    def percent(self, value: str) -> int:
        return round(100 * self.counts.get(value, 0) / self.answered) if self.answered else 0


@dataclass
class SurveyResults:
    survey: Survey
    responses: int
    minimum: int
    questions: list[QuestionResult]

    @property
    def hidden(self) -> bool:
        """Too few answers to an anonymous survey: figures could point at a person."""
        return self.survey.anonymous and self.responses < self.minimum


def survey_results(survey: Survey) -> SurveyResults:
    """Distribution, mean and comments per question: four aggregate queries, whatever the size."""
    results = {q.key: QuestionResult(q) for q in questions_of(survey)}
    responses = (
        db.session.scalar(
            db.select(func.count())
            .select_from(SurveyResponse)
            .where(SurveyResponse.survey_id == survey.id)
        )
        or 0
    )
    for key, answered, mean in db.session.execute(
        db.select(
            SurveyAnswer.question,
            func.count(func.distinct(SurveyAnswer.response_id)),
            func.avg(SurveyAnswer.value),
        )
        .where(SurveyAnswer.survey_id == survey.id)
        .group_by(SurveyAnswer.question)
    ):
        if key in results:
            results[key].answered, results[key].mean = (
                answered,
                float(mean) if mean is not None else None,
            )
    for key, value, choice, count in db.session.execute(
        db.select(SurveyAnswer.question, SurveyAnswer.value, SurveyAnswer.choice, func.count())
        .where(SurveyAnswer.survey_id == survey.id, SurveyAnswer.text.is_(None))
        .group_by(SurveyAnswer.question, SurveyAnswer.value, SurveyAnswer.choice)
    ):
        if key in results:
            results[key].counts[str(value) if value is not None else str(choice)] = count
    for key, text, author in _comments(survey):
        if key in results:
            results[key].comments.append(Comment(text, author or ""))
    return SurveyResults(survey, responses, anonymous_min_responses(), list(results.values()))


def _comments(survey: Survey) -> list[tuple[str, str, str | None]]:
    """Free-text answers. Anonymous ones are sorted by their text, never by when they came in,
    so that their order cannot be matched against the order in which people completed."""
    if survey.anonymous:
        stmt = (
            db.select(SurveyAnswer.question, SurveyAnswer.text, db.literal(None))
            .where(SurveyAnswer.survey_id == survey.id, SurveyAnswer.text.is_not(None))
            .order_by(SurveyAnswer.question, SurveyAnswer.text)
        )
    else:
        stmt = (
            db.select(SurveyAnswer.question, SurveyAnswer.text, User.name)
            .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
            .outerjoin(User, User.id == SurveyResponse.user_id)
            .where(SurveyAnswer.survey_id == survey.id, SurveyAnswer.text.is_not(None))
            .order_by(SurveyAnswer.question, SurveyResponse.submitted_at)
        )
    return [tuple(row) for row in db.session.execute(stmt)]


# -- personal data -------------------------------------------------------------------------------
def user_data(user_id: int) -> dict[str, Any] | None:
    """For the GDPR export: named answers in full; for anonymous surveys only *that* they answered."""
    answered = db.session.execute(
        db.select(Survey.activity_id, Survey.anonymous)
        .join(SurveyRespondent, SurveyRespondent.survey_id == Survey.id)
        .where(SurveyRespondent.user_id == user_id)
    ).all()
    if not answered:
        return None
    named: dict[int, dict[str, list[Any]]] = {}
    for activity_id, question, value, choice, text in db.session.execute(
        db.select(
            Survey.activity_id,
            SurveyAnswer.question,
            SurveyAnswer.value,
            SurveyAnswer.choice,
            SurveyAnswer.text,
        )
        .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
        .join(Survey, Survey.id == SurveyResponse.survey_id)
        .where(SurveyResponse.user_id == user_id)
        .order_by(Survey.activity_id, SurveyAnswer.question, SurveyAnswer.item)
    ):
        answer = value if value is not None else choice if choice is not None else text
        named.setdefault(activity_id, {}).setdefault(question, []).append(answer)
    return {
        "surveys_answered": [{"activity_id": a, "anonymous": anon} for a, anon in answered],
        "named_answers": [{"activity_id": a, "answers": answers} for a, answers in named.items()],
    }


def delete_user_data(user_id: int) -> None:
    """Detach a deleted account's named answers and drop the texts they wrote; anonymous
    answers were never linked to the account and stay in the results."""
    mine = db.select(SurveyResponse.id).where(SurveyResponse.user_id == user_id)
    db.session.execute(
        db.delete(SurveyAnswer).where(
            SurveyAnswer.response_id.in_(mine), SurveyAnswer.text.is_not(None)
        )
    )
    db.session.execute(
        db.update(SurveyResponse)
        .where(SurveyResponse.user_id == user_id)
        .values(user_id=None, submitted_at=None)
    )


def translation_texts(activities: Sequence[Activity]) -> dict[int, list[TranslatableText]]:
    """Each survey's question and option texts, with their state per language (``missing``,
    ``present``, ``outdated``) and the survey's translation page: what the course's translation
    overview lists and its coverage counts (one query). A template survey stored before
    templates were copied into surveys is read from code, whose texts the plugin's catalogues
    translate: counted as translated, with no page to edit them."""
    found = db.session.execute(
        db.select(
            Survey.activity_id,
            Survey.template,
            Survey.questions,
            Survey.translations,
            Module.course_id,
        )
        .join(Activity, Activity.id == Survey.activity_id)
        .join(Module, Module.id == Activity.module_id)
        .where(Survey.activity_id.in_([a.id for a in activities]))
    ).all()
    result: dict[int, list[TranslatableText]] = {}
    for activity_id, template, questions, translations, course_id in found:
        if questions:
            english = english_texts(questions)
            per_locale = {
                locale: text_states((translations or {}).get(locale), english)
                for locale in LANGUAGES
            }
            editor: str | None = "evaluation.surveys.translate"
        elif template:
            questions = template_texts(TEMPLATE_QUESTIONS[template])[0]
            english = english_texts(questions)
            per_locale = {locale: dict.fromkeys(english, PRESENT) for locale in LANGUAGES}
            editor = None
        else:
            continue
        labels = _text_labels(questions)
        result[activity_id] = [
            TranslatableText(
                label=labels[key],
                english=text,
                states={locale: per_locale[locale][key] for locale in LANGUAGES},
                editor=editor,
                editor_args={"course_id": course_id, "activity_id": activity_id},
            )
            for key, text in english.items()
            if text.strip()
        ]
    return result


def _text_labels(questions: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """What each text of a questionnaire is (keyed as `english_texts`), for the translation overview."""
    labels: dict[str, Any] = {}
    for n, question in enumerate(questions, start=1):
        labels[question["id"]] = _l("Question %(num)d", num=n)
        for m, option in enumerate(question.get("options") or [], start=1):
            labels[option_key(question["id"], option["id"])] = _l(
                "Question %(num)d, option %(option)d", num=n, option=m
            )
    return labels


def translation_states(activities: Sequence[Activity]) -> dict[int, dict[str, list[str]]]:
    """:func:`translation_texts` as counts: one state per text and language."""
    return {
        activity_id: {locale: [text.states[locale] for text in texts] for locale in LANGUAGES}
        for activity_id, texts in translation_texts(activities).items()
    }


def status(activity: Activity, user_id: int) -> str | None:
    """The learner's state of a survey activity, for the core's course pages."""
    return statuses([activity], user_id).get(activity.id)


def statuses(activities: Sequence[Activity], user_id: int) -> dict[int, str | None]:
    """:func:`status` for several survey activities (API 1.4), in one query."""
    from flask_babel import gettext

    ids = sorted({a.id for a in activities})
    result: dict[int, str | None] = dict.fromkeys(ids)
    if not ids:
        return result
    for activity_id in db.session.execute(
        db.select(Survey.activity_id)
        .distinct()
        .join(SurveyRespondent, SurveyRespondent.survey_id == Survey.id)
        .where(Survey.activity_id.in_(ids), SurveyRespondent.user_id == user_id)
    ).scalars():
        result[activity_id] = gettext("Answered")
    return result


def has_learner_work(activity_ids: Sequence[int]) -> set[int]:
    """The surveys someone has answered (anonymous answers too): they stay in the reports."""
    ids = list(activity_ids)
    answered = (
        db.select(Survey.activity_id)
        .join(SurveyResponse, SurveyResponse.survey_id == Survey.id)
        .where(Survey.activity_id.in_(ids))
    )
    respondents = (
        db.select(Survey.activity_id)
        .join(SurveyRespondent, SurveyRespondent.survey_id == Survey.id)
        .where(Survey.activity_id.in_(ids))
    )
    return set(db.session.execute(answered.union(respondents)).scalars())
