"""The evaluation plugin's reports at 100,000 learners and 10 million events (issue 19's goal:
under 2 s on PostgreSQL), beside the same reports at 10,000 learners and 1 million events
measured in the same run: the ratio says how a report grows with the data, whatever the load.

The data sets are ``nttlearn demo --size l`` and ``--size xl`` (deterministic, built inside
PostgreSQL), each in a database of its own that is kept between runs: ``nttlearn_bench_l`` and
``nttlearn_bench_xl`` on the server of ``NTTLEARN_BENCH_POSTGRES_URL`` (default
``postgresql+psycopg://postgres@127.0.0.1:5432/test``). The first run creates and fills them
(about 1 minute for l and 15 for xl on the busy 2-core reference machine); later runs only
migrate them (so new indexes are built) and time the reports.

    nice -n 15 .venv/bin/python bench/reports_xl.py [--repeat 5] [--sizes l,xl] [--json]
        [--save after.json] [--before before.json]

``--save`` keeps a run's figures; ``--before`` prints a saved run's medians beside this run's (a
"before" column per size), for comparing two versions of the code on the same data sets. Each
size prints the load average when its timing started and ended: on a shared machine, compare
runs taken at a similar load, or the ratio xl ÷ l, which the load moves much less.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import flask_migrate  # noqa: E402
from reports import POSTGRES_URL, measure, postgres_reachable  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from nttlearn import create_app, db  # noqa: E402
from nttlearn.auth.sessions import create_session_record  # noqa: E402
from nttlearn.demo.bulk import BULK_SIZES, generate_bulk  # noqa: E402
from nttlearn.models import User, utcnow  # noqa: E402

GOAL_SECONDS = 2.0


def database_url(size: str) -> str:
    """The size's own database, created when it is missing."""
    base = make_url(POSTGRES_URL)
    name = f"nttlearn_bench_{size}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if (
            conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first()
            is None
        ):
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def pages(course_id: int) -> list[tuple[str, str]]:
    start = (utcnow() - timedelta(days=90)).date().isoformat()
    return [
        ("impact report", "/reports/impact"),
        ("impact report, 90 days", f"/reports/impact?from={start}"),
        ("programme report", "/reports/programme"),
        ("programme report, 90 days", f"/reports/programme?from={start}"),
        ("quality report", "/reports/quality"),
        ("course report (largest)", f"/reports/courses/{course_id}"),
        ("course report, IT, 90 days", f"/reports/courses/{course_id}?country=IT&from={start}"),
    ]


def run(size: str, repeat: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="nttlearn-bench-instance-") as instance:
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": database_url(size),
                "INSTANCE_PATH": instance,
                "TESTING": True,
                "RATELIMIT_ENABLED": False,
            }
        )
        with app.app_context():
            started = time.perf_counter()
            flask_migrate.upgrade(revision="heads")
            print(f"  size {size}: migrated in {time.perf_counter() - started:.1f} s", flush=True)
            built = None
            admin = db.session.execute(
                db.select(User).filter_by(email=f"gen{size}-admin@example.org")
            ).scalar()
            if admin is None:
                started = time.perf_counter()
                generate_bulk(size)
                db.session.commit()
                built = round(time.perf_counter() - started, 1)
                with (
                    db.engine.connect() as conn
                ):  # autovacuum would have done it on a real database by now
                    conn.execution_options(isolation_level="AUTOCOMMIT").execute(
                        text("VACUUM ANALYZE")
                    )
                admin = db.session.execute(
                    db.select(User).filter_by(email=f"gen{size}-admin@example.org")
                ).scalar()
            _survey_answers(size)
            _refresh_summaries(app)
            course_id = db.session.execute(
                text(
                    "SELECT course_id FROM enrolments GROUP BY course_id ORDER BY COUNT(*) DESC, course_id LIMIT 1"
                )
            ).scalar()
            events = db.session.execute(text("SELECT COUNT(*) FROM events")).scalar()
            client = app.test_client()
            with client.session_transaction() as session:
                session["_user_id"] = create_session_record(admin)
                db.session.commit()
                session["_fresh"] = True
            print(
                f"  size {size}: {events:,} events{f', built in {built} s' if built else ''}",
                flush=True,
            )
            load_start = os.getloadavg()[0]
            results = [measure(app, client, label, url, repeat) for label, url in pages(course_id)]
            db.session.remove()
            db.engine.dispose()
    return {
        "size": size,
        "spec": BULK_SIZES[size],
        "events": events,
        "built_seconds": built,
        "load_start": load_start,
        "load": os.getloadavg()[0],
        "reports": results,
    }


def _survey_answers(size: str) -> None:
    """The ``demo`` data sets have no surveys, so the quality report would time nothing: give each
    course an anonymous end-of-course evaluation in its last module, answered by everyone who
    completed it (four Likert answers and the intention question, chosen by a hash of the
    enrolment's id: the same every time). Added once; later runs find it."""
    if db.session.execute(text("SELECT 1 FROM evaluation_surveys LIMIT 1")).first() is not None:
        return
    started = time.perf_counter()
    statements = [
        """INSERT INTO activities (module_id, key, position, type_key, title, required, spec, archived, translations)
           SELECT DISTINCT ON (course_id) id, 'bench-evaluation', 1000, 'survey', 'End-of-course evaluation',
                  false, '{}', false, '{}'
           FROM modules ORDER BY course_id, position DESC""",
        """INSERT INTO evaluation_surveys (activity_id, template, anonymous, questions, translations)
           SELECT id, 'end-of-course', true, '[]', '{}' FROM activities WHERE key = 'bench-evaluation'""",
        """CREATE TEMPORARY TABLE bench_answered ON COMMIT DROP AS
           SELECT e.id AS enrolment_id, e.user_id, s.id AS survey_id, md5('bench-survey' || e.id) AS response_id
           FROM enrolments e JOIN modules m ON m.course_id = e.course_id
           JOIN activities a ON a.module_id = m.id AND a.key = 'bench-evaluation'
           JOIN evaluation_surveys s ON s.activity_id = a.id
           WHERE e.completed_at IS NOT NULL""",
        """INSERT INTO evaluation_respondents (survey_id, user_id) SELECT survey_id, user_id FROM bench_answered""",
        """INSERT INTO evaluation_responses (id, survey_id) SELECT response_id, survey_id FROM bench_answered""",
        """INSERT INTO evaluation_answers (response_id, question, item, survey_id, value)
           SELECT response_id, q, 0, survey_id, 1 + abs(hashtext(response_id || q)) % 5
           FROM bench_answered, unnest(ARRAY['relevance', 'clarity', 'methodology', 'peer_feedback']) AS q""",
        """INSERT INTO evaluation_answers (response_id, question, item, survey_id, choice)
           SELECT response_id, 'intention', 0, survey_id,
                  (ARRAY['yes', 'later', 'no'])[1 + abs(hashtext(response_id)) % 3] FROM bench_answered""",
    ]
    for statement in statements:
        db.session.execute(text(statement))
    db.session.commit()
    responses = db.session.execute(text("SELECT COUNT(*) FROM evaluation_responses")).scalar()
    with db.engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE"))
    print(
        f"  size {size}: {responses:,} survey responses added in {time.perf_counter() - started:.1f} s",
        flush=True,
    )


def _refresh_summaries(app) -> None:
    """The periodic jobs that keep pre-aggregated report tables, when a plugin has them."""
    from nttlearn.jobs.periodic import periodic_jobs

    for job in periodic_jobs():
        if job.name.endswith("refresh-report-summaries"):
            started = time.perf_counter()
            job.func()
            db.session.commit()
            print(f"  {job.name}: {time.perf_counter() - started:.1f} s", flush=True)


def show(results: list[dict[str, Any]], before: list[dict[str, Any]] | None = None) -> None:
    """One line per report: for each size the earlier run's median (with ``--before``), this
    run's median and slowest; then the ratio of the last size to the first."""

    def row_of(result: dict[str, Any], label: str) -> dict[str, Any] | None:
        return next((x for x in result["reports"] if x["report"] == label), None)

    earlier = {r["size"]: r for r in before or []}
    header = f"\n  {'report':<28}"
    for r in results:
        if r["size"] in earlier:
            header += f" {r['size'] + ' before':>10}"
        header += f" {r['size'] + ' median':>10} {'slowest':>8}"
    print(
        header
        + (f" {'ratio':>6}" if len(results) > 1 else "")
        + f" {'queries':>8}  goal < {GOAL_SECONDS:g} s"
    )
    base = results[0]
    for row in results[-1]["reports"]:
        cells = ""
        for r in results:
            if r["size"] in earlier:
                old = row_of(earlier[r["size"]], row["report"])
                cells += f" {old['median_s']:>9.3f}s" if old else f" {'—':>10}"
            mine = row_of(r, row["report"])
            cells += f" {mine['median_s']:>9.3f}s {mine['max_s']:>7.3f}s"
        ratio = (
            f" {row['median_s'] / max(row_of(base, row['report'])['median_s'], 0.001):>6.1f}"
            if len(results) > 1
            else ""
        )
        print(
            f"  {row['report']:<28}{cells}{ratio} {row.get('queries', 0):>8}  "
            f"{'ok' if row['max_s'] < GOAL_SECONDS else 'SLOW'}"
        )
    for r in results:
        print(
            f"  size {r['size']}: load average {r.get('load_start', r['load']):.1f} when its timing started, "
            f"{r['load']:.1f} when it ended, on {os.cpu_count()} CPUs"
            + (
                f" (before: {earlier[r['size']].get('load_start', earlier[r['size']]['load']):.1f}"
                f" to {earlier[r['size']]['load']:.1f})"
                if r["size"] in earlier
                else ""
            )
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--sizes", default="l,xl", help="comma-separated, the baseline first")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--save", metavar="FILE", help="write this run's figures to FILE (JSON)")
    parser.add_argument(
        "--before",
        metavar="FILE",
        help="show the medians of a run saved with --save beside this one",
    )
    args = parser.parse_args(argv)
    if not postgres_reachable():
        print("PostgreSQL is not reachable at NTTLEARN_BENCH_POSTGRES_URL: nothing measured.")
        return 1
    print(
        f"nttlearn reports at scale · Python {platform.python_version()} · {os.cpu_count()} CPUs",
        flush=True,
    )
    before = json.loads(Path(args.before).read_text()) if args.before else None
    results = [run(size, args.repeat) for size in args.sizes.split(",")]
    if args.save:
        Path(args.save).write_text(json.dumps(results, indent=2))
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        show(results, before)
    return 0 if all(r["max_s"] < GOAL_SECONDS for r in results[-1]["reports"]) else 1


if __name__ == "__main__":
    sys.exit(main())
