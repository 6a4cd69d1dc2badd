"""A real server for the quiz's browser test: gunicorn (two workers) on 127.0.0.1 serving a fresh
instance made by ``nttlearn init`` (the shipped courses, their quizzes included) with one
enrolled learner; Debian's chromium driven by Playwright, a fresh context per test."""

from __future__ import annotations

import http.client
import os
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[4]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
LEARNER = ("quiz-learner@example.org", "harbour-lantern-quietly-2010")
COURSE = "designing-twinned-town-networks"
STARTUP_TIMEOUT = 60.0


def _command(name: str) -> str:
    candidate = Path(sys.executable).parent / name
    found = str(candidate) if candidate.exists() else shutil.which(name)
    if found is None:
        pytest.fail(f"`{name}` is not installed in this environment")
    return found


def _nttlearn(env: dict[str, str], *args: str) -> None:
    result = subprocess.run([_command("nttlearn"), *args], cwd=REPO, env=env, capture_output=True, text=True,
                            timeout=300, check=False)
    if result.returncode != 0:
        pytest.fail(f"`nttlearn {' '.join(args)}` failed:\n{result.stdout}\n{result.stderr}")


@dataclass
class QuizServer:
    url: str
    log: list[str] = field(default_factory=list)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _drain(stream, log: list[str], listening: threading.Event) -> None:
    for line in stream:
        log.append(line.rstrip())
        if "Listening at:" in line:
            listening.set()
    listening.set()


def _answers(url: str) -> bool:
    host, port = url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=STARTUP_TIMEOUT)
    try:
        conn.request("GET", "/")
        return conn.getresponse().status == 200
    except OSError:
        return False
    finally:
        conn.close()


@pytest.fixture(scope="session")
def quiz_server(tmp_path_factory) -> Iterator[QuizServer]:
    instance = tmp_path_factory.mktemp("quiz-e2e-instance")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("NTTLEARN_")}
    env.update({"NTTLEARN_INSTANCE_PATH": str(instance), "NTTLEARN_BASE_URL": url,
                "NTTLEARN_DATABASE_URL": f"sqlite:///{instance / 'nttlearn.sqlite'}", "PYTHONUNBUFFERED": "1"})
    _nttlearn(env, "init")
    _nttlearn(env, "users", "create", LEARNER[0], "--name", "Quiz Learner", "--password", LEARNER[1])
    _nttlearn(env, "users", "enrol", LEARNER[0], COURSE)
    process = subprocess.Popen(
        [_command("gunicorn"), "--workers", "2", "--worker-class", "gthread", "--threads", "4",
         "--bind", f"127.0.0.1:{port}", "--chdir", str(REPO), "--graceful-timeout", "5", "--no-control-socket",
         "wsgi:app"],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    server = QuizServer(url)
    listening = threading.Event()
    threading.Thread(target=_drain, args=(process.stdout, server.log, listening), daemon=True).start()
    try:
        if not listening.wait(STARTUP_TIMEOUT) or process.poll() is not None or not _answers(url):
            pytest.fail("gunicorn did not start:\n" + "\n".join(server.log[-40:]))
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def learner_account() -> tuple[str, str, str]:
    """(e-mail, password, course slug) of the learner the server was prepared with."""
    return (*LEARNER, COURSE)


@pytest.fixture(scope="session")
def chromium(e2e_browser):
    return e2e_browser


@pytest.fixture
def context(chromium, quiz_server):
    """A fresh browser context (its own cookies), English, on the quiz server."""
    context = chromium.new_context(base_url=quiz_server.url, locale="en-GB")
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """On a failure, show what the server logged."""
    report = yield
    server = item.funcargs.get("quiz_server") if hasattr(item, "funcargs") else None
    if report.failed and isinstance(server, QuizServer) and server.log:
        report.sections.append(("server log (last 60 lines)", "\n".join(server.log[-60:])))
    return report
