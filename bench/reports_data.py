"""A large, deterministic programme for ``bench/reports.py``: by default 10,000 learners in
1,000 organisations of 27 countries, 50 courses and 1,000,000 events, with module and activity
completions and anonymous end-of-course evaluations.

Rows go in by bulk ``INSERT`` (one statement per batch), not through the services: the point
is the reports' speed on a year of a large programme, not the speed of building it. Learners'
progress follows a funnel (most start, fewer finish), their events spread over the last year,
and the log is topped up with quiz attempts (or its latest learning events cut) to the exact
number of events asked for.
"""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert

from nttlearn import db
from nttlearn.demo.generator import EU_COUNTRIES
from nttlearn.models import (
    Activity,
    ActivityCompletion,
    Course,
    CourseStaff,
    Enrolment,
    EventRecord,
    Module,
    ModuleCompletion,
    Organisation,
    User,
    utcnow,
)
from nttlearn_evaluation.models import Survey, SurveyAnswer, SurveyRespondent, SurveyResponse

COUNTRIES = EU_COUNTRIES  # the 27 member states, as the demo generator writes them
AREAS = [
    "youth",
    "social-enterprise",
    "renewable-energy",
    "family-gender",
    "integration-employment",
]
MODULES, LESSONS_PER_MODULE = 5, 6
BATCH = 10_000


def _bulk(model: Any, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), BATCH):
        db.session.execute(insert(model), rows[start : start + BATCH])


def _id_base(model: Any) -> int:
    return db.session.scalar(db.select(db.func.max(model.id))) or 0


def generate(
    learners: int = 10_000,
    courses: int = 50,
    events: int = 1_000_000,
    organisations: int = 1_000,
    seed: int = 2010,
) -> dict[str, Any]:
    """Insert the data set; returns what the timings need (a large course, a learner, a trainer)."""
    rng = random.Random(seed)
    now = utcnow()
    org_base, user_base, course_base, module_base, activity_base = (
        _id_base(Organisation),
        _id_base(User),
        _id_base(Course),
        _id_base(Module),
        _id_base(Activity),
    )
    _bulk(
        Organisation,
        [
            {
                "id": org_base + i + 1,
                "name": f"Bench municipality {i + 1}",
                "town": f"Town {i + 1}",
                "country": COUNTRIES[i % len(COUNTRIES)],
                "created_at": now,
            }
            for i in range(organisations)
        ],
    )
    people = [
        {
            "id": user_base + i + 1,
            "email": f"bench-learner{i + 1}@example.org",
            "name": f"Learner {i + 1}",
            "password_hash": "",
            "role": "learner",
            "active": True,
            "created_at": now,
            "locale": "en",
            "organisation_id": None if i % 40 == 0 else org_base + 1 + rng.randrange(organisations),
        }
        for i in range(learners)
    ]
    trainer_id = user_base + learners + 1
    people.append(
        {
            "id": trainer_id,
            "email": "bench-trainer@example.org",
            "name": "Bench trainer",
            "password_hash": "",
            "role": "admin",
            "active": True,
            "created_at": now,
            "locale": "en",
            "organisation_id": None,
        }
    )
    _bulk(User, people)
    course_rows, module_rows, activity_rows, surveys = [], [], [], []
    survey_base = _id_base(Survey)
    layout: dict[int, dict[str, Any]] = {}
    for c in range(courses):
        course_id = course_base + c + 1
        course_rows.append(
            {
                "id": course_id,
                "slug": f"bench-course-{c + 1}",
                "title": f"Bench course {c + 1:02d}",
                "summary": "",
                "translations": {},
                "policy_area": AREAS[c % 5],
                "languages": ["en"],
                "hours": 20.0,
                "outcomes": [],
                "completion_rule": "all_required",
                "self_enrolment": True,
                "certificate": True,
                "published": True,
                "archived": False,
                "version": 1,
                "created_at": now,
                "updated_at": now,
            }
        )
        modules = [module_base + c * MODULES + m + 1 for m in range(MODULES)]
        module_rows += [
            {
                "id": m,
                "course_id": course_id,
                "key": f"module-{i + 1}",
                "position": i + 1,
                "title": f"Module {i + 1}",
                "summary": "",
                "outcomes": [],
                "archived": False,
            }
            for i, m in enumerate(modules)
        ]
        quizzes = [activity_base + c * (MODULES + 1) + m + 1 for m in range(MODULES)]
        survey_activity = activity_base + c * (MODULES + 1) + MODULES + 1
        activity_rows += [
            {
                "id": a,
                "module_id": modules[i],
                "key": f"quiz-{i + 1}",
                "position": 1,
                "type_key": "quiz",
                "title": f"Quiz {i + 1}",
                "required": True,
                "spec": {},
                "archived": False,
            }
            for i, a in enumerate(quizzes)
        ]
        activity_rows.append(
            {
                "id": survey_activity,
                "module_id": modules[-1],
                "key": "evaluation",
                "position": 2,
                "type_key": "survey",
                "title": "Course evaluation",
                "required": False,
                "spec": {},
                "archived": False,
            }
        )
        surveys.append(
            {
                "id": survey_base + c + 1,
                "activity_id": survey_activity,
                "template": "end-of-course",
                "anonymous": True,
                "questions": [],
            }
        )
        layout[course_id] = {"modules": modules, "quizzes": quizzes, "survey": surveys[-1]["id"]}
    _bulk(Course, course_rows)
    _bulk(
        CourseStaff,
        [
            {"course_id": course_id, "user_id": trainer_id, "role": "trainer"}
            for course_id in layout
        ],
    )
    _bulk(Module, module_rows)
    _bulk(Activity, activity_rows)
    _bulk(Survey, surveys)
    counts = _learning(rng, now, people[:learners], layout, events)
    _fix_sequences()
    db.session.commit()
    largest = max(counts["enrolled_per_course"], key=counts["enrolled_per_course"].get)
    learner = db.session.scalar(
        db.select(db.func.min(Enrolment.user_id)).where(Enrolment.course_id == largest)
    )
    return {"course_id": largest, "learner_id": learner, "admin_id": trainer_id, **counts}


def _learning(
    rng: random.Random,
    now: datetime,
    people: list[dict[str, Any]],
    layout: dict[int, dict[str, Any]],
    target_events: int,
) -> dict[str, Any]:
    enrolments, modules_done, activities_done = [], [], []
    log = EventSink(target_events, now)
    respondents, responses, answers = [], [], []
    per_course: dict[int, int] = dict.fromkeys(layout, 0)
    course_ids = sorted(layout)
    for team in range(2_000):
        course_id = rng.choice(course_ids)
        log.append(
            _event(
                "peer_review.proposal_submitted",
                people[rng.randrange(len(people))]["id"],
                course_id,
                now - timedelta(days=rng.uniform(1, 365)),
                {
                    "activity_id": layout[course_id]["quizzes"][-1],
                    "team_id": team,
                    "policy_area": rng.choice(AREAS),
                    "countries": rng.sample(COUNTRIES, k=rng.choice((1, 2, 3))),
                },
            )
        )
    for _meeting in range(100):
        log.append(
            _event(
                "events.meeting_held",
                None,
                None,
                now - timedelta(days=rng.uniform(1, 365)),
                {"participants": rng.randrange(8, 60)},
            )
        )
    for person in people:
        user_id = person["id"]
        for course_id in rng.sample(course_ids, k=rng.choice((1, 2, 2, 3, 4))):
            per_course[course_id] += 1
            start = now - timedelta(days=rng.uniform(1, 365), seconds=rng.randrange(86400))
            parts = layout[course_id]
            reached = min(MODULES, int(rng.triangular(0, MODULES + 1, MODULES)))
            when = start
            log.append(_event("course.enrolled", user_id, course_id, start, {"cohort": ""}))
            for m in range(reached):
                for lesson in range(LESSONS_PER_MODULE):
                    when += timedelta(hours=rng.uniform(1, 30))
                    log.append(
                        _event("lesson.completed", user_id, course_id, when, {"lesson_id": lesson})
                    )
                for _attempt in range(rng.choice((1, 1, 2, 3))):
                    when += timedelta(minutes=rng.uniform(5, 90))
                    log.append(
                        _attempt_event(
                            rng, user_id, course_id, parts["quizzes"][m], when, passed=False
                        )
                    )
                when += timedelta(minutes=20)
                score = rng.randrange(60, 101)
                log.append(
                    _attempt_event(
                        rng, user_id, course_id, parts["quizzes"][m], when, passed=True, score=score
                    )
                )
                activities_done.append(
                    {
                        "user_id": user_id,
                        "activity_id": parts["quizzes"][m],
                        "completed_at": when,
                        "score": float(score),
                    }
                )
                log.append(
                    _event(
                        "activity.completed",
                        user_id,
                        course_id,
                        when,
                        {"activity_id": parts["quizzes"][m], "score": score},
                    )
                )
                modules_done.append(
                    {"user_id": user_id, "module_id": parts["modules"][m], "completed_at": when}
                )
                log.append(
                    _event(
                        "module.completed",
                        user_id,
                        course_id,
                        when,
                        {"module_id": parts["modules"][m]},
                    )
                )
            completed = when if reached == MODULES and when < now else None
            if completed:
                log.append(_event("course.completed", user_id, course_id, completed, {}))
                log.append(
                    _event(
                        "certificates.issued",
                        user_id,
                        course_id,
                        completed,
                        {"code": uuid.UUID(int=rng.getrandbits(128)).hex[:12]},
                    )
                )
                if rng.random() < 0.6:
                    _survey_answer(
                        rng, layout[course_id]["survey"], user_id, respondents, responses, answers
                    )
            enrolments.append(
                {
                    "user_id": user_id,
                    "course_id": course_id,
                    "cohort": f"{start.year}-{start.month:02d}",
                    "created_at": start,
                    "completed_at": completed,
                    "last_activity_at": when,
                }
            )
    while len(log) < target_events:  # top up with retried quiz attempts, spread over the enrolments
        e = enrolments[rng.randrange(len(enrolments))]
        log.append(
            _attempt_event(
                rng,
                e["user_id"],
                e["course_id"],
                layout[e["course_id"]]["quizzes"][0],
                e["created_at"] + timedelta(hours=rng.uniform(0, 200)),
                passed=rng.random() < 0.5,
            )
        )
    log.flush()
    for rows, column in (
        (modules_done, "completed_at"),
        (activities_done, "completed_at"),
        (enrolments, "last_activity_at"),
    ):
        for row in rows:  # nothing happens in the future
            row[column] = min(row[column], now)
    _bulk(Enrolment, enrolments)
    _bulk(ModuleCompletion, modules_done)
    _bulk(ActivityCompletion, activities_done)
    _bulk(SurveyRespondent, respondents)
    _bulk(SurveyResponse, responses)
    _bulk(SurveyAnswer, answers)
    return {
        "learners": len(people),
        "courses": len(layout),
        "enrolments": len(enrolments),
        "events": len(log),
        "survey_responses": len(responses),
        "enrolled_per_course": per_course,
    }


class EventSink:
    """The event log, written as it is generated (10 million events do not fit in a list): the
    first ``target`` events are kept, each dated no later than ``now``. PostgreSQL gets them by
    ``COPY``, other databases by bulk ``INSERT``."""

    def __init__(self, target: int, now: datetime) -> None:
        self.target, self.now, self.count, self.rows = target, now, 0, []

    def __len__(self) -> int:
        return self.count

    def append(self, row: dict[str, Any]) -> None:
        if self.count >= self.target:
            return
        row["created_at"] = min(row["created_at"], self.now)
        self.rows.append(row)
        self.count += 1
        if len(self.rows) >= 10 * BATCH:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        if db.engine.dialect.name == "postgresql":
            driver = db.session.connection().connection.driver_connection
            columns = "name, user_id, course_id, data, created_at"
            with (
                driver.cursor() as cursor,
                cursor.copy(f"COPY {EventRecord.__tablename__} ({columns}) FROM STDIN") as copy,
            ):
                for row in self.rows:
                    copy.write_row(
                        (
                            row["name"],
                            row["user_id"],
                            row["course_id"],
                            json.dumps(row["data"]),
                            row["created_at"],
                        )
                    )
        else:
            for chunk in _chunks(self.rows):
                db.session.execute(insert(EventRecord), chunk)
        self.rows = []


def _event(
    name: str, user_id: int | None, course_id: int | None, at: datetime, data: dict[str, Any]
) -> dict[str, Any]:
    return {
        "name": name,
        "user_id": user_id,
        "course_id": course_id,
        "data": data,
        "created_at": at,
    }


def _attempt_event(
    rng: random.Random,
    user_id: int,
    course_id: int,
    activity_id: int,
    at: datetime,
    *,
    passed: bool,
    score: int | None = None,
) -> dict[str, Any]:
    score = (
        score if score is not None else (rng.randrange(60, 101) if passed else rng.randrange(0, 60))
    )
    return _event(
        "quiz.attempt_submitted",
        user_id,
        course_id,
        at,
        {"activity_id": activity_id, "score": score, "passed": passed},
    )


def _survey_answer(
    rng: random.Random,
    survey_id: int,
    user_id: int,
    respondents: list,
    responses: list,
    answers: list,
) -> None:
    response_id = uuid.UUID(int=rng.getrandbits(128)).hex
    respondents.append({"survey_id": survey_id, "user_id": user_id})
    responses.append(
        {"id": response_id, "survey_id": survey_id, "user_id": None, "submitted_at": None}
    )
    for question in ("relevance", "clarity", "methodology", "peer_feedback"):
        answers.append(
            {
                "response_id": response_id,
                "question": question,
                "item": 0,
                "survey_id": survey_id,
                "value": rng.choices((1, 2, 3, 4, 5), weights=(1, 2, 5, 12, 9))[0],
                "choice": None,
                "text": None,
            }
        )
    answers.append(
        {
            "response_id": response_id,
            "question": "intention",
            "item": 0,
            "survey_id": survey_id,
            "value": None,
            "choice": rng.choice(("yes", "later", "unsure", "no")),
            "text": None,
        }
    )


def _chunks(rows: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), BATCH):
        yield rows[start : start + BATCH]


def _fix_sequences() -> None:
    """Explicit ids leave PostgreSQL's sequences behind; move them past the largest id."""
    if db.engine.dialect.name != "postgresql":
        return
    for model in (Organisation, User, Course, Module, Activity, Survey):
        table = model.__tablename__
        db.session.execute(
            db.text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"  # noqa: S608
            )
        )
