"""A participants file kept between its preview and the admin's confirmation.

Kept in the instance folder (``imports/``) under a random name, with the id of the admin who
uploaded it; the name is also remembered in that admin's session, so only the same admin in the
same browser can confirm it. Files older than ``KEEP_MINUTES`` are deleted at each upload.
"""

from __future__ import annotations

import json
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from flask import current_app, session

KEEP_MINUTES = 60
SESSION_KEY = "participant_uploads"
_UPLOAD_ID = re.compile(r"^[A-Za-z0-9_-]{22}$")


@dataclass
class KeptUpload:
    id: str
    filename: str
    content: bytes


def _folder() -> Path:
    return Path(current_app.instance_path) / "imports"


def keep_upload(filename: str, content: bytes, admin_id: int) -> str:
    folder = _folder()
    folder.mkdir(parents=True, exist_ok=True)
    _forget_old(folder)
    upload_id = secrets.token_urlsafe(16)
    (folder / f"{upload_id}.data").write_bytes(content)
    (folder / f"{upload_id}.json").write_text(
        json.dumps({"filename": filename, "admin_id": admin_id})
    )
    session[SESSION_KEY] = [*session.get(SESSION_KEY, [])[-4:], upload_id]
    return upload_id


def kept_upload(upload_id: str, admin_id: int) -> KeptUpload | None:
    """The upload, if this admin made it in this session and it has not expired."""
    if not _UPLOAD_ID.match(upload_id) or upload_id not in session.get(SESSION_KEY, []):
        return None
    meta_path, data_path = _folder() / f"{upload_id}.json", _folder() / f"{upload_id}.data"
    try:
        meta = json.loads(meta_path.read_text())
        if (
            time.time() - meta_path.stat().st_mtime > KEEP_MINUTES * 60
            or meta["admin_id"] != admin_id
        ):
            return None
        return KeptUpload(id=upload_id, filename=meta["filename"], content=data_path.read_bytes())
    except (OSError, ValueError, KeyError):
        return None


def forget_upload(upload_id: str) -> None:
    for suffix in (".json", ".data"):
        (_folder() / f"{upload_id}{suffix}").unlink(missing_ok=True)
    session[SESSION_KEY] = [u for u in session.get(SESSION_KEY, []) if u != upload_id]


def _forget_old(folder: Path) -> None:
    limit = time.time() - KEEP_MINUTES * 60
    for path in folder.iterdir():
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
        except OSError:
            pass  # another worker removed it first
