"""Running one job: inside an app context of its own (a fresh session, no request), committing
what it did, and recording the outcome of a periodic run and, without Redis, a failure."""

from __future__ import annotations

import contextvars
import logging
import traceback
from typing import Any

from flask import Flask

from ..extensions import db
from ..models import FailedJob, PeriodicJobRun, utcnow
from .calls import JobCall, resolve
from .queueing import _current_call

log = logging.getLogger(__name__)
_worker_app: Flask | None = None


def use_app(app: Flask) -> None:
    """The app a worker runs its jobs in (``nttlearn worker`` sets it once, before forking)."""
    global _worker_app
    _worker_app = app


def perform(app: Flask, call: JobCall) -> None:
    """Run the call and commit; on an error roll back and raise. Runs in an empty context, as a
    worker would: no request, no logged-in user, whatever the caller had."""
    contextvars.Context().run(_perform, app, call)


def _perform(app: Flask, call: JobCall) -> None:
    with app.app_context():
        token = _current_call.set(call)
        try:
            resolve(call.name)(*call.args)
            db.session.commit()
        except BaseException:
            db.session.rollback()
            raise
        finally:
            _current_call.reset(token)
            db.session.remove()


def perform_in_process(app: Flask, call: JobCall) -> bool:
    """Run a call in this process; a failure is logged and put on the dead-letter list (there
    is no worker to retry it later). Returns whether it succeeded."""
    try:
        perform(app, call)
    except Exception as exc:  # noqa: BLE001 - recorded for the administrator, never lost
        log.exception("job %s (%s) failed", call.name, call.id)
        record_failure(app, call, exc)
        record_periodic_outcome(app, call, exc)
        return False
    record_periodic_outcome(app, call, None)
    return True


def record_failure(app: Flask, call: JobCall, exc: BaseException | str) -> None:
    error = exc if isinstance(exc, str) else "".join(traceback.format_exception(exc)).strip()
    with app.app_context():
        db.session.add(
            FailedJob(
                job_id=call.id,
                name=call.name,
                args=call.args,
                key=call.key,
                queue=call.queue,
                retries=call.retries,
                error=error[-4000:],
            )
        )
        db.session.commit()
        db.session.remove()


def record_periodic_outcome(app: Flask, call: JobCall, exc: BaseException | None) -> None:
    if call.periodic is None:
        return
    with app.app_context():
        row = db.session.get(PeriodicJobRun, call.periodic)
        if row is not None:
            row.finished_at = utcnow()
            row.outcome = "ok" if exc is None else "failed"
            row.error = "" if exc is None else f"{type(exc).__name__}: {exc}"[:2000]
            db.session.commit()
        db.session.remove()


def run_queued(data: dict[str, Any]) -> None:
    """What a Redis worker runs for every job (the one function RQ knows by name)."""
    from rq import get_current_job

    app = _worker_app
    if app is None:  # a worker started some other way than ``nttlearn worker``
        from .. import create_app

        app = create_app()
        use_app(app)
    call = JobCall.from_dict(data)
    try:
        perform(app, call)
    except Exception as exc:
        job = get_current_job()
        if not (job and job.retries_left):  # the last try: the run of a periodic job failed
            record_periodic_outcome(app, call, exc)
        raise
    record_periodic_outcome(app, call, None)
