"""Quizzes as trainers build them: settings (from a course package or the settings form) and
slots (the questions, fixed or drawn at random from a category)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from flask_babel import gettext as _

from nttlearn.api import Activity, Module, db

from .bank import current_versions, ensure_category, split_path
from .models import (
    COMPLETION_RULES,
    GRADING_METHODS,
    LAYOUTS,
    NAVIGATION,
    REVIEW_TIMES,
    Category,
    Question,
    Quiz,
    Slot,
)

# The keys a quiz entry of module.yaml may carry (besides the core's id/type/title/required).
SETTING_KEYS = (
    "file",
    "pass_mark",
    "attempts",
    "grading_method",
    "time_limit",
    "opens",
    "closes",
    "completion",
    "layout",
    "navigation",
    "shuffle_questions",
    "shuffle_answers",
    "review",
    "random",
    "intro",
)
REVIEW_ITEMS = {
    "marks": "review_marks",
    "feedback": "review_feedback",
    "correct_answers": "review_correct",
}
DEFAULTS: dict[str, Any] = {
    "intro": "",
    "shuffle_questions": False,
    "shuffle_answers": True,
    "attempts_allowed": 0,
    "grading_method": "highest",
    "time_limit": None,
    "opens_at": None,
    "closes_at": None,
    "pass_mark": 0.0,
    "completion": "pass",
    "layout": "one_page",
    "navigation": "free",
    "review_marks": "immediately",
    "review_feedback": "immediately",
    "review_correct": "after_last",
}


@dataclass(frozen=True)
class RandomDraw:
    """``count`` questions drawn from a category (``path``) for each attempt."""

    path: str
    count: int
    subcategories: bool = False


@dataclass
class Settings:
    """A quiz's settings read from a definition: column values, random draws, and problems
    as ``(key, message)``."""

    values: dict[str, Any]
    draws: list[RandomDraw]
    problems: list[tuple[str, str]]


def _choice(
    definition: Mapping[str, Any], key: str, choices: tuple[str, ...], problems: list
) -> str | None:
    value = definition[key]
    if value not in choices:
        problems.append(
            (key, _("'%(key)s' must be one of: %(choices)s", key=key, choices=", ".join(choices)))
        )
        return None
    return value


def _number(
    definition: Mapping[str, Any],
    key: str,
    low: float,
    high: float | None,
    problems: list,
    integer: bool = False,
) -> float | None:
    value = definition[key]
    ok = (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and value >= low
        and (high is None or value <= high)
    )
    if ok and integer and not float(value).is_integer():
        ok = False
    if not ok:
        if high is None:
            problems.append(
                (key, _("'%(key)s' must be a whole number, %(low)s or more", key=key, low=low))
            )
        else:
            problems.append(
                (
                    key,
                    _(
                        "'%(key)s' must be a number from %(low)s to %(high)s",
                        key=key,
                        low=low,
                        high=high,
                    ),
                )
            )
        return None
    return value


def _when(definition: Mapping[str, Any], key: str, problems: list) -> datetime | None:
    value = definition[key]
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime.combine(value, time(), tzinfo=UTC)
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            pass
        else:
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    problems.append(
        (key, _("'%(key)s' must be a date and time such as 2026-03-04T09:00:00Z", key=key))
    )
    return None


def read_settings(definition: Mapping[str, Any]) -> Settings:
    """Read a quiz's settings from its ``module.yaml`` entry (see docs/quiz.md)."""
    problems: list[tuple[str, str]] = []
    values: dict[str, Any] = {}
    for key in definition:
        if key not in SETTING_KEYS:
            problems.append(
                (
                    key,
                    _(
                        "unknown quiz setting '%(key)s' (known: %(known)s)",
                        key=key,
                        known=", ".join(SETTING_KEYS),
                    ),
                )
            )
    if "file" in definition and (
        not isinstance(definition["file"], str) or not definition["file"].strip()
    ):
        problems.append(("file", _("'file' must name the quiz's .gift file")))
    if (
        "pass_mark" in definition
        and (v := _number(definition, "pass_mark", 0, 100, problems)) is not None
    ):
        values["pass_mark"] = float(v)
    if (
        "attempts" in definition
        and (v := _number(definition, "attempts", 0, None, problems, True)) is not None
    ):
        values["attempts_allowed"] = int(v)
    if "time_limit" in definition:
        if definition["time_limit"] in (None, 0):
            values["time_limit"] = None
        elif (v := _number(definition, "time_limit", 1, None, problems, True)) is not None:
            values["time_limit"] = int(v) * 60
    for key, choices in (
        ("grading_method", GRADING_METHODS),
        ("completion", COMPLETION_RULES),
        ("layout", LAYOUTS),
        ("navigation", NAVIGATION),
    ):
        if key in definition and (v := _choice(definition, key, choices, problems)) is not None:
            values[key] = v
    for key in ("shuffle_questions", "shuffle_answers"):
        if key in definition:
            if isinstance(definition[key], bool):
                values[key] = definition[key]
            else:
                problems.append((key, _("'%(key)s' must be true or false", key=key)))
    for key, column in (("opens", "opens_at"), ("closes", "closes_at")):
        if (
            key in definition
            and definition[key] is not None
            and (v := _when(definition, key, problems)) is not None
        ):
            values[column] = v
    if (
        values.get("opens_at")
        and values.get("closes_at")
        and values["closes_at"] <= values["opens_at"]
    ):
        problems.append(("closes", _("'closes' must come after 'opens'")))
    if "intro" in definition:
        if isinstance(definition["intro"], str):
            values["intro"] = definition["intro"]
        else:
            problems.append(("intro", _("'intro' must be a text")))
    review = definition.get("review", {})
    if not isinstance(review, Mapping):
        problems.append(
            ("review", _("'review' must map marks, feedback and correct_answers to a time"))
        )
    else:
        for item, when in review.items():
            if item not in REVIEW_ITEMS or when not in REVIEW_TIMES:
                problems.append(
                    (
                        "review",
                        _(
                            "review: '%(item)s: %(when)s' is not known; items are %(items)s, times %(times)s",
                            item=item,
                            when=when,
                            items=", ".join(REVIEW_ITEMS),
                            times=", ".join(REVIEW_TIMES),
                        ),
                    )
                )
            else:
                values[REVIEW_ITEMS[item]] = when
    draws = _read_draws(definition.get("random", []), problems)
    return Settings(values, draws, problems)


def _read_draws(entries: Any, problems: list) -> list[RandomDraw]:
    draws = []
    if not isinstance(entries, list):
        problems.append(("random", _("'random' must be a list of {category, count}")))
        return draws
    for entry in entries:
        category, count = (
            (entry.get("category"), entry.get("count", 1))
            if isinstance(entry, Mapping)
            else (None, None)
        )
        if (
            not isinstance(category, str)
            or not split_path(category)
            or not isinstance(count, int)
            or isinstance(count, bool)
            or count < 1
        ):
            problems.append(
                (
                    "random",
                    _("each 'random' entry needs a 'category' path and a 'count' of 1 or more"),
                )
            )
            continue
        draws.append(RandomDraw(category, count, bool(entry.get("subcategories", False))))
    return draws


def settings_definition(quiz: Quiz, draws: list[RandomDraw]) -> dict[str, Any]:
    """The ``module.yaml`` entry for a quiz's settings: pass mark and attempts always, the rest
    where it differs from the default."""
    entry: dict[str, Any] = {
        "pass_mark": _plain_number(quiz.pass_mark),
        "attempts": quiz.attempts_allowed,
    }
    for key in (
        "grading_method",
        "completion",
        "layout",
        "navigation",
        "shuffle_questions",
        "shuffle_answers",
    ):
        if getattr(quiz, key) != DEFAULTS[key]:
            entry[key] = getattr(quiz, key)
    if quiz.time_limit:
        entry["time_limit"] = quiz.time_limit // 60
    for key, column in (("opens", "opens_at"), ("closes", "closes_at")):
        if getattr(quiz, column) is not None:
            entry[key] = getattr(quiz, column).isoformat().replace("+00:00", "Z")
    review = {
        item: getattr(quiz, column)
        for item, column in REVIEW_ITEMS.items()
        if getattr(quiz, column) != DEFAULTS[column]
    }
    if review:
        entry["review"] = review
    if quiz.intro:
        entry["intro"] = quiz.intro
    if draws:
        entry["random"] = [
            {
                "category": d.path,
                "count": d.count,
                **({"subcategories": True} if d.subcategories else {}),
            }
            for d in draws
        ]
    return entry


def _plain_number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


# -- quizzes and slots ------------------------------------------------------------------------------
def get_quiz(activity_id: int) -> Quiz | None:
    return db.session.get(Quiz, activity_id)


def ensure_quiz(activity: Activity) -> Quiz:
    """The activity's quiz, created with the default settings when it has none yet."""
    quiz = db.session.get(Quiz, activity.id)
    if quiz is None:
        module = db.session.get(Module, activity.module_id)
        quiz = Quiz(activity_id=activity.id, course_id=module.course_id, **DEFAULTS)
        db.session.add(quiz)
        db.session.flush()
    return quiz


def apply_settings(quiz: Quiz, values: Mapping[str, Any]) -> None:
    for key, value in values.items():
        if getattr(quiz, key) != value:
            setattr(quiz, key, value)


def quiz_slots(quiz: Quiz) -> list[Slot]:
    return list(
        db.session.execute(
            db.select(Slot)
            .where(Slot.activity_id == quiz.activity_id)
            .order_by(Slot.position, Slot.id)
        ).scalars()
    )


@dataclass(frozen=True)
class WantedSlot:
    question_id: int | None = None
    category_id: int | None = None
    subcategories: bool = False
    mark: float = 1.0

    @property
    def key(self) -> tuple[Any, ...]:
        return (self.question_id, self.category_id, self.subcategories)


def sync_slots(quiz: Quiz, wanted: list[WantedSlot]) -> None:
    """Make the quiz's slots these, in this order, keeping the rows (and the marks) of slots
    that stay, so that past attempts still point to them."""
    existing: dict[tuple[Any, ...], list[Slot]] = {}
    for slot in quiz_slots(quiz):
        existing.setdefault(
            (slot.question_id, slot.category_id, slot.include_subcategories), []
        ).append(slot)
    for position, want in enumerate(wanted, start=1):
        matches = existing.get(want.key)
        if matches:
            slot = matches.pop(0)
            if slot.position != position:
                slot.position = position
        else:
            db.session.add(
                Slot(
                    activity_id=quiz.activity_id,
                    position=position,
                    question_id=want.question_id,
                    category_id=want.category_id,
                    include_subcategories=want.subcategories,
                    mark=want.mark,
                )
            )
    for leftovers in existing.values():
        for slot in leftovers:
            db.session.delete(slot)
    db.session.flush()


def default_mark(qtype: str) -> float:
    return 0.0 if qtype == "description" else 1.0


def add_questions(quiz: Quiz, question_ids: list[int]) -> int:
    """Append bank questions to the quiz as fixed slots (a question already in it is skipped)."""
    slots = quiz_slots(quiz)
    present = {s.question_id for s in slots}
    position = max((s.position for s in slots), default=0)
    questions = db.session.execute(
        db.select(Question).where(
            Question.id.in_(question_ids),
            Question.course_id == quiz.course_id,
            Question.hidden.is_(False),
        )
    ).scalars()
    by_id = {q.id: q for q in questions}
    added = 0
    for question_id in question_ids:
        question = by_id.get(question_id)
        if question is None or question_id in present:
            continue
        position += 1
        present.add(question_id)
        db.session.add(
            Slot(
                activity_id=quiz.activity_id,
                position=position,
                question_id=question_id,
                mark=default_mark(question.qtype),
            )
        )
        added += 1
    return added


def add_random(quiz: Quiz, category: Category, count: int, subcategories: bool) -> None:
    position = max((s.position for s in quiz_slots(quiz)), default=0)
    for n in range(count):
        db.session.add(
            Slot(
                activity_id=quiz.activity_id,
                position=position + n + 1,
                category_id=category.id,
                include_subcategories=subcategories,
                mark=1.0,
            )
        )


def move_slot(quiz: Quiz, slot: Slot, direction: str) -> None:
    slots = quiz_slots(quiz)
    for position, each in enumerate(slots, start=1):
        each.position = position
    index = slots.index(slot)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(slots):
        slots[index].position, slots[other].position = slots[other].position, slots[index].position


def slot_rows(quiz: Quiz) -> list[dict[str, Any]]:
    """The quiz's slots with their question (name, type) or category, for the editor."""
    slots = quiz_slots(quiz)
    question_ids = [s.question_id for s in slots if s.question_id]
    questions = (
        {
            q.id: q
            for q in db.session.execute(
                db.select(Question).where(Question.id.in_(question_ids))
            ).scalars()
        }
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
    return [
        {
            "slot": s,
            "question": questions.get(s.question_id),
            "category": categories.get(s.category_id),
        }
        for s in slots
    ]


def draws_of(quiz: Quiz) -> list[RandomDraw]:
    """The random draws of a quiz, grouped as a course package writes them."""
    draws: list[RandomDraw] = []
    for row in slot_rows(quiz):
        category = row["category"]
        if category is None:
            continue
        slot = row["slot"]
        if (
            draws
            and draws[-1].path == category.path
            and draws[-1].subcategories == slot.include_subcategories
        ):
            draws[-1] = RandomDraw(category.path, draws[-1].count + 1, slot.include_subcategories)
        else:
            draws.append(RandomDraw(category.path, 1, slot.include_subcategories))
    return draws


def fixed_question_ids(quiz: Quiz) -> list[int]:
    return [s.question_id for s in quiz_slots(quiz) if s.question_id is not None]


def ensure_draw_categories(course_id: int, draws: list[RandomDraw]) -> list[WantedSlot]:
    wanted = []
    for draw in draws:
        category = ensure_category(course_id, split_path(draw.path))
        wanted += [
            WantedSlot(category_id=category.id, subcategories=draw.subcategories)
        ] * draw.count
    return wanted


def latest_data(question_ids: list[int]) -> dict[int, dict[str, Any]]:
    return {qid: v.data for qid, v in current_versions(question_ids).items()}
