"""Prepared exports are kept NTTLEARN_EXPORT_RETENTION_DAYS days: the periodic job
``core.delete-expired-exports`` deletes older files, in the instance folder and in the database
store alike, with the notifications that linked to them, and leaves fresh ones alone."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest

from nttlearn import exports
from nttlearn.cli import main
from nttlearn.extensions import db
from nttlearn.jobs.periodic import periodic_jobs
from nttlearn.models import Notification, StoredFile, utcnow
from nttlearn.storage import file_store


@pytest.fixture(params=("local", "database"))
def app_config(request):
    return {"STORAGE": request.param, "EXPORT_RETENTION_DAYS": 7}


def _prepared(user, token: str, *, days_old: float) -> str:
    """An export as the job leaves it: the file, and the notification with its link."""
    key = exports.export_key(user.id, token, "progress.csv")
    store = file_store()
    store.save(key, b"name,progress\n")
    when = utcnow() - timedelta(days=days_old)
    if store.name == "local":
        os.utime(store.local_path(key), (when.timestamp(), when.timestamp()))
    else:
        db.session.execute(
            db.update(StoredFile).where(StoredFile.key == key).values(updated_at=when)
        )
    db.session.add(
        Notification(
            user_id=user.id,
            kind=exports.KIND,
            key=f"export:{token}",
            title="Your file progress.csv is ready to download",
            url=f"/exports/{token}/progress.csv",
        )
    )
    db.session.commit()
    return key


def _notification_keys(user) -> list[str]:
    return (
        db.session.execute(
            db.select(Notification.key)
            .filter_by(user_id=user.id, kind=exports.KIND)
            .order_by(Notification.key)
        )
        .scalars()
        .all()
    )


def test_expired_exports_and_their_notifications_go_and_fresh_ones_stay(app, make_user):
    trainer = make_user(role="trainer")
    old = _prepared(trainer, "old-token-0000000000", days_old=8)
    fresh = _prepared(trainer, "fresh-token-000000000", days_old=6)

    deleted = exports.delete_expired_exports()
    db.session.commit()

    assert deleted == 1
    store = file_store()
    assert not store.exists(old) and store.exists(fresh)
    assert [f.key for f in store.list("exports/")] == [fresh]
    assert _notification_keys(trainer) == ["export:fresh-token-000000000"]


def test_cleaning_up_again_deletes_nothing_more(app, make_user):
    trainer = make_user(role="trainer")
    _prepared(trainer, "old-token-0000000000", days_old=30)
    fresh = _prepared(trainer, "fresh-token-000000000", days_old=0)
    exports.delete_expired_exports()
    db.session.commit()

    assert exports.delete_expired_exports() == 0
    assert [f.key for f in file_store().list("exports/")] == [fresh]


def test_the_retention_is_a_setting(app, make_user):
    trainer = make_user(role="trainer")
    key = _prepared(trainer, "recent-token-00000000", days_old=2)
    app.config["EXPORT_RETENTION_DAYS"] = 1

    assert exports.delete_expired_exports() == 1
    assert not file_store().exists(key)


def test_other_files_in_the_store_are_never_touched(app, make_user):
    store = file_store()
    store.save("media/ntt/logo.png", b"png")
    store.save("certificates/pdf/X.pdf", b"pdf")

    exports.delete_expired_exports(now=utcnow() + timedelta(days=365))

    assert store.exists("media/ntt/logo.png") and store.exists("certificates/pdf/X.pdf")


def test_the_cleanup_is_a_periodic_job_listed_by_the_jobs_command(app):
    assert "core.delete-expired-exports" in {job.name for job in periodic_jobs()}

    result = app.test_cli_runner().invoke(main, ["jobs", "list"])

    assert result.exit_code == 0, result.output
    assert "core.delete-expired-exports" in result.output
