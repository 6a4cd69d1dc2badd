"""Digital Bazaar's verifier (the one most wallets and verifiers build on), run with Node.js.

``interop/`` holds the npm packages pinned in ``package.json`` and ``package-lock.json`` and a
small script, ``verify.mjs``, that verifies credentials with ``@digitalbazaar/vc`` and the
``eddsa-rdfc-2022`` cryptosuite (jsonld.js in safe mode) and checks their Bitstring Status
List. ``make test`` runs ``npm ci`` there; `installed_verifier` does it too when the packages are
missing or older than the lock file, so that a plain ``pytest`` works.

Nothing is fetched while verifying: the script's document loader answers with the contexts this
plugin ships (the same files the Python signer reads) and with the documents the app serves,
read here through the Flask test client.
"""

from __future__ import annotations

import fcntl
import json
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from nttlearn_certificates.contexts import CONTEXT_FILES, CONTEXTS_DIR

INTEROP_DIR = Path(__file__).parent / "interop"
SCRIPT = INTEROP_DIR / "verify.mjs"
NPM_TIMEOUT = 600
VERIFY_TIMEOUT = 120


@dataclass
class NodeVerdict:
    """What the reference verifier said about one credential."""

    verified: bool
    revoked: bool | None
    errors: list[str] = field(default_factory=list)
    loaded: list[str] = field(default_factory=list)


def installed_verifier() -> str:
    """The path of ``node`` once the pinned packages are installed (``npm ci``, only if needed).

    Skips the calling test when Node.js is not installed: ``make test`` installs Debian's
    ``nodejs`` and ``npm``; a plain ``pytest`` on a machine without them cannot run these tests.
    """
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.skip(
            "Node.js and npm are not installed, so credentials cannot be checked with "
            "Digital Bazaar's verifier: `make test` installs them (Debian's nodejs and npm)"
        )
    with open(INTEROP_DIR / ".npm-ci.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # two test sessions at once install once
        if _needs_install():
            done = subprocess.run(
                [npm, "ci", "--no-audit", "--no-fund"],
                cwd=INTEROP_DIR,
                capture_output=True,
                text=True,
                timeout=NPM_TIMEOUT,
            )
            if done.returncode != 0:
                pytest.fail(f"`npm ci` in {INTEROP_DIR} failed:\n{done.stdout}\n{done.stderr}")
    return node


def _needs_install() -> bool:
    installed = INTEROP_DIR / "node_modules" / ".package-lock.json"
    lock_file = INTEROP_DIR / "package-lock.json"
    return not installed.is_file() or installed.stat().st_mtime < lock_file.stat().st_mtime


def served_documents(client, base_url: str, credentials: list[dict[str, Any]]) -> dict[str, Any]:
    """What a verifier would fetch for `credentials`, as the app serves it: the issuer profile
    (the keys' controller document), every published key, and each status list named."""
    documents: dict[str, Any] = {}

    def fetch(url: str) -> None:
        assert url.startswith(base_url + "/"), url
        response = client.get(url.removeprefix(base_url))
        assert response.status_code == 200, (url, response.status_code)
        documents[url] = response.get_json()

    fetch(f"{base_url}/certificates/issuer")
    for key in client.get("/certificates/keys").get_json():
        fetch(key["id"])
    for credential in credentials:
        status = credential.get("credentialStatus")
        if isinstance(status, dict) and status.get("statusListCredential"):
            fetch(status["statusListCredential"])
    return documents


def verify_with_node(
    node: str, credentials: list[dict[str, Any]], documents: dict[str, Any], now: str | None = None
) -> list[NodeVerdict]:
    """Verify each credential with the reference verifier, in one Node process (at `now`, an
    ISO date and time, instead of the clock when given)."""
    contexts = {url: str(CONTEXTS_DIR / filename) for url, filename in CONTEXT_FILES.items()}
    request = [
        {
            "credential": credential,
            "contexts": contexts,
            "documents": documents,
            **({"now": now} if now else {}),
        }
        for credential in credentials
    ]
    done = subprocess.run(
        [node, str(SCRIPT), "-"],
        cwd=INTEROP_DIR,
        input=json.dumps(request),
        capture_output=True,
        text=True,
        timeout=VERIFY_TIMEOUT,
    )
    assert done.returncode == 0, done.stderr
    return [NodeVerdict(**verdict) for verdict in json.loads(done.stdout)]
