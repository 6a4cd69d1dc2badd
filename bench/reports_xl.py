"""The evaluation plugin's reports at 100,000 learners and 10 million events (issue 19's goal:
under 2 s on PostgreSQL), beside the same reports at 10,000 learners and 1 million events
measured in the same run: the ratio says how a report grows with the data, whatever the load.

The data sets are ``nttlearn demo --size l`` and ``--size xl`` (deterministic, built inside
PostgreSQL), each in a database of its own that is kept between runs: ``nttlearn_bench_l`` and
``nttlearn_bench_xl`` on the server of ``NTTLEARN_BENCH_POSTGRES_URL`` (default
``postgresql+psycopg://postgres@127.0.0.1:5432/test``). The first run creates and fills them
(about 1 minute for l and 15 for xl on the busy 2-core reference machine); later runs only
migrate them (so new indexes are built) and time the reports.

    nice -n 15 .venv/bin/python bench/reports_xl.py [--repeat 3] [--sizes l,xl] [--json]
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
        if conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first() is None:
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
        app = create_app({"SQLALCHEMY_DATABASE_URI": database_url(size), "INSTANCE_PATH": instance,
                          "TESTING": True, "RATELIMIT_ENABLED": False})
        with app.app_context():
            started = time.perf_counter()
            flask_migrate.upgrade(revision="heads")
            print(f"  size {size}: migrated in {time.perf_counter() - started:.1f} s", flush=True)
            built = None
            admin = db.session.execute(db.select(User).filter_by(email=f"gen{size}-admin@example.org")).scalar()
            if admin is None:
                started = time.perf_counter()
                generate_bulk(size)
                db.session.commit()
                built = round(time.perf_counter() - started, 1)
                with db.engine.connect() as conn:  # autovacuum would have done it on a real database by now
                    conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE"))
                admin = db.session.execute(db.select(User).filter_by(email=f"gen{size}-admin@example.org")).scalar()
            _refresh_summaries(app)
            course_id = db.session.execute(text(
                "SELECT course_id FROM enrolments GROUP BY course_id ORDER BY COUNT(*) DESC, course_id LIMIT 1"
            )).scalar()
            events = db.session.execute(text("SELECT COUNT(*) FROM events")).scalar()
            client = app.test_client()
            with client.session_transaction() as session:
                session["_user_id"] = create_session_record(admin)
                db.session.commit()
                session["_fresh"] = True
            print(f"  size {size}: {events:,} events{f', built in {built} s' if built else ''}", flush=True)
            results = [measure(app, client, label, url, repeat) for label, url in pages(course_id)]
            db.session.remove()
            db.engine.dispose()
    return {"size": size, "spec": BULK_SIZES[size], "events": events, "built_seconds": built,
            "load": os.getloadavg()[0], "reports": results}


def _refresh_summaries(app) -> None:
    """The periodic jobs that keep pre-aggregated report tables, when a plugin has them."""
    from nttlearn.jobs.periodic import periodic_jobs

    for job in periodic_jobs():
        if job.name.endswith("refresh-report-summaries"):
            started = time.perf_counter()
            job.func()
            db.session.commit()
            print(f"  {job.name}: {time.perf_counter() - started:.1f} s", flush=True)


def show(results: list[dict[str, Any]]) -> None:
    base = {r["report"]: r for r in results[0]["reports"]}
    print(f"\n  {'report':<28}" + "".join(f" {r['size'] + ' median':>10} {'slowest':>8}" for r in results)
          + (f" {'ratio':>6}" if len(results) > 1 else "") + f"  goal < {GOAL_SECONDS:g} s")
    for row in results[-1]["reports"]:
        cells = "".join(
            f" {next(x for x in r['reports'] if x['report'] == row['report'])['median_s']:>9.3f}s"
            f" {next(x for x in r['reports'] if x['report'] == row['report'])['max_s']:>7.3f}s" for r in results)
        ratio = f" {row['median_s'] / max(base[row['report']]['median_s'], 0.001):>6.1f}" if len(results) > 1 else ""
        print(f"  {row['report']:<28}{cells}{ratio}  {'ok' if row['max_s'] < GOAL_SECONDS else 'SLOW'}")
    print(f"  load average {results[-1]['load']:.1f} on {os.cpu_count()} CPUs")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sizes", default="l,xl", help="comma-separated, the baseline first")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if not postgres_reachable():
        print("PostgreSQL is not reachable at NTTLEARN_BENCH_POSTGRES_URL: nothing measured.")
        return 1
    print(f"nttlearn reports at scale · Python {platform.python_version()} · {os.cpu_count()} CPUs", flush=True)
    results = [run(size, args.repeat) for size in args.sizes.split(",")]
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        show(results)
    return 0 if all(r["max_s"] < GOAL_SECONDS for r in results[-1]["reports"]) else 1


if __name__ == "__main__":
    sys.exit(main())
