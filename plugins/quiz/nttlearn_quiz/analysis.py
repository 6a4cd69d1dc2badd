"""Item analysis of a quiz from its attempts (the maths is in `statistics.py`), as data for the
page and its chart, CSV, and ``nttlearn quiz stats --json``; and the course's quiz overview."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from nttlearn.api import (
    LANGUAGE_NAMES,
    LOCALES,
    Activity,
    Enrolment,
    Module,
    csv_text,
    db,
    localized,
    localized_text,
)

from .bank import category_label
from .models import Attempt, AttemptAnswer, Category, Question, QuestionVersion, Quiz, QuizGrade
from .quizzes import quiz_slots
from .registry import question_types
from .statistics import QuizStatistics, quiz_statistics


@dataclass
class QuestionRow:
    position: int
    label: str
    qtype: str
    max_mark: float
    responses: int
    facility: float | None
    standard_deviation: float | None
    discrimination: float | None
    answers: list[tuple[str, int]] = field(default_factory=list)


@dataclass
class LanguageRow:
    """The attempts taken in one language (``locale`` None: taken before languages were
    recorded), their mean grade in %, and the facility of each question (in the order of
    ``Analysis.questions``) among them: a question much harder in one language than in the others
    often has a translation problem."""

    locale: str | None
    attempts: int
    mean_percent: float | None
    facility: list[float | None]

    @property
    def label(self) -> str:
        from flask_babel import gettext as _

        return LANGUAGE_NAMES.get(self.locale, self.locale) if self.locale else _("Not recorded")


@dataclass
class Analysis:
    activity_id: int
    title: str
    stats: QuizStatistics
    questions: list[QuestionRow]
    languages: list[LanguageRow] = field(default_factory=list)

    @property
    def mean_percent(self) -> float | None:
        s = self.stats
        return None if s.mean is None or not s.max_mark else 100 * s.mean / s.max_mark

    def to_json(self) -> dict[str, Any]:
        s = self.stats
        return {
            "quiz_id": self.activity_id,
            "title": self.title,
            "attempts": s.attempts,
            "max_mark": s.max_mark,
            "mean": s.mean,
            "median": s.median,
            "standard_deviation": s.standard_deviation,
            "cronbach_alpha": s.cronbach_alpha,
            "questions": [
                {
                    "position": q.position,
                    "question": q.label,
                    "type": q.qtype,
                    "max_mark": q.max_mark,
                    "facility": q.facility,
                    "standard_deviation": q.standard_deviation,
                    "discrimination": q.discrimination,
                    "answers": [{"answer": text, "chosen": n} for text, n in q.answers],
                }
                for q in self.questions
            ],
            "languages": [
                {
                    "locale": r.locale,
                    "attempts": r.attempts,
                    "mean_percent": r.mean_percent,
                    "facility": r.facility,
                }
                for r in self.languages
            ],
        }


def item_analysis(quiz: Quiz) -> Analysis:
    """Statistics over the quiz's finished, fully graded attempts, per slot of the quiz (a
    random slot counts whatever question it drew, as Moodle's report does)."""
    activity = db.session.get(Activity, quiz.activity_id)
    types = question_types()
    slots = quiz_slots(quiz)
    attempts = list(
        db.session.execute(
            db.select(Attempt.id)
            .where(
                Attempt.activity_id == quiz.activity_id,
                Attempt.state == "finished",
                Attempt.needs_grading.is_(False),
            )
            .order_by(Attempt.id)
        ).scalars()
    )
    rows = db.session.execute(
        db.select(
            AttemptAnswer.attempt_id,
            AttemptAnswer.slot_id,
            AttemptAnswer.fraction,
            AttemptAnswer.response,
            QuestionVersion.data,
        )
        .join(QuestionVersion, QuestionVersion.id == AttemptAnswer.question_version_id)
        .join(Attempt, Attempt.id == AttemptAnswer.attempt_id)
        .where(
            Attempt.activity_id == quiz.activity_id,
            Attempt.state == "finished",
            Attempt.needs_grading.is_(False),
        )
    ).all()
    graded_slots = []
    sample: dict[int, dict[str, Any]] = {}
    for row in rows:
        sample.setdefault(row.slot_id, row.data)
    for slot in slots:
        data = sample.get(slot.id)
        cls = types.get(data.get("type")) if data else None
        if slot.mark > 0 and (cls is None or cls.graded):
            graded_slots.append(slot)
    column = {slot.id: n for n, slot in enumerate(graded_slots)}
    index = {attempt_id: n for n, attempt_id in enumerate(attempts)}
    matrix: list[list[float | None]] = [[None] * len(graded_slots) for _ in attempts]
    chosen: dict[int, Counter[str]] = {s.id: Counter() for s in graded_slots}
    answered: Counter[int] = Counter()
    for attempt_id, slot_id, fraction, response, data in rows:
        if slot_id not in column or attempt_id not in index:
            continue
        matrix[index[attempt_id]][column[slot_id]] = fraction
        if response is not None:
            answered[slot_id] += 1
            chosen[slot_id].update(_chosen_texts(data, response))
    stats = quiz_statistics(matrix, [s.mark for s in graded_slots])
    labels = _slot_labels(graded_slots)
    questions = []
    for slot, qstats in zip(graded_slots, stats.questions, strict=True):
        data = sample.get(slot.id) or {}
        answers: list[tuple[str, int]] = []
        if data.get("type") in ("multichoice", "truefalse"):
            texts = [a["text"] for a in data.get("answers") or []]
            answers = [(text, chosen[slot.id][text]) for text in texts]
        questions.append(
            QuestionRow(
                position=slot.position,
                label=labels[slot.id],
                qtype=data.get("type", ""),
                max_mark=slot.mark,
                responses=answered[slot.id],
                facility=qstats.facility,
                standard_deviation=qstats.standard_deviation,
                discrimination=qstats.discrimination,
                answers=answers,
            )
        )
    return Analysis(
        quiz.activity_id,
        localized(activity) if activity else "",
        stats,
        questions,
        languages=by_language(quiz.activity_id, [s.id for s in graded_slots]),
    )


def by_language(activity_id: int, slot_ids: list[int]) -> list[LanguageRow]:
    """The same attempts as the item analysis (pooled over languages) split by the language
    they were taken in, in two queries whatever their number."""
    graded = (
        Attempt.activity_id == activity_id,
        Attempt.state == "finished",
        Attempt.needs_grading.is_(False),
    )
    totals = db.session.execute(
        db.select(Attempt.locale, db.func.count(Attempt.id), db.func.avg(Attempt.percent))
        .where(*graded)
        .group_by(Attempt.locale)
    ).all()
    facility: dict[tuple[int, str | None], float] = {}
    if totals and slot_ids:
        for slot_id, locale, mean in db.session.execute(
            db.select(
                AttemptAnswer.slot_id,
                Attempt.locale,
                db.func.avg(db.func.coalesce(AttemptAnswer.fraction, 0.0)),
            )
            .join(Attempt, Attempt.id == AttemptAnswer.attempt_id)
            .where(*graded, AttemptAnswer.slot_id.in_(slot_ids))
            .group_by(AttemptAnswer.slot_id, Attempt.locale)
        ):
            facility[(slot_id, locale)] = 100 * float(mean)
    rows = [
        LanguageRow(
            locale,
            count,
            None if mean is None else float(mean),
            [facility.get((s, locale)) for s in slot_ids],
        )
        for locale, count, mean in totals
    ]
    order = {locale: n for n, locale in enumerate(LOCALES)}
    return sorted(
        rows, key=lambda r: (r.locale is None, order.get(r.locale, len(order)), r.locale or "")
    )


def _chosen_texts(data: dict[str, Any], response: Any) -> list[str]:
    answers = data.get("answers") or []
    if data.get("type") == "truefalse" and isinstance(response, bool):
        return ["true" if response else "false"]
    if data.get("type") == "multichoice":
        indices = response if isinstance(response, list) else [response]
        return [answers[i]["text"] for i in indices if isinstance(i, int) and 0 <= i < len(answers)]
    return []


def _slot_labels(slots: list) -> dict[int, str]:
    question_ids = [s.question_id for s in slots if s.question_id]
    names = (
        dict(
            db.session.execute(
                db.select(Question.id, Question.name).where(Question.id.in_(question_ids))
            ).all()
        )
        if question_ids
        else {}
    )
    category_ids = [s.category_id for s in slots if s.category_id]
    categories = (
        {
            c.id: c
            for c in db.session.execute(
                db.select(Category).where(Category.id.in_(category_ids))
            ).scalars()
        }
        if category_ids
        else {}
    )
    from flask_babel import gettext as _

    return {
        s.id: names.get(s.question_id, "")
        if s.question_id
        else _(
            "Random question from %(category)s", category=category_label(categories[s.category_id])
        )
        for s in slots
    }


def analysis_csv(analysis: Analysis, *, bom: bool = True) -> str:
    """One table: a ``quiz`` row with the quiz's figures, then a ``question`` row per question
    (through the core's CSV writer, which defuses formulas in titles, labels and answers)."""
    s = analysis.stats
    rows: list[list[Any]] = [
        [
            "quiz",
            "",
            analysis.title,
            "",
            s.attempts,
            _num(s.max_mark),
            _num(s.mean),
            _num(s.median),
            _num(s.standard_deviation),
            _num(s.cronbach_alpha),
            "",
            "",
            "",
        ]
    ]
    for q in analysis.questions:
        rows.append(
            [
                "question",
                q.position,
                q.label,
                q.qtype,
                q.responses,
                _num(q.max_mark),
                "",
                "",
                _num(q.standard_deviation),
                "",
                _num(q.facility),
                _num(q.discrimination),
                "; ".join(f"{text}: {n}" for text, n in q.answers),
            ]
        )
    return csv_text(
        [
            "scope",
            "position",
            "question",
            "type",
            "attempts",
            "max_mark",
            "mean",
            "median",
            "standard_deviation",
            "cronbach_alpha",
            "facility",
            "discrimination",
            "answers_chosen",
        ],
        rows,
        bom=bom,
    )


def _num(value: float | None) -> Decimal | None:
    """At most four places, without trailing zeros; a number, so that the CSV keeps it one."""
    return None if value is None else Decimal(f"{value:.4f}".rstrip("0").rstrip("."))


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    css: str
    label: str


@dataclass(frozen=True)
class Chart:
    """An SVG bar chart of facility and discrimination per question, as plain numbers for a
    template to write into SVG attributes (no style attributes: the CSP forbids them)."""

    width: int
    height: int
    zero: float
    bars: list[Bar]
    ticks: list[tuple[float, str]]
    labels: list[tuple[float, str]]


def chart(analysis: Analysis) -> Chart:
    """Facility (0..100) and discrimination (-100..100) side by side for each question."""
    top, bottom, left, group = 10.0, 30.0, 40.0, 44.0
    plot = 200.0
    zero = top + plot / 2
    width = int(left + group * max(1, len(analysis.questions)) + 10)
    bars, labels = [], []
    for n, q in enumerate(analysis.questions):
        x = left + n * group + 4
        for offset, value, css, name in (
            (0, q.facility, "bar-facility", "F"),
            (18, q.discrimination, "bar-discrimination", "D"),
        ):
            if value is None:
                continue
            h = abs(value) / 100 * (plot / 2)
            bars.append(
                Bar(
                    x + offset,
                    zero - h if value >= 0 else zero,
                    16,
                    round(h, 2),
                    css,
                    f"{q.position}: {name} {value:.0f}",
                )
            )
        labels.append((x + 17, str(q.position)))
    ticks = [(zero - v / 100 * plot / 2, f"{v}") for v in (100, 50, 0, -50, -100)]
    return Chart(width, int(top + plot + bottom), zero, bars, ticks, labels)


# -- the course's overview ------------------------------------------------------------------------
@dataclass
class QuizSummary:
    activity_id: int
    title: str
    attempts: int
    learners: int
    mean: float | None
    passed: int
    needs_grading: int


def course_quizzes(course_id: int) -> list[QuizSummary]:
    """Each quiz of the course with its attempts, mean grade and passes, in a few queries (the
    quizzes' titles in the current language: the reader's page or export).

    Counted, like every course report: the learners enrolled in the course now. A trainer trying
    the quiz out and a learner who has left are not, so that "Passed" here is the course
    report's "Completed" for a quiz completed by a pass mark."""
    enrolled = (Enrolment.user_id == Attempt.user_id) & (Enrolment.course_id == course_id)
    quizzes = db.session.execute(
        db.select(Quiz, Activity.title, Activity.translations)
        .join(Activity, Activity.id == Quiz.activity_id)
        .join(Module, Module.id == Activity.module_id)
        .where(Quiz.course_id == course_id, Activity.archived.is_(False))
        .order_by(Module.position, Activity.position)
    ).all()
    ids = [q.activity_id for q, _t, _tr in quizzes]
    if not ids:
        return []
    counts = {
        a: (n, waiting)
        for a, n, waiting in db.session.execute(
            db.select(
                Attempt.activity_id,
                db.func.count(Attempt.id),
                db.func.sum(db.case((Attempt.needs_grading.is_(True), 1), else_=0)),
            )
            .join(Enrolment, enrolled)
            .where(Attempt.activity_id.in_(ids), Attempt.state == "finished")
            .group_by(Attempt.activity_id)
        )
    }
    grades: dict[int, list[float]] = {i: [] for i in ids}
    learners: Counter[int] = Counter()
    for activity_id, grade, override in db.session.execute(
        db.select(QuizGrade.activity_id, QuizGrade.grade, QuizGrade.override)
        .join(
            Enrolment, (Enrolment.user_id == QuizGrade.user_id) & (Enrolment.course_id == course_id)
        )
        .where(QuizGrade.activity_id.in_(ids))
    ):
        effective = override if override is not None else grade
        learners[activity_id] += 1
        if effective is not None:
            grades[activity_id].append(effective)
    result = []
    for quiz, title, translations in quizzes:
        title = localized_text(title, translations)
        values = grades[quiz.activity_id]
        n, waiting = counts.get(quiz.activity_id, (0, 0))
        result.append(
            QuizSummary(
                quiz.activity_id,
                title,
                n,
                learners[quiz.activity_id],
                sum(values) / len(values) if values else None,
                sum(1 for v in values if v >= quiz.pass_mark - 1e-9),
                int(waiting or 0),
            )
        )
    return result


def course_quizzes_csv(rows: list[QuizSummary]) -> str:
    return csv_text(
        ["quiz_id", "quiz", "attempts", "learners", "mean_grade", "passed", "essays_to_grade"],
        [
            [
                r.activity_id,
                r.title,
                r.attempts,
                r.learners,
                _num(r.mean),
                r.passed,
                r.needs_grading,
            ]
            for r in rows
        ],
    )
