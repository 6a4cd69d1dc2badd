"""Queueing a job: ``enqueue`` inside the caller's transaction, handed to the backend when that
transaction commits, and ``claim_once`` for the effects that must happen once.

A job is queued as part of the transaction that asked for it: a mail about a certificate must not
go out if the certificate is rolled back, and a worker must not look for a row that is not
committed yet. So ``enqueue`` keeps the call on the session and hands it to the backend after the
commit; a rollback drops it. A request that ends well without committing (one that only read, such
as asking for a password reset) hands its calls over at its end. Outside a request (a command, a
job), a call queued by a transaction that has written nothing yet depends only on committed data:
it is handed over at once (no commit may follow, as when a command sends mail after its commit).
"""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from flask import g, has_app_context, has_request_context, request
from sqlalchemy import Engine, Pool, event
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, SessionTransaction

from ..extensions import db
from ..models import IdempotencyKey, ScheduledJob, utcnow
from .calls import DEFAULT_QUEUE, DEFAULT_RETRIES, JobCall, JobError, check_arguments, job_name

PENDING = "nttlearn_jobs_pending"
WROTE = "nttlearn_jobs_wrote"  # on a connection: its transaction has run a statement that writes
_READS = ("SELECT", "PRAGMA", "SAVEPOINT", "RELEASE", "BEGIN", "SHOW", "SET")
log = logging.getLogger(__name__)
_current_call: contextvars.ContextVar[JobCall | None] = contextvars.ContextVar(
    "nttlearn_job", default=None
)


def enqueue(
    func: Callable[..., Any] | str,
    *args: Any,
    key: str | None = None,
    at: datetime | None = None,
    delay: timedelta | None = None,
    retries: int = DEFAULT_RETRIES,
    queue: str = DEFAULT_QUEUE,
) -> str | None:
    """Run ``func(*args)`` in the background once the current transaction commits.

    ``func`` is a module-level function (a worker imports it by name); ``args`` are JSON values
    (ids, not rows). ``at`` (an aware datetime) or ``delay`` run it later. With ``key``, at most
    one job with that key waits at a time: queuing another while one waits does nothing (and
    returns None). A job that raises is tried ``retries`` more times, after 10 s, 1 min, then
    5 min; then it goes to the dead-letter list (``nttlearn jobs list``, the admin's Jobs page).
    Returns the job's id.
    """
    if at is not None and delay is not None:
        raise JobError("give either at or delay, not both")
    if at is not None and at.tzinfo is None:
        raise JobError("at must be an aware datetime (UTC)")
    run_at = at if at is not None else (utcnow() + delay if delay is not None else None)
    call = JobCall(
        name=job_name(func),
        args=check_arguments(args),
        key=key,
        queue=queue,
        retries=max(0, retries),
        run_at=run_at,
    )
    session = db.session()
    pending: list[tuple[JobCall, SessionTransaction | None]] = session.info.setdefault(PENDING, [])
    if key is not None and any(p.key == key for p, _ in pending):
        return None
    if run_at is not None and not backend().keeps_schedule:
        # No Redis: the database keeps it, in this transaction (the key's unique index included).
        try:
            with session.begin_nested():
                session.add(
                    ScheduledJob(
                        job_id=call.id,
                        name=call.name,
                        args=call.args,
                        key=key,
                        queue=queue,
                        retries=call.retries,
                        run_at=run_at,
                    )
                )
        except IntegrityError:
            return None
        return call.id
    # Remember the savepoint it was queued in: rolling that back drops the call too.
    pending.append((call, session.get_nested_transaction() or session.get_transaction()))
    if not has_request_context() and not _has_written(session):
        _hand_over(session)
    return call.id


def _has_written(session: Session) -> bool:
    """Whether the session's transaction has changes: pending in the session, or written by any
    statement on its connection (flushes, bulk updates, statements on ``session.connection()``)."""
    if not session.in_transaction():
        return False
    return bool(
        session.new or session.dirty or session.deleted or session.connection().info.get(WROTE)
    )


@event.listens_for(Engine, "before_cursor_execute")
def _note_write(conn, _cursor, statement: str, _parameters, _context, _executemany) -> None:
    if not statement.lstrip()[:9].upper().startswith(_READS):
        conn.info[WROTE] = True


@event.listens_for(Engine, "commit")
@event.listens_for(Engine, "rollback")
def _transaction_ended(conn) -> None:
    conn.info.pop(WROTE, None)


@event.listens_for(Pool, "checkin")
def _returned(_dbapi_connection, record) -> None:
    record.info.pop(WROTE, None)


def claim_once(key: str | None = None) -> bool:
    """Claim an effect for this job, in its transaction: True the first time, False when it has
    been done already (a retry after a crash, the same job run by two workers at once).

    Without ``key``, the running job's own id (the same on every retry). Call it right before
    the effect and commit after it: a job that fails before committing leaves the key free.
    """
    call = _current_call.get()
    if key is None:
        if call is None:
            raise JobError("claim_once() without a key only works inside a job")
        key = f"job:{call.id}"
    try:
        with db.session.begin_nested():
            db.session.add(IdempotencyKey(key=key, job_name=call.name if call else ""))
    except IntegrityError:
        return False
    return True


def current_job() -> JobCall | None:
    """The job being run, or None outside a job."""
    return _current_call.get()


def backend():
    from .backends import backend_for

    return backend_for()


def _hand_over(session: Session) -> None:
    pending = session.info.pop(PENDING, None)
    if pending:
        backend().dispatch([call for call, _ in pending])


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    if session.in_nested_transaction() or not has_app_context():
        return
    _hand_over(session)


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session: Session, previous_transaction: SessionTransaction) -> None:
    if previous_transaction.parent is None:  # the whole transaction: its calls go with it
        session.info.pop(PENDING, None)
        return
    pending = session.info.get(PENDING)
    if (
        pending
    ):  # a savepoint (or a failed flush inside one) rolled back: the calls queued inside it go
        pending[:] = [(call, tx) for call, tx in pending if not _inside(tx, previous_transaction)]


def _inside(transaction: SessionTransaction | None, savepoint: SessionTransaction) -> bool:
    while transaction is not None:
        if transaction is savepoint:
            return True
        transaction = transaction.parent
    return False


REQUEST_MARK = "nttlearn_jobs_request"


def start_of_request() -> None:
    """Mark the request being served, so that its end is told from the end of a pretend request
    (``test_request_context``, pushed to build an address or render a mail) inside other code."""
    setattr(g, REQUEST_MARK, id(request._get_current_object()))


def end_of_request(exc: BaseException | None) -> None:
    """At the end of a request: calls still pending come from a request that wrote nothing
    (they go now), or from one that failed (they are dropped with its changes). The end of a
    pretend request leaves the calls to the transaction of the code that pushed it."""
    if getattr(g, REQUEST_MARK, None) != id(request._get_current_object()):
        return
    delattr(g, REQUEST_MARK)
    session = db.session()
    if exc is None:
        _hand_over(session)
    else:
        session.info.pop(PENDING, None)
    g.pop("nttlearn_jobs_after_response", None)
