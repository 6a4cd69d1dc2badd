"""What a learner may see of a finished attempt, and when: the quiz's review settings turned
into flags, and the questions of an attempt turned into views that carry no more than that."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .languages import current_locale, for_learner, shown_response, version_texts
from .models import Attempt, AttemptAnswer, Quiz
from .registry import question_types
from .services import closes_at
from .widgets import QuestionView, add_review, build_view


@dataclass(frozen=True)
class ReviewFlags:
    marks: bool
    feedback: bool
    correct: bool

    @classmethod
    def none(cls) -> ReviewFlags:
        return cls(False, False, False)

    @classmethod
    def everything(cls) -> ReviewFlags:
        return cls(True, True, True)

    @property
    def any(self) -> bool:
        return self.marks or self.feedback or self.correct


def allowed(
    when: str, quiz: Quiz, attempt: Attempt, attempts_left: int | None, now: datetime
) -> bool:
    """Whether a review item set to ``when`` is visible now for this finished attempt."""
    if attempt.state != "finished" or when == "never":
        return False
    closes = closes_at(quiz, attempt.user_id)
    closed = closes is not None and now >= closes
    if when == "immediately":
        return True
    if when == "after_last":
        return attempts_left == 0 or closed
    return closed  # after_close


def review_flags(
    quiz: Quiz, attempt: Attempt, attempts_left: int | None, now: datetime
) -> ReviewFlags:
    return ReviewFlags(
        marks=allowed(quiz.review_marks, quiz, attempt, attempts_left, now),
        feedback=allowed(quiz.review_feedback, quiz, attempt, attempts_left, now),
        correct=allowed(quiz.review_correct, quiz, attempt, attempts_left, now),
    )


def question_views(
    answers: list[AttemptAnswer],
    media_base: str | None,
    flags: ReviewFlags,
    disabled: bool,
    locale: str | None = None,
) -> list[QuestionView]:
    """The views of an attempt's questions in ``locale`` (by default the viewer's language), one
    query for their versions whatever their number."""
    locale = locale or current_locale()
    data, translations = version_texts(a.question_version_id for a in answers)
    types = question_types()
    views = []
    for answer in answers:
        english = data[answer.question_version_id]
        question = for_learner(english, translations[answer.question_version_id].get(locale))
        response = shown_response(english, question, answer.response)
        cls = types.get(question.get("type"))
        qtype = cls() if cls is not None else None
        view = build_view(
            slot_number=answer.slot_number,
            data=question,
            qtype=qtype,
            response=response,
            choice_order=answer.choice_order,
            mark=answer.mark,
            sequence=answer.sequence,
            media_base=media_base,
            disabled=disabled,
        )
        if flags.any:
            add_review(
                view,
                question,
                qtype,
                response,
                fraction=answer.fraction,
                needs_grading=answer.needs_grading,
                comment=answer.comment,
                show_marks=flags.marks,
                show_feedback=flags.feedback,
                show_correct=flags.correct,
                media_base=media_base,
            )
        views.append(view)
    return views
