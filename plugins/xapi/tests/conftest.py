"""Fixtures for the xAPI plugin's tests: a real Learning Record Store (Ralph, installed by
``make ralph`` into its own virtualenv ``.venv-ralph``) started once per run on 127.0.0.1 with
its file-system backend and a credentials file for basic authentication (see ralph_lrs.py), and
an app with the plugins whose events make statements."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from nttlearn.testing import free_port, repo_root

RALPH_VENV = repo_root() / ".venv-ralph"
RALPH = RALPH_VENV / "bin" / "ralph"
LRS_USER, LRS_PASSWORD = "nttlearn", "a-long-lrs-password"
HEADERS = {"X-Experience-API-Version": "1.0.3"}


@dataclass
class Lrs:
    """A running Ralph: ``url`` is its xAPI endpoint (what NTTLEARN_XAPI_ENDPOINT names)."""

    url: str
    data_file: Path

    def statements(self, **params: str) -> list[dict]:
        """Every statement the LRS holds, read back through GET /xAPI/statements."""
        found: list[dict] = []
        url, query = f"{self.url}/statements", {"limit": "500", **params}
        while url:
            response = requests.get(
                url, params=query, auth=(LRS_USER, LRS_PASSWORD), headers=HEADERS, timeout=10
            )
            response.raise_for_status()
            body = response.json()
            found.extend(body["statements"])
            more = body.get("more")
            url, query = (f"{self.url.removesuffix('/xAPI')}{more}" if more else ""), {}
        return found

    def clear(self) -> None:
        self.data_file.unlink(missing_ok=True)


@pytest.fixture(scope="session")
def ralph(tmp_path_factory) -> Iterator[Lrs]:
    if not RALPH.exists():
        pytest.skip(
            "SKIPPED: the xAPI tests against a real LRS: Ralph is not installed (make ralph creates .venv-ralph)"
        )
    folder = tmp_path_factory.mktemp("ralph")
    data = folder / "data"
    data.mkdir()
    env = {
        **os.environ,
        "RALPH_APP_DIR": str(folder / "app"),
        "RALPH_AUTH_FILE": str(folder / "auth.json"),
        "RALPH_RUNSERVER_BACKEND": "fs",
        "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(data),
    }
    subprocess.run(
        [
            str(RALPH),
            "auth",
            "-u",
            LRS_USER,
            "-p",
            LRS_PASSWORD,
            "-s",
            "all",
            "-A",
            "nttlearn-tests",
            "http://127.0.0.1",
            "-w",
        ],
        env=env,
        cwd=folder,
        check=True,
        capture_output=True,
        timeout=120,
    )
    port = free_port()
    log = (folder / "ralph.log").open("w")
    server = subprocess.Popen(
        [
            str(RALPH_VENV / "bin" / "python"),
            str(Path(__file__).with_name("ralph_lrs.py")),
            "127.0.0.1",
            str(port),
        ],
        env=env,
        cwd=folder,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    lrs = Lrs(url=f"http://127.0.0.1:{port}/xAPI", data_file=data / "fs_lrs.jsonl")
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"http://127.0.0.1:{port}/__heartbeat__", timeout=2).ok:
                    break
            except requests.ConnectionError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    "Ralph did not start:\n" + (folder / "ralph.log").read_text()[-3000:]
                )
            time.sleep(0.3)
        yield lrs
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        log.close()


@pytest.fixture
def lrs(ralph, monkeypatch) -> Lrs:
    """The LRS, emptied, with this site's xAPI settings pointing at it."""
    ralph.clear()
    monkeypatch.setenv("NTTLEARN_XAPI_ENDPOINT", ralph.url + "/")
    monkeypatch.setenv("NTTLEARN_XAPI_USERNAME", LRS_USER)
    monkeypatch.setenv("NTTLEARN_XAPI_PASSWORD", LRS_PASSWORD)
    return ralph


@pytest.fixture
def app_plugins():
    return ["xapi", "quiz", "certificates"]
