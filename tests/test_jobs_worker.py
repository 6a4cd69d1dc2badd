"""Real workers on the local Redis: a job killed mid-way and retried, and two workers on one queue,
each effect exactly once (the idempotency keys in the database). Skipped without Redis."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import jobs_for_tests
import pytest

from nttlearn.jobs import enqueue
from nttlearn.jobs.backends import backend_for
from nttlearn.jobs.calls import JobCall
from nttlearn.jobs.runner import run_queued
from nttlearn.mail import outbox

REDIS_URL = os.environ.get("NTTLEARN_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
TESTS = Path(__file__).resolve().parent
WAIT = 90  # seconds: a worker starting on a busy two-core machine


def _redis_reachable() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not _redis_reachable(), reason=f"no Redis answers at {REDIS_URL}"),
]


@pytest.fixture
def queue_app(app_factory, tmp_path):
    """An app whose jobs go to Redis, on queues of this test's own (a prefix no other run uses)."""
    prefix = f"test-{uuid.uuid4().hex[:10]}-"
    app = app_factory(
        {
            "REDIS_URL": REDIS_URL,
            "JOBS_IN_PROCESS": False,
            "JOBS_EAGER": False,
            "JOBS_QUEUE_PREFIX": prefix,
            "JOBS_RETRY_BACKOFF": (0,),
        }
    )
    with app.app_context():
        yield app
    backend = backend_for(app)
    keys = list(backend.connection.scan_iter(f"*{prefix}*"))
    if keys:
        backend.connection.delete(*keys)


def start_worker(app, *extra: str) -> subprocess.Popen:
    env = os.environ | {
        "NTTLEARN_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "NTTLEARN_INSTANCE_PATH": app.instance_path,
        "NTTLEARN_REDIS_URL": REDIS_URL,
        "NTTLEARN_JOBS_QUEUE_PREFIX": app.config["JOBS_QUEUE_PREFIX"],
        "NTTLEARN_JOBS_RETRY_BACKOFF": "0",
        "NTTLEARN_BASE_URL": "http://127.0.0.1:5000",
        "PYTHONPATH": os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")]),
    }
    env.pop("NTTLEARN_JOBS_IN_PROCESS", None)
    nttlearn = Path(sys.executable).with_name("nttlearn")
    return subprocess.Popen(
        [str(nttlearn), "worker", *extra],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def kill_with_its_job(worker: subprocess.Popen) -> None:
    """SIGKILL the worker and the process running its job (RQ forks it into a process group of
    its own, so that signals meant for the worker do not reach it): the machine dies."""
    children = Path(f"/proc/{worker.pid}/task/{worker.pid}/children").read_text().split()
    for pid in [worker.pid, *map(int, children)]:
        os.kill(pid, signal.SIGKILL)
    worker.wait()


def busy_workers(queue) -> int:
    from rq import Worker

    return sum(1 for w in Worker.all(queue=queue) if w.get_state() == "busy")


def wait_for(condition, what: str) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


def finish(worker: subprocess.Popen) -> str:
    try:
        _, err = worker.communicate(timeout=WAIT)
    except subprocess.TimeoutExpired:
        kill_with_its_job(worker)
        _, err = worker.communicate()
        raise AssertionError("the worker did not stop: " + err.decode()[-2000:]) from None
    assert worker.returncode == 0, err.decode()[-2000:]
    return err.decode()


def test_a_job_killed_mid_way_is_retried_and_sends_one_mail(queue_app, tmp_path):
    from nttlearn.extensions import db

    enqueue(jobs_for_tests.mail_after_pause, str(tmp_path), "ines@example.org", "Once", retries=2)
    db.session.commit()
    queue = backend_for(queue_app).queue("default")
    assert queue.count == 1

    first = start_worker(queue_app)
    try:
        wait_for(lambda: list(tmp_path.glob("started-*")), "the first worker to start the job")
    finally:
        kill_with_its_job(first)
    assert outbox() == []
    # Time passes until the job counts as abandoned (its heartbeat long expired).
    queue.started_job_registry.cleanup(timestamp=time.time() + 3600)
    assert queue.count == 1, "the abandoned job is queued again (it had retries left)"

    (tmp_path / "go").touch()
    finish(start_worker(queue_app, "--burst"))

    assert [m["Subject"] for m in outbox()] == ["Once"]
    assert len(list(tmp_path.glob("started-*"))) == 2  # killed once, run again once
    assert queue.failed_job_registry.count == 0


def test_two_workers_on_one_queue_send_each_mail_once_even_a_job_delivered_twice(
    queue_app, tmp_path
):
    from nttlearn.extensions import db

    backend = backend_for(queue_app)
    queue = backend.queue("default")
    for n in range(2):
        enqueue(
            jobs_for_tests.mail_after_pause, str(tmp_path), f"person{n}@example.org", f"Mail {n}"
        )
    db.session.commit()
    # The same job delivered a second time (as a queue may after a lost acknowledgement).
    twice = JobCall(
        name="jobs_for_tests.mail_after_pause", args=[str(tmp_path), "twice@example.org", "Twice"]
    )
    queue.enqueue(run_queued, twice.as_dict(), job_id="first-" + twice.id)
    queue.enqueue(run_queued, twice.as_dict(), job_id="again-" + twice.id)
    for n in range(2, 6):
        enqueue(
            jobs_for_tests.mail_after_pause, str(tmp_path), f"person{n}@example.org", f"Mail {n}"
        )
    db.session.commit()
    assert queue.count == 8

    workers = [start_worker(queue_app, "--burst"), start_worker(queue_app, "--burst")]
    try:
        # Both workers in the middle of a job at the same time (on SQLite the second one waits for
        # the database's write lock, held by the first), then let every job go on.
        wait_for(
            lambda: list(tmp_path.glob("started-*")) and busy_workers(queue) == 2,
            "both workers to hold a job",
        )
    finally:
        (tmp_path / "go").touch()
    for worker in workers:
        finish(worker)

    subjects = sorted(m["Subject"] for m in outbox())
    assert subjects == sorted([f"Mail {n}" for n in range(6)] + ["Twice"])
    assert queue.failed_job_registry.count == 0 and queue.count == 0


def test_a_job_that_keeps_failing_lands_on_the_dead_letter_list_and_can_be_retried(
    queue_app, tmp_path
):
    from nttlearn.extensions import db

    enqueue(jobs_for_tests.fail_always, "the mail server said no", retries=1)
    db.session.commit()
    finish(start_worker(queue_app, "--burst"))

    backend = backend_for(queue_app)
    (failure,) = backend.failures()
    assert failure.name == "jobs_for_tests.fail_always" and failure.args == [
        "the mail server said no"
    ]
    assert "RuntimeError: the mail server said no" in failure.error

    assert backend.retry(failure.id)
    assert backend.queue("default").count == 1 and backend.failures() == []
    assert backend.purge(failure.id) is False


def test_with_redis_a_keyed_job_waits_once_and_a_delayed_one_in_the_scheduled_registry(
    queue_app, tmp_path
):
    from datetime import timedelta

    from nttlearn.extensions import db

    enqueue(jobs_for_tests.record_run, str(tmp_path), key="nightly-digest")
    db.session.commit()
    enqueue(
        jobs_for_tests.record_run, str(tmp_path), key="nightly-digest"
    )  # still waiting: nothing
    enqueue(jobs_for_tests.record_run, str(tmp_path), delay=timedelta(hours=1))
    db.session.commit()

    queue = backend_for(queue_app).queue("default")
    assert queue.count == 1 and queue.scheduled_job_registry.count == 1
    (state,) = backend_for(queue_app).queues()
    assert (state.waiting, state.scheduled, state.failed) == (1, 1, 0)


def test_with_redis_a_key_rq_would_refuse_as_an_id_still_queues_its_job_once(queue_app, tmp_path):
    from nttlearn.extensions import db

    for _ in range(2):  # the second waits behind the first: nothing more
        enqueue(jobs_for_tests.record_run, str(tmp_path), key="certificate-pdf:AB12-CD34")
        db.session.commit()

    (state,) = backend_for(queue_app).queues()
    assert (state.waiting, state.failed) == (1, 0)


def test_a_job_queued_in_a_rolled_back_transaction_never_reaches_redis(queue_app, tmp_path):
    from nttlearn.extensions import db
    from nttlearn.models import Organisation

    db.session.add(Organisation(name="Rolled back town", country="SE"))
    db.session.flush()
    enqueue(jobs_for_tests.record_run, str(tmp_path))
    db.session.rollback()

    assert backend_for(queue_app).queue("default").count == 0
