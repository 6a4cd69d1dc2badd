"""The file store (nttlearn/storage.py): the same behaviour from the instance folder, the database
and an S3-compatible object store, and files one app node saves served by another.

The S3 store is tested against moto's S3 server, a real S3 HTTP API on 127.0.0.1 started here as
a process of its own: the test double of the object stores production uses (MinIO, AWS S3, …).
"""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from media_samples import PNG

from nttlearn.cli import main
from nttlearn.extensions import db
from nttlearn.storage import (
    DatabaseStore,
    LocalStore,
    S3Store,
    StorageError,
    file_store,
    make_store,
    valid_key,
)
from nttlearn.testing import TEST_PASSWORD

BACKENDS = ("local", "database", "s3")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory):
    """moto's S3 server on a free port; skipped (saying why) when moto is not installed."""
    pytest.importorskip(
        "moto.server", reason="moto[server] is not installed (pip install -e '.[test]')"
    )
    pytest.importorskip("boto3", reason="boto3 is not installed (pip install -e '.[test]')")
    port = _free_port()
    log = tmp_path_factory.mktemp("moto") / "moto.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test"},
        )
    deadline = time.monotonic() + 120  # a machine busy with other work starts it slowly
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"moto's S3 server did not start: {log.read_text()}")
            time.sleep(0.1)
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(10)


def s3_config(endpoint: str, bucket: str | None = None) -> dict[str, str]:
    """Settings of a fresh bucket on the test S3 server (made here, as an operator would make it)."""
    import boto3

    bucket = bucket or f"nttlearn-{uuid.uuid4().hex[:12]}"
    boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    ).create_bucket(Bucket=bucket)
    return {
        "STORAGE": "s3",
        "S3_BUCKET": bucket,
        "S3_ENDPOINT_URL": endpoint,
        "S3_REGION": "us-east-1",
        "S3_ACCESS_KEY_ID": "test",
        "S3_SECRET_ACCESS_KEY": "test",
        "S3_PREFIX": "site",
    }


@pytest.fixture(params=BACKENDS)
def backend_config(request) -> dict[str, str]:
    """The settings of one store: each test below runs once per store."""
    if request.param == "s3":
        return s3_config(request.getfixturevalue("s3_server"))
    return {"STORAGE": request.param}


@pytest.fixture
def app_config(backend_config):
    return backend_config


@pytest.fixture
def store(app):
    return file_store()


def test_the_setting_chooses_the_store(app, backend_config):
    expected = {"local": LocalStore, "database": DatabaseStore, "s3": S3Store}[
        backend_config["STORAGE"]
    ]

    assert type(file_store()) is expected


def test_a_saved_file_is_read_back_sized_replaced_and_deleted(store):
    store.save("media/ntt/map.png", PNG)

    assert store.read("media/ntt/map.png") == PNG
    assert store.size("media/ntt/map.png") == len(PNG) and store.exists("media/ntt/map.png")
    store.save("media/ntt/map.png", b"second version")
    assert store.read("media/ntt/map.png") == b"second version"
    assert store.size("media/ntt/map.png") == len(b"second version")
    store.delete("media/ntt/map.png")
    assert not store.exists("media/ntt/map.png")
    store.delete("media/ntt/map.png")  # deleting what is gone is no error


def test_a_missing_file_is_file_not_found(store):
    with pytest.raises(FileNotFoundError):
        store.read("media/ntt/none.png")
    with pytest.raises(FileNotFoundError):
        store.size("media/ntt/none.png")
    assert not store.exists("media/ntt/none.png")


def test_a_listing_holds_the_prefix_only_sorted_with_sizes(store):
    for key, data in [
        ("media/ntt/b.pdf", b"bb"),
        ("media/ntt/a.png", b"a"),
        ("media/ntt/sub/c.mp3", b"ccc"),
        ("media/ntt-2/a.png", b"other course"),
        ("certificates/pdf/X.pdf", b"pdf"),
    ]:
        store.save(key, data)

    listed = store.list("media/ntt/")

    assert [(f.key, f.size) for f in listed] == [
        ("media/ntt/a.png", 1),
        ("media/ntt/b.pdf", 2),
        ("media/ntt/sub/c.mp3", 3),
    ]
    assert [f.name_under("media/ntt/") for f in listed] == ["a.png", "b.pdf", "sub/c.mp3"]
    assert store.list("media/none/") == []


@pytest.mark.parametrize(
    "key",
    [
        "../secret_key",
        "media/../../etc/passwd",
        "/etc/passwd",
        "media//x.png",
        "media/.hidden",
        "media\\x.png",
        "media/x\0.png",
        "",
        "x" * 501,
    ],
)
def test_a_key_that_could_leave_its_folder_is_refused(store, key):
    assert not valid_key(key)
    with pytest.raises(ValueError):
        store.save(key, b"x")
    with pytest.raises(FileNotFoundError):
        store.read(key)
    assert not store.exists(key)


def test_replacing_a_folder_leaves_exactly_the_new_files(store):
    store.save("media/ntt/old.png", b"old")
    store.save("media/ntt/kept.png", b"kept")
    store.save("media/ntt-2/other.png", b"other course")

    store.replace_all(
        "media/ntt/", {"kept.png": b"kept", "new.pdf": b"new", "sub/deep.png": b"deep"}
    )

    assert {f.key: store.read(f.key) for f in store.list("media/ntt/")} == {
        "media/ntt/kept.png": b"kept",
        "media/ntt/new.pdf": b"new",
        "media/ntt/sub/deep.png": b"deep",
    }
    assert store.read("media/ntt-2/other.png") == b"other course"
    store.replace_all("media/ntt/", {})
    assert store.list("media/ntt/") == []


def test_a_file_saved_during_a_request_that_fails_stays_saved(app, store):
    """As a file on a disk does: a store is not part of the request's transaction."""
    with app.test_request_context():
        store.save("media/ntt/kept.png", PNG)
        db.session.rollback()

    assert store.read("media/ntt/kept.png") == PNG


def test_an_unknown_store_or_a_bucketless_s3_store_stops_the_start(app_factory):
    app = app_factory()
    app.config["STORAGE"] = "ftp"
    with pytest.raises(StorageError, match="must be one of local, database, s3"):
        make_store(app)
    app.config.update(STORAGE="s3", S3_BUCKET="")
    pytest.importorskip("boto3")
    with pytest.raises(StorageError, match="NTTLEARN_S3_BUCKET"):
        make_store(app)


# -- two app nodes -------------------------------------------------------------------------------
@pytest.fixture
def node_b(app, app_factory, backend_config, tmp_path):
    """A second app on the test's database, as a second app node beside ``app``: with the database
    or S3 store it has an instance folder of its own (nothing shared on disk); the local store
    shares the folder, as nodes do that mount one network file system."""
    config = dict(backend_config)
    if backend_config["STORAGE"] != "local":
        config["INSTANCE_PATH"] = str(tmp_path / "node-b")
    return app_factory(config=config)


def test_media_uploaded_on_one_node_is_served_by_the_other(app, node_b, make_user, make_course):
    trainer = make_user(role="trainer")
    course = make_course(modules=1, lessons=1, trainer=trainer)
    slug, course_id, email = course.slug, course.id, trainer.email
    db.session.commit()
    a, b = app.test_client(), node_b.test_client()
    a.post("/login", data={"email": email, "password": TEST_PASSWORD})

    uploaded = a.post(
        f"/author/courses/{course_id}/media",
        data={"image": (io.BytesIO(PNG), "Town map.png")},
        content_type="multipart/form-data",
    )

    assert uploaded.status_code == 302
    served = b.get(f"/courses/{slug}/media/town-map.png")
    assert served.status_code == 200 and served.data == PNG and served.mimetype == "image/png"
    again = b.get(
        f"/courses/{slug}/media/town-map.png", headers={"If-None-Match": served.headers["ETag"]}
    )
    assert again.status_code == 304
    assert b.get(f"/courses/{slug}/media/none.png").status_code == 404
    assert b.get(f"/courses/{slug}/media/..%2F..%2Fsecret_key").status_code == 404
    assert b.get(f"/courses/{slug}/media/.hidden").status_code == 404


def test_the_local_store_keeps_todays_paths(app_factory, tmp_path):
    app = app_factory(config={"STORAGE": "local"})
    with app.app_context():
        file_store().save("media/ntt/map.png", PNG)

        assert (Path(app.instance_path) / "media" / "ntt" / "map.png").read_bytes() == PNG


def test_the_copy_command_moves_a_sites_files_into_the_new_store(app_factory, tmp_path):
    app = app_factory(config={"STORAGE": "database"})
    with app.app_context():
        local = make_store(app, "local")
        local.save("media/ntt/map.png", PNG)
        local.save("media/ntt/notes.pdf", b"%PDF-1.4 notes")
        local.save("mail/not-copied.eml", b"mail stays")
        file_store().save("media/ntt/notes.pdf", b"%PDF-1.4 notes")

    def nttlearn(*args: str):
        with app.app_context():
            return app.test_cli_runner().invoke(main, list(args))

    result = nttlearn("storage", "copy", "--from", "local", "--json")

    assert result.exit_code == 0, result.output
    assert '"copied": 1' in result.output and '"unchanged": 1' in result.output
    with app.app_context():
        assert [f.key for f in file_store().list("")] == [
            "media/ntt/map.png",
            "media/ntt/notes.pdf",
        ]
        assert file_store().read("media/ntt/map.png") == PNG
    refused = nttlearn("storage", "copy", "--from", "database")
    assert refused.exit_code != 0 and "the site's store is database already" in refused.output
    assert nttlearn("storage", "copy", "--from", "local", "--prefix", "../").exit_code != 0
