"""Browser tests of the peer-review plugin against a real server, as the core's e2e tests run.

One gunicorn serves a fresh instance folder prepared by ``nttlearn init``, ``nttlearn demo`` and
``nttlearn peer_review demo --stage review`` (two cross-country teams have submitted, reviews
are open). Debian's chromium drives it through Playwright; each test gets a fresh browser
context (no cookies), the server and its database are shared by the session.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[4]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
STARTUP_TIMEOUT = 60.0
LEARNER_PASSWORD = "learner-demo-2010"


def venv_command(name: str) -> str:
    candidate = Path(sys.executable).parent / name
    found = str(candidate) if candidate.exists() else shutil.which(name)
    if found is None:
        pytest.fail(f"`{name}` is not installed in this environment")
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LiveServer:
    url: str
    instance: Path
    capstone: dict[str, Any]
    log: list[str] = field(default_factory=list)


def _run(args: list[str], env: dict[str, str]) -> str:
    result = subprocess.run([venv_command("nttlearn"), *args], cwd=REPO, env=env,
                            capture_output=True, text=True, timeout=300, check=False)
    if result.returncode != 0:
        pytest.fail(f"`nttlearn {' '.join(args)}` failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


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
def live_server(tmp_path_factory) -> Iterator[LiveServer]:
    instance = tmp_path_factory.mktemp("peer-review-e2e")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("NTTLEARN_")}
    env.update({"NTTLEARN_INSTANCE_PATH": str(instance),
                "NTTLEARN_DATABASE_URL": f"sqlite:///{instance / 'nttlearn.sqlite'}",
                "NTTLEARN_BASE_URL": url, "PYTHONUNBUFFERED": "1"})
    _run(["init"], env)
    _run(["demo"], env)
    capstone = json.loads(_run(["peer_review", "demo", "--stage", "review", "--json"], env))
    process = subprocess.Popen(
        [venv_command("gunicorn"), "--workers", "2", "--worker-class", "gthread", "--threads", "4",
         "--bind", f"127.0.0.1:{port}", "--chdir", str(REPO), "--graceful-timeout", "5",
         "--no-control-socket", "wsgi:app"],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    server = LiveServer(url=url, instance=instance, capstone=capstone)
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


@pytest.fixture(scope="session")
def browser(e2e_browser):
    return e2e_browser


@pytest.fixture
def new_page(browser, live_server):
    """``new_page()``: a page in a fresh context (no cookies), English UI."""
    contexts = []

    def make():
        context = browser.new_context(base_url=live_server.url, locale="en-GB",
                                      viewport={"width": 1280, "height": 900})
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def log_in():
    from playwright.sync_api import expect

    def submit(page, email: str, password: str = LEARNER_PASSWORD) -> None:
        page.goto("/login")
        page.locator("#email").fill(email)
        page.locator("#password").fill(password)
        page.locator("form:has(#password) [type=submit]").click()
        expect(page.locator("form[action$='/logout']")).to_be_attached()

    return submit


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """On a failure, show what the server logged: the traceback is there, not in the browser."""
    report = yield
    server = item.funcargs.get("live_server") if hasattr(item, "funcargs") else None
    if report.failed and isinstance(server, LiveServer) and server.log:
        report.sections.append(("server log (last 60 lines)", "\n".join(server.log[-60:])))
    return report
