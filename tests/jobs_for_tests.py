"""Job functions for the job tests, importable by a real ``nttlearn worker`` started by a test
(its PYTHONPATH includes this folder)."""

from __future__ import annotations

import time
from pathlib import Path

from nttlearn.api import claim_once, send_mail_now

PAUSE_LIMIT = 60
PERIODIC_RUNS: list[str] = []


def mail_after_pause(folder: str, to: str, subject: str) -> None:
    """Claim the effect, say so in ``folder/started-*``, wait for ``folder/go`` (or a moment when
    it is ``"quick"``), then send the mail: a job a test can kill in the middle."""
    if not claim_once():
        return
    marker = Path(folder)
    (marker / f"started-{time.monotonic_ns()}").touch()
    deadline = time.monotonic() + PAUSE_LIMIT
    while not (marker / "go").exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    send_mail_now(to, subject, "Sent once.")


def fail_always(message: str) -> None:
    raise RuntimeError(message)


def record_run(folder: str) -> None:
    (Path(folder) / f"ran-{time.monotonic_ns()}").touch()


def probe_periodic_job() -> None:
    PERIODIC_RUNS.append("ran")
