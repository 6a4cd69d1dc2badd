"""300 learners submit their open quiz attempts at the same moment, against gunicorn and
PostgreSQL on 127.0.0.1; then every attempt is checked: exactly one grade, no answer lost.

Goal (issue 5): all 300 submissions within 10 s. What it does:

1. Creates a throw-away PostgreSQL database (``--postgres``, default
   ``postgresql+psycopg://postgres@127.0.0.1:5432/postgres`` names the server; skipped with a
   message when nobody answers there), migrates it with every installed plugin, and builds a
   course with a quiz of ten auto-graded questions (every GIFT type but essays) and 300 enrolled
   learners, each with an attempt in progress.
2. Serves nttlearn with gunicorn (``--workers``, ``--threads``) on a free port of 127.0.0.1,
   CSRF on, as in production.
3. Opens each learner's attempt page (its form and CSRF token), untimed. Learners are logged in
   by a session cookie signed with the instance's secret key, exactly what the login form sets:
   300 argon2 verifications would only slow the set-up down.
4. Releases all 300 submissions at once from ``--connections`` client threads (keep-alive
   ``http.client``). Every tenth learner double-clicks: a second, identical submission races the
   first. Each submission carries the learner's answers (a different answer set per learner).
5. Reports submits/s, p50/p95/max latency and the wall time, then proves from the database that
   every attempt is finished with one grade (one ``quiz.attempt_submitted`` event, a score) and
   that every answer posted is the answer stored. Exit status 0 when all of that holds and the
   goal is met.

    .venv/bin/python bench/quiz_burst.py [--learners 300] [--connections 32] [--json]

With ``--nodes 2`` the same burst goes through one entry point, nginx (Debian's ``nginx`` or
``nginx-light`` package; the benchmark says so and stops when it is not installed), started by
the benchmark on a free port in front of two gunicorn app nodes. The nodes share PostgreSQL and
the secret key but not a disk (an instance folder each, ``NTTLEARN_STORAGE=database``), as in
production; nginx logs which node served each request, and the check from the database is the
same: nothing lost, nothing graded twice, whichever node took the double click.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _server import HOST, Gunicorn, free_port, instance_env, serve  # noqa: E402

GOAL_S = 10.0
PASSWORD = "burst-password-2010"  # noqa: S105 - a throw-away benchmark account
GIFT = """$CATEGORY: Burst

::Coordinator::Which organisation coordinated NTT+?{=SERN ~Eurocities ~CEMR ~Interreg}
::Year::NTT+ ran in 2010.{T}
::Town::Name the Swedish partner town.{=Luleå =Lulea}
::Participants::How many participants took part?{#69:1}
::Range::How many organisations? Any number from 50 to 60.{#50..60}
::Match::Match each town with its country.{=Bologna -> Italy =Luleå -> Sweden =Helsinki -> Finland}
::Areas::Which two were NTT+ policy areas?{~%50%Youth ~%50%Renewable energy ~%-100%Defence ~%-100%Banking}
::Missing::The project cycle starts with {=programming ~evaluation ~audit}.
::Phase::Which phase designs the logframe?{=Formulation ~Implementation ~Evaluation}
::Meeting::Where was the first transnational meeting?{=Bologna ~Luleå ~Helsinki ~La Coruña}
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=300)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument(
        "--nodes", type=int, default=1, help="app nodes behind an nginx load balancer"
    )
    parser.add_argument(
        "--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.nodes > 1 and nginx_command() is None:
        print("SKIPPED: --nodes needs nginx as the load balancer: apt-get install nginx-light")
        return 0

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import OperationalError

    server_url = make_url(args.postgres)
    admin = create_engine(
        server_url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3}
    )
    try:
        with admin.connect() as conn:
            conn.execute(text("SELECT 1"))
    except OperationalError as exc:
        print(
            f"SKIPPED: PostgreSQL is not reachable at {server_url.render_as_string(hide_password=True)} "
            f"({str(exc).splitlines()[0]}). Start it (or pass --postgres URL) to run this benchmark."
        )
        return 0
    name = f"nttlearn_burst_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    database = server_url.set(database=name).render_as_string(hide_password=False)
    try:
        with tempfile.TemporaryDirectory(prefix="nttlearn-burst-") as folder:
            return _run(args, Path(folder), database)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _run(args: argparse.Namespace, instance: Path, database: str) -> int:
    env = instance_env(instance)
    env["NTTLEARN_DATABASE_URL"] = database
    if args.nodes > 1:  # nodes share the database and the secret key, not a disk
        os.environ["NTTLEARN_SECRET_KEY"] = env["NTTLEARN_SECRET_KEY"] = uuid.uuid4().hex * 2
        env.update({"NTTLEARN_STORAGE": "database", "NTTLEARN_PROXY_COUNT": "1"})
    learners = _build(instance, database, args.learners)
    settings = Gunicorn(workers=args.workers, threads=args.threads)
    with contextlib.ExitStack() as stack:
        servers = []
        for n in range(args.nodes):
            node_env = dict(env)
            if args.nodes > 1:
                node_env["NTTLEARN_INSTANCE_PATH"] = str(instance / f"node-{n + 1}")
            servers.append(
                stack.enter_context(serve(f"node {n + 1}", "wsgi:app", node_env, settings))
            )
        balancer = (
            stack.enter_context(nginx([s.port for s in servers], instance))
            if args.nodes > 1
            else None
        )
        port = balancer.port if balancer else servers[0].port
        sessions = _prepare(port, learners, args.connections)
        cpu_before = _cpu(servers)
        if balancer:
            balancer.forget_log()
        results = _burst(port, sessions, args.connections)
        cpu_after = _cpu(servers)
        per_node = balancer.requests_per_node() if balancer else {}
    cpu_ms = (
        None
        if cpu_before is None or cpu_after is None
        else 1000 * (cpu_after - cpu_before) / len(results)
    )
    check = _verify(instance, database, sessions)
    latencies = sorted(r["seconds"] for r in results)
    wall = max(r["end"] for r in results) - min(r["start"] for r in results)
    failures = [r for r in results if r["status"] != 302]
    figures = {
        "learners": len(sessions),
        "requests": len(results),
        "double_clicks": sum(1 for s in sessions if s["twice"]),
        "wall_s": round(wall, 3),
        "submits_per_s": round(len(results) / wall, 1),
        "p50_ms": round(1000 * latencies[len(latencies) // 2], 1),
        "p95_ms": round(1000 * latencies[min(len(latencies) - 1, int(len(latencies) * 0.95))], 1),
        "max_ms": round(1000 * latencies[-1], 1),
        "mean_ms": round(1000 * statistics.fmean(latencies), 1),
        "failed_requests": len(failures),
        "server": settings.describe(),
        "connections": args.connections,
        "nodes": args.nodes,
        "requests_per_node": per_node,
        "server_cpu_ms_per_submit": None if cpu_ms is None else round(cpu_ms, 1),
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg()[0],
        **check,
    }
    met = (
        not failures
        and wall <= GOAL_S
        and check["attempts_with_one_grade"] == len(sessions)
        and check["answers_lost"] == 0
        and check["extra_grades"] == 0
    )
    figures["goal_met"] = met
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        print(
            f"{figures['learners']} learners ({figures['double_clicks']} double-clicking) submit at once: "
            f"{figures['requests']} requests over {args.connections} connections to "
            f"{args.nodes} x {figures['server']}{' behind nginx' if args.nodes > 1 else ''}, PostgreSQL"
        )
        if per_node:
            print(
                "requests per node: "
                + ", ".join(f"{node} {count}" for node, count in sorted(per_node.items()))
            )
        print(
            f"wall {figures['wall_s']:.2f} s (goal <= {GOAL_S:g} s) · {figures['submits_per_s']:.0f} submits/s · "
            f"p50 {figures['p50_ms']:.0f} ms · p95 {figures['p95_ms']:.0f} ms · max {figures['max_ms']:.0f} ms · "
            f"failed {figures['failed_requests']}"
        )
        if cpu_ms is not None:
            print(
                f"server CPU {cpu_ms:.0f} ms per submission (gunicorn and its workers; {os.cpu_count()} CPUs, "
                f"load average {figures['load_average']:.1f} while measuring)"
            )
        print(
            f"attempts finished with exactly one grade: {check['attempts_with_one_grade']}/{len(sessions)} · "
            f"extra grades: {check['extra_grades']} · answers checked: {check['answers_checked']} · "
            f"answers lost: {check['answers_lost']}"
        )
        print("goal met" if met else "GOAL NOT MET")
        for failure in failures[:5]:
            print(f"  failed: {failure}", file=sys.stderr)
    return 0 if met else 1


def _cpu(servers: list[Any]) -> float | None:
    seconds = [server.cpu_seconds() for server in servers]
    return None if None in seconds else sum(seconds)


def nginx_command() -> str | None:
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None
    )


class Balancer:
    """nginx on a free port in front of the nodes; its log names the node of each request."""

    def __init__(self, port: int, log: Path) -> None:
        self.port, self.log = port, log

    def forget_log(self) -> None:
        self.log.write_text("")

    def requests_per_node(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for line in self.log.read_text().splitlines():
            if " POST " in f" {line} ":
                node = line.split()[0]
                counts[node] = counts.get(node, 0) + 1
        return counts


@contextlib.contextmanager
def nginx(ports: list[int], folder: Path):
    """nginx as the one entry point: round robin over the nodes, keep-alive to each."""
    port = free_port()
    home = folder / "nginx"
    home.mkdir()
    upstreams = "\n".join(f"        server {HOST}:{p};" for p in ports)
    (home / "nginx.conf").write_text(
        f"""
worker_processes 1;
daemon off;
pid {home}/nginx.pid;
error_log {home}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    client_body_temp_path {home}; proxy_temp_path {home}; fastcgi_temp_path {home};
    uwsgi_temp_path {home}; scgi_temp_path {home};
    log_format node '$upstream_addr $request_method $status';
    access_log {home}/access.log node;
    upstream nttlearn {{
{upstreams}
        keepalive 64;
    }}
    server {{
        listen {HOST}:{port};
        location / {{
            proxy_pass http://nttlearn;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_next_upstream off;
        }}
    }}
}}
""",
        encoding="utf-8",
    )
    process = subprocess.Popen(
        [nginx_command(), "-c", str(home / "nginx.conf"), "-p", str(home)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection((HOST, port), timeout=0.5).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(
                        "nginx did not start: " + (home / "error.log").read_text()
                    ) from None
                time.sleep(0.1)
        yield Balancer(port, home / "access.log")
    finally:
        process.terminate()
        process.wait(10)


def _build(instance: Path, database: str, count: int) -> list[dict[str, Any]]:
    """Schema, a course with the quiz, and ``count`` enrolled learners with open attempts."""
    import flask_migrate

    os.environ["NTTLEARN_INSTANCE_PATH"] = str(instance)
    from nttlearn import create_app, db
    from nttlearn.auth.passwords import hash_password
    from nttlearn.auth.sessions import create_session_record
    from nttlearn.models import Activity, Course, Enrolment, Module, User

    app = create_app({"SQLALCHEMY_DATABASE_URI": database, "INSTANCE_PATH": str(instance)})
    with app.app_context():
        flask_migrate.upgrade(revision="heads")
        from nttlearn_quiz.activity import import_definition
        from nttlearn_quiz.models import Quiz
        from nttlearn_quiz.services import start_attempt

        course = Course(slug="burst", title="Burst", published=True, self_enrolment=True)
        db.session.add(course)
        db.session.flush()
        module = Module(course_id=course.id, key="module", position=1, title="Module")
        db.session.add(module)
        db.session.flush()
        activity = Activity(
            module_id=module.id, key="quiz", position=1, type_key="quiz", title="Burst quiz"
        )
        db.session.add(activity)
        db.session.flush()
        (instance / "quiz.gift").write_text(GIFT.replace("\n::", "\n\n::"), encoding="utf-8")
        import_definition(activity, {"file": "quiz.gift", "pass_mark": 50, "attempts": 1}, instance)
        quiz = db.session.get(Quiz, activity.id)
        password_hash = hash_password(PASSWORD)
        sessions = app.session_interface.get_signing_serializer(app)
        learners = []
        for n in range(count):
            user = User(
                email=f"burst{n}@example.org", name=f"Learner {n}", password_hash=password_hash
            )
            db.session.add(user)
            db.session.flush()
            db.session.add(Enrolment(user_id=user.id, course_id=course.id))
            attempt = start_attempt(quiz, user.id)
            token = create_session_record(user)  # a server-side session, as logging in makes
            cookie = {
                app.config["SESSION_COOKIE_NAME"]: sessions.dumps(
                    {"_user_id": token, "_fresh": True}
                )
            }
            learners.append(
                {
                    "email": user.email,
                    "user_id": user.id,
                    "attempt_id": attempt.id,
                    "cookies": cookie,
                }
            )
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return learners


class Browser:
    """One keep-alive connection with its own cookies."""

    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection(HOST, port, timeout=60)
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, form: list[tuple[str, str]] | None = None
    ) -> tuple[int, dict, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";", 1)[0]
        return response.status, dict(response.getheaders()), text


def _csrf(html: str) -> str:
    match = re.search(
        r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"', html
    )
    if not match:
        raise SystemExit("no CSRF token on the page")
    return match[1] or match[2]


def _answers(html: str, n: int) -> tuple[list[tuple[str, str]], dict[int, Any]]:
    """A learner's form: some right answers, some wrong, some left empty, different per learner;
    and what each question's stored response must then be (by the page's own values)."""
    form: list[tuple[str, str]] = [
        (m[0], m[1]) for m in re.findall(r'name="(seq-\d+)" value="(\d+)"', html)
    ]
    expected: dict[int, Any] = {}
    for slot in sorted(int(m) for m in re.findall(r'name="seq-(\d+)"', html)):
        name = f"q{slot}"
        radios = re.findall(rf'type="(radio|checkbox)" name="{name}" value="([^"]+)"', html)
        selects = re.findall(rf'<select id="{name}-(\d+)"', html)
        choice = (n + slot) % 4
        if radios and radios[0][0] == "radio":
            if choice == 3:
                continue
            value = radios[choice % len(radios)][1]
            form.append((name, value))
            expected[slot] = ("radio", value)
        elif radios:
            values = [v for _t, v in radios][: 1 + choice % 3]
            form += [(name, v) for v in values]
            expected[slot] = ("checkbox", sorted(values))
        elif selects:
            picks = [(f"{name}-{i}", str((int(i) + n) % 3)) for i in selects]
            form += picks
            expected[slot] = ("select", picks)
        else:
            value = ["69", "Luleå", "55", "sixty"][choice]
            form.append((name, value))
            expected[slot] = ("text", value)
    return form, expected


def _prepare(port: int, learners: list[dict[str, Any]], connections: int) -> list[dict[str, Any]]:
    """Read every learner's attempt page with their session cookie (untimed)."""
    sessions: list[dict[str, Any]] = []
    lock = threading.Lock()
    queue = list(enumerate(learners))

    def worker() -> None:
        while True:
            with lock:
                if not queue:
                    return
                n, learner = queue.pop()
            browser = Browser(port)
            browser.cookies = dict(learner["cookies"])
            status, _h, html = browser.request("GET", f"/quiz/attempt/{learner['attempt_id']}")
            if status != 200:
                raise SystemExit(f"attempt page of {learner['email']}: {status}")
            form, expected = _answers(html, n)
            browser.conn.close()
            with lock:
                sessions.append(
                    {
                        **learner,
                        "cookies": browser.cookies,
                        "csrf": _csrf(html),
                        "form": form,
                        "expected": expected,
                        "twice": n % 10 == 0,
                    }
                )

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(sessions, key=lambda s: s["attempt_id"])


def _burst(port: int, sessions: list[dict[str, Any]], connections: int) -> list[dict[str, Any]]:
    """Every submission released at once; a double-clicking learner's two requests race."""
    jobs = [(s, copy) for s in sessions for copy in range(2 if s["twice"] else 1)]
    jobs.sort(key=lambda j: (j[1], j[0]["attempt_id"]))
    results: list[dict[str, Any]] = []
    lock = threading.Lock()
    barrier = threading.Barrier(connections)

    def worker(index: int) -> None:
        mine = jobs[index::connections]
        barrier.wait()
        for session, _copy in mine:
            browser = Browser(
                port
            )  # a double click's second request comes on a connection of its own
            browser.cookies = dict(session["cookies"])
            started = time.perf_counter()
            status, _h, _t = browser.request(
                "POST",
                f"/quiz/attempt/{session['attempt_id']}/submit",
                [("csrf_token", session["csrf"]), *session["form"]],
            )
            ended = time.perf_counter()
            browser.conn.close()
            with lock:
                results.append(
                    {
                        "attempt_id": session["attempt_id"],
                        "status": status,
                        "start": started,
                        "end": ended,
                        "seconds": ended - started,
                    }
                )

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def _verify(instance: Path, database: str, sessions: list[dict[str, Any]]) -> dict[str, int]:
    """From the database: one grade per attempt, and every posted answer stored as posted."""
    from nttlearn import create_app, db
    from nttlearn.models import EventRecord

    app = create_app({"SQLALCHEMY_DATABASE_URI": database, "INSTANCE_PATH": str(instance)})
    with app.app_context():
        from nttlearn_quiz.models import Attempt, AttemptAnswer, QuestionVersion
        from nttlearn_quiz.widgets import read_response

        events: dict[int, int] = {}
        for data in db.session.execute(
            db.select(EventRecord.data).where(EventRecord.name == "quiz.attempt_submitted")
        ).scalars():
            events[data["attempt_id"]] = events.get(data["attempt_id"], 0) + 1
        attempts = {a.id: a for a in db.session.execute(db.select(Attempt)).scalars()}
        one_grade = sum(
            1
            for s in sessions
            if events.get(s["attempt_id"]) == 1
            and attempts[s["attempt_id"]].state == "finished"
            and attempts[s["attempt_id"]].percent is not None
        )
        extra = sum(max(0, n - 1) for n in events.values())
        rows = db.session.execute(
            db.select(AttemptAnswer, QuestionVersion.data).join(
                QuestionVersion, QuestionVersion.id == AttemptAnswer.question_version_id
            )
        ).all()
        stored = {(a.attempt_id, a.slot_number): (a, data) for a, data in rows}
        checked = lost = 0
        for session in sessions:
            form = _Form(session["form"])
            for slot in {int(k[4:]) for k, _v in session["form"] if k.startswith("seq-")}:
                answer, data = stored[(session["attempt_id"], slot)]
                wanted = read_response(data, None, form, f"q{slot}", answer.choice_order)
                checked += 1
                if wanted != answer.response:
                    lost += 1
        db.session.remove()
        db.engine.dispose()
    return {
        "attempts_with_one_grade": one_grade,
        "extra_grades": extra,
        "answers_checked": checked,
        "answers_lost": lost,
    }


class _Form:
    """The posted pairs, read like a request's form."""

    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        self.pairs = pairs

    def get(self, name: str, default: str = "") -> str:
        return next((v for k, v in self.pairs if k == name), default)

    def getlist(self, name: str) -> list[str]:
        return [v for k, v in self.pairs if k == name]


if __name__ == "__main__":
    sys.exit(main())
