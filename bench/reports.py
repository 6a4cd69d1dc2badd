"""How fast the evaluation plugin's reports answer on a large programme (issue 8's goal: < 1 s).

Builds a throw-away database with ``bench/reports_data.py`` (10,000 learners, 50 courses,
1,000,000 events by default), then requests every report page through Flask's test client as an
admin, and prints for each the median and slowest time of the measured runs (after one warm-up)
and its number of SQL queries. SQLite always; PostgreSQL as well when a server answers at
``NTTLEARN_BENCH_POSTGRES_URL`` (default ``postgresql+psycopg://postgres@127.0.0.1:5432/test``;
a database of its own is created and dropped).

    .venv/bin/python bench/reports.py [--learners 10000] [--courses 50] [--events 1000000]
                                      [--repeat 5] [--no-postgres | --no-sqlite] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import flask_migrate  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from nttlearn import create_app, db  # noqa: E402
from nttlearn.auth.sessions import create_session_record  # noqa: E402
from nttlearn.models import User, utcnow  # noqa: E402
from nttlearn.testing import count_queries  # noqa: E402

GOAL_SECONDS = 1.0
POSTGRES_URL = os.environ.get(
    "NTTLEARN_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def pages(info: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, URL) of every report, the largest course's where a course is needed."""
    course, learner = info["course_id"], info["learner_id"]
    start = (utcnow() - timedelta(days=90)).date().isoformat()
    return [
        ("course report", f"/reports/courses/{course}"),
        ("course report, filtered", f"/reports/courses/{course}?country=IT&from={start}"),
        ("course learners CSV", f"/reports/courses/{course}/learners.csv"),
        ("survey results", f"/reports/courses/{course}/surveys/{info['survey_activity_id']}"),
        ("learner timeline", f"/reports/courses/{course}/learners/{learner}"),
        ("programme report", "/reports/programme"),
        ("programme report, 90 days", f"/reports/programme?from={start}"),
        ("quality report", "/reports/quality"),
        ("impact report", "/reports/impact"),
        ("impact report, 90 days", f"/reports/impact?from={start}"),
        ("impact PDF", "/reports/impact.pdf"),
    ]


@contextmanager
def database(kind: str) -> Iterator[str]:
    if kind == "sqlite":
        with tempfile.TemporaryDirectory(prefix="nttlearn-bench-") as folder:
            yield f"sqlite:///{folder}/bench.sqlite"
        return
    base = make_url(POSTGRES_URL)
    name = f"nttlearn_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def postgres_reachable() -> bool:
    try:
        engine = create_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
        with engine.connect():
            pass
        engine.dispose()
        return True
    except Exception:  # noqa: BLE001 - no server: the PostgreSQL pass is skipped, and said so
        return False


def run(kind: str, args: argparse.Namespace) -> dict[str, Any]:
    from reports_data import generate

    with (
        database(kind) as url,
        tempfile.TemporaryDirectory(prefix="nttlearn-bench-instance-") as instance,
    ):
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": url,
                "INSTANCE_PATH": instance,
                "TESTING": True,
                "RATELIMIT_ENABLED": False,
            },
            plugins=["evaluation"],
        )
        with app.app_context():
            flask_migrate.upgrade(revision="heads")
            started = time.perf_counter()
            info = generate(learners=args.learners, courses=args.courses, events=args.events)
            built = time.perf_counter() - started
            info["survey_activity_id"] = _survey_activity(info["course_id"])
            if kind == "postgresql":  # autovacuum would have analysed a real database by now
                db.session.execute(text("ANALYZE"))
                db.session.commit()
            print(
                f"  {kind}: built {info['learners']:,} learners, {info['courses']} courses, "
                f"{info['enrolments']:,} enrolments, {info['events']:,} events in {built:.0f} s",
                flush=True,
            )
            client = app.test_client()
            with client.session_transaction() as session:
                session["_user_id"] = create_session_record(db.session.get(User, info["admin_id"]))
                db.session.commit()
                session["_fresh"] = True
            results = [
                measure(app, client, label, url_, args.repeat) for label, url_ in pages(info)
            ]
            load = os.getloadavg()[0]  # a busy machine slows every figure: say how busy it was
            db.session.remove()
            db.engine.dispose()
    return {
        "database": kind,
        "built_seconds": round(built, 1),
        "load": load,
        "size": {
            k: info[k] for k in ("learners", "courses", "enrolments", "events", "survey_responses")
        },
        "reports": results,
    }


def _survey_activity(course_id: int) -> int:
    from nttlearn.models import Activity, Module

    return db.session.execute(
        db.select(Activity.id)
        .join(Module)
        .where(Module.course_id == course_id, Activity.type_key == "survey")
    ).scalar_one()


def measure(app, client, label: str, url: str, repeat: int) -> dict[str, Any]:
    def once() -> float:
        started = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - started
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        return elapsed

    once()  # warm-up: templates compiled, statements cached
    with count_queries(app) as queries:
        once()
    times = [once() for _ in range(repeat)]
    return {
        "report": label,
        "url": url,
        "median_s": round(statistics.median(times), 3),
        "max_s": round(max(times), 3),
        "queries": len(queries),
        "goal_met": max(times) < GOAL_SECONDS,
    }


def show(result: dict[str, Any]) -> None:
    print(
        f"\n{result['database']}  ({result['size']['events']:,} events, {result['size']['enrolments']:,} enrolments, "
        f"load average {result['load']:.1f} on {os.cpu_count()} CPUs)"
    )
    print(
        f"  {'report':<28} {'median':>8} {'slowest':>8} {'queries':>8}  goal < {GOAL_SECONDS:g} s"
    )
    for row in result["reports"]:
        print(
            f"  {row['report']:<28} {row['median_s']:>7.3f}s {row['max_s']:>7.3f}s {row['queries']:>8}  "
            f"{'ok' if row['goal_met'] else 'SLOW'}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=10_000)
    parser.add_argument("--courses", type=int, default=50)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument(
        "--no-sqlite", action="store_true", help="PostgreSQL only (the large data sets)"
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    print(
        f"nttlearn report benchmark · Python {platform.python_version()} · {platform.machine()}",
        flush=True,
    )
    kinds: list[str] = [] if args.no_sqlite else ["sqlite"]
    if args.no_postgres:
        print("  PostgreSQL: skipped (--no-postgres)")
    elif postgres_reachable():
        kinds.append("postgresql")
    else:
        print(
            f"  PostgreSQL: SKIPPED, no server at {make_url(POSTGRES_URL).render_as_string(hide_password=True)}"
        )
    results = []
    for kind in kinds:
        results.append(run(kind, args))
        if not args.json:
            show(results[-1])
    if args.json:
        print(json.dumps(results, indent=2))
    return 0 if all(r["goal_met"] for result in results for r in result["reports"]) else 1


if __name__ == "__main__":
    sys.exit(main())
