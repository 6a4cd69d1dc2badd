"""A real OpenID Connect provider for the single sign-on tests: panva's ``oidc-provider`` (npm),
pinned in ``tests/oidc/package-lock.json``, run by ``tests/oidc/provider.mjs`` on 127.0.0.1, and a
browser's walk through its login with ``requests`` (the site's side is the Flask test client).

``make test`` installs Node.js and the packages (the Makefile's ``node`` target); without
Node.js the tests that need the provider are skipped with a line that says so.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests

from nttlearn.testing import free_port

OIDC_DIR = Path(__file__).parent / "oidc"
SITE = "http://nttlearn.test"  # the test app's BASE_URL: the address the provider redirects to
CLIENT_ID, CLIENT_SECRET = "nttlearn", "tests-only-secret"
PROVIDER_KEY = "city"
NPM_TIMEOUT, START_TIMEOUT = 300, 30

# The provider's people: login (= subject) → password and claims.
ACCOUNTS = {
    "anna-sub": {
        "password": "anna-pw",
        "claims": {
            "email": "anna.virtanen@kunta.example",
            "email_verified": True,
            "name": "Anna Virtanen",
            "given_name": "Anna",
            "family_name": "Virtanen",
            "locale": "fi-FI",
            "org_name": "Järvenpään kaupunki",
            "org_country": "fi",
        },
    },
    "paolo-sub": {
        "password": "paolo-pw",
        "claims": {
            "email": "paolo.bianchi@comune.example",
            "email_verified": True,
            "name": "Paolo Bianchi",
            "org_name": ["Comune di Bologna", "Città metropolitana"],
        },
    },
    "marco-sub": {
        "password": "marco-pw",
        "claims": {
            "email": "marco.rossi@comune.example",
            "email_verified": True,
            "name": "Marco Rossi",
            "locale": "it",
        },
    },
    "unverified-sub": {
        "password": "unverified-pw",
        "claims": {
            "email": "someone@elsewhere.example",
            "email_verified": False,
            "name": "Someone Else",
        },
    },
    "no-email-sub": {"password": "no-email-pw", "claims": {"name": "Nameless"}},
}


@dataclass(frozen=True)
class TestProvider:
    issuer: str

    def settings(self, **overrides: str) -> dict[str, str]:
        from nttlearn.config import check_oidc_provider

        return check_oidc_provider(
            {
                "key": PROVIDER_KEY,
                "name": "City ID",
                "issuer": self.issuer,
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                **overrides,
            }
        )


def _installed_node() -> str:
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.skip(
            "Node.js and npm are not installed, so single sign-on cannot be tested against a real "
            "OpenID provider: `make test` installs them (Debian's nodejs and npm)"
        )
    with open(OIDC_DIR / ".npm-ci.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # two test sessions at once install once
        installed = OIDC_DIR / "node_modules" / ".package-lock.json"
        if (
            not installed.is_file()
            or installed.stat().st_mtime < (OIDC_DIR / "package-lock.json").stat().st_mtime
        ):
            done = subprocess.run(
                [npm, "ci", "--no-audit", "--no-fund"],
                cwd=OIDC_DIR,
                capture_output=True,
                text=True,
                timeout=NPM_TIMEOUT,
            )
            if done.returncode != 0:
                pytest.fail(f"`npm ci` in {OIDC_DIR} failed:\n{done.stdout}\n{done.stderr}")
    return node


def run_provider(redirect_uris: list[str]) -> Iterator[TestProvider]:
    """Start the provider on a free port and stop it after the block."""
    node, port = _installed_node(), free_port()
    env = {
        **os.environ,
        "OIDC_PORT": str(port),
        "OIDC_CLIENTS": json.dumps(
            [
                {
                    "client_id": CLIENT_ID,
                    "client_secret": CLIENT_SECRET,
                    "redirect_uris": redirect_uris,
                }
            ]
        ),
        "OIDC_ACCOUNTS": json.dumps(ACCOUNTS),
    }
    process = subprocess.Popen(
        [node, str(OIDC_DIR / "provider.mjs")],
        cwd=OIDC_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    listening, log = threading.Event(), []

    def read() -> None:
        for line in process.stdout:
            log.append(line)
            if line.startswith("listening "):
                listening.set()

    threading.Thread(target=read, daemon=True).start()
    try:
        if not listening.wait(START_TIMEOUT):
            pytest.fail("the OpenID provider did not start:\n" + "".join(log))
        yield TestProvider(issuer=f"http://127.0.0.1:{port}")
    finally:
        process.terminate()
        process.wait(timeout=10)


class Browser:
    """A person's browser: the site through the Flask test client, the provider through HTTP."""

    def __init__(self, client, issuer: str) -> None:
        self.client, self.issuer, self.at_provider = client, issuer, requests.Session()

    def log_in(
        self,
        login: str | None,
        password: str = "",
        start: str = f"/login/sso/{PROVIDER_KEY}",
        cancel: bool = False,
        tamper=None,
    ):
        """Start at ``start``, log in at the provider as ``login`` (or cancel there), and return
        the site's answer to the callback (``tamper(url)`` may change the callback's address)."""
        answer = self.client.get(start)
        assert answer.status_code == 302, answer.status_code
        url = answer.headers["Location"]
        assert url.startswith(self.issuer + "/auth?"), url
        callback = self.through_provider(url, login, password, cancel)
        if tamper is not None:
            callback = tamper(callback)
        return self.client.get(callback.removeprefix(SITE))

    def through_provider(self, url: str, login: str | None, password: str, cancel: bool) -> str:
        for _ in range(10):
            answer = self.at_provider.get(url, allow_redirects=False, timeout=10)
            if answer.status_code in (302, 303):
                url = urljoin(url, answer.headers["Location"])
                if url.startswith(SITE + "/"):
                    return url
                continue
            assert answer.status_code == 200, (answer.status_code, answer.text)
            uid = re.search(r"/interaction/([^/\"]+)/login", answer.text).group(1)
            action = "abort" if cancel else "login"
            answer = self.at_provider.post(
                f"{self.issuer}/interaction/{uid}/{action}",
                data={"login": login or "", "password": password},
                allow_redirects=False,
                timeout=10,
            )
            assert answer.status_code in (302, 303), (answer.status_code, answer.text)
            url = urljoin(url, answer.headers["Location"])
            if url.startswith(SITE + "/"):
                return url
        raise AssertionError(f"the provider never sent the browser back: {url}")
