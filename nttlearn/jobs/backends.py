"""Where jobs run: in this process after the response (no Redis: a laptop, one machine), or in
``nttlearn worker`` processes through RQ queues in Redis. Both answer the admin's questions
(queues, failures) the same way, so the Jobs page and ``nttlearn jobs`` do not care which."""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import Flask, current_app, g, has_request_context

from ..extensions import db
from ..models import FailedJob, ScheduledJob, utcnow
from .calls import BACKOFF, JobCall
from .runner import perform_in_process, record_failure, run_queued

log = logging.getLogger(__name__)
AFTER_RESPONSE = "nttlearn_jobs_after_response"
RESULT_TTL = 600  # seconds a finished job stays visible in Redis
FAILURE_TTL = 30 * 24 * 3600  # a failed job stays on the dead-letter list for 30 days


@dataclass(frozen=True)
class QueueState:
    name: str
    waiting: int
    scheduled: int
    running: int
    failed: int
    workers: int


@dataclass(frozen=True)
class Failure:
    """One job on the dead-letter list; ``id`` is what ``nttlearn jobs retry`` takes."""

    id: str
    name: str
    args: list[Any]
    queue: str
    error: str
    failed_at: datetime | None


def _db_failures() -> list[Failure]:
    rows = db.session.execute(
        db.select(FailedJob).order_by(FailedJob.failed_at.desc(), FailedJob.id.desc())
    )
    return [
        Failure(f"db-{r.id}", r.name, r.args, r.queue, r.error, r.failed_at) for r in rows.scalars()
    ]


def _db_failure(failure_id: str) -> FailedJob | None:
    number = failure_id.removeprefix("db-")
    if not failure_id.startswith("db-") or not number.isdigit():
        return None
    return db.session.get(FailedJob, int(number))


def _call_of(row: FailedJob) -> JobCall:
    return JobCall(
        name=row.name,
        args=row.args,
        id=row.job_id,
        key=row.key,
        queue=row.queue,
        retries=row.retries,
    )


class InProcessBackend:
    """No Redis: a job queued in a request runs after the response has been sent (so the page
    does not wait for the mail server); one queued elsewhere (a command) runs at once. With
    ``NTTLEARN_JOBS_EAGER`` a request's jobs run when its transaction commits, before the
    response (tests read the mail a request sent right after it)."""

    name = "in-process"
    keeps_schedule = False  # delayed jobs wait in the scheduled_jobs table

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.eager = bool(app.config.get("JOBS_EAGER"))

    def dispatch(self, calls: Iterable[JobCall]) -> None:
        calls = list(calls)
        if has_request_context() and not self.eager:
            # Run by the response's close (see install); a call handed over in the request's
            # teardown joins the same list, which the close reads later.
            g.setdefault(AFTER_RESPONSE, []).extend(calls)
            return
        for call in calls:
            perform_in_process(self.app, call)

    def run_after_response(self, calls: list[JobCall]) -> None:
        for call in calls:
            perform_in_process(self.app, call)

    def queues(self) -> list[QueueState]:
        scheduled = db.session.scalar(db.select(db.func.count(ScheduledJob.id))) or 0
        failed = db.session.scalar(db.select(db.func.count(FailedJob.id))) or 0
        return [QueueState(self.name, 0, scheduled, 0, failed, 0)]

    def failures(self) -> list[Failure]:
        return _db_failures()

    def retry(self, failure_id: str) -> bool:
        row = _db_failure(failure_id)
        if row is None:
            return False
        call = _call_of(row)
        db.session.delete(row)
        db.session.commit()
        perform_in_process(self.app, call)
        return True

    def purge(self, failure_id: str) -> bool:
        row = _db_failure(failure_id)
        if row is None:
            return False
        db.session.delete(row)
        db.session.commit()
        return True


class RedisBackend:
    """RQ queues in Redis (``NTTLEARN_REDIS_URL``), run by ``nttlearn worker``. Queue names get
    ``NTTLEARN_JOBS_QUEUE_PREFIX`` so that several sites (or test runs) can share one Redis."""

    name = "redis"
    keeps_schedule = True  # RQ's scheduled-job registry, moved by the workers' scheduler

    def __init__(self, app: Flask) -> None:
        from redis import Redis

        self.app = app
        self.prefix = app.config.get("JOBS_QUEUE_PREFIX") or "nttlearn-"
        self.connection = Redis.from_url(app.config["REDIS_URL"])

    def queue(self, name: str):
        from rq import Queue
        from rq.serializers import JSONSerializer

        return Queue(self.prefix + name, connection=self.connection, serializer=JSONSerializer)

    def dispatch(self, calls: Iterable[JobCall]) -> None:
        for call in calls:
            try:
                self.push(call)
            except Exception as exc:  # noqa: BLE001 - Redis down: the job waits on the dead-letter list
                log.exception("could not queue job %s (%s)", call.name, call.id)
                record_failure(self.app, call, f"could not be queued: {exc}")

    def push(self, call: JobCall) -> None:
        from rq import Retry
        from rq.exceptions import DuplicateJobError

        options: dict[str, Any] = {
            "job_id": call.id,
            "result_ttl": RESULT_TTL,
            "failure_ttl": FAILURE_TTL,
            "description": call.name,
        }
        if call.retries:
            backoff = tuple(self.app.config.get("JOBS_RETRY_BACKOFF") or BACKOFF)
            intervals = [backoff[min(i, len(backoff) - 1)] for i in range(call.retries)]
            options["retry"] = Retry(max=call.retries, interval=intervals)
        if call.key is not None:
            # The key is the job's id while it waits; gone once it has run (result_ttl 0).
            options.update(job_id=self.key_job_id(call.key), unique=True, result_ttl=0)
        queue = self.queue(call.queue)
        try:
            if call.run_at is not None:
                queue.enqueue_at(call.run_at, run_queued, call.as_dict(), **options)
            else:
                queue.enqueue(run_queued, call.as_dict(), **options)
        except DuplicateJobError:
            log.info("job with key %s is waiting already", call.key)

    def key_job_id(self, key: str) -> str:
        """The RQ job id of a keyed job. RQ takes only letters, digits, ``_`` and ``-`` in an id,
        so a key with anything else (``certificate-pdf:ABC``) is named by its digest."""
        if re.fullmatch(r"[A-Za-z0-9_-]+", key):
            return f"{self.prefix}key-{key}"
        return f"{self.prefix}key-{hashlib.sha256(key.encode()).hexdigest()[:40]}"

    def queue_names(self) -> list[str]:
        from rq import Queue

        names = {
            q.name for q in Queue.all(connection=self.connection) if q.name.startswith(self.prefix)
        }
        names.add(self.prefix + "default")
        return sorted(names)

    def queues(self) -> list[QueueState]:
        from rq import Worker

        states = []
        for name in self.queue_names():
            queue = self.queue(name.removeprefix(self.prefix))
            states.append(
                QueueState(
                    name=name,
                    waiting=queue.count,
                    scheduled=queue.scheduled_job_registry.count,
                    running=queue.started_job_registry.count,
                    failed=queue.failed_job_registry.count,
                    workers=Worker.count(queue=queue),
                )
            )
        return states

    def failures(self) -> list[Failure]:
        from rq.job import Job

        found = []
        for name in self.queue_names():
            queue = self.queue(name.removeprefix(self.prefix))
            ids = queue.failed_job_registry.get_job_ids()
            for job in Job.fetch_many(ids, connection=self.connection, serializer=queue.serializer):
                if job is None:
                    continue
                data = job.args[0] if job.args else {}
                result = job.latest_result()
                error = (result.exc_string if result is not None else "") or ""
                found.append(
                    Failure(
                        f"rq-{job.id}",
                        data.get("name", job.description or ""),
                        data.get("args", []),
                        name,
                        error.strip(),
                        job.ended_at,
                    )
                )
        return sorted(found, key=lambda f: f.failed_at or utcnow(), reverse=True) + _db_failures()

    def _failed_job(self, failure_id: str):
        from rq.exceptions import NoSuchJobError
        from rq.job import Job

        if not failure_id.startswith("rq-"):
            return None, None
        try:
            job = Job.fetch(
                failure_id.removeprefix("rq-"),
                connection=self.connection,
                serializer=self.queue("default").serializer,
            )
        except NoSuchJobError:
            return None, None
        queue = self.queue(job.origin.removeprefix(self.prefix))
        if job.id not in queue.failed_job_registry:
            return None, None
        return job, queue

    def retry(self, failure_id: str) -> bool:
        row = _db_failure(failure_id)
        if row is not None:
            call = _call_of(row)
            db.session.delete(row)
            db.session.commit()
            self.dispatch([call])
            return True
        job, queue = self._failed_job(failure_id)
        if job is None:
            return False
        queue.failed_job_registry.requeue(job)
        return True

    def purge(self, failure_id: str) -> bool:
        row = _db_failure(failure_id)
        if row is not None:
            db.session.delete(row)
            db.session.commit()
            return True
        job, queue = self._failed_job(failure_id)
        if job is None:
            return False
        queue.failed_job_registry.remove(job, delete_job=True)
        return True


def backend_for(app: Flask | None = None) -> InProcessBackend | RedisBackend:
    """The app's backend (made once per app): Redis when ``NTTLEARN_REDIS_URL`` is set, unless
    ``NTTLEARN_JOBS_IN_PROCESS`` keeps jobs in the app (Redis for rate limits only)."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    found = app.extensions.get("nttlearn_jobs")
    if found is None:
        use_redis = bool(app.config.get("REDIS_URL")) and not app.config.get("JOBS_IN_PROCESS")
        found = app.extensions["nttlearn_jobs"] = (
            RedisBackend(app) if use_redis else InProcessBackend(app)
        )
    return found


def install(app: Flask) -> None:
    """Hand a request's jobs over when it ends; run the in-process ones after the response."""
    from .queueing import end_of_request, start_of_request

    app.before_request(start_of_request)

    @app.after_request
    def _run_jobs_after_response(response):
        backend = backend_for(app)
        if isinstance(backend, InProcessBackend) and not backend.eager:
            later: list[JobCall] = g.setdefault(AFTER_RESPONSE, [])
            response.call_on_close(lambda: later and backend.run_after_response(list(later)))
        return response

    app.teardown_request(end_of_request)


def due_scheduled_jobs(now: datetime | None = None) -> list[JobCall]:
    """Take the delayed jobs that are due off the ``scheduled_jobs`` table (no Redis). Each row
    is deleted by whoever runs it: of two schedulers, one gets it."""
    moment = now or utcnow()
    taken = []
    rows = (
        db.session.execute(
            db.select(ScheduledJob)
            .where(ScheduledJob.run_at <= moment)
            .order_by(ScheduledJob.run_at, ScheduledJob.id)
        )
        .scalars()
        .all()
    )
    calls = [
        (
            row.id,
            JobCall(
                name=row.name,
                args=row.args,
                id=row.job_id,
                key=row.key,
                queue=row.queue,
                retries=row.retries,
            ),
        )
        for row in rows
    ]
    for row_id, call in calls:
        deleted = db.session.execute(
            db.delete(ScheduledJob).where(ScheduledJob.id == row_id)
        ).rowcount
        db.session.commit()
        if deleted == 1:
            taken.append(call)
    return taken
