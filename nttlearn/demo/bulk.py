"""The ``l`` and ``xl`` data sets on PostgreSQL: a year of a large programme, built inside the
database with ``INSERT … SELECT … FROM generate_series`` so that 10 million events take minutes,
not hours (a Python loop that makes every row and sends it costs about 40 minutes per million on
the 2-core reference machine).

Deterministic without a random generator: every "random" choice is a multiplicative hash of the
row's number and the fixed seed, so the same size always gives the same rows. Learners belong to
municipalities in the project's four countries (Italy, Sweden, Spain, Finland); each is enrolled
in two courses, gets as far as a hash says (0–5 modules, the fifth finishes the course), and the
event log is spread evenly over the enrolments (``events ÷ enrolments`` events each).

The event log's secondary indexes are dropped before the load and built again after it, in the
same transaction (a bulk load then sorts each index once instead of updating it ten million
times): the ``events`` table is locked for the build, which is meant for a fresh benchmark or
staging database, not a live site.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, text

from ..auth.passwords import hash_password
from ..extensions import db
from ..models import Activity, Course, CourseStaff, EventRecord, Lesson, Module, utcnow

BULK_SIZES = {
    "l": {"learners": 10_000, "organisations": 400, "courses": 50, "events": 1_000_000},
    "xl": {"learners": 100_000, "organisations": 4_000, "courses": 200, "events": 10_000_000},
}
COUNTRIES = ("IT", "SE", "ES", "FI")
MODULES, LESSONS = 5, 6
SEED = 2010
PASSWORD = "generated-learner-pw"  # noqa: S105 - published benchmark login, not a secret

# h(x): a multiplicative hash (Knuth) of a row number and the seed, 0 … 2^32 - 1.
H = "(((({x})::bigint + {seed}) * 2654435761) % 4294967296)"


def _h(x: str, salt: int = 0) -> str:
    return H.format(x=x, seed=SEED + salt * 7919)


def generate_bulk(size: str) -> dict[str, Any]:
    """Add the ``l`` or ``xl`` data set (PostgreSQL only); returns a summary and two logins."""
    if db.engine.dialect.name != "postgresql":
        raise RuntimeError(
            f"The size {size} data set is built inside PostgreSQL; this database is "
            f"{db.engine.dialect.name}."
        )
    spec = BULK_SIZES[size]
    tag = f"gen{size}"
    learner = {"email": f"{tag}-learner1@example.org", "password": PASSWORD, "role": "learner"}
    admin = {"email": f"{tag}-admin@example.org", "password": PASSWORD, "role": "admin"}
    if db.session.execute(
        text("SELECT 1 FROM users WHERE email = :e"), {"e": learner["email"]}
    ).first():
        return {
            "summary": [f"The size {size} data set already exists."],
            "accounts": [learner, admin],
        }
    now = utcnow()
    bases = {
        table: db.session.scalar(text(f"SELECT COALESCE(MAX(id), 0) FROM {table}"))  # noqa: S608
        for table in ("organisations", "users", "courses", "modules", "lessons", "activities")
    }
    params = {
        "tag": tag,
        "now": now,
        "n_org": spec["organisations"],
        "n_learners": spec["learners"],
        "n_courses": spec["courses"],
        "ob": bases["organisations"],
        "ub": bases["users"],
        "cb": bases["courses"],
        "hash": hash_password(PASSWORD),
        "countries": list(COUNTRIES),
    }
    run = _runner(params)
    run("""INSERT INTO organisations (id, name, town, country, created_at)
           SELECT :ob + g, :tag || ' municipality ' || g, 'Town ' || g, (CAST(:countries AS text[]))[1 + g % 4], :now
           FROM generate_series(1, :n_org) g""")
    run(f"""INSERT INTO users (id, email, name, password_hash, role, active, created_at, organisation_id, locale)
            SELECT :ub + g, :tag || '-learner' || g || '@example.org', 'Learner ' || g, :hash, 'learner', true,
                   :now, :ob + 1 + org, (ARRAY['it', 'sv', 'es', 'fi'])[1 + (1 + org) % 4]
            FROM (SELECT g, {_h("g", 1)} % :n_org AS org FROM generate_series(1, :n_learners) g) learners""")  # noqa: S608 - only the hash expressions (constants) are formatted in
    admin_id = bases["users"] + spec["learners"] + 1
    run("""INSERT INTO users (id, email, name, password_hash, role, active, created_at, locale)
           VALUES (:ub + :n_learners + 1, :tag || '-admin@example.org', 'Programme admin', :hash, 'admin', true,
                   :now, 'en')""")
    _structure(bases, spec["courses"], admin_id, tag, now)
    _learning(run, bases, spec)
    _events(run, bases, spec)
    _fix_sequences()
    counts = {
        table: db.session.scalar(text(f"SELECT COUNT(*) FROM {table}"))  # noqa: S608
        for table in ("enrolments", "module_completions", "lesson_completions", "events")
    }
    return {
        "summary": [
            f"Generated size {size}: {spec['learners']:,} learners in {spec['organisations']:,} "
            f"organisations of {len(COUNTRIES)} countries, {spec['courses']} courses, "
            f"{counts['enrolments']:,} enrolments, {counts['module_completions']:,} module and "
            f"{counts['lesson_completions']:,} lesson completions; the site now has "
            f"{counts['events']:,} events."
        ],
        "accounts": [learner, admin],
    }


def _runner(params: dict[str, Any]):
    def run(sql: str, **extra: Any) -> None:
        used = {k: v for k, v in {**params, **extra}.items() if f":{k}" in sql}
        db.session.execute(text(sql), used)

    return run


def _structure(bases: dict[str, int], courses: int, admin_id: int, tag: str, now) -> None:
    """Courses of five modules, each with six lessons and one graded quiz: a few thousand rows."""
    course_rows, modules, lessons, activities = [], [], [], []
    for c in range(courses):
        course_id = bases["courses"] + c + 1
        course_rows.append(
            {
                "id": course_id,
                "slug": f"{tag}-course-{c + 1}",
                "title": f"Generated course {c + 1:03d}",
                "summary": "A generated course for benchmarks.",
                "translations": {},
                "policy_area": "methodology",
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
        for m in range(MODULES):
            module_id = bases["modules"] + c * MODULES + m + 1
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
            activities.append(
                {
                    "id": bases["activities"] + c * MODULES + m + 1,
                    "module_id": module_id,
                    "key": f"quiz-{m + 1}",
                    "position": 1,
                    "type_key": "quiz",
                    "title": f"Quiz {m + 1}",
                    "required": True,
                    "spec": {},
                    "archived": False,
                }
            )
            for n in range(LESSONS):
                lessons.append(
                    {
                        "id": bases["lessons"] + (c * MODULES + m) * LESSONS + n + 1,
                        "module_id": module_id,
                        "key": f"lesson-{n + 1}",
                        "position": n + 1,
                        "title": f"Lesson {m + 1}.{n + 1}",
                        "body": "## A generated lesson\n\nText.",
                        "translations": {},
                        "minutes": 10,
                        "required": True,
                        "kind": "lesson",
                        "archived": False,
                        "version": 1,
                    }
                )
    for model, rows in (
        (Course, course_rows),
        (Module, modules),
        (Lesson, lessons),
        (Activity, activities),
    ):
        for start in range(0, len(rows), 5000):
            db.session.execute(insert(model), rows[start : start + 5000])
    db.session.execute(
        insert(CourseStaff),
        [{"course_id": row["id"], "user_id": admin_id, "role": "trainer"} for row in course_rows],
    )


def _learning(run, bases: dict[str, int], spec: dict[str, int]) -> None:
    """Two enrolments per learner (two different courses) and the progress each has made."""
    run(f"""CREATE TEMPORARY TABLE generated_enrolments ON COMMIT DROP AS
            SELECT row_number() OVER (ORDER BY g, s) AS e, :ub + g AS user_id, course AS course_index,
                   :cb + 1 + course AS course_id,
                   CAST(:now AS timestamptz) - make_interval(days => 1 + CAST({_h("g * 2 + s", 2)} % 365 AS int),
                                                      secs => {_h("g * 2 + s", 3)} % 86400) AS started,
                   CAST(LEAST(5, {_h("g * 2 + s", 4)} % 7) AS int) AS reached
            FROM (SELECT g, s, CASE WHEN s = 0 THEN first ELSE (first + 1 + g % (:n_courses - 1)) % :n_courses END
                         AS course
                  FROM (SELECT g, s, CAST({_h("g", 5)} % :n_courses AS int) AS first
                        FROM generate_series(1, :n_learners) g, generate_series(0, 1) s) pick) picked""")  # noqa: S608 - only the hash expressions (constants) are formatted in
    run("""INSERT INTO enrolments (user_id, course_id, cohort, created_at, completed_at, last_activity_at)
           SELECT user_id, course_id, to_char(started, 'YYYY-MM'), started,
                  CASE WHEN reached = 5 AND started + interval '10 days' < :now THEN started + interval '10 days' END,
                  LEAST(CAST(:now AS timestamptz), started + reached * interval '2 days')
           FROM generated_enrolments ORDER BY e""")
    done = """FROM generated_enrolments, generate_series(1, 5) m
              WHERE m <= reached AND started + m * interval '2 days' < :now"""
    run(
        f"""INSERT INTO module_completions (user_id, module_id, completed_at)
            SELECT user_id, :mb + course_index * 5 + m, started + m * interval '2 days' {done}""",
        mb=bases["modules"],
    )
    run(
        f"""INSERT INTO activity_completions (user_id, activity_id, completed_at, score)
            SELECT user_id, :ab + course_index * 5 + m, started + m * interval '2 days',
                   60 + {_h("e * 5 + m", 6)} % 41 {done}""",
        ab=bases["activities"],
    )
    run(
        f"""INSERT INTO lesson_completions (user_id, lesson_id, completed_at)
            SELECT user_id, :lb + (course_index * 5 + m - 1) * 6 + n, started + m * interval '2 days'
                   - (7 - n) * interval '1 hour' {done.replace("generate_series(1, 5) m", "generate_series(1, 5) m, generate_series(1, 6) n")}""",
        lb=bases["lessons"],
    )


EVENT_INDEXES = [index for index in EventRecord.__table__.indexes]


def _events(run, bases: dict[str, int], spec: dict[str, int]) -> None:
    """``events`` rows, spread evenly over the enrolments: the k-th event of an enrolment is dated
    k × 5 hours after it started (never later than now) and named by where it falls in a cycle of
    lessons, quiz attempts, activity and module completions; completed enrolments add
    ``course.completed`` and ``certificates.issued``, and every 5,000th event is a peer-review
    proposal, every 100,000th a meeting held."""
    enrolments = db.session.scalar(text("SELECT COUNT(*) FROM generated_enrolments"))
    for index in EVENT_INDEXES:
        db.session.execute(text(f"DROP INDEX IF EXISTS {index.name}"))
    run(
        f"""INSERT INTO events (name, user_id, course_id, data, created_at)
            SELECT CASE WHEN g % 100000 = 3 THEN 'events.meeting_held'
                        WHEN g % 5000 = 17 THEN 'peer_review.proposal_submitted'
                        WHEN k = 0 THEN 'course.enrolled'
                        WHEN k = 1 AND reached = 5 THEN 'course.completed'
                        WHEN k = 2 AND reached = 5 THEN 'certificates.issued'
                        WHEN k % 10 BETWEEN 1 AND 6 THEN 'lesson.completed'
                        WHEN k % 10 = 8 THEN 'activity.completed'
                        WHEN k % 10 = 9 THEN 'module.completed'
                        ELSE 'quiz.attempt_submitted' END,
                   CASE WHEN g % 100000 = 3 THEN NULL ELSE user_id END,
                   CASE WHEN g % 100000 = 3 THEN NULL ELSE course_id END,
                   CASE WHEN g % 100000 = 3 THEN json_build_object('meeting_id', g, 'attendees', 8 + g % 50)
                        WHEN g % 5000 = 17 THEN json_build_object(
                            'team_id', g / 5000, 'activity_id', :ab + course_index * 5 + 5,
                            'policy_area', (ARRAY['youth', 'social-enterprise', 'renewable-energy', 'family-gender',
                                                  'integration-employment'])[1 + g % 5],
                            'countries', (ARRAY[json_build_array('IT'), json_build_array('SE', 'FI'),
                                                json_build_array('ES', 'IT', 'FI')])[1 + g % 3])
                        WHEN k % 10 BETWEEN 1 AND 6 THEN json_build_object('lesson_id', :lb + course_index * 30 + k % 10)
                        WHEN k % 10 IN (0, 7, 8) AND k > 0 THEN json_build_object(
                            'activity_id', :ab + course_index * 5 + 1 + k % 5,
                            'score', {_h("g", 7)} % 101, 'passed', {_h("g", 7)} % 101 >= 60)
                        WHEN k % 10 = 9 THEN json_build_object('module_id', :mb + course_index * 5 + 1 + k % 5)
                        ELSE json_build_object() END,
                   LEAST(CAST(:now AS timestamptz), started + k * interval '5 hours')
            FROM (SELECT g, (g - 1) / :enrolments AS k, 1 + (g - 1) % :enrolments AS e
                  FROM generate_series(1, :n_events) g) spread
            JOIN generated_enrolments USING (e)""",  # noqa: S608 - only the hash expressions (constants) are formatted in
        n_events=spec["events"],
        enrolments=enrolments,
        ab=bases["activities"],
        lb=bases["lessons"],
        mb=bases["modules"],
    )
    for index in EVENT_INDEXES:
        columns = ", ".join(column.name for column in index.columns)
        db.session.execute(text(f"CREATE INDEX {index.name} ON events ({columns})"))


def _fix_sequences() -> None:
    """Explicit ids leave PostgreSQL's sequences behind; move them past the largest id."""
    for table in ("organisations", "users", "courses", "modules", "lessons", "activities"):
        db.session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"  # noqa: S608
            )
        )
