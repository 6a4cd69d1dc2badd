"""How fast nttlearn serves a logged-in learner's lesson page and dashboard, beside a bare app.

Builds a throw-away instance (``nttlearn init``, ``nttlearn demo``, ``nttlearn demo --size s``),
serves nttlearn and ``bench/bare_app.py`` with the same gunicorn settings on free ports of
127.0.0.1, logs a learner in through the login form, then loads each page at each concurrency
with a bounded number of requests (and a time limit) from keep-alive ``http.client``
connections, one thread each (and the anonymous login page, nttlearn's cheapest: its layout and
a form, as a floor). Pages: the catalogue, the main course, its first lesson and first quiz, the
dashboard. Prints requests/s, p50 and p95 and each page's throughput as a share of the bare app's
and of the login page's in the same run (issue 17: every learner page >= 70% of the login page).
The goal (issue 3): lesson page >= 50% of bare, p95 < 100 ms at 32
connections. See bench/README.md.

    .venv/bin/python bench/pages.py [--requests 2000] [--connections 8 32] [--json]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import re
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _server import BENCH, HOST, Gunicorn, Server, instance_env, nttlearn, serve  # noqa: E402

MAIN_COURSE = "designing-twinned-town-networks"
GOAL_SHARE, GOAL_P95_MS, GOAL_CONNECTIONS = 0.50, 100.0, 32
CSRF = re.compile(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"')
LESSON_LINK = re.compile(rf'href="(/courses/{MAIN_COURSE}/lessons/(\d+))"')
QUIZ_LINK = re.compile(r'href="(/quiz/\d+)"')
# The learner's pages, each measured against the anonymous login page of the same run (issue 17).
LEARNER_PAGES = ("catalogue", "course", "lesson", "quiz", "dashboard")
GOAL_LOGIN_SHARE = 0.70


# -- the data ----------------------------------------------------------------------------------
def build_instance(folder: Path) -> dict[str, str]:
    """A SQLite instance with the shipped courses, the NTT+ demo and the size-s data set."""
    env = instance_env(folder)
    steps = [["init"], ["demo"], ["demo", "--size", "s"]]
    if (folder / "nttlearn.sqlite").exists():
        steps = [["db", "upgrade"]]  # reused: only add the tables of plugins installed since
    for args in steps:
        print(f"  nttlearn {' '.join(args)}", flush=True)
        nttlearn(env, *args)
    return env


# -- one HTTP client session (login) -------------------------------------------------------------
class Browser:
    """Just enough of a browser to log in: a cookie jar and form posts on one connection."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.conn = http.client.HTTPConnection(HOST, server.port, timeout=30)
        self.cookies: dict[str, str] = {}

    def fail(self, message: str) -> SystemExit:
        """Stop the run, with what the server logged (its traceback, if it answered 500)."""
        return SystemExit(message + "\n--- server log ---\n" + "\n".join(self.server.log[-40:]))

    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None
    ) -> tuple[int, str, str]:
        headers = {"Cookie": self.cookie_header()} if self.cookies else {}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        text = response.read().decode()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response.status, response.getheader("Location") or "", text

    def log_in(self, email: str, password: str) -> None:
        status, _, page = self.request("GET", "/login")
        token = CSRF.search(page)
        if status != 200 or token is None:
            raise self.fail(f"GET /login answered {status} without a CSRF token")
        status, location, _ = self.request(
            "POST",
            "/login",
            {
                "csrf_token": token.group(1),
                "email": email,
                "password": password,
                "submit": "Log in",
            },
        )
        if status != 302 or "/login" in location:
            raise self.fail(
                f"logging in as {email} failed ({status} -> {location or 'no redirect'})"
            )
        status, _, _ = self.request("GET", "/dashboard")
        if status != 200:
            raise self.fail(f"the dashboard answered {status} after logging in")


# -- the load generator ----------------------------------------------------------------------------
@dataclass
class Result:
    target: str
    connections: int
    requests: int
    errors: int
    seconds: float
    requests_per_second: float
    p50_ms: float
    p95_ms: float
    server_cpu_ms: float | None
    client_cpu_ms: float
    share_of_bare: float | None = None
    share_of_login: float | None = None


def hammer(
    target: str,
    server: Server,
    path: str,
    headers: dict[str, str],
    connections: int,
    requests: int,
    max_seconds: float,
) -> Result:
    """GET ``path`` ``requests`` times over ``connections`` keep-alive connections (or until
    ``max_seconds``); every connection is opened before the clock starts. Also measures the CPU
    time the server and this client spent per request."""
    port = server.port
    lock = threading.Lock()
    issued = [0]
    latencies: list[list[float]] = [[] for _ in range(connections)]
    errors = [0] * connections
    ready = threading.Barrier(connections + 1)
    deadline = [0.0]

    def take_ticket() -> bool:
        with lock:
            if issued[0] >= requests or time.perf_counter() > deadline[0]:
                return False
            issued[0] += 1
            return True

    def connection(index: int) -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        conn.connect()
        ready.wait()
        mine = latencies[index]
        while take_ticket():
            started = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                conn.close()  # http.client reconnects on the next request
                ok = False
            mine.append(time.perf_counter() - started)
            if not ok:
                errors[index] += 1
        conn.close()

    threads = [
        threading.Thread(target=connection, args=(i,), daemon=True) for i in range(connections)
    ]
    for thread in threads:
        thread.start()
    deadline[0] = time.perf_counter() + max_seconds + 60  # connecting is not part of the run
    server_cpu, client_cpu = server.cpu_seconds(), time.process_time()
    ready.wait()
    started = time.perf_counter()
    deadline[0] = started + max_seconds
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    client_cpu = time.process_time() - client_cpu
    server_end = server.cpu_seconds()
    flat = sorted(x for per_connection in latencies for x in per_connection)
    cuts = statistics.quantiles(flat, n=100, method="inclusive") if len(flat) > 1 else flat * 99
    return Result(
        target=target,
        connections=connections,
        requests=len(flat),
        errors=sum(errors),
        seconds=round(seconds, 2),
        requests_per_second=round(len(flat) / seconds, 1),
        p50_ms=round(cuts[49] * 1000, 1),
        p95_ms=round(cuts[94] * 1000, 1),
        server_cpu_ms=round((server_end - server_cpu) * 1000 / len(flat), 2)
        if server_cpu is not None and server_end is not None and flat
        else None,
        client_cpu_ms=round(client_cpu * 1000 / max(len(flat), 1), 2),
    )


# -- the run -------------------------------------------------------------------------------------
def first_lesson_path(browser: Browser) -> tuple[str, int, str]:
    """The main course's first lesson (its path and id) and its first quiz's page."""
    status, _, page = browser.request("GET", f"/courses/{MAIN_COURSE}")
    link, quiz = LESSON_LINK.search(page), QUIZ_LINK.search(page)
    if status != 200 or link is None:
        raise browser.fail(
            f"the main course page answered {status} without a lesson link: is the learner enrolled?"
        )
    if quiz is None:
        raise browser.fail("the main course page links no quiz: is the quiz plugin enabled?")
    return link.group(1), int(link.group(2)), quiz.group(1)


def run(args: argparse.Namespace, context: dict[str, str]) -> list[Result]:
    settings = Gunicorn(workers=args.workers, worker_class=args.worker_class, threads=args.threads)
    with tempfile.TemporaryDirectory(prefix="nttlearn-bench-") as scratch:
        folder = Path(args.instance) if args.instance else Path(scratch) / "instance"
        print(f"Building the benchmark instance in {folder}", flush=True)
        env = build_instance(folder)
        plugins = json.loads(nttlearn(env, "plugins", "list", "--json"))
        context["plugins"] = (
            ", ".join(p["name"] for p in plugins if p["status"] == "enabled") or "none"
        )
        bare_env = dict(env, BENCH_DATABASE_URL=env["NTTLEARN_DATABASE_URL"])
        print(f"Serving both apps with `{settings.describe()}` on {HOST}", flush=True)
        with (
            serve("nttlearn", "wsgi:app", env, settings) as app,
            serve("bare", "bare_app:app", bare_env, settings, chdir=BENCH) as bare,
        ):
            browser = Browser(app)
            browser.log_in(args.email, args.password)
            lesson_path, lesson_id, quiz_path = first_lesson_path(browser)
            logged_in = {"Cookie": browser.cookie_header()}
            targets = [
                ("bare", bare, f"/lessons/{lesson_id}", {}),
                ("catalogue", app, "/", logged_in),
                ("course", app, f"/courses/{MAIN_COURSE}", logged_in),
                ("lesson", app, lesson_path, logged_in),
                ("quiz", app, quiz_path, logged_in),
                ("dashboard", app, "/dashboard", logged_in),
                # nttlearn's cheapest page: the layout and a form, no user, no course
                ("login", app, "/login", {}),
            ]
            results: list[Result] = []
            for connections in args.connections:
                for name, server, path, headers in targets:
                    # Warm-up: every worker and thread has loaded its templates before the clock runs.
                    hammer(
                        name, server, path, headers, connections, connections * 4, args.max_seconds
                    )
                    result = hammer(
                        name, server, path, headers, connections, args.requests, args.max_seconds
                    )
                    print(
                        f"  {name:<10} {connections:>3} connections: {result.requests_per_second:>7.1f} req/s",
                        flush=True,
                    )
                    results.append(result)
    for result in results:
        bare_result = next(
            r for r in results if r.target == "bare" and r.connections == result.connections
        )
        result.share_of_bare = round(
            result.requests_per_second / bare_result.requests_per_second, 3
        )
        login = next(
            r for r in results if r.target == "login" and r.connections == result.connections
        )
        result.share_of_login = round(result.requests_per_second / login.requests_per_second, 3)
    return results


def report(results: list[Result], args: argparse.Namespace, context: dict[str, str]) -> bool:
    settings = Gunicorn(workers=args.workers, worker_class=args.worker_class, threads=args.threads)
    print()
    print(
        f"{os.cpu_count()} CPUs · Python {platform.python_version()} · {settings.describe()} · SQLite · "
        f"data: demo + size s · learner {args.email}"
    )
    print(f"plugins: {context['plugins']} · load average before/after: {context['load']}")
    print(
        f"{'page':<10} {'conns':>5} {'requests':>8} {'errors':>6} {'req/s':>8} {'p50 ms':>7} {'p95 ms':>7} "
        f"{'vs bare':>7} {'vs login':>8} {'CPU ms/req':>10} {'client':>6}"
    )
    for r in results:
        cpu = f"{r.server_cpu_ms:>10.2f}" if r.server_cpu_ms is not None else f"{'—':>10}"
        print(
            f"{r.target:<10} {r.connections:>5} {r.requests:>8} {r.errors:>6} {r.requests_per_second:>8.1f} "
            f"{r.p50_ms:>7.1f} {r.p95_ms:>7.1f} {r.share_of_bare:>7.2f} {r.share_of_login:>8.2f} {cpu} {r.client_cpu_ms:>6.2f}"
        )
    behind = [
        r for r in results if r.target in LEARNER_PAGES and r.share_of_login < GOAL_LOGIN_SHARE
    ]
    print(
        f"\nGoal, every learner page >= {GOAL_LOGIN_SHARE:.0%} of the login page's throughput: "
        + (
            "met"
            if not behind
            else "MISSED by "
            + ", ".join(f"{r.target} at {r.connections} ({r.share_of_login:.0%})" for r in behind)
        )
    )
    lesson = next(
        (r for r in results if r.target == "lesson" and r.connections == GOAL_CONNECTIONS), None
    )
    if lesson is None:
        return not any(r.errors for r in results)
    share_ok, p95_ok = lesson.share_of_bare >= GOAL_SHARE, lesson.p95_ms < GOAL_P95_MS
    print(
        f"\nGoal, lesson page at {GOAL_CONNECTIONS} connections: throughput {lesson.share_of_bare:.0%} of bare "
        f"(goal >= {GOAL_SHARE:.0%}: {'met' if share_ok else 'MISSED'}), p95 {lesson.p95_ms:.0f} ms "
        f"(goal < {GOAL_P95_MS:.0f} ms: {'met' if p95_ok else 'MISSED'})"
    )
    return share_ok and p95_ok and not any(r.errors for r in results)


def load_average() -> str:
    return f"{os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else "?"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--requests", type=int, default=2000, help="requests per page and concurrency"
    )
    parser.add_argument(
        "--max-seconds", type=float, default=30.0, help="time limit per page and concurrency"
    )
    parser.add_argument("--connections", type=int, nargs="+", default=[8, 32])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--worker-class", default="gthread", choices=["gthread", "sync"])
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--email", default="learner@example.org")
    parser.add_argument("--password", default="learner-demo-2010")
    parser.add_argument(
        "--instance", help="build (or reuse) the instance here instead of a temporary folder"
    )
    parser.add_argument("--json", action="store_true", help="also print the results as JSON")
    args = parser.parse_args()
    context = {"load": load_average()}
    results = run(args, context)
    context["load"] += f" / {load_average()}"
    goal_met = report(results, args, context)
    if args.json:
        print(json.dumps([asdict(r) for r in results], indent=2))
    return 0 if goal_met else 1


if __name__ == "__main__":
    sys.exit(main())
