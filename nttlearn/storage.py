"""Where uploaded media and generated files live, so that every app node of a site reads the same.

A file is named by a key, a relative path such as ``media/<course slug>/<name>`` or
``certificates/pdf/<code>.pdf``. ``NTTLEARN_STORAGE`` chooses the store:

- ``local`` (the default): the instance folder, where the key is the file's path. One machine, or
  several sharing that folder over a network file system.
- ``database``: the ``stored_files`` table, so several app nodes need nothing but the database.
- ``s3``: a bucket of any S3-compatible object store (AWS S3, MinIO, Ceph, Garage, …) through
  boto3, configured by the ``NTTLEARN_S3_*`` settings.

Every store writes at once and on its own (a save is not part of the request's transaction, as
a file written to a disk is not): a caller that must not leave a file behind when its transaction
fails saves after its commit, as the course import does.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import Flask, Response, current_app, send_file
from sqlalchemy.exc import IntegrityError

from .extensions import db
from .models.base import utcnow
from .models.files import StoredFile as StoredFileRow

BACKENDS = ("local", "database", "s3")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\\\\]")


class StorageError(RuntimeError):
    """The store is misconfigured or cannot be reached."""


@dataclass(frozen=True)
class StoredFile:
    """A file in the store: its key, its size in bytes and when it was last written (UTC)."""

    key: str
    size: int
    modified_at: datetime | None = None

    def name_under(self, prefix: str) -> str:
        """The key without ``prefix`` (``media/ntt/`` → ``logo.png``)."""
        return self.key[len(prefix) :]


def valid_key(key: str) -> bool:
    """A relative path of names: none empty or hidden (so no ``..``), no backslash or control character."""
    return (
        0 < len(key) <= 500
        and not _CONTROL.search(key)
        and all(part and not part.startswith(".") for part in key.split("/"))
    )


def _checked(key: str) -> str:
    if not valid_key(key):
        raise ValueError(f"not a storage key: {key!r}")
    return key


def _missing(key: str) -> int:
    raise FileNotFoundError(key)


class FileStore:
    """The interface every store offers; keys as :func:`valid_key` allows."""

    name = ""

    def save(self, key: str, data: bytes) -> None:
        """Write ``data`` under ``key``, replacing what was there; readers see the old or the new file."""
        raise NotImplementedError

    def read(self, key: str) -> bytes:
        """The file's bytes; :class:`FileNotFoundError` when there is none (or the key is invalid)."""
        raise NotImplementedError

    def size(self, key: str) -> int:
        """The file's size in bytes; :class:`FileNotFoundError` when there is none."""
        raise NotImplementedError

    def exists(self, key: str) -> bool:
        try:
            self.size(key)
        except FileNotFoundError:
            return False
        return True

    def delete(self, key: str) -> None:
        """Remove the file; nothing happens when there is none."""
        raise NotImplementedError

    def list(self, prefix: str) -> list[StoredFile]:
        """The files whose key starts with ``prefix`` (a folder ends with ``/``), sorted by key."""
        raise NotImplementedError

    def replace_all(self, prefix: str, files: Mapping[str, bytes]) -> None:
        """Make ``prefix`` hold exactly ``files`` (names under the prefix → bytes).

        Unchanged files are not written again; files not named are deleted.
        """
        for name in files:
            _checked(prefix + name)
        current = {f.name_under(prefix): f.size for f in self.list(prefix)}
        for name, data in files.items():
            if current.get(name) != len(data) or self.read(prefix + name) != data:
                self.save(prefix + name, data)
        for name in current.keys() - files.keys():
            self.delete(prefix + name)

    def local_path(self, key: str) -> Path | None:
        """The file on this machine's disk when the store is a folder (served without a copy)."""
        return None


class LocalStore(FileStore):
    """The instance folder: a key is a path under it (today's layout, ``instance/media/<slug>/…``)."""

    name = "local"

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        if not valid_key(key):
            raise FileNotFoundError(key)
        path = self.root / key
        # A symbolic link placed in the folder by hand never lets a key reach outside it.
        try:
            inside = not path.is_symlink() and path.resolve().is_relative_to(self.root.resolve())
        except OSError:  # a name too long for the file system
            inside = False
        if not inside:
            raise FileNotFoundError(key)
        return path

    def save(self, key: str, data: bytes) -> None:
        path = self._path(_checked(key))
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(
            prefix=f".{path.name}.", suffix=".tmp", dir=path.parent
        )
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(data)
            os.chmod(temporary, 0o644)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def read(self, key: str) -> bytes:
        path = self._path(key)
        if not path.is_file():
            raise FileNotFoundError(key)
        return path.read_bytes()

    def size(self, key: str) -> int:
        path = self._path(key)
        try:
            return path.stat().st_size if path.is_file() else _missing(key)
        except OSError:
            raise FileNotFoundError(key) from None

    def delete(self, key: str) -> None:
        with contextlib.suppress(FileNotFoundError):  # an invalid key names no file
            self._path(key).unlink(missing_ok=True)

    def list(self, prefix: str) -> list[StoredFile]:
        folder, _, start = prefix.rpartition("/")
        base = self.root / folder if folder else self.root
        if not base.is_dir() or (folder and not valid_key(folder)):
            return []
        found = []
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in filenames:
                path = Path(dirpath, name)
                key = path.relative_to(self.root).as_posix()
                if key.startswith(prefix) and valid_key(key) and not path.is_symlink():
                    stat = path.stat()
                    found.append(
                        StoredFile(key, stat.st_size, datetime.fromtimestamp(stat.st_mtime, UTC))
                    )
        return sorted(found, key=lambda f: f.key)

    def replace_all(self, prefix: str, files: Mapping[str, bytes]) -> None:
        """A whole folder is built beside the old one and renamed into place, as imports always did."""
        if not prefix.endswith("/"):
            super().replace_all(prefix, files)
            return
        for name in files:
            _checked(prefix + name)
        target = self.root / prefix.rstrip("/")
        current = {f.name_under(prefix): f for f in self.list(prefix)}
        if current.keys() == files.keys() and all(
            current[n].size == len(d) and (target / n).read_bytes() == d for n, d in files.items()
        ):
            return
        staging = target.with_name(target.name + ".new")
        if staging.exists():
            shutil.rmtree(staging)
        staging.mkdir(parents=True)
        for name, data in files.items():
            (staging / name).parent.mkdir(parents=True, exist_ok=True)
            (staging / name).write_bytes(data)
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)

    def local_path(self, key: str) -> Path | None:
        try:
            path = self._path(key)
        except FileNotFoundError:
            return None
        return path if path.is_file() else None


class DatabaseStore(FileStore):
    """The ``stored_files`` table. Each call runs in a short transaction of its own on the app's
    engine, so a file written during a request stays when the request rolls back (as on a disk)."""

    name = "database"

    def __init__(self, app: Flask) -> None:
        self.app = app

    @property
    def _engine(self) -> Any:
        with self.app.app_context():
            return db.engine

    def save(self, key: str, data: bytes) -> None:
        table = StoredFileRow.__table__
        values = {"key": _checked(key), "size": len(data), "data": data, "updated_at": utcnow()}
        for _attempt in range(3):
            try:
                with self._engine.begin() as connection:
                    updated = connection.execute(
                        table.update().where(table.c.key == key).values(**values)
                    ).rowcount
                    if not updated:
                        connection.execute(table.insert().values(**values))
                return
            except IntegrityError:  # another node inserted the same key meanwhile: update it then
                continue
        raise StorageError(f"could not save {key}")

    def read(self, key: str) -> bytes:
        if not valid_key(
            key
        ):  # PostgreSQL refuses a NUL in a query's text: no such file either way
            raise FileNotFoundError(key)
        table = StoredFileRow.__table__
        with self._engine.connect() as connection:
            data = connection.execute(db.select(table.c.data).where(table.c.key == key)).scalar()
        if data is None:
            raise FileNotFoundError(key)
        return bytes(data)

    def size(self, key: str) -> int:
        if not valid_key(key):
            raise FileNotFoundError(key)
        table = StoredFileRow.__table__
        with self._engine.connect() as connection:
            size = connection.execute(db.select(table.c.size).where(table.c.key == key)).scalar()
        if size is None:
            raise FileNotFoundError(key)
        return int(size)

    def delete(self, key: str) -> None:
        if not valid_key(key):
            return
        table = StoredFileRow.__table__
        with self._engine.begin() as connection:
            connection.execute(table.delete().where(table.c.key == key))

    def list(self, prefix: str) -> list[StoredFile]:
        table = StoredFileRow.__table__
        with self._engine.connect() as connection:
            rows = connection.execute(
                db.select(table.c.key, table.c.size, table.c.updated_at)
                .where(table.c.key.startswith(prefix, autoescape=True))
                .order_by(table.c.key)
            ).all()
        return [StoredFile(key, size, updated_at) for key, size, updated_at in rows]

    def replace_all(self, prefix: str, files: Mapping[str, bytes]) -> None:
        """In one transaction: other nodes see the old set of files or the new one."""
        for name in files:
            _checked(prefix + name)
        table = StoredFileRow.__table__
        with self._engine.begin() as connection:
            current = dict(
                connection.execute(
                    db.select(table.c.key, table.c.data).where(
                        table.c.key.startswith(prefix, autoescape=True)
                    )
                ).all()
            )
            for name, data in files.items():
                key = prefix + name
                if key in current and bytes(current[key]) == data:
                    continue
                values = {"size": len(data), "data": data, "updated_at": utcnow()}
                if key in current:
                    connection.execute(table.update().where(table.c.key == key).values(**values))
                else:
                    connection.execute(table.insert().values(key=key, **values))
            gone = [k for k in current if k[len(prefix) :] not in files]
            if gone:
                connection.execute(table.delete().where(table.c.key.in_(gone)))


class S3Store(FileStore):
    """A bucket of an S3-compatible object store, through boto3 (the AWS SDK, which speaks to any
    S3 API: MinIO, Ceph, Garage, the clouds' own). Keys are stored under ``NTTLEARN_S3_PREFIX``."""

    name = "s3"

    def __init__(
        self,
        bucket: str,
        *,
        prefix: str = "",
        endpoint_url: str | None = None,
        region: str | None = None,
        access_key_id: str | None = None,
        secret_access_key: str | None = None,
    ) -> None:
        try:
            import boto3
            from botocore.config import Config
        except ImportError as error:  # pragma: no cover - a deployment without the s3 extra
            raise StorageError(
                "NTTLEARN_STORAGE=s3 needs boto3: pip install 'nttlearn[s3]'"
            ) from error
        if not bucket:
            raise StorageError("NTTLEARN_STORAGE=s3 needs NTTLEARN_S3_BUCKET")
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.client = boto3.client(
            "s3",
            endpoint_url=endpoint_url or None,
            region_name=region or None,
            aws_access_key_id=access_key_id or None,
            aws_secret_access_key=secret_access_key or None,
            config=Config(
                retries={"max_attempts": 3, "mode": "standard"}, connect_timeout=5, read_timeout=30
            ),
        )

    def _missing(self, error: Exception) -> bool:
        code = str(getattr(error, "response", {}).get("Error", {}).get("Code", ""))
        return code in {"404", "NoSuchKey", "NotFound"}

    def save(self, key: str, data: bytes) -> None:
        self.client.put_object(Bucket=self.bucket, Key=self.prefix + _checked(key), Body=data)

    def read(self, key: str) -> bytes:
        if not valid_key(key):
            raise FileNotFoundError(key)
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self.prefix + key)
        except self.client.exceptions.ClientError as error:
            if self._missing(error):
                raise FileNotFoundError(key) from None
            raise
        return bytes(answer["Body"].read())

    def size(self, key: str) -> int:
        if not valid_key(key):
            raise FileNotFoundError(key)
        try:
            answer = self.client.head_object(Bucket=self.bucket, Key=self.prefix + key)
        except self.client.exceptions.ClientError as error:
            if self._missing(error):
                raise FileNotFoundError(key) from None
            raise
        return int(answer["ContentLength"])

    def delete(self, key: str) -> None:
        if valid_key(key):
            self.client.delete_object(Bucket=self.bucket, Key=self.prefix + key)

    def list(self, prefix: str) -> list[StoredFile]:
        found = []
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self.prefix + prefix
        )
        for page in pages:
            for item in page.get("Contents", []):
                key = item["Key"][len(self.prefix) :]
                if valid_key(key):
                    found.append(StoredFile(key, int(item["Size"]), item.get("LastModified")))
        return sorted(found, key=lambda f: f.key)


def make_store(app: Flask, kind: str | None = None) -> FileStore:
    """The store ``NTTLEARN_STORAGE`` names (or ``kind``), for ``app``."""
    kind = str(kind or app.config.get("STORAGE") or "local").strip().lower()
    if kind == "local":
        return LocalStore(Path(app.instance_path))
    if kind == "database":
        return DatabaseStore(app)
    if kind == "s3":
        return S3Store(
            str(app.config.get("S3_BUCKET") or ""),
            prefix=str(app.config.get("S3_PREFIX") or ""),
            endpoint_url=app.config.get("S3_ENDPOINT_URL"),
            region=app.config.get("S3_REGION"),
            access_key_id=app.config.get("S3_ACCESS_KEY_ID"),
            secret_access_key=app.config.get("S3_SECRET_ACCESS_KEY"),
        )
    raise StorageError(f"NTTLEARN_STORAGE must be one of {', '.join(BACKENDS)}, not {kind!r}")


def init_app(app: Flask) -> None:
    app.extensions["nttlearn_storage"] = make_store(app)


def file_store() -> FileStore:
    """The site's file store (``NTTLEARN_STORAGE``): where media and generated files are kept."""
    return current_app.extensions["nttlearn_storage"]


def send_stored_file(
    key: str,
    *,
    mimetype: str | None = None,
    as_attachment: bool = False,
    download_name: str | None = None,
    max_age: int | None = None,
) -> Response:
    """A response with the stored file ``key`` (conditional GETs answered with 304), or
    :class:`FileNotFoundError`. A local file is streamed from the disk; any other is read whole."""
    store = file_store()
    name = download_name or key.rsplit("/", 1)[-1]
    path = store.local_path(key)
    if path is not None:
        return send_file(
            path,
            mimetype=mimetype,
            as_attachment=as_attachment,
            download_name=name,
            max_age=max_age,
            conditional=True,
        )
    data = store.read(key)
    return send_file(
        io.BytesIO(data),
        mimetype=mimetype,
        as_attachment=as_attachment,
        download_name=name,
        max_age=max_age,
        conditional=True,
        etag=hashlib.sha256(data).hexdigest()[:32],
    )


def copy_files(source: FileStore, target: FileStore, prefixes: list[str]) -> dict[str, int]:
    """Copy every file under ``prefixes`` from ``source`` into ``target`` (moving a site to another
    store); a file already there with the same bytes is left alone. Returns what was done."""
    copied = unchanged = 0
    for prefix in prefixes:
        for stored in source.list(prefix):
            data = source.read(stored.key)
            try:
                same = target.size(stored.key) == len(data) and target.read(stored.key) == data
            except FileNotFoundError:
                same = False
            if same:
                unchanged += 1
            else:
                target.save(stored.key, data)
                copied += 1
    return {"copied": copied, "unchanged": unchanged}
