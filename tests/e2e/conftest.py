"""Browser tests against the real server.

One gunicorn (two workers, so state that must be shared between processes really is) serves a
fresh instance folder prepared by ``nttlearn init`` and ``nttlearn demo``, exactly as ``make run``
prepares a laptop. Debian's chromium drives it through Playwright; every test gets a fresh
browser context (no cookies), the server and its database are shared by the session.
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

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--no-first-run",
]
STARTUP_TIMEOUT = 60.0
DEMO_PASSWORDS = {
    "learner@example.org": "learner-demo-2010",
    "trainer@example.org": "trainer-demo-2010",
    "admin@example.org": "admin-demo-2010",
}


def venv_command(name: str) -> str:
    """The console script installed beside this Python (the venv's), else the one on PATH."""
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
    """A running gunicorn on 127.0.0.1, its instance folder and what it has logged."""

    url: str
    instance: Path
    env: dict[str, str]
    log: list[str] = field(default_factory=list)

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run ``nttlearn ARGS`` against the same instance and database as the server."""
        return subprocess.run(
            [venv_command("nttlearn"), *args], cwd=REPO, env=self.env, capture_output=True,
            text=True, timeout=120, check=False,
        )

    def plugins(self) -> dict[str, dict[str, Any]]:
        result = self.cli("plugins", "list", "--json")
        assert result.returncode == 0, result.stderr
        return {row["name"]: row for row in json.loads(result.stdout)}


def _prepare_instance(instance: Path, env: dict[str, str]) -> None:
    for args in (["init"], ["demo"]):
        result = subprocess.run(
            [venv_command("nttlearn"), *args], cwd=REPO, env=env, capture_output=True, text=True,
            timeout=300, check=False,
        )
        if result.returncode != 0:
            pytest.fail(f"`nttlearn {' '.join(args)}` failed:\n{result.stdout}\n{result.stderr}")


def _drain(stream, log: list[str], listening: threading.Event) -> None:
    """Keep the server's pipe empty (a full pipe would block it) and notice when it listens."""
    for line in stream:
        log.append(line.rstrip())
        if "Listening at:" in line:
            listening.set()
    listening.set()  # the process ended: stop waiting, the caller finds out why


def _answers(url: str) -> bool:
    """One GET /: it waits (bounded) until a worker has booted and loaded the app."""
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
    instance = tmp_path_factory.mktemp("e2e-instance")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("NTTLEARN_")}
    env.update({
        "NTTLEARN_INSTANCE_PATH": str(instance),
        "NTTLEARN_DATABASE_URL": f"sqlite:///{instance / 'nttlearn.sqlite'}",
        "NTTLEARN_BASE_URL": url,
        "NTTLEARN_STRICT_PLUGINS": os.environ.get("NTTLEARN_STRICT_PLUGINS", ""),
        "PYTHONUNBUFFERED": "1",
    })
    _prepare_instance(instance, env)
    process = subprocess.Popen(
        [venv_command("gunicorn"), "--workers", "2", "--worker-class", "gthread", "--threads", "4",
         "--bind", f"127.0.0.1:{port}", "--chdir", str(REPO), "--graceful-timeout", "5", "--no-control-socket", "wsgi:app"],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    server = LiveServer(url=url, instance=instance, env=env)
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
    """``new_page(width=1280, height=900)``: a page in a fresh context (no cookies), English UI."""
    contexts = []

    def make(width: int = 1280, height: int = 900):
        context = browser.new_context(
            base_url=live_server.url, locale="en-GB", viewport={"width": width, "height": height},
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def log_in():
    """``log_in(page, email, password=None)`` through the login form (demo passwords by default)."""
    from playwright.sync_api import expect

    def submit(page, email: str, password: str | None = None) -> None:
        page.goto("/login")
        page.locator("#email").fill(email)
        page.locator("#password").fill(password or DEMO_PASSWORDS[email])
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
