"""``nttlearn worker``, ``nttlearn scheduler`` and ``nttlearn jobs list|retry|purge``."""

from __future__ import annotations

import signal
import sys
import time
from dataclasses import asdict
from typing import Any

import click
from flask import current_app
from flask.cli import with_appcontext

from ..extensions import db
from .backends import RedisBackend, backend_for
from .calls import DEFAULT_QUEUE
from .periodic import periodic_status, tick
from .runner import use_app

TICK_SECONDS = 30


def _echo_json(data: Any) -> None:
    from ..cli import echo_json

    echo_json(data)


@click.command("worker")
@click.option(
    "--queue",
    "queues",
    multiple=True,
    default=[DEFAULT_QUEUE],
    show_default=True,
    help="A queue to take jobs from (repeat for several, in order of priority).",
)
@click.option("--burst", is_flag=True, help="Stop once the queues are empty.")
@with_appcontext
def worker_command(queues: tuple[str, ...], burst: bool) -> None:
    """Run background jobs from the Redis queues (needs NTTLEARN_REDIS_URL)."""
    from rq import Worker

    backend = backend_for()
    if not isinstance(backend, RedisBackend):
        click.echo(
            "Error: NTTLEARN_REDIS_URL is not set (or NTTLEARN_JOBS_IN_PROCESS is on): jobs run "
            "inside the app and need no worker.",
            err=True,
        )
        sys.exit(1)
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    use_app(app)
    # Each job runs in a forked process: it must open its own database connections, not share
    # the ones this process opened while starting.
    db.session.remove()
    db.engine.dispose()
    worker = Worker(
        [backend.queue(q) for q in queues],
        connection=backend.connection,
        serializer=backend.queue(DEFAULT_QUEUE).serializer,
    )
    worker.work(with_scheduler=True, burst=burst)


@click.command("scheduler")
@click.option("--once", is_flag=True, help="Start what is due and stop (for a cron line).")
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def scheduler_command(once: bool, as_json: bool) -> None:
    """Start periodic jobs when they are due (and, without Redis, delayed jobs). Any number may run:
    each run starts once."""
    stopping: list[int] = []
    signal.signal(signal.SIGTERM, lambda signum, frame: stopping.append(signum))
    while True:
        started = tick()
        db.session.remove()
        if as_json:
            _echo_json({"started": started})
        elif started:
            click.echo("started: " + ", ".join(started))
        if once:
            return
        for _second in range(TICK_SECONDS):
            if stopping:
                return
            time.sleep(1)


@click.group("jobs")
def jobs_group() -> None:
    """Background jobs: queues, periodic runs and the dead-letter list."""


@jobs_group.command("list")
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def jobs_list(as_json: bool) -> None:
    """Show the queues, each periodic job's last run and the failed jobs."""
    backend = backend_for()
    queues = backend.queues()
    periodic = periodic_status()
    failures = backend.failures()
    if as_json:
        _echo_json(
            {
                "backend": backend.name,
                "queues": [asdict(q) for q in queues],
                "periodic": [
                    {
                        "name": s.job.name,
                        "plugin": s.job.plugin,
                        "every_seconds": int(s.job.every.total_seconds()),
                        "started_at": s.started_at,
                        "finished_at": s.finished_at,
                        "outcome": s.outcome,
                        "error": s.error,
                    }
                    for s in periodic
                ],
                "failures": [asdict(f) for f in failures],
            }
        )
        return
    click.echo(f"backend: {backend.name}")
    for q in queues:
        click.echo(
            f"queue {q.name}: {q.waiting} waiting, {q.scheduled} scheduled, {q.running} running, "
            f"{q.failed} failed, {q.workers} workers"
        )
    for s in periodic:
        click.echo(
            f"periodic {s.job.name} (every {s.job.every}): last started {s.started_at or 'never'}, "
            f"{s.outcome or 'no outcome yet'}"
        )
    for f in failures:
        click.echo(
            f"failed {f.id} {f.name}{tuple(f.args)!r} at {f.failed_at}: {f.error.splitlines()[-1] if f.error else ''}"
        )


def _ids(ids: tuple[str, ...], every: bool) -> list[str]:
    if every == bool(ids):
        click.echo(
            "Error: name the failed jobs (their ids from `nttlearn jobs list`) or give --all.",
            err=True,
        )
        sys.exit(2)
    return [f.id for f in backend_for().failures()] if every else list(ids)


@jobs_group.command("retry")
@click.argument("ids", nargs=-1)
@click.option("--all", "every", is_flag=True, help="Every job on the dead-letter list.")
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def jobs_retry(ids: tuple[str, ...], every: bool, as_json: bool) -> None:
    """Queue failed jobs again (without Redis: run them now). Exit 1 if an id is unknown."""
    backend = backend_for()
    done, unknown = [], []
    for failure_id in _ids(ids, every):
        (done if backend.retry(failure_id) else unknown).append(failure_id)
    _report("retried", done, unknown, as_json)


@jobs_group.command("purge")
@click.argument("ids", nargs=-1)
@click.option("--all", "every", is_flag=True, help="Every job on the dead-letter list.")
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def jobs_purge(ids: tuple[str, ...], every: bool, as_json: bool) -> None:
    """Delete failed jobs from the dead-letter list. Exit 1 if an id is unknown."""
    backend = backend_for()
    done, unknown = [], []
    for failure_id in _ids(ids, every):
        (done if backend.purge(failure_id) else unknown).append(failure_id)
    _report("purged", done, unknown, as_json)


def _report(verb: str, done: list[str], unknown: list[str], as_json: bool) -> None:
    if as_json:
        _echo_json({verb: done, "unknown": unknown})
    else:
        for failure_id in done:
            click.echo(f"{verb} {failure_id}")
        for failure_id in unknown:
            click.echo(f"Error: no failed job {failure_id}", err=True)
    if unknown:
        sys.exit(1)
