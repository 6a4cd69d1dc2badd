"""Several app nodes, one state: two real gunicorn servers on two ports, sharing PostgreSQL, Redis
and the database file store, each with an instance folder of its own (no shared disk).

Runs in the PostgreSQL pass of ``make test`` (the nodes share PostgreSQL, as in production; the
SQLite pass skips it and says so), and needs Redis on 127.0.0.1. The test makes a database of its
own on the test server, migrates it with ``nttlearn db upgrade`` and drops it at the end.
``cluster.start_app(name)`` starts another node and ``cluster.start_process(name, argv)`` any
other process on the same settings: one ``nttlearn worker`` runs beside the two nodes and does
their background jobs (mail, certificate PDFs).
"""

from __future__ import annotations

import html
import os
import re
import secrets
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from pathlib import Path

import pytest
import requests
from core_helpers import REDIS_URL
from sqlalchemy.engine import make_url

from nttlearn import create_app
from nttlearn.api import file_store
from nttlearn.extensions import db
from nttlearn.models import Enrolment, Lesson, LessonCompletion, Module
from nttlearn.testing import (
    LIVE_SERVER_STARTUP_TIMEOUT,
    TEST_PASSWORD,
    course_factory,
    free_port,
    repo_root,
    run_nttlearn,
    user_factory,
    venv_command,
)

pytestmark = pytest.mark.cluster

SWITCH_DEADLINE = 1.0  # seconds: a plugin switch reaches every node within this (issue 19)
JOB_DEADLINE = 30.0  # seconds: the worker has done a job queued by a node (it takes well under 2)


# -- reaching PostgreSQL and Redis -----------------------------------------------------------------
def _postgres_url_or_skip() -> str:
    url = os.environ.get("NTTLEARN_TEST_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        pytest.skip(
            "the cluster test runs in the PostgreSQL pass of `make test` "
            "(NTTLEARN_TEST_DATABASE_URL=postgresql+psycopg://…): its app nodes share PostgreSQL"
        )
    import psycopg

    server = make_url(url)
    try:
        psycopg.connect(
            host=server.host,
            port=server.port or 5432,
            user=server.username,
            password=server.password,
            dbname=server.database,
            connect_timeout=3,
        ).close()
    except psycopg.OperationalError as error:
        pytest.skip(
            f"the cluster test was skipped: PostgreSQL is not reachable at {server.host}:{server.port}: {error}"
        )
    return url


def _redis_url_or_skip() -> str:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"the cluster test was skipped: Redis is not reachable at {REDIS_URL}")
    return REDIS_URL


def _admin_connection(url: str):
    import psycopg

    server = make_url(url)
    return psycopg.connect(
        host=server.host,
        port=server.port or 5432,
        user=server.username,
        password=server.password,
        dbname=server.database,
        autocommit=True,
    )


# -- the cluster -----------------------------------------------------------------------------------
@dataclass
class Process:
    """One process of the cluster: an app node (``url`` set) or a worker, and what it logged."""

    name: str
    popen: subprocess.Popen
    url: str = ""
    log: list[str] = field(default_factory=list)


@dataclass
class Cluster:
    """Processes started on one shared environment (database, Redis, store, secret key)."""

    env: dict[str, str]
    folder: Path
    processes: list[Process] = field(default_factory=list)

    def start_process(
        self,
        name: str,
        argv: list[str],
        extra_env: dict[str, str] | None = None,
        ready: str | None = None,
    ) -> Process:
        """Start ``argv`` (its first item a command of the virtualenv) with the shared settings, an
        instance folder of its own, and its output kept; wait for ``ready`` in its output if given."""
        env = {**self.env, "NTTLEARN_INSTANCE_PATH": str(self.folder / name), **(extra_env or {})}
        popen = subprocess.Popen(
            [venv_command(argv[0]), *argv[1:]],
            cwd=repo_root(),
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        process = Process(name, popen)
        seen = threading.Event()

        def drain() -> None:
            for line in popen.stdout:
                process.log.append(line.rstrip())
                if ready and ready in line:
                    seen.set()
            seen.set()

        threading.Thread(target=drain, daemon=True).start()
        self.processes.append(process)
        if ready and (not seen.wait(LIVE_SERVER_STARTUP_TIMEOUT) or popen.poll() is not None):
            pytest.fail(f"{name} did not start:\n" + "\n".join(process.log[-40:]))
        return process

    def start_app(self, name: str) -> Process:
        """An app node: gunicorn with two workers (so state shared between processes really is)."""
        port = free_port()
        process = self.start_process(
            name,
            [
                "gunicorn",
                "--workers",
                "2",
                "--worker-class",
                "gthread",
                "--threads",
                "4",
                "--bind",
                f"127.0.0.1:{port}",
                "--graceful-timeout",
                "5",
                "--no-control-socket",
                "wsgi:app",
            ],
            ready="Listening at:",
        )
        process.url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + LIVE_SERVER_STARTUP_TIMEOUT
        while True:  # both workers booted and answering
            try:
                if (
                    requests.get(
                        process.url + "/login", timeout=LIVE_SERVER_STARTUP_TIMEOUT
                    ).status_code
                    == 200
                ):
                    return process
            except requests.RequestException:
                pass
            if time.monotonic() > deadline or process.popen.poll() is not None:
                pytest.fail(f"{name} does not answer:\n" + "\n".join(process.log[-40:]))
            time.sleep(0.2)

    def stop(self) -> None:
        for process in self.processes:
            process.popen.terminate()
        for process in self.processes:
            try:
                process.popen.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.popen.kill()
                process.popen.wait()


def _signing_key(path: Path) -> Path:
    """One certificate signing key for every node (each node's own ring would sign with another)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    path.write_bytes(
        Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    path.chmod(0o600)
    return path


@pytest.fixture(scope="module")
def cluster_database(tmp_path_factory) -> Iterator[str]:
    """A database of the cluster's own on the test server, migrated as an operator would."""
    base = _postgres_url_or_skip()
    name = f"nttlearn_cluster_{uuid.uuid4().hex[:10]}"
    with _admin_connection(base) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    url = make_url(base).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with _admin_connection(base) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def cluster(cluster_database, tmp_path_factory) -> Iterator[Cluster]:
    """Nodes ``a`` and ``b`` serving one site; more processes can join with the same settings."""
    redis_url = _redis_url_or_skip()
    folder = tmp_path_factory.mktemp("cluster")
    env = {k: v for k, v in os.environ.items() if not k.startswith("NTTLEARN_")}
    env.update(
        {
            "NTTLEARN_DATABASE_URL": cluster_database,
            "NTTLEARN_REDIS_URL": redis_url,
            "NTTLEARN_STORAGE": "database",
            "NTTLEARN_SECRET_KEY": secrets.token_hex(32),
            "NTTLEARN_BASE_URL": "http://127.0.0.1",
            "NTTLEARN_CERTIFICATES_SIGNING_KEY_FILE": str(_signing_key(folder / "signing-key.pem")),
            # Each test client names its own address (X-Forwarded-For), so that the per-address login
            # limits of this test never meet those of other tests using the same Redis.
            "NTTLEARN_PROXY_COUNT": "1",
            # Queues of the cluster's own: its worker takes no other test's jobs, nor they its.
            "NTTLEARN_JOBS_QUEUE_PREFIX": f"nttlearn-cluster-{uuid.uuid4().hex[:10]}-",
            "PYTHONUNBUFFERED": "1",
        }
    )
    run_nttlearn({**env, "NTTLEARN_INSTANCE_PATH": str(folder / "setup")}, "db", "upgrade")
    cluster = Cluster(env, folder)
    try:
        cluster.start_app("a")
        cluster.start_app("b")
        cluster.start_process("worker", ["nttlearn", "worker"])
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(scope="module")
def nodes(cluster) -> tuple[str, str]:
    a, b = (p for p in cluster.processes if p.name in ("a", "b"))
    return a.url, b.url


@pytest.fixture(scope="module")
def site(cluster, cluster_database):
    """The site's database, for arranging: an app on it (never serving) in its app context."""
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": cluster_database,
            "INSTANCE_PATH": str(cluster.folder / "setup"),
            "STORAGE": "database",
            "SECRET_KEY": "arranging only",
            "BASE_URL": cluster.env["NTTLEARN_BASE_URL"],
        }
    )
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="module")
def world(site):
    """A published course with a trainer and an enrolled learner, and an administrator."""
    make_user, make_course = user_factory(), course_factory()
    trainer, learner, admin = make_user(role="trainer"), make_user(), make_user(role="admin")
    course = make_course(modules=1, lessons=2, trainer=trainer)
    db.session.add(Enrolment(user_id=learner.id, course_id=course.id))
    db.session.commit()
    lesson_ids = (
        db.session.execute(
            db.select(Lesson.id)
            .join(Module)
            .where(Module.course_id == course.id)
            .order_by(Module.position, Lesson.position)
        )
        .scalars()
        .all()
    )
    return {
        "trainer": trainer.email,
        "learner": learner.email,
        "learner_id": learner.id,
        "admin": admin.email,
        "slug": course.slug,
        "course_id": course.id,
        "lesson_ids": list(lesson_ids),
    }


# -- a browser that may reach either node ------------------------------------------------------------
class Browser:
    """One person's cookies, sent to whichever node is asked, as a load balancer would do."""

    def __init__(self) -> None:
        self.http = requests.Session()
        self.http.headers["X-Forwarded-For"] = f"198.51.100.{secrets.randbelow(250) + 1}"

    def get(self, url: str, **kwargs) -> requests.Response:
        return self.http.get(url, allow_redirects=False, timeout=30, **kwargs)

    def post(self, url: str, data: dict[str, str]) -> requests.Response:
        return self.http.post(url, data=data, allow_redirects=False, timeout=30)

    def form(self, url: str) -> dict[str, str]:
        """The hidden fields (CSRF token, versions) of the page at ``url``."""
        page = self.get(url)
        assert page.status_code == 200, f"{url}: {page.status_code}"
        fields = {}
        for tag in re.findall(r"<input\b[^>]*>", page.text):
            attributes = dict(re.findall(r'([a-z_-]+)="([^"]*)"', tag))
            if attributes.get("type") == "hidden" and "name" in attributes:
                fields[attributes["name"]] = html.unescape(attributes.get("value", ""))
        assert "csrf_token" in fields, f"{url} has no form:\n{page.text[:3000]}"
        return fields

    def log_in(self, node: str, email: str) -> None:
        token = self.form(f"{node}/login")["csrf_token"]
        answer = self.post(
            f"{node}/login", {"csrf_token": token, "email": email, "password": TEST_PASSWORD}
        )
        assert answer.status_code == 302, f"login on {node} failed: {answer.status_code}"


def _logged_in(response: requests.Response) -> bool:
    return response.status_code == 200


# -- the scenarios of issue 19 -----------------------------------------------------------------------
def test_a_learner_logged_in_on_node_a_continues_on_node_b(nodes, world, site):
    a, b = nodes
    slug, first, second = world["slug"], *world["lesson_ids"]
    learner = Browser()
    learner.log_in(a, world["learner"])

    assert _logged_in(learner.get(f"{b}/dashboard"))
    token = learner.form(f"{b}/courses/{slug}/lessons/{first}")["csrf_token"]
    done = learner.post(f"{b}/courses/{slug}/lessons/{first}/done", {"csrf_token": token})
    assert done.status_code == 302
    page_on_a = learner.get(f"{a}/courses/{slug}/lessons/{first}")
    assert page_on_a.status_code == 200 and f"/lessons/{first}/not-done" in page_on_a.text
    assert learner.get(f"{a}/courses/{slug}/lessons/{second}").status_code == 200
    db.session.remove()
    assert (
        db.session.execute(
            db.select(LessonCompletion).filter_by(user_id=world["learner_id"], lesson_id=first)
        ).scalar()
        is not None
    )


def test_a_lesson_edited_on_node_a_is_served_new_by_node_b_on_the_next_request(nodes, world):
    a, b = nodes
    course_id, slug, lesson_id = world["course_id"], world["slug"], world["lesson_ids"][1]
    learner, trainer = Browser(), Browser()
    learner.log_in(b, world["learner"])
    assert (
        "Rewritten on node A" not in learner.get(f"{b}/courses/{slug}/lessons/{lesson_id}").text
    )  # B has it cached
    trainer.log_in(a, world["trainer"])
    form = trainer.form(f"{a}/author/courses/{course_id}/lessons/{lesson_id}")

    saved = trainer.post(
        f"{a}/author/courses/{course_id}/lessons/{lesson_id}",
        {
            **form,
            "title": "Lesson 1.2",
            "minutes": "10",
            "kind": "lesson",
            "required": "y",
            "body": "## Partners\n\nRewritten on node A: each partner town names a coordinator.\n",
            "submit": "Save",
        },
    )

    assert saved.status_code == 302, saved.text[:2000]
    page = learner.get(f"{b}/courses/{slug}/lessons/{lesson_id}")
    assert (
        page.status_code == 200
        and "Rewritten on node A: each partner town names a coordinator." in page.text
    )


def test_a_plugin_disabled_on_node_b_answers_404_on_node_a_within_a_second(nodes, world):
    a, b = nodes
    admin = Browser()
    admin.log_in(b, world["admin"])
    assert requests.get(f"{a}/verify", timeout=30).status_code == 200
    token = admin.form(f"{b}/admin/plugins")["csrf_token"]

    switched = admin.post(
        f"{b}/admin/plugins/certificates", {"csrf_token": token, "enabled": "0", "confirmed": "1"}
    )
    started = time.monotonic()
    try:
        assert switched.status_code == 302
        while (status := requests.get(f"{a}/verify", timeout=30).status_code) != 404:
            assert status == 200
            assert time.monotonic() - started < SWITCH_DEADLINE, (
                "node A still serves the disabled plugin"
            )
        assert time.monotonic() - started < SWITCH_DEADLINE
    finally:
        admin.post(f"{b}/admin/plugins/certificates", {"csrf_token": token, "enabled": "1"})
    started = time.monotonic()
    while requests.get(f"{a}/verify", timeout=30).status_code != 200:
        assert time.monotonic() - started < SWITCH_DEADLINE, (
            "node A does not serve the plugin enabled again"
        )


def test_logging_out_on_node_b_ends_the_session_on_node_a(nodes, world):
    a, b = nodes
    learner = Browser()
    learner.log_in(a, world["learner"])
    assert _logged_in(learner.get(f"{a}/dashboard"))
    token = learner.form(f"{b}/dashboard")["csrf_token"]
    stolen_cookies = learner.http.cookies.copy()  # what a copied cookie would still carry

    assert learner.post(f"{b}/logout", {"csrf_token": token}).status_code == 302

    replay = requests.get(
        f"{a}/dashboard", cookies=stolen_cookies, allow_redirects=False, timeout=30
    )
    assert replay.status_code == 302 and "/login" in replay.headers["Location"]
    assert learner.get(f"{a}/dashboard").status_code == 302


def test_failed_logins_on_both_nodes_count_together(nodes, world, site):
    a, b = nodes
    limit = site.config["LOGIN_RATE_LIMIT"][0]
    victim = user_factory()()
    guesser = Browser()
    for attempt in range(limit):
        node = (a, b)[attempt % 2]
        token = guesser.form(f"{node}/login")["csrf_token"]
        assert (
            guesser.post(
                f"{node}/login", {"csrf_token": token, "email": victim.email, "password": "wrong"}
            ).status_code
            == 200
        )

    for node in (a, b):
        token = guesser.form(f"{node}/login")["csrf_token"]
        refused = guesser.post(
            f"{node}/login", {"csrf_token": token, "email": victim.email, "password": TEST_PASSWORD}
        )
        assert refused.status_code == 429


def test_media_uploaded_on_node_a_is_served_by_node_b(nodes, world):
    from media_samples import PNG

    a, b = nodes
    trainer = Browser()
    trainer.log_in(a, world["trainer"])
    token = trainer.form(f"{a}/author/courses/{world['course_id']}/media")["csrf_token"]
    name = f"map-{uuid.uuid4().hex[:8]}"

    uploaded = trainer.http.post(
        f"{a}/author/courses/{world['course_id']}/media",
        data={"csrf_token": token},
        files={"image": (f"{name}.png", PNG, "image/png")},
        allow_redirects=False,
        timeout=30,
    )

    assert uploaded.status_code == 302
    served = requests.get(f"{b}/courses/{world['slug']}/media/{name}.png", timeout=30)
    assert served.status_code == 200 and served.content == PNG


def test_a_certificate_issued_on_node_a_is_drawn_and_mailed_by_the_worker_and_downloaded_from_node_b(
    cluster, nodes, world, site
):
    from nttlearn_certificates import designs
    from nttlearn_certificates.models import IssuedCertificate

    a, b = nodes
    worker = next(p for p in cluster.processes if p.name == "worker")
    worker_outbox = cluster.folder / "worker" / "mail"
    trainer, learner = Browser(), Browser()
    trainer.log_in(a, world["trainer"])
    token = trainer.form(f"{a}/certificates/courses/{world['course_id']}")["csrf_token"]

    issued = trainer.post(
        f"{a}/certificates/courses/{world['course_id']}/issue",
        {
            "csrf_token": token,
            "learner": str(world["learner_id"]),
            "reason": "Attended the seminar in Luleå.",
        },
    )

    assert issued.status_code == 302
    db.session.remove()
    certificate = db.session.execute(
        db.select(IssuedCertificate).filter_by(
            user_id=world["learner_id"], course_id=world["course_id"]
        )
    ).scalar_one()
    deadline = time.monotonic() + JOB_DEADLINE
    while not (
        file_store().exists(designs.pdf_cache_key(certificate)) and any(worker_outbox.glob("*.eml"))
    ):
        assert worker.popen.poll() is None, "the worker stopped:\n" + "\n".join(worker.log[-40:])
        assert time.monotonic() < deadline, "the worker did not do the jobs:\n" + "\n".join(
            worker.log[-40:]
        )
        time.sleep(0.2)
    mails = [
        message_from_bytes(p.read_bytes(), policy=policy.default)
        for p in worker_outbox.glob("*.eml")
    ]
    assert any(
        mail["To"] == world["learner"] and certificate.code in mail.get_content() for mail in mails
    )
    for node in ("a", "b"):  # the nodes queued the mail; neither sent it
        assert not (cluster.folder / node / "mail").exists()
    learner.log_in(b, world["learner"])
    page = learner.get(f"{b}/certificates/{certificate.code}")
    assert page.status_code == 200 and "being prepared" not in page.text
    pdf = learner.get(f"{b}/certificates/{certificate.code}/certificate.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf.content == file_store().read(designs.pdf_cache_key(certificate))
