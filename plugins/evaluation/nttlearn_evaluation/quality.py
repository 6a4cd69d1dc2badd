"""Quality across the programme, for coordinators: the end-of-course evaluation compared across
courses, and the needs questionnaire's answers per policy area (as NTT+ used them to choose its
five areas). Figures from anonymous surveys with too few answers are withheld."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import case, func, select

from nttlearn.api import Activity, Course, Module, db

from .models import Survey, SurveyAnswer, SurveyResponse
from .questionnaires import END_OF_COURSE_SCALES, POLICY_AREAS
from .settings import anonymous_min_responses


@dataclass
class CourseQuality:
    course_id: int
    title: str
    translations: dict
    responses: int
    anonymous: bool
    means: dict[str, float | None]
    intending: int  # answered yes or "yes, but later" to the intention question
    intention_answers: int
    withheld: bool = False

    @property
    def intending_percent(self) -> int | None:
        return (
            round(100 * self.intending / self.intention_answers) if self.intention_answers else None
        )

    def localized_title(self, locale: str | None) -> str:
        return ((self.translations or {}).get(locale or "en") or {}).get("title") or self.title


@dataclass
class NeedsSummary:
    respondents: int = 0
    areas: dict[str, int] = field(default_factory=dict)
    experience: dict[str, int] = field(default_factory=dict)
    withheld: bool = False

    def percent(self, count: int) -> int:
        return round(100 * count / self.respondents) if self.respondents else 0


@dataclass
class QualityReport:
    courses: list[CourseQuality]
    needs: NeedsSummary
    minimum: int


def _survey_courses(template: str):
    """Answers to surveys of ``template`` with the course each survey sits in."""
    return (
        select(SurveyAnswer, Course.id.label("course_id"), Survey.anonymous)
        .join(Survey, Survey.id == SurveyAnswer.survey_id)
        .join(Activity, Activity.id == Survey.activity_id)
        .join(Module, Module.id == Activity.module_id)
        .join(Course, Course.id == Module.course_id)
        .where(Survey.template == template)
    )


def quality_report() -> QualityReport:
    minimum = anonymous_min_responses()
    return QualityReport(_end_of_course(minimum), _needs(minimum), minimum)


def _end_of_course(minimum: int) -> list[CourseQuality]:
    answers = _survey_courses("end-of-course").subquery("answers")
    means = [
        func.avg(case((answers.c.question == key, answers.c.value))) for key in END_OF_COURSE_SCALES
    ]
    intention = answers.c.question == "intention"
    per_course = (
        select(
            answers.c.course_id,
            func.count(func.distinct(answers.c.response_id)).label("responses"),
            func.max(case((answers.c.anonymous.is_(True), 1), else_=0)).label("anonymous"),
            func.count(
                func.distinct(
                    case(
                        (intention & answers.c.choice.in_(("yes", "later")), answers.c.response_id)
                    )
                )
            ).label("intending"),
            func.count(func.distinct(case((intention, answers.c.response_id)))).label(
                "intention_answers"
            ),
            *[
                mean.label(f"mean_{key}")
                for key, mean in zip(END_OF_COURSE_SCALES, means, strict=True)
            ],
        )
        .group_by(answers.c.course_id)
        .subquery("per_course")
    )
    rows = db.session.execute(  # titles joined after grouping: JSON columns cannot be grouped on PostgreSQL
        select(per_course.c.course_id, Course.title, Course.translations, *list(per_course.c)[1:])
        .join(Course, Course.id == per_course.c.course_id)
        .order_by(Course.title)
    ).all()
    result = []
    for (
        course_id,
        title,
        translations,
        responses,
        anonymous,
        intending,
        intention_answers,
        *values,
    ) in rows:
        withheld = bool(anonymous) and responses < minimum
        result.append(
            CourseQuality(
                course_id,
                title,
                translations or {},
                responses,
                bool(anonymous),
                {}
                if withheld
                else {
                    k: round(float(v), 2) if v is not None else None
                    for k, v in zip(END_OF_COURSE_SCALES, values, strict=True)
                },
                0 if withheld else intending,
                0 if withheld else intention_answers,
                withheld,
            )
        )
    return result


def _needs(minimum: int) -> NeedsSummary:
    answers = _survey_courses("needs").subquery("answers")
    summary = NeedsSummary()
    respondents, anonymous = db.session.execute(
        select(
            func.count(func.distinct(SurveyResponse.id)),
            func.max(case((Survey.anonymous.is_(True), 1), else_=0)),
        )
        .join(Survey, Survey.id == SurveyResponse.survey_id)
        .where(Survey.template == "needs")
    ).one()
    summary.respondents = int(respondents or 0)
    if anonymous and summary.respondents < minimum:
        summary.withheld = True
        return summary
    counts = db.session.execute(
        select(
            answers.c.question, answers.c.choice, func.count(func.distinct(answers.c.response_id))
        )
        .where(answers.c.question.in_(("policy_areas", "eu_experience")))
        .group_by(answers.c.question, answers.c.choice)
    ).all()
    summary.areas = {area: 0 for area in POLICY_AREAS}
    for question, choice, count in counts:
        (summary.areas if question == "policy_areas" else summary.experience)[choice] = count
    return summary
