"""The database side of background jobs (nttlearn.jobs): what must survive a crashed worker or be
shared by every node, whichever queue runs the jobs."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import UTCDateTime, utcnow


class IdempotencyKey(db.Model):
    """An effect that has happened once (a mail sent, a certificate's PDF made): claimed inside the
    job's own transaction, so a retried job, or the same job run by two workers at once, finds
    the key taken and does nothing. A job that crashes before committing leaves no key."""

    __tablename__ = "job_idempotency_keys"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    job_name: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class PeriodicJobRun(db.Model):
    """The last run of one periodic job. The row is also the lock that lets any number of
    schedulers run: whichever moves ``started_at`` forward first enqueues the run."""

    __tablename__ = "periodic_job_runs"

    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    outcome: Mapped[str] = mapped_column(String(20), default="")  # "", "ok" or "failed"
    error: Mapped[str] = mapped_column(Text, default="")


class ScheduledJob(db.Model):
    """A job to run later, kept here when there is no Redis (``nttlearn scheduler`` runs it when
    due). With Redis, the queue library keeps scheduled jobs itself."""

    __tablename__ = "scheduled_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    args: Mapped[list] = mapped_column(JSON, default=list)
    key: Mapped[str | None] = mapped_column(String(200), unique=True, nullable=True)
    queue: Mapped[str] = mapped_column(String(60), default="default")
    retries: Mapped[int] = mapped_column(Integer, default=0)
    run_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class FailedJob(db.Model):
    """The dead-letter list without Redis: a job that failed, with its error, until an
    administrator retries or purges it (with Redis, the queue's own failed-job registry)."""

    __tablename__ = "failed_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    args: Mapped[list] = mapped_column(JSON, default=list)
    key: Mapped[str | None] = mapped_column(String(200), nullable=True)
    queue: Mapped[str] = mapped_column(String(60), default="default")
    retries: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str] = mapped_column(Text, default="")
    failed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
