"""The question bank of a course: nested categories, questions and their versions, tags.

Questions are stored as the JSON of `questions.py`; a question used in an attempt is never
changed in place: editing it makes a new version (attempts keep theirs).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _

from nttlearn.api import db, utcnow

from .models import (
    AttemptAnswer,
    Category,
    Question,
    QuestionTag,
    QuestionVersion,
    Slot,
    Tag,
)
from .questions import FORMATS, MAX_CATEGORY_NAME, QUESTION_CLASSES, category_fits, category_path
from .questions import Question as QuestionData
from .registry import question_types

EXTRA_KEYS = ("rubric", "case_sensitive")
"""Settings a question may carry beyond its GIFT JSON: kept when a GIFT re-import changes it."""
MAX_NAME = MAX_CATEGORY_NAME


class BankError(ValueError):
    """A change the bank refuses, with a message for the trainer."""


# -- categories -----------------------------------------------------------------------------------
def join_path(names: Iterable[str]) -> str:
    """A category path from its names, outermost first (a literal slash doubled, as in GIFT)."""
    return "/".join(name.replace("/", "//") for name in names)


def split_path(path: str) -> list[str]:
    """The names of a category path (GIFT's ``$course$/top/`` prefix dropped)."""
    return category_path(path)


def category_label(category: Category) -> str:
    return " / ".join(split_path(category.path))


def course_categories(course_id: int) -> list[Category]:
    """The course's categories in tree order (a parent before its children)."""
    rows = db.session.execute(db.select(Category).where(Category.course_id == course_id)).scalars()
    return sorted(rows, key=lambda c: split_path(c.path))


def ensure_category(
    course_id: int, names: list[str], known: dict[str, Category] | None = None
) -> Category:
    """The category with these names, created (with its parents) when missing.

    ``known`` maps paths to categories already loaded; it is updated, so that importing many
    questions asks the database once per new category only.
    """
    names = [n.strip() for n in names if n.strip()]
    if not names:
        raise BankError(_("A category needs a name."))
    if known is None:
        known = {c.path: c for c in course_categories(course_id)}
    parent: Category | None = None
    for depth in range(1, len(names) + 1):
        path = join_path(names[:depth])
        category = known.get(path)
        if category is None:
            name = names[depth - 1]
            if not category_fits(names[:depth]):
                raise BankError(_("The category name is too long."))
            category = Category(
                course_id=course_id, parent_id=parent.id if parent else None, name=name, path=path
            )
            db.session.add(category)
            db.session.flush()
            known[path] = category
        parent = category
    assert parent is not None
    return parent


def descendants(category: Category, categories: list[Category] | None = None) -> list[Category]:
    """The category and every category below it."""
    categories = categories if categories is not None else course_categories(category.course_id)
    names = split_path(category.path)
    return [c for c in categories if split_path(c.path)[: len(names)] == names]


def rename_category(category: Category, name: str) -> None:
    """Rename a category; the paths of the categories below it follow."""
    name = name.strip()
    if not name or len(name) > MAX_NAME:
        raise BankError(_("A category needs a name of at most %(n)s characters.", n=MAX_NAME))
    names = split_path(category.path)
    new_path = join_path([*names[:-1], name])
    if new_path == category.path:
        return
    clash = db.session.execute(
        db.select(Category.id).where(
            Category.course_id == category.course_id, Category.path == new_path
        )
    ).first()
    if clash is not None:
        raise BankError(_("There is already a category with this name here."))
    below = [c for c in descendants(category) if c.id != category.id]
    old_prefix = category.path
    category.name, category.path = name, new_path
    for child in below:
        child.path = new_path + child.path[len(old_prefix) :]


def delete_category(category: Category) -> None:
    """Delete an empty category (no questions, no subcategories, no random draws from it)."""
    in_use = (
        db.session.execute(
            db.select(Question.id).where(Question.category_id == category.id).limit(1)
        ).first()
        or db.session.execute(
            db.select(Category.id).where(Category.parent_id == category.id).limit(1)
        ).first()
        or db.session.execute(
            db.select(Slot.id).where(Slot.category_id == category.id).limit(1)
        ).first()
    )
    if in_use:
        raise BankError(
            _(
                "Only an empty category can be deleted: move or delete its questions "
                "and subcategories first, and remove it from random draws."
            )
        )
    db.session.delete(category)


def category_questions(course_id: int, category_id: int) -> list[Question]:
    """The questions of a category of the course's bank that a quiz may use (not hidden), by name."""
    return list(
        db.session.execute(
            db.select(Question)
            .where(
                Question.course_id == course_id,
                Question.category_id == category_id,
                Question.hidden.is_(False),
            )
            .order_by(Question.name)
        ).scalars()
    )


# -- question data ----------------------------------------------------------------------------------
def version_data(question: QuestionData, extras: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """What a version stores: the question's JSON without its category, with its extras."""
    data = question.to_json()
    data.pop("category", None)
    for key in EXTRA_KEYS:
        if extras and key in extras:
            data[key] = extras[key]
    return data


def canonical(data: Mapping[str, Any]) -> dict[str, Any]:
    """The form a version stores: for a built-in type exactly what the GIFT reader would give
    (so that re-importing an unchanged question finds it unchanged), with its extras."""
    if data.get("type") in QUESTION_CLASSES:
        return version_data(QuestionData.from_dict(data), data)
    return {k: v for k, v in data.items() if k != "category"}


def check_question(data: Mapping[str, Any]) -> list[str]:
    """Why a question (JSON) cannot go into the bank; empty when it can.

    Built-in types are read with `questions.py` and held to the rules of the GIFT reader (a
    multiple-choice question can earn full marks, and so on); another plugin's type checks its
    own part with ``validate_data``.
    """
    errors: list[str] = []
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        errors.append(_("The question needs a name."))
    elif len(name) > MAX_NAME:
        errors.append(_("The name is longer than %(n)s characters.", n=MAX_NAME))
    if data.get("format", "moodle") not in FORMATS:
        errors.append(_("Unknown text format."))
    key = data.get("type")
    if key in QUESTION_CLASSES:
        try:
            question = QuestionData.from_dict(data)
        except ValueError as exc:
            return [*errors, str(exc)]
        errors += _type_rules(question)
    else:
        qtype = question_types().get(key) if isinstance(key, str) else None
        if qtype is None:
            return [*errors, _("Unknown question type.")]
        validate = getattr(qtype(), "validate_data", None)
        if validate is not None:
            errors += list(validate(data))
    if not isinstance(data.get("text"), str) or not data.get("text", "").strip():
        errors.append(_("The question needs a text."))
    return errors


def _type_rules(question: QuestionData) -> list[str]:
    answers = getattr(question, "answers", None)
    if question.type == "multichoice":
        if len(answers) < 2:
            return [_("A multiple choice question needs at least two answers.")]
        if any(not a.text.strip() for a in answers):
            return [_("An answer has no text.")]
        if round(sum(a.fraction for a in answers if a.fraction > 0), 2) < 1:
            return [
                _(
                    "The positive weights must add up to 100% at least, or nobody can get full marks."
                )
            ]
    elif question.type == "shortanswer":
        if not answers or any(not a.text.strip() for a in answers):
            return [_("A short answer question needs at least one answer, each with a text.")]
        if max(a.fraction for a in answers) < 1:
            return [_("No answer gives full marks (100%).")]
    elif question.type == "numerical":
        numbers = [a for a in answers if a.value is not None]
        if not numbers:
            return [_("A numerical question needs at least one number.")]
        if max(a.fraction for a in numbers) < 1:
            return [_("No answer gives full marks (100%).")]
    elif question.type == "matching":
        if sum(1 for p in question.pairs if p.question.strip()) < 2:
            return [_("A matching question needs at least two pairs.")]
        if any(not p.answer.strip() for p in question.pairs):
            return [_("A matching pair has no answer.")]
    return []


def question_from_version(
    question: Question, version: QuestionVersion, path: str | None
) -> QuestionData:
    """A bank question as a `questions.py` object (for export), with its category path."""
    data = dict(version.data)
    data["category"] = path
    return QuestionData.from_dict(data)


# -- questions ----------------------------------------------------------------------------------------
def current_versions(question_ids: Iterable[int]) -> dict[int, QuestionVersion]:
    """The latest version of each question, in one query."""
    ids = list(question_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        db.select(QuestionVersion)
        .join(
            Question,
            (QuestionVersion.question_id == Question.id)
            & (QuestionVersion.number == Question.latest_version),
        )
        .where(Question.id.in_(ids))
    ).scalars()
    return {v.question_id: v for v in rows}


def versions_in_use(version_ids: Iterable[int]) -> set[int]:
    ids = list(version_ids)
    if not ids:
        return set()
    return set(
        db.session.execute(
            db.select(AttemptAnswer.question_version_id)
            .where(AttemptAnswer.question_version_id.in_(ids))
            .distinct()
        ).scalars()
    )


def create_question(
    course_id: int,
    category: Category,
    data: Mapping[str, Any],
    *,
    user_id: int | None = None,
    tags: Iterable[str] = (),
) -> Question:
    """Add a question to the bank; raises BankError with the reasons it cannot be added."""
    errors = check_question(data)
    if errors:
        raise BankError(" ".join(errors))
    clean = canonical(data)
    question = Question(
        course_id=course_id,
        category_id=category.id,
        name=clean["name"].strip(),
        qtype=clean["type"],
        latest_version=1,
    )
    db.session.add(question)
    db.session.flush()
    db.session.add(
        QuestionVersion(question_id=question.id, number=1, data=clean, created_by_id=user_id)
    )
    if tags:
        set_tags(question, tags)
    return question


def update_question(
    question: Question,
    data: Mapping[str, Any],
    *,
    user_id: int | None = None,
    category: Category | None = None,
) -> str:
    """Change a question: ``"unchanged"``, ``"updated"`` (its version was not used yet) or
    ``"new_version"`` (attempts used the current version, which they keep)."""
    errors = check_question(data)
    if errors:
        raise BankError(" ".join(errors))
    if data.get("type") != question.qtype:
        raise BankError(_("A question's type cannot change; create a new question instead."))
    if category is not None and category.id != question.category_id:
        question.category_id = category.id
    clean = canonical(data)
    current = current_versions([question.id])[question.id]
    if current.data == clean:
        return "unchanged"
    question.name = clean["name"].strip()
    question.updated_at = utcnow()
    if current.id in versions_in_use([current.id]):
        question.latest_version = current.number + 1
        db.session.add(
            QuestionVersion(
                question_id=question.id,
                number=current.number + 1,
                data=clean,
                translations=current.translations,
                created_by_id=user_id,
            )
        )
        return "new_version"
    current.data = clean
    return "updated"


def delete_question(question: Question) -> str:
    """``"deleted"``, or ``"hidden"`` when attempts used it (their review still shows it).

    A question a quiz still uses as a fixed question cannot be deleted.
    """
    if db.session.execute(
        db.select(Slot.id).where(Slot.question_id == question.id).limit(1)
    ).first():
        raise BankError(_("A quiz uses this question: remove it from the quiz first."))
    used = db.session.execute(
        db.select(AttemptAnswer.id)
        .join(QuestionVersion, AttemptAnswer.question_version_id == QuestionVersion.id)
        .where(QuestionVersion.question_id == question.id)
        .limit(1)
    ).first()
    if used:
        question.hidden = True
        return "hidden"
    db.session.delete(question)
    return "deleted"


def set_tags(question: Question, names: Iterable[str]) -> None:
    """Give the question exactly these tags (created in the course when new)."""
    wanted = {n.strip()[:100] for n in names if n.strip()}
    existing = (
        {
            t.name: t
            for t in db.session.execute(
                db.select(Tag).where(Tag.course_id == question.course_id, Tag.name.in_(wanted))
            ).scalars()
        }
        if wanted
        else {}
    )
    for name in wanted - set(existing):
        tag = Tag(course_id=question.course_id, name=name)
        db.session.add(tag)
        existing[name] = tag
    db.session.flush()
    db.session.execute(db.delete(QuestionTag).where(QuestionTag.question_id == question.id))
    for tag in existing.values():
        db.session.add(QuestionTag(question_id=question.id, tag_id=tag.id))


def tags_of(question_ids: Iterable[int]) -> dict[int, list[str]]:
    ids = list(question_ids)
    result: dict[int, list[str]] = {i: [] for i in ids}
    if not ids:
        return result
    for question_id, name in db.session.execute(
        db.select(QuestionTag.question_id, Tag.name)
        .join(Tag, Tag.id == QuestionTag.tag_id)
        .where(QuestionTag.question_id.in_(ids))
        .order_by(Tag.name)
    ):
        result[question_id].append(name)
    return result


def course_tags(course_id: int) -> list[str]:
    return list(
        db.session.execute(
            db.select(Tag.name).where(Tag.course_id == course_id).order_by(Tag.name)
        ).scalars()
    )


# -- import ---------------------------------------------------------------------------------------------
@dataclass
class ImportReport:
    """What importing questions did (or would do, in a dry run), and the questions in file order."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    question_ids: list[int] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "categories": self.categories,
        }


def import_questions(
    course_id: int,
    questions: list[QuestionData],
    default_category: list[str],
    *,
    user_id: int | None = None,
) -> ImportReport:
    """Put parsed questions into the bank, each in its ``$CATEGORY`` (or ``default_category``).

    A question whose name and category match a bank question is that question: it gets a new
    version when its content changed (or is changed in place while no attempt used it), and is
    left alone otherwise; its extras (an essay's rubric) are kept. Names repeated in one category
    match in order. Runs in the caller's transaction: roll back for a dry run.
    """
    report = ImportReport()
    known = {c.path: c for c in course_categories(course_id)}
    category_of: list[Category] = []
    for question in questions:
        names = split_path(question.category) if question.category else default_category
        category = ensure_category(course_id, names or default_category, known)
        category_of.append(category)
        if category.path not in report.categories:
            report.categories.append(category.path)

    category_ids = {c.id for c in category_of}
    existing: dict[tuple[int, str], list[tuple[Question, QuestionVersion]]] = {}
    if category_ids:
        rows = db.session.execute(
            db.select(Question, QuestionVersion)
            .join(
                QuestionVersion,
                (QuestionVersion.question_id == Question.id)
                & (QuestionVersion.number == Question.latest_version),
            )
            .where(Question.category_id.in_(category_ids), Question.hidden.is_(False))
            .order_by(Question.id)
        ).all()
        for question, version in rows:
            existing.setdefault((question.category_id, question.name), []).append(
                (question, version)
            )
    used = versions_in_use(v.id for pairs in existing.values() for _q, v in pairs)

    new_questions: list[dict[str, Any]] = []
    new_data: list[dict[str, Any]] = []
    order: list[tuple[str, int]] = []  # ("old", question id) or ("new", index)
    now = utcnow()
    for question, category in zip(questions, category_of, strict=True):
        candidates = existing.get((category.id, question.name))
        if candidates:
            row, version = candidates.pop(0)
            data = version_data(question, version.data)
            order.append(("old", row.id))
            if data == version.data:
                report.unchanged += 1
                continue
            report.updated += 1
            row.updated_at = now
            if version.id in used:
                row.latest_version = version.number + 1
                db.session.add(
                    QuestionVersion(
                        question_id=row.id,
                        number=version.number + 1,
                        data=data,
                        translations=version.translations,
                        created_by_id=user_id,
                        created_at=now,
                    )
                )
            else:
                version.data = data
            continue
        report.created += 1
        order.append(("new", len(new_questions)))
        new_questions.append(
            {
                "course_id": course_id,
                "category_id": category.id,
                "name": question.name[:MAX_NAME],
                "qtype": question.type,
                "latest_version": 1,
                "hidden": False,
                "created_at": now,
                "updated_at": now,
            }
        )
        new_data.append(version_data(question))

    new_ids: list[int] = []
    if new_questions:
        # One multi-row INSERT … RETURNING per batch: ten thousand questions import in seconds.
        new_ids = list(
            db.session.scalars(
                db.insert(Question).returning(Question.id, sort_by_parameter_order=True),
                new_questions,
            )
        )
        db.session.execute(
            db.insert(QuestionVersion),
            [
                {
                    "question_id": qid,
                    "number": 1,
                    "data": data,
                    "created_at": now,
                    "created_by_id": user_id,
                }
                for qid, data in zip(new_ids, new_data, strict=True)
            ],
        )
    report.question_ids = [ref if kind == "old" else new_ids[ref] for kind, ref in order]
    return report


def export_questions(
    course_id: int, category: Category | None = None, question_ids: list[int] | None = None
) -> list[QuestionData]:
    """Bank questions as `questions.py` objects with their category paths, for GIFT export:
    the given questions in that order, else a category (with its subcategories) or the bank."""
    return [question for question, _version in export_versions(course_id, category, question_ids)]


def export_versions(
    course_id: int, category: Category | None = None, question_ids: list[int] | None = None
) -> list[tuple[QuestionData, QuestionVersion]]:
    """`export_questions`, each with the version it was read from (for its translations)."""
    categories = {c.id: c for c in course_categories(course_id)}
    query = db.select(Question).where(Question.course_id == course_id, Question.hidden.is_(False))
    if question_ids is not None:
        query = query.where(Question.id.in_(question_ids))
    elif category is not None:
        query = query.where(
            Question.category_id.in_(
                [c.id for c in descendants(category, list(categories.values()))]
            )
        )
    rows = list(db.session.execute(query).scalars())
    if question_ids is not None:
        position = {qid: n for n, qid in enumerate(question_ids)}
        rows.sort(key=lambda q: position[q.id])
    else:
        rows.sort(key=lambda q: (split_path(categories[q.category_id].path), q.id))
    versions = current_versions(q.id for q in rows)
    return [
        (question_from_version(q, versions[q.id], categories[q.category_id].path), versions[q.id])
        for q in rows
        if q.qtype in QUESTION_CLASSES
    ]
