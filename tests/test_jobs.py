"""Background jobs without Redis (the laptop default): queued with the transaction, run after the
response, failures on the dead-letter list; delayed jobs, unique keys, idempotency keys; the
``nttlearn jobs`` commands and the admin's Jobs page."""

from __future__ import annotations

import json
from datetime import timedelta

import jobs_for_tests
import pytest

from nttlearn.auth.permissions import public
from nttlearn.extensions import db
from nttlearn.jobs import JobError, claim_once, enqueue
from nttlearn.jobs.periodic import tick
from nttlearn.mail import outbox, send_mail
from nttlearn.models import FailedJob, IdempotencyKey, ScheduledJob, utcnow
from nttlearn.testing import count_rows, invoke_cli, login


@pytest.fixture
def lazy_app(app_factory):
    """Jobs after the response, as in production without Redis (not at commit, as in tests)."""
    app = app_factory({"JOBS_EAGER": False})

    @app.route("/test-mail/<int:fail>", methods=["POST"])
    @public
    def mail_then_maybe_fail(fail: int):
        send_mail("ana@example.org", "Queued", "Body")
        if fail:
            raise RuntimeError("the action failed after queuing its mail")
        db.session.commit()
        return "done"

    @app.route("/test-read-only-mail")
    @public
    def read_only_mail():
        send_mail("ana@example.org", "Read only", "Body")  # nothing written, nothing committed
        return "done"

    with app.app_context():
        yield app


def test_a_request_s_mail_goes_after_the_response_has_been_sent(lazy_app):
    response = lazy_app.test_client().post("/test-mail/0")

    assert response.status_code == 200 and outbox() == []  # the response is out, the mail waits
    response.close()  # what the server does once the body has been sent
    assert [m["Subject"] for m in outbox()] == ["Queued"]


def test_a_request_that_fails_sends_none_of_the_mail_it_queued(lazy_app):
    lazy_app.config["PROPAGATE_EXCEPTIONS"] = False
    response = lazy_app.test_client().post("/test-mail/1")
    response.close()

    assert response.status_code == 500 and outbox() == []


def test_a_request_that_only_reads_still_sends_its_mail(lazy_app):
    response = lazy_app.test_client().get("/test-read-only-mail")
    response.close()

    assert [m["Subject"] for m in outbox()] == ["Read only"]


def test_a_mail_queued_in_a_rolled_back_transaction_is_never_sent(app, make_user):
    user = make_user(email="someone@example.org")
    user.name = "Renamed"
    db.session.flush()  # a transaction under way, as in any action that writes
    send_mail("ana@example.org", "Rolled back", "Body")
    db.session.rollback()
    db.session.commit()

    assert outbox() == []


def test_a_command_s_mail_after_its_commit_goes_without_another_commit(app, make_user):
    user = make_user(email="someone@example.org")
    user.name = "Renamed"
    db.session.commit()
    db.session.get(type(user), user.id)  # a read begins a new transaction, as building a mail does
    send_mail("ana@example.org", "After the commit", "Body")

    assert [m["Subject"] for m in outbox()] == ["After the commit"]


def test_a_mail_is_claimed_once_so_its_job_run_twice_sends_it_once(app):
    send_mail("ana@example.org", "Once", "Body")
    db.session.commit()
    (key,) = db.session.execute(db.select(IdempotencyKey)).scalars()

    from nttlearn.jobs.calls import JobCall
    from nttlearn.jobs.runner import perform

    call = JobCall(
        name="nttlearn.mail.deliver_mail",
        args=["ana@example.org", "Once", "Body"],
        id=key.key.removeprefix("job:"),
    )
    perform(app, call)  # the same job again: a retry, or a second worker

    assert [m["Subject"] for m in outbox()] == ["Once"]


def test_claim_once_with_a_key_is_true_once_per_key(app):
    assert claim_once("certificate-pdf:NTT-1") is True
    assert claim_once("certificate-pdf:NTT-1") is False
    db.session.rollback()
    assert claim_once("certificate-pdf:NTT-1") is True, "a rolled-back claim leaves the key free"


def test_a_failing_job_goes_to_the_dead_letter_list_and_can_be_retried_or_purged(app, tmp_path):
    enqueue(jobs_for_tests.fail_always, "no mail server")
    enqueue(jobs_for_tests.fail_always, "still no mail server")
    db.session.commit()

    listed = invoke_cli(app, "jobs", "list", "--json")
    data = json.loads(listed.output)
    assert listed.exit_code == 0 and data["backend"] == "in-process"
    assert {f["args"][0] for f in data["failures"]} == {"no mail server", "still no mail server"}
    assert "RuntimeError: no mail server" in " ".join(f["error"] for f in data["failures"])
    first, second = (f["id"] for f in data["failures"])

    retried = invoke_cli(app, "jobs", "retry", first, "db-424242", "--json")
    assert retried.exit_code == 1
    assert json.loads(retried.output) == {"retried": [first], "unknown": ["db-424242"]}
    assert count_rows(FailedJob) == 2  # it failed again, and is back on the list

    purged = invoke_cli(app, "jobs", "purge", "--all", "--json")
    assert purged.exit_code == 0 and len(json.loads(purged.output)["purged"]) == 2
    assert count_rows(FailedJob) == 0
    assert invoke_cli(app, "jobs", "purge").exit_code == 2  # neither ids nor --all


def test_jobs_refuse_what_a_worker_could_not_run(app):
    with pytest.raises(JobError):
        enqueue(lambda: None)
    with pytest.raises(JobError):
        enqueue(jobs_for_tests.record_run, object())


def test_a_delayed_job_waits_in_the_database_until_the_scheduler_finds_it_due(app, tmp_path):
    enqueue(jobs_for_tests.record_run, str(tmp_path), delay=timedelta(minutes=10), key="tidy-up")
    assert (
        enqueue(
            jobs_for_tests.record_run, str(tmp_path), delay=timedelta(minutes=10), key="tidy-up"
        )
        is None
    )
    db.session.commit()

    assert count_rows(ScheduledJob) == 1
    tick(utcnow() + timedelta(minutes=5))
    assert list(tmp_path.glob("ran-*")) == []
    tick(utcnow() + timedelta(minutes=11))
    assert len(list(tmp_path.glob("ran-*"))) == 1 and count_rows(ScheduledJob) == 0


def test_the_scheduler_command_starts_the_core_s_periodic_jobs_once(app):
    first = invoke_cli(app, "scheduler", "--once", "--json")
    second = invoke_cli(app, "scheduler", "--once", "--json")

    assert first.exit_code == 0 and "core.prune-sessions" in json.loads(first.output)["started"]
    assert json.loads(second.output)["started"] == []


def test_the_worker_command_refuses_to_start_without_redis(app):
    result = invoke_cli(app, "worker", "--burst")

    assert result.exit_code == 1 and "NTTLEARN_REDIS_URL" in result.output


def test_the_admin_jobs_page_shows_queues_periodic_runs_and_failures_and_retries_one(
    app, make_user
):
    enqueue(jobs_for_tests.fail_always, "the printer is on fire")
    db.session.commit()
    invoke_cli(app, "scheduler", "--once")
    client = app.test_client()
    login(client, make_user(role="admin"))

    page = client.get("/admin/jobs").get_data(as_text=True)
    assert "core.prune-sessions" in page and "succeeded" in page
    assert "jobs_for_tests.fail_always" in page and "the printer is on fire" in page

    (failure,) = db.session.execute(db.select(FailedJob)).scalars()
    asked = client.post(f"/admin/jobs/failures/db-{failure.id}/purge").get_data(as_text=True)
    assert "Delete the failed job?" in asked and count_rows(FailedJob) == 1  # asked first
    purged = client.post(
        f"/admin/jobs/failures/db-{failure.id}/purge",
        data={"confirmed": "1"},
        follow_redirects=True,
    )
    assert "The failed job has been deleted." in purged.get_data(as_text=True)
    assert count_rows(FailedJob) == 0


def test_a_learner_cannot_retry_or_purge_failed_jobs(app, make_user):
    enqueue(jobs_for_tests.fail_always, "kept")
    db.session.commit()
    (failure,) = db.session.execute(db.select(FailedJob)).scalars()
    client = app.test_client()
    login(client, make_user())

    assert client.post(f"/admin/jobs/failures/db-{failure.id}/purge").status_code == 403
    assert client.get("/admin/jobs").status_code == 403
    assert count_rows(FailedJob) == 1


def test_a_mail_queued_in_a_rolled_back_savepoint_is_dropped_and_the_others_sent(app, make_user):
    user = make_user(email="someone@example.org")
    user.name = "Renamed"
    db.session.flush()
    send_mail("ana@example.org", "Kept", "Body")
    try:
        with db.session.begin_nested():
            send_mail("ana@example.org", "Undone", "Body")
            raise RuntimeError("the step inside the savepoint failed")
    except RuntimeError:
        pass
    db.session.commit()

    assert [m["Subject"] for m in outbox()] == ["Kept"]
