"""Large deterministic data sets for benchmarks, on the model of Moodle's test-site generator.

Rows are inserted in bulk (one statement per table and batch), not through the services, so
that the ``l`` size (10,000 learners, 100 courses, 1,000 organisations) builds in seconds.
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from sqlalchemy import insert

from ..auth.passwords import hash_password
from ..extensions import db
from ..models import (
    Course,
    Enrolment,
    EventRecord,
    Lesson,
    LessonCompletion,
    Module,
    Organisation,
    User,
    utcnow,
)

SIZES = {
    "xs": {"learners": 50, "courses": 5, "organisations": 20, "modules": 3, "lessons": 4},
    "s": {"learners": 1000, "courses": 10, "organisations": 100, "modules": 4, "lessons": 5},
    "m": {"learners": 3000, "courses": 30, "organisations": 300, "modules": 5, "lessons": 5},
    "l": {"learners": 10000, "courses": 100, "organisations": 1000, "modules": 5, "lessons": 6},
}
EU_COUNTRIES = [
    "AT",
    "BE",
    "BG",
    "HR",
    "CY",
    "CZ",
    "DK",
    "EE",
    "FI",
    "FR",
    "DE",
    "GR",
    "HU",
    "IE",
    "IT",
    "LV",
    "LT",
    "LU",
    "MT",
    "NL",
    "PL",
    "PT",
    "RO",
    "SK",
    "SI",
    "ES",
    "SE",
]
PASSWORD = "generated-learner-pw"  # noqa: S105 - published benchmark login, not a secret
BATCH = 5000


def _bulk(model: Any, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), BATCH):
        db.session.execute(insert(model), rows[start : start + BATCH])


def _max_id(model: Any) -> int:
    return db.session.scalar(db.select(db.func.max(model.id))) or 0


def generate(size: str, seed: int = 2010) -> dict[str, Any]:
    """Add a generated data set of the given size; returns a summary and one login."""
    spec = SIZES[size]
    rng = random.Random(seed)
    now = utcnow()
    tag = f"gen{size}"
    login = {"email": f"{tag}-learner1@example.org", "password": PASSWORD, "role": "learner"}
    if db.session.execute(db.select(User.id).filter_by(email=login["email"])).first() is not None:
        return {"summary": [f"The size {size} data set already exists."], "accounts": [login]}
    org_base, user_base, course_base = _max_id(Organisation), _max_id(User), _max_id(Course)
    _bulk(
        Organisation,
        [
            {
                "id": org_base + i + 1,
                "name": f"{tag} municipality {i + 1}",
                "town": f"Town {i + 1}",
                "country": EU_COUNTRIES[i % len(EU_COUNTRIES)],
                "created_at": now,
            }
            for i in range(spec["organisations"])
        ],
    )
    password_hash = hash_password(PASSWORD)
    _bulk(
        User,
        [
            {
                "id": user_base + i + 1,
                "email": f"{tag}-learner{i + 1}@example.org",
                "name": f"Learner {i + 1}",
                "password_hash": password_hash,
                "role": "learner",
                "active": True,
                "created_at": now,
                "organisation_id": org_base + 1 + rng.randrange(spec["organisations"]),
                "locale": "en",
            }
            for i in range(spec["learners"])
        ],
    )
    _bulk(
        Course,
        [
            {
                "id": course_base + c + 1,
                "slug": f"{tag}-course-{c + 1}",
                "title": f"Generated course {c + 1}",
                "summary": "A generated course for benchmarks.",
                "translations": {},
                "policy_area": "methodology",
                "languages": ["en"],
                "hours": 4.0,
                "outcomes": [],
                "completion_rule": "all_required",
                "self_enrolment": True,
                "certificate": False,
                "published": True,
                "archived": False,
                "version": 1,
                "created_at": now,
                "updated_at": now,
            }
            for c in range(spec["courses"])
        ],
    )
    module_base, lesson_base = _max_id(Module), _max_id(Lesson)
    modules, lessons, course_lessons = [], [], {}
    for c in range(spec["courses"]):
        course_id = course_base + c + 1
        course_lessons[course_id] = []
        for m in range(spec["modules"]):
            module_id = module_base + len(modules) + 1
            modules.append(
                {
                    "id": module_id,
                    "course_id": course_id,
                    "key": f"module-{m + 1}",
                    "position": m + 1,
                    "title": f"Module {m + 1}",
                    "summary": "",
                    "outcomes": [],
                    "archived": False,
                }
            )
            for n in range(spec["lessons"]):
                lesson_id = lesson_base + len(lessons) + 1
                lessons.append(
                    {
                        "id": lesson_id,
                        "module_id": module_id,
                        "key": f"lesson-{n + 1}",
                        "position": n + 1,
                        "title": f"Lesson {m + 1}.{n + 1}",
                        "body": "## A generated lesson\n\nText " * 20,
                        "translations": {},
                        "minutes": 10,
                        "required": True,
                        "kind": "lesson",
                        "archived": False,
                        "version": 1,
                    }
                )
                course_lessons[course_id].append(lesson_id)
    _bulk(Module, modules)
    _bulk(Lesson, lessons)
    enrolments, completions, events = [], [], []
    for i in range(spec["learners"]):
        user_id = user_base + i + 1
        for course_id in rng.sample(sorted(course_lessons), k=min(2, len(course_lessons))):
            started = now - timedelta(days=rng.randrange(1, 365))
            enrolments.append(
                {
                    "user_id": user_id,
                    "course_id": course_id,
                    "cohort": "",
                    "created_at": started,
                    "last_activity_at": started,
                }
            )
            events.append(
                {
                    "name": "course.enrolled",
                    "user_id": user_id,
                    "course_id": course_id,
                    "data": {},
                    "created_at": started,
                }
            )
            for lesson_id in course_lessons[course_id][
                : rng.randrange(len(course_lessons[course_id]) + 1)
            ]:
                completions.append(
                    {"user_id": user_id, "lesson_id": lesson_id, "completed_at": started}
                )
                events.append(
                    {
                        "name": "lesson.completed",
                        "user_id": user_id,
                        "course_id": course_id,
                        "data": {"lesson_id": lesson_id},
                        "created_at": started,
                    }
                )
    _bulk(Enrolment, enrolments)
    _bulk(LessonCompletion, completions)
    _bulk(EventRecord, events)
    _fix_sequences()
    return {
        "summary": [
            f"Generated size {size}: {spec['learners']} learners, {spec['courses']} courses, "
            f"{spec['organisations']} organisations in {min(27, spec['organisations'])} countries, "
            f"{len(enrolments)} enrolments, {len(completions)} lesson completions."
        ],
        "accounts": [login],
    }


def _fix_sequences() -> None:
    """Explicit ids leave PostgreSQL's sequences behind; move them past the largest id."""
    if db.engine.dialect.name != "postgresql":
        return
    for model in (Organisation, User, Course, Module, Lesson):
        table = model.__tablename__
        db.session.execute(
            db.text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"  # noqa: S608
            )
        )
