"""Periodic jobs: the core's and the plugins' (``nttlearn_periodic_jobs``), and the scheduler
tick that starts the runs that are due.

Each job's row in ``periodic_job_runs`` is the lock: a tick moves ``started_at`` forward only
where it is older than one period, so of several schedulers (two nodes, a restart overlapping
the old process) exactly one starts each run.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..hooktypes import PeriodicJob
from ..models import IdempotencyKey, PeriodicJobRun, utcnow
from ..plugins import host
from .backends import backend_for, due_scheduled_jobs
from .calls import JobCall, job_name
from .runner import perform_in_process

log = logging.getLogger(__name__)
KEYS_KEPT = timedelta(days=30)  # far longer than any retry: a key older than this guards nothing


def prune_ended_sessions() -> None:
    """The core's periodic job: what ``nttlearn users prune-sessions`` does, every hour."""
    from ..auth.sessions import prune_sessions

    prune_sessions()


def prune_idempotency_keys() -> None:
    """The core's periodic job: forget the effects claimed more than 30 days ago."""
    db.session.execute(
        db.delete(IdempotencyKey).where(IdempotencyKey.created_at < utcnow() - KEYS_KEPT)
    )


def send_due_reminders() -> None:
    """The core's periodic job: what ``nttlearn notifications send-reminders`` does, every hour."""
    from ..notifications.services import send_reminders

    send_reminders()


def send_daily_digest() -> None:
    """The core's periodic job: what ``nttlearn notifications send-digest`` does, once a day."""
    from ..notifications.services import send_digest

    send_digest()


def delete_expired_exports() -> None:
    """The core's periodic job: prepared exports older than ``NTTLEARN_EXPORT_RETENTION_DAYS`` go."""
    from ..exports import delete_expired_exports as delete

    delete()


CORE_JOBS = (
    PeriodicJob("core.prune-sessions", prune_ended_sessions, timedelta(hours=1), plugin="core"),
    PeriodicJob(
        "core.prune-idempotency-keys", prune_idempotency_keys, timedelta(days=1), plugin="core"
    ),
    # Deadline reminders (each sent once per learner, deadline and lead time) and the daily digest.
    PeriodicJob("core.send-reminders", send_due_reminders, timedelta(hours=1), plugin="core"),
    PeriodicJob("core.send-digest", send_daily_digest, timedelta(days=1), plugin="core"),
    PeriodicJob(
        "core.delete-expired-exports", delete_expired_exports, timedelta(hours=1), plugin="core"
    ),
)


def periodic_jobs() -> list[PeriodicJob]:
    """Every periodic job of the core and the enabled plugins, by name."""
    jobs = list(CORE_JOBS)
    for plugin, answer in host().call_each("nttlearn_periodic_jobs"):
        for job in answer or []:
            if not isinstance(job, PeriodicJob):
                log.error(
                    "plugin %s returned %r from nttlearn_periodic_jobs, not a PeriodicJob",
                    plugin,
                    job,
                )
                continue
            jobs.append(replace(job, plugin=plugin))
    return sorted(jobs, key=lambda j: j.name)


@dataclass(frozen=True)
class PeriodicStatus:
    job: PeriodicJob
    started_at: datetime | None
    finished_at: datetime | None
    outcome: str
    error: str

    @property
    def next_due(self) -> datetime | None:
        return self.started_at + self.job.every if self.started_at else None


def periodic_status() -> list[PeriodicStatus]:
    """Each periodic job with its last run (for the Jobs page and ``nttlearn jobs list``)."""
    runs = {r.name: r for r in db.session.execute(db.select(PeriodicJobRun)).scalars()}
    statuses = []
    for job in periodic_jobs():
        run = runs.get(job.name)
        statuses.append(
            PeriodicStatus(
                job,
                run.started_at if run else None,
                run.finished_at if run else None,
                run.outcome if run else "",
                run.error if run else "",
            )
        )
    return statuses


def claim_run(job: PeriodicJob, now: datetime) -> bool:
    """Whether this scheduler starts the job's run now (it is due and no other took it). Commits."""
    if db.session.get(PeriodicJobRun, job.name) is None:
        try:
            with db.session.begin_nested():
                db.session.add(PeriodicJobRun(name=job.name, started_at=now))
            db.session.commit()
            return True
        except IntegrityError:  # another scheduler created it a moment ago: it runs this period
            db.session.rollback()
            return False
    moved = db.session.execute(
        db.update(PeriodicJobRun)
        .where(
            PeriodicJobRun.name == job.name,
            (PeriodicJobRun.started_at.is_(None)) | (PeriodicJobRun.started_at <= now - job.every),
        )
        .values(started_at=now)
    ).rowcount
    db.session.commit()
    return moved == 1


def tick(now: datetime | None = None) -> list[str]:
    """One scheduler step: start the periodic runs that are due and, without Redis, the delayed
    jobs that are due. Returns the names of what was started."""
    moment = now or utcnow()
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    backend = backend_for(app)
    started = []
    for job in periodic_jobs():
        if not claim_run(job, moment):
            continue
        call = JobCall(
            name=job_name(job.func), args=[], queue=job.queue, retries=0, periodic=job.name
        )
        started.append(job.name)
        backend.dispatch([call])
    if not backend.keeps_schedule:
        for call in due_scheduled_jobs(moment):
            started.append(call.name)
            perform_in_process(app, call)
    return started
