"""Running the benchmarks' servers: a fresh instance folder and gunicorn on a free local port.

Shared by the benchmarks in ``bench/`` so that they all build data and serve apps the same way
(same gunicorn settings for nttlearn and for the bare app they are compared with).
"""

from __future__ import annotations

import http.client
import os
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
HOST = "127.0.0.1"  # every benchmark request stays on this machine
STARTUP_TIMEOUT = 180.0  # a machine shared with other work boots gunicorn slowly


def command(name: str) -> str:
    """A console script of this Python's environment (the venv), else from PATH."""
    candidate = Path(sys.executable).parent / name
    found = str(candidate) if candidate.exists() else shutil.which(name)
    if found is None:
        raise SystemExit(f"`{name}` is not installed: run `make install` first")
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def instance_env(instance: Path) -> dict[str, str]:
    """The environment for nttlearn on ``instance``: its own SQLite database, nothing inherited."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NTTLEARN_")}
    env.update(
        {
            "NTTLEARN_INSTANCE_PATH": str(instance),
            "NTTLEARN_DATABASE_URL": f"sqlite:///{instance / 'nttlearn.sqlite'}",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def nttlearn(env: dict[str, str], *args: str) -> str:
    """Run ``nttlearn ARGS``; exit with its output if it fails."""
    result = subprocess.run(
        [command("nttlearn"), *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"`nttlearn {' '.join(args)}` failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


@dataclass(frozen=True)
class Gunicorn:
    """How both apps are served; the same settings for each, so the ratio compares the apps."""

    workers: int = 2
    worker_class: str = "gthread"
    threads: int = 4

    def describe(self) -> str:
        threads = f" --threads {self.threads}" if self.worker_class == "gthread" else ""
        return f"gunicorn -w {self.workers} -k {self.worker_class}{threads}"


@dataclass
class Server:
    name: str
    port: int
    pid: int
    log: list[str] = field(default_factory=list)

    def cpu_seconds(self) -> float | None:
        """CPU time used so far by gunicorn and its workers (Linux ``/proc``; None elsewhere).

        Unlike requests/s, CPU per request hardly moves when other programs share the machine.
        """
        try:
            children = Path(f"/proc/{self.pid}/task/{self.pid}/children").read_text().split()
            return sum(_process_cpu(int(pid)) for pid in [self.pid, *map(int, children)])
        except OSError:
            return None


def _process_cpu(pid: int) -> float:
    # Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _drain(stream, log: list[str], listening: threading.Event) -> None:
    """Keep the pipe empty (a full pipe blocks gunicorn) and notice when it listens."""
    for line in stream:
        log.append(line.rstrip())
        if "Listening at:" in line:
            listening.set()
    listening.set()  # the process ended: stop waiting, the caller finds out why


def _first_answer(port: int) -> int:
    """One GET /: it waits until a worker has booted and loaded the app."""
    conn = http.client.HTTPConnection(HOST, port, timeout=STARTUP_TIMEOUT)
    try:
        conn.request("GET", "/")
        response = conn.getresponse()
        response.read()
        return response.status
    except OSError:
        return 0
    finally:
        conn.close()


@contextmanager
def serve(
    name: str, wsgi: str, env: dict[str, str], settings: Gunicorn, chdir: Path = REPO
) -> Iterator[Server]:
    """Serve ``wsgi`` (``module:app``) with gunicorn on a free port of 127.0.0.1 while in the block."""
    port = free_port()
    args = [
        command("gunicorn"),
        "--workers",
        str(settings.workers),
        "--worker-class",
        settings.worker_class,
        "--bind",
        f"{HOST}:{port}",
        "--chdir",
        str(chdir),
        "--no-control-socket",
        "--graceful-timeout",
        "5",
    ]
    if settings.worker_class == "gthread":
        args += ["--threads", str(settings.threads)]
    process = subprocess.Popen(
        [*args, wsgi],
        cwd=chdir,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    server = Server(name=name, port=port, pid=process.pid)
    listening = threading.Event()
    threading.Thread(
        target=_drain, args=(process.stdout, server.log, listening), daemon=True
    ).start()
    try:
        if (
            not listening.wait(STARTUP_TIMEOUT)
            or process.poll() is not None
            or _first_answer(port) == 0
        ):
            raise SystemExit(f"{name}: gunicorn did not start:\n" + "\n".join(server.log[-40:]))
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
