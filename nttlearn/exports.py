"""Large exports as background jobs: a download over ``NTTLEARN_EXPORT_JOB_ROWS`` rows is built by a
job, kept in the site's file store and announced to the person who asked, with a link only they
can open. Smaller ones stay immediate (the page answers with the file).

A builder is a module-level function taking JSON arguments (ids) and returning the file's bytes;
it runs in the asker's language. ``ExportFailed`` from a builder is told to the person instead of
a link. Files are kept under ``exports/<user id>/<token>/<file name>``: the download route looks
for the file under the current user's own id, so another person's link answers 404.

Prepared files are kept ``NTTLEARN_EXPORT_RETENTION_DAYS`` days (7 by default): the periodic job
``core.delete-expired-exports`` deletes older ones, with the notification that linked to each (a
link that would only answer 404).
"""

from __future__ import annotations

import json
import mimetypes
import re
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

from flask import Blueprint, abort, current_app, flash, redirect
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user

from .auth.permissions import require_login
from .extensions import db
from .jobs import claim_once, enqueue
from .jobs.calls import job_name, resolve
from .models import Notification, User, utcnow
from .notifications.services import notify, site_url
from .storage import file_store, send_stored_file

PREFIX = "exports"
KIND = "export_ready"
SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,150}")

bp = Blueprint("exports", __name__, url_prefix="/exports")


class ExportFailed(Exception):
    """A builder cannot make the file; its message (translated) is told to the person."""


def row_threshold() -> int:
    """``NTTLEARN_EXPORT_JOB_ROWS``: above this many rows an export is built by a job."""
    return int(current_app.config["EXPORT_JOB_ROWS"])


def is_large(rows: int) -> bool:
    """Whether an export of ``rows`` rows is built by a job (more than ``NTTLEARN_EXPORT_JOB_ROWS``)."""
    return rows > row_threshold()


def retention() -> timedelta:
    """``NTTLEARN_EXPORT_RETENTION_DAYS``: how long a prepared export stays downloadable."""
    return timedelta(days=int(current_app.config["EXPORT_RETENTION_DAYS"]))


def delete_expired_exports(now: datetime | None = None) -> int:
    """Delete the prepared exports written longer ago than the retention, and the notifications
    that link to them; returns how many files went. Running it again deletes nothing more."""
    cutoff = (now or utcnow()) - retention()
    store = file_store()
    deleted = 0
    for stored in store.list(f"{PREFIX}/"):
        if stored.modified_at is None or stored.modified_at >= cutoff:
            continue
        parts = stored.key.split("/")
        store.delete(stored.key)
        deleted += 1
        if len(parts) == 4 and parts[1].isdigit():  # exports/<user id>/<token>/<file name>
            db.session.execute(
                db.delete(Notification).where(
                    Notification.user_id == int(parts[1]),
                    Notification.kind == KIND,
                    Notification.key == f"export:{parts[2]}",
                )
            )
    return deleted


def export_key(user_id: int, token: str, filename: str) -> str:
    """Where a prepared export is kept in the file store."""
    return f"{PREFIX}/{user_id}/{token}/{filename}"


def export_later(
    user: User, builder: Callable[..., bytes], *args: object, filename: str, back: str
):
    """Queue ``builder(*args)`` for ``user`` and answer with a redirect to ``back`` (the page the
    export belongs to), which shows that the file is being prepared. The same export asked again
    while it waits is queued once."""
    if not SAFE_NAME.fullmatch(filename):
        raise ValueError(f"unsafe export file name {filename!r}")
    name = job_name(builder)
    enqueue(
        build_export,
        user.id,
        name,
        list(args),
        filename,
        secrets.token_urlsafe(18),
        key=f"export:{user.id}:{name}:{json.dumps(list(args))}",
    )
    db.session.commit()
    flash(
        _(
            "Your file %(name)s is being prepared. You will get a notification with a download link "
            "when it is ready.",
            name=filename,
        ),
        "info",
    )
    return redirect(back)


def build_export(user_id: int, builder: str, args: list, filename: str, token: str) -> None:
    """The export job: build the file, keep it, tell the person (once, even when retried)."""
    if not claim_once():
        return
    user = db.session.get(User, user_id)
    if user is None or not user.is_active:
        return
    with force_locale(user.locale or "en"):
        try:
            data = resolve(builder)(*args)
        except ExportFailed as problem:
            message = str(problem)
            notify(
                user,
                KIND,
                lambda: _("Your file %(name)s could not be prepared", name=filename),
                body=message,
                key=f"export:{token}",
            )
            return
    file_store().save(export_key(user_id, token, filename), data)
    notify(
        user,
        KIND,
        lambda: _("Your file %(name)s is ready to download", name=filename),
        url=site_url("exports.download", token=token, filename=filename),
        key=f"export:{token}",
    )


@bp.route("/<token>/<filename>")
@require_login
def download(token: str, filename: str):
    """A prepared export: only the person who asked for it finds it."""
    if not SAFE_NAME.fullmatch(filename) or not re.fullmatch(r"[A-Za-z0-9_-]{10,40}", token):
        abort(404)
    try:
        return send_stored_file(
            export_key(current_user.id, token, filename),
            as_attachment=True,
            mimetype=mimetypes.guess_type(filename)[0] or "application/octet-stream",
        )
    except FileNotFoundError:
        abort(404)
